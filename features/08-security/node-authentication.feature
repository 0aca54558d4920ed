@node @cap:node.auth
Feature: A node authenticating its messages with a keyed peer (spec chapter 08 sections 1 and 2)

  # The node under test is router 2 of the line 1, 2, 3 and shares key id 9 with node 3; the
  # harness signs everything it sends as node 3 and numbers it from node 3's own counter.

  @SEC-004.2 @SEC-002.2
  Scenario: A message whose tag does not verify is refused and nothing in it is acted on
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with a tag that does not verify
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN

  @SEC-003 @SEC-004.2
  Scenario: A keyed peer's message without a trailer is refused with AUTH_REQUIRED
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} without a trailer
    Then the node sends ERROR AUTH_REQUIRED to node 3
    And the node sends no TEARDOWN_ACK
    And the node sends no TEARDOWN

  @SEC-010 @SEC-005
  Scenario: What the node sends to a keyed peer, ERROR included, is signed and numbered one by one
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with a tag that does not verify
    Then the node sends ERROR AUTH_FAILED to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And every message the node sent to node 3 carries a tag that verifies under key id 9, their message_ids increasing by one

  @SEC-011.2
  Scenario: A replayed message and one older than the anti-replay window are discarded without an ERROR
    # a repeated TEARDOWN is answered again when not authenticated (SIG-034 makes it harmless)
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends its last message again
    Then the node sends nothing
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 4000
    Then the node sends nothing

  @SEC-003 @SEC-004.2
  Scenario: A node requiring authentication from every node refuses an unkeyed node's SETUP and reserves nothing
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9 and requiring authentication from every node
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends ERROR AUTH_REQUIRED to node 1
    And the node sends no SETUP
    And the node sends no REJECT

  @SEC-003
  Scenario: A node requiring authentication from its keyed peers only takes an unkeyed node's SETUP
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no ERROR

  @SEC-013
  Scenario: A restarted node numbers what it sends a keyed peer above everything it sent it before
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    When the node restarts
    And node 3 sends TEARDOWN {"circuit_id": 8, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 3
    And no message_id it sent to node 3 after the restart was sent to it before

  @SEC-014
  Scenario: A message accepted before a restart is discarded when replayed after it
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When the node restarts
    And node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    Then the node sends no TEARDOWN_ACK
    And the node sends no ERROR

  @SEC-014
  Scenario: After a restart a keyed peer's next message is accepted
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5000
    And the node restarts
    And node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} numbered 5001
    Then the node sends TEARDOWN_ACK to node 3
