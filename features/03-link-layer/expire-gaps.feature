@node
Feature: A HERALD lost on its way: the gap in seqs, EXPIRE and its retransmission (spec chapter 03 section 4)
  Router node 2 on the line 1 - 2 - 3, with two memory qubits reserved per link, so that it
  attempts on link 1 again while it holds the pair of seq 1. The harness plays the stations
  and node 1, which acknowledges an EXPIRE only when a scenario says so.

  @LINK-016 @LINK-010.1
  Scenario: A success whose seq skips one makes the node expire the missing pair at its link peer
    # the HERALD of seq 2 never reached the node (lost on its way): the peer holds that pair alone
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    And its "body" is {"link_id": 1, "first_seq": 2, "last_seq": 2}

  @LINK-016
  Scenario: A first success with seq 3 makes the node expire seqs 1 and 2 at its link peer
    # no seq has been heralded to the node yet: the station's first seq is 1, so the HERALD of
    # seqs 1 and 2 never reached the node
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    And its "body" is {"link_id": 1, "first_seq": 1, "last_seq": 2}

  @LINK-016
  Scenario: Consecutive seqs make the node expire nothing
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    Then the node sends no EXPIRE

  @LINK-012.2
  Scenario: An EXPIRE the link peer does not acknowledge is sent again
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    When the clock advances to 5000000 ns
    Then the node has sent at least 2 copies of EXPIRE to node 1, each with the first one's message_id and body

  @LINK-012.2
  Scenario: An acknowledged EXPIRE is not sent again
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    When node 1 sends EXPIRE_ACK {"link_id": 1, "first_seq": 2, "last_seq": 2}
    And the clock advances to 5000000 ns
    Then the node has sent 1 copies of EXPIRE to node 1, each with the first one's message_id and body
