@node
Feature: CONFIRM and REJECT at a hop (spec chapter 05 sections 5 and 6)

  Background:
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3

  @SIG-010.1 @SIG-010.2 @FWD-001.1
  Scenario: CONFIRM installs the node's rules and travels on upstream unchanged
    When node 3 confirms circuit 7 along route 1, 2, 3
    Then the node sends CONFIRM to node 1
    And the CONFIRM the node sent to node 1 carries the rules of the CONFIRM node 3 sent, unchanged
    And its "body.rules.4.action" is "SWAP"
    When the clock advances to 1000 ns
    Then the node sends ATTEMPT to node 1001
    And the node sends ATTEMPT to node 1002

  @SIG-020.2 @SIG-002.1
  Scenario: REJECT releases the reservation and travels on upstream unchanged
    When node 3 sends REJECT {"circuit_id": 7, "reason": "FIDELITY_UNREACHABLE", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends REJECT FIDELITY_UNREACHABLE to node 1
    And its "body.rejecting_node" is 3
    And its "body" is {"circuit_id": 7, "reason": "FIDELITY_UNREACHABLE", "rejecting_node": 3, "retry_after_ns": 0}
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no REJECT

  @SIG-006.1
  Scenario: A second CONFIRM for an established circuit is refused as unexpected
    When node 3 confirms circuit 7 along route 1, 2, 3
    Then the node sends CONFIRM to node 1
    When node 3 confirms circuit 7 along route 1, 2, 3
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3

  @SIG-006.1
  Scenario: A CONFIRM for a circuit the node never saw is refused as unexpected
    When node 3 confirms circuit 99 along route 1, 2, 3
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3

  @SIG-006.2
  Scenario: A TEARDOWN_ACK for a circuit that is not closing is ignored without an ERROR
    When node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 0}
    Then the node sends nothing

  @SIG-006.2
  Scenario: A TEARDOWN_ACK for a circuit the node never saw is ignored without an ERROR
    When node 3 sends TEARDOWN_ACK {"circuit_id": 99, "released_memory": 0}
    Then the node sends nothing

  @SIG-020.2 @SIG-022
  Scenario: A REJECT with a retry hint travels on upstream with every field unchanged
    When node 3 sends REJECT {"circuit_id": 7, "reason": "BUSY", "rejecting_node": 3, "retry_after_ns": 5000000}
    Then the node sends REJECT BUSY to node 1
    And its "body" is {"circuit_id": 7, "reason": "BUSY", "rejecting_node": 3, "retry_after_ns": 5000000}
    And the node sends no ERROR
