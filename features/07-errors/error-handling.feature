@node
Feature: The codes a node sends and what it does with the messages it refuses (spec chapter 07)
  Router node 2 on the line 1 - 2 - 3; the harness plays its neighbours and the heralding
  stations of its links (node 1000 + link).

  Background:
    Given a router node 2 between nodes 1 and 3

  @ERR-002.1
  Scenario: A message type a node does not accept is refused with a registered code
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 7, "slot_ns": 1000, "modes": 1}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 1
    And every ERROR the node sent carries a code of the error registry

  @ERR-002.2 @ERR-005
  Scenario: A station's ERROR with a code the node does not know fails the attempt by its class
    # 0x01E5 = 485: a link-class code in the experimental range
    Given circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And the station answers the node's attempt on link 1 with ERROR code 485
    Then the node sends no ERROR
    And the node holds 0 memory qubits besides those of its unanswered attempts
    When the clock advances to 1000 ns
    Then the node sends 1 ATTEMPT to node 1001

  @ERR-006
  Scenario: A TEARDOWN refused for a malformed body is not acted on
    Given circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL", "colour": 3}
    Then the node sends ERROR SCHEMA_VIOLATION to node 1
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And the node sends TEARDOWN to node 3
