@node
Feature: Acknowledgement and retransmission (spec chapter 11 section 2)
  Router node 2 sits on the line 1 - 2 - 3; the harness plays nodes 1 and 3. Unless a scenario
  says otherwise the harness acknowledges every acknowledged message the node sends, as live
  peers would, and the node's retransmission timers keep their defaults (rto_initial 2 ms,
  doubling, 6 retransmissions).

  @REL-001
  Scenario: An accepted SETUP is acknowledged to its sender, naming its message_id and type
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node acknowledges that message

  @REL-002
  Scenario: A refused SETUP is answered with ERROR, not ACK
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 1, 3
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node does not acknowledge that message

  @REL-003
  Scenario: A SETUP nobody acknowledges is sent again, unchanged
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And the clock advances to 5000000 ns
    Then the node has sent 2 copies of SETUP to node 3, each with the first one's message_id and body

  @REL-003
  Scenario: An acknowledged SETUP is not sent again
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And the clock advances to 300000000 ns
    Then the node has sent 1 copies of SETUP to node 3, each with the first one's message_id and body

  @REL-024
  Scenario: A SETUP of a circuit released meanwhile is not sent again
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And the clock advances to 50000000 ns
    Then the node has sent 1 copies of SETUP to node 3, each with the first one's message_id and body
    And the node sends TEARDOWN to node 3

  @REL-005
  Scenario: Each retransmission waits twice as long as the one before
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And the clock advances in 100000 ns steps to 40000000 ns
    Then the node has sent 5 copies of SETUP to node 3, each with the first one's message_id and body
    And the gaps between the SETUPs the node sent to node 3 double each time

  @REL-006
  Scenario: After its last retransmission the node gives up and tears the circuit down with FAILURE
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And the clock advances to 500000000 ns
    Then the node has sent 7 copies of SETUP to node 3, each with the first one's message_id and body
    And the node sends TEARDOWN to node 1
    And its "body.reason" is "FAILURE"

  @REL-007
  Scenario: A second copy of an accepted SETUP is acknowledged again and not acted on again
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And node 1 sends its last message again
    Then the node acknowledges that message 2 times
    And the node sends 1 SETUP to node 3
    And the node sends no ERROR

  @REL-008
  Scenario: A second copy of a TEARDOWN is acknowledged again and changes nothing else
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When node 1 sends its last message again
    Then the node sends TEARDOWN_ACK to node 1
    And the node sends no TEARDOWN
