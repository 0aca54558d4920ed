@node
Feature: TEARDOWN at a node that ends a circuit (spec chapter 05 section 8)
  Router 2 of the line 1 - 2 - 3 is the tail end of circuit 7 along route 3, 2; node 1 is its
  neighbour on the line but not on the circuit's route.

  Background:
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And the application has opened endpoint 6 for node 3 endpoint 5
    And circuit 7 along route 3, 2 is established at the node

  @SIG-037.1 @SIG-037.2 @ERR-006
  Scenario: TEARDOWN from a linked node that is not on the circuit's route is refused and releases nothing
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 1
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1

  @SIG-033 @SIG-032.1
  Scenario: TEARDOWN from the circuit's one neighbour is acknowledged with the released memory and goes no further
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And its "body" is {"circuit_id": 7, "released_memory": 1}
    And the node sends no TEARDOWN

  @SIG-032.2
  Scenario: A node that ends a circuit itself sends TEARDOWN to its neighbour on the circuit's route
    When the application sends CLOSE_ENDPOINT {"endpoint": 6}
    Then the node sends TEARDOWN to node 3
    And its "body.reason" is "NORMAL"
