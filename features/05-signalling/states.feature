@node
Feature: Signalling messages in each circuit state (spec chapter 05 section 2)
  Router 2 of the line 1 - 2 - 3; a circuit is CLOSING once the node has sent TEARDOWN and
  waits for TEARDOWN_ACK, and IDLE again once every acknowledgement is in.

  @SIG-006.1
  Scenario: A CONFIRM for a circuit that is closing is refused as unexpected and not forwarded
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When node 3 confirms circuit 7 along route 1, 2, 3
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no CONFIRM

  @SIG-006.1
  Scenario: A REJECT for a circuit that is closing is refused as unexpected and not forwarded
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When node 3 sends REJECT {"circuit_id": 7, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no REJECT

  @SIG-006.1
  Scenario: A CONFIRM for a circuit whose teardown is complete is refused as unexpected
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When node 3 confirms circuit 7 along route 1, 2, 3
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no CONFIRM

  @SIG-006.1
  Scenario: A REJECT for a circuit whose teardown is complete is refused as unexpected
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When node 3 sends REJECT {"circuit_id": 7, "reason": "BUSY", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no REJECT

  @SIG-006.1
  Scenario: A REJECT for an established circuit is refused as unexpected and the circuit stays up
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends REJECT {"circuit_id": 7, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no REJECT
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1

  @SIG-006.1
  Scenario: A REJECT for a circuit the node never saw is refused as unexpected
    Given a router node 2 between nodes 1 and 3
    When node 3 sends REJECT {"circuit_id": 99, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 3
    And the node sends no REJECT

  @SIG-006.2
  Scenario: A TEARDOWN_ACK for an established circuit is ignored without an ERROR
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 0}
    Then the node sends no ERROR
    And the node sends no TEARDOWN
    And the node sends no TEARDOWN_ACK
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1

  @SIG-006.2
  Scenario: A TEARDOWN_ACK after the circuit's teardown is complete is ignored without an ERROR
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends nothing

  @SIG-004 @ERR-006
  Scenario: A second SETUP from the same head end for an established circuit is refused with DUPLICATE_CIRCUIT
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends ERROR DUPLICATE_CIRCUIT to node 1
    And the node sends no SETUP
    And the node sends no REJECT

  @REL-025
  Scenario: A late SETUP for the id of a circuit whose teardown is complete is ignored
    # a copy of the SETUP that the teardown overtook (chapter 11 section 4.5): within
    # closed_linger the released circuit is not set up again
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends no SETUP
    And the node sends no ERROR
    And the node sends no REJECT

  @SIG-007
  Scenario: A SETUP from another head end for the id of an established circuit is refused with BUSY and the circuit is kept
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends SETUP for circuit 7 along route 3, 2, 1
    Then the node sends REJECT BUSY to node 3
    And its "body.circuit_id" is 7
    And its "body.rejecting_node" is 2
    And the node sends no ERROR
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1
