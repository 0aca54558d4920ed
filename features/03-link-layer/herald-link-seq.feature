@node
Feature: The station's count of herald seqs, LINK_SEQ, shows a lost HERALD at the next one (spec chapter 03 section 4.1)
  Router node 2 on the line 1 - 2 - 3, with two memory qubits reserved per link, so that it
  attempts on link 1 again while it holds the pair of seq 1. The harness plays the stations
  and node 1. Every HERALD carries LINK_SEQ: the highest seq the station has assigned on the
  link, that HERALD's own results included.

  Background:
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node

  @LINK-024 @LINK-010.1
  Scenario: A HERALD with no results whose LINK_SEQ is two ahead makes the node expire exactly those two
    # the HERALD of seqs 2 and 3 never reached the node; the peer attempts with modes 0 since
    # (its quota is full), so no later success would ever show the gap
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 1
    Then the node sends no EXPIRE
    When the clock advances to 2000 ns
    And the station heralds no results and LINK_SEQ 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    And its "body" is {"link_id": 1, "first_seq": 2, "last_seq": 3}

  @LINK-024
  Scenario: A LINK_SEQ ahead at the first HERALD of the link makes the node expire from seq 1
    # no seq has been heralded to the node yet: the station's first seq is 1
    When the clock advances to 1000 ns
    And the station heralds FAILURE with seq 0 and LINK_SEQ 2 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    And its "body" is {"link_id": 1, "first_seq": 1, "last_seq": 2}

  @LINK-024
  Scenario: The results of a HERALD come before its LINK_SEQ, so a LINK_SEQ naming them expires nothing
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_MINUS with seq 2 and LINK_SEQ 2 for the node's attempt on link 1
    Then the node sends no EXPIRE
    And the node sends no ERROR

  @LINK-025 @LINK-006.3
  Scenario: The LINK_SEQ of a HERALD for another slot is not used
    # the HERALD names a slot the node made no attempt in; the HERALD of the attempt in
    # flight, which the count may already include, can still come and record seq 2
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds no results and LINK_SEQ 2 for the node's attempt on link 1 for the slot after it
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001
    And the node sends no EXPIRE
    When the station heralds PSI_MINUS with seq 2 and LINK_SEQ 2 for the node's attempt on link 1
    Then the node sends no EXPIRE
    And the node sends no ERROR

  @LINK-010.2 @LINK-012.1
  Scenario: An EXPIRE of seqs both nodes found missing is acknowledged, not refused, and frees nothing
    # both HERALDs of the slot of seqs 2 and 3 were lost: each node expires them at the other
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds no results and LINK_SEQ 3 for the node's attempt on link 1
    Then the node sends EXPIRE to node 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 2, "last_seq": 3}
    Then the node sends no ERROR
    And the node sends EXPIRE_ACK to node 1
    And its "body" is {"link_id": 1, "first_seq": 2, "last_seq": 3}

  @LINK-010.2
  Scenario: An EXPIRE naming a seq beyond the highest the node knows assigned is refused
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds no results and LINK_SEQ 3 for the node's attempt on link 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 2, "last_seq": 4}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK
