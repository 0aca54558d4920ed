@node @cap:node.auth
Feature: Keys rolled over with overlap, and authentication suites (spec chapter 08 section 1)

  # The node under test is router 2 of the line 1, 2, 3. "Keyed with node 3 under key ids 9
  # and 10" gives the node two keys for node 3, key id 9 listed first: both are valid, and
  # the node sends under key id 10, the one listed last. A TEARDOWN of a circuit the node does
  # not know is answered with TEARDOWN_ACK (SIG-034), so each accepted TEARDOWN shows as one.

  @SEC-007.1
  Scenario: A keyed peer's messages are accepted under each of the key ids the node holds for it
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key ids 9 and 10
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 9
    Then the node sends TEARDOWN_ACK to node 3
    And the node sends no ERROR
    When node 3 sends TEARDOWN {"circuit_id": 4243, "reason": "NORMAL"} under key id 10
    Then the node sends TEARDOWN_ACK to node 3
    And the node sends no ERROR
    When node 3 sends TEARDOWN {"circuit_id": 4244, "reason": "NORMAL"} signed with its key under key id 11
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK

  @SEC-007.1
  Scenario: Of three keys held for a peer, the middle one is valid too
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key ids 9 and 10 and 11
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 10
    Then the node sends TEARDOWN_ACK to node 3
    And the node sends no ERROR

  @SEC-007.2
  Scenario: The node signs what it sends a peer under the key listed last
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key ids 9 and 10
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 9
    Then the node sends TEARDOWN_ACK to node 3
    And it carries a tag that verifies under key id 10

  @SEC-007.1 @SEC-011.2
  Scenario: A peer's counter runs on across its keys, and a replay under its other key is discarded
    # one counter and one anti-replay window per peer, whichever of its keys signs (SEC-010):
    # an id accepted under key id 9 is a replay under key id 10 too
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key ids 9 and 10
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 9 numbered 5000
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 4243, "reason": "NORMAL"} under key id 10 numbered 5001
    Then the node sends TEARDOWN_ACK to node 3
    When node 3 sends TEARDOWN {"circuit_id": 4244, "reason": "NORMAL"} under key id 9 numbered 1000
    Then the node sends nothing

  @SEC-008.1
  Scenario: A message tagged with its key's own suite is accepted, one tagged with another suite is refused
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9 of suite 2
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 9
    Then the node sends TEARDOWN_ACK to node 3
    And the node sends no ERROR
    When node 3 sends TEARDOWN {"circuit_id": 4243, "reason": "NORMAL"} under key id 9 with suite 1
    Then the node sends ERROR AUTH_FAILED to node 3
    And the node sends no TEARDOWN_ACK

  @SEC-008.2
  Scenario: The node tags what it sends with the suite of the key it signs under
    Given a router node 2 between nodes 1 and 3, keyed with node 3 under key id 9 of suite 2
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} under key id 9
    Then the node sends TEARDOWN_ACK to node 3
    And it carries a tag that verifies under key id 9 with suite 2
