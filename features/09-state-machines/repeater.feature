@node @cap:node.repeater
Feature: The automated repeater (spec chapter 09 section 5, ROLE-101.1 to ROLE-101.4; RFC 9340 s.5.3.2)
  Node 2 of route 1 - 2 - 3 is an automated repeater: data plane only, with memory for one
  circuit, which circuit 7 holds. It takes no admission decisions of its own.

  Background:
    Given a repeater node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node

  @ROLE-101.1 @ROLE-101.2 @ROLE-101.4
  Scenario: A repeater relays a SETUP it has no memory left for, appending its capability, instead of refusing it
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 8
    And its "body.hops" holds 2 items
    And its "body.hops.1.node" is 2
    And the node sends no REJECT

  @ROLE-101.1
  Scenario: A repeater installs its rules from CONFIRM and relays it, then relays the circuit's TEARDOWN
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    And node 3 confirms circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 1
    And its "body.circuit_id" is 8
    When node 1 sends TEARDOWN {"circuit_id": 8, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    And the node sends TEARDOWN_ACK to node 1

  @ROLE-101.1
  Scenario: A repeater relays a REJECT of a circuit towards its head end
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 3 sends REJECT {"circuit_id": 8, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends REJECT to node 1
    And its "body.circuit_id" is 8
    And its "body.reason" is "NO_RESOURCES"
    And its "body.rejecting_node" is 3
