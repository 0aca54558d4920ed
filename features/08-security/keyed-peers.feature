@node @cap:node.auth
Feature: Verification, numbering and the anti-replay window at a keyed node (spec chapter 08)

  # The node under test is router 2 of the line 1, 2, 3. The harness signs what it sends as a
  # keyed peer with the key it shares with the node and numbers it from that peer's counter,
  # unless a step numbers a message itself. A repeated TEARDOWN is answered again with
  # TEARDOWN_ACK (SIG-034), so each accepted TEARDOWN shows as one TEARDOWN_ACK.

  @SEC-002.2 @SEC-004.2
  Scenario: A message whose first tag byte does not verify is refused and not acted on
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with the first byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN

  @SEC-002.2
  Scenario: A message whose middle tag byte does not verify is refused
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with the middle byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK

  @SEC-002.2
  Scenario: A message altered after signing is refused
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with body.reason changed to "COMPLETED" after signing
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK

  @SEC-002.2
  Scenario: A keyed peer's message signed with its key but naming another key id is refused
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} signed with its key under key id 10
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK

  @SEC-002.1
  Scenario: The node's own messages to a keyed peer carry tags that verify
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And every message the node sent to node 3 carries a tag that verifies under key id 9, their message_ids increasing by one

  @SEC-004.2
  Scenario: A forged message does not enter the anti-replay window: the genuine one with its message_id is accepted
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000 with the last byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3

  @SEC-004.2
  Scenario: A forged message numbered far ahead does not slide the anti-replay window
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, with an anti-replay window of 4
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 100000 with the first byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5
    Then the node sends TEARDOWN_ACK to node 3

  @SEC-006.2
  Scenario: A node that does not require authentication still refuses a trailer that does not verify
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, not requiring authentication
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with the middle byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} without a trailer
    Then the node sends TEARDOWN_ACK to node 3

  @SEC-010
  Scenario: The node numbers what it sends to each keyed peer from that peer's own counter
    # node 2 alternates between its two keyed peers: ERROR to 3, ERROR to 1, TEARDOWN_ACK to 3
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9 and node 1 under key id 8
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with the last byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 3
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with the last byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 1
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And every message the node sent to node 3 carries a tag that verifies under key id 9, their message_ids increasing by one

  @SEC-011.1 @SEC-011.2
  Scenario: With a window of 4, an id 4 behind the highest is discarded and one 3 behind is accepted
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, with an anti-replay window of 4
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4996
    Then the node sends nothing
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4997
    Then the node sends TEARDOWN_ACK to node 3

  @SEC-011.2
  Scenario: An older id accepted inside the window is discarded when it comes again
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, with an anti-replay window of 4
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4998
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends its last message again
    Then the node sends nothing

  @SEC-011.2
  Scenario: Ids accepted before the window slid forward are still discarded when replayed
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, with an anti-replay window of 4
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5001
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends nothing

  @SEC-011.1 @SEC-011.2
  Scenario: After the peer's counter wraps past 2^32 its new ids are accepted and its old ones discarded
    # the CONFIRM of circuit 7 was node 3's message 1; 2^31 and then 2^32 - 2 are each newer
    # than the id before them in serial-number order, and 2 is newer than 2^32 - 2
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9, with an anti-replay window of 4
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 2147483648
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4294967294
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 2
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4294967294
    Then the node sends nothing

  @SEC-003 @SEC-004.2
  Scenario: A HERALD without a trailer from a keyed heralding station is refused and records no pair
    Given a router node 2 between nodes 1 and 3, keyed with node 1001 under key id 7
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1 without a trailer
    Then the node sends ERROR AUTH_REQUIRED to node 1001
    When the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME

  @SEC-002.2 @SEC-004.2
  Scenario: A forged HERALD from a keyed heralding station is refused and records no pair
    Given a router node 2 between nodes 1 and 3, keyed with node 1001 under key id 7
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1 with the middle byte of its tag flipped
    Then the node sends ERROR AUTH_FAILED to node 1001
    When the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME

  @SEC-002.1
  Scenario: A signed HERALD from a keyed heralding station is taken
    Given a router node 2 between nodes 1 and 3, keyed with node 1001 under key id 7
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node sends SWAP_OUTCOME to node 1

  @SEC-011.1
  Scenario: A keyed peer's first message, numbered 0, is accepted
    # no message of node 3 has been accepted yet, so its window holds no id, not even 0
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} numbered 0
    Then the node sends TEARDOWN_ACK to node 3
