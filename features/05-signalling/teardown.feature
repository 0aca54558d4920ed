@node
Feature: TEARDOWN and TEARDOWN_ACK (spec chapter 05 section 8)

  Background:
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node

  @SIG-033 @SIG-032.1
  Scenario: TEARDOWN is acknowledged with the released memory and forwarded downstream
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And its "body" is {"circuit_id": 7, "released_memory": 2}
    And the node sends TEARDOWN to node 3
    And its "body.reason" is "NORMAL"

  @SIG-030
  Scenario: After TEARDOWN every reserved resource is free for a new circuit
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 8
    And the node sends no REJECT

  @SIG-030
  Scenario: After TEARDOWN the node stops attempting and holds no qubit
    When the clock advances to 1000 ns
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When the clock advances to 9000 ns
    Then the node sends no ATTEMPT
    And the node holds 0 memory qubits

  @SIG-031
  Scenario: TEARDOWN for a circuit the node does not hold is acknowledged with zero
    When node 1 sends TEARDOWN {"circuit_id": 99, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And its "body" is {"circuit_id": 99, "released_memory": 0}
    And the node sends no ERROR

  @SIG-031
  Scenario: A repeated TEARDOWN is acknowledged again with zero
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    Then the node sends TEARDOWN_ACK to node 1
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And its "body.released_memory" is 0

  @SIG-102 @SIG-034
  Scenario: A TEARDOWN from the neighbour whose acknowledgement is awaited is acknowledged and ends the wait
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And the node sends no ERROR
    When the clock advances to 100000000000 ns
    Then the node sends no TEARDOWN

  @SIG-037.1 @SIG-037.2 @ERR-006
  Scenario: TEARDOWN from a node that is not a neighbour on the route is refused
    When node 4 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 4
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1

  @SIG-004
  Scenario: A SETUP for a circuit that is closing is refused with DUPLICATE_CIRCUIT
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends ERROR DUPLICATE_CIRCUIT to node 1

  @SIG-032.1 @SIG-033
  Scenario: A TEARDOWN from downstream is forwarded upstream with its reason and acknowledged to its sender only
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "FAILURE"}
    Then the node sends TEARDOWN to node 1
    And its "body" is {"circuit_id": 7, "reason": "FAILURE"}
    And the node sends 0 TEARDOWN to node 3
    And the node sends TEARDOWN_ACK to node 3
    And its "body" is {"circuit_id": 7, "released_memory": 2}
    And the node sends 0 TEARDOWN_ACK to node 1

  @SIG-032.1
  Scenario: A TEARDOWN from upstream is forwarded downstream only, with its reason
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "CUTOFF_EXCEEDED"}
    Then the node sends TEARDOWN to node 3
    And its "body" is {"circuit_id": 7, "reason": "CUTOFF_EXCEEDED"}
    And the node sends 0 TEARDOWN to node 1

  @SIG-031
  Scenario: A repeated TEARDOWN while the node still waits for its own acknowledgement is acknowledged with zero
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And the node sends TEARDOWN to node 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And its "body" is {"circuit_id": 7, "released_memory": 0}
    And the node sends no ERROR

  @SIG-030 @cap:node.harness-device
  Scenario: TEARDOWN discards the pair the circuit holds and frees the qubits of its attempts
    Given the node holds a PSI_PLUS pair with seq 4 on link 1
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the device was asked to free 2 qubits in all
    And the node holds 0 memory qubits
