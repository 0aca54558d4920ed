@node
Feature: Herald sequence numbers and EXPIRE ranges across the wraparound (spec chapter 03 sections 3 and 4)
  Router node 2 on the line 1 - 2 - 3 reserves two slots per link for circuit 7 and has four
  communication qubits, so it attempts again on a link while it holds a pair there. Sequence
  numbers run 1 to 65535 and then start again at 1 (never 0); an EXPIRE range is taken in the
  same order, so 65535..1 names 65535 and 1.

  Background:
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 4 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node

  @LINK-005.3
  Scenario: Seq 1 after the wraparound is accepted while the node holds seq 65535
    Given the node holds a PSI_PLUS pair with seq 65535 on link 1
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node sends no ERROR
    And the node holds 2 memory qubits besides those of its unanswered attempts

  @LINK-005.3
  Scenario: The seq of a pair the node swapped away is accepted again after the wraparound
    Given the node holds a PSI_PLUS pair with seq 1 on link 1
    When the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node sends no ERROR
    And the node holds 1 memory qubit besides those of its unanswered attempts

  @LINK-010.2 @LINK-011.1 @LINK-012.1
  Scenario: An EXPIRE range from 65535 to 1 is valid, frees both pairs and is acknowledged as sent
    Given the node holds PSI_PLUS pairs with seqs 65535, 1 on link 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 65535, "last_seq": 1}
    Then the node sends EXPIRE_ACK to node 1
    And its "body" is {"link_id": 1, "first_seq": 65535, "last_seq": 1}
    And the node sends no ERROR
    And the node holds 0 memory qubits besides those of its unanswered attempts

  @LINK-010.2
  Scenario: An EXPIRE range with seqs neither heralded nor found missing between two held pairs is refused
    # 40000 is 2^15 or more after 1, so the node takes no gap from it (LINK-016): 2..39999 are
    # seqs it neither received nor found missing; a gap it found missing would be valid
    Given the node holds PSI_PLUS pairs with seqs 1, 40000 on link 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 40000}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK
    And the node holds 2 memory qubits besides those of its unanswered attempts

  @LINK-011.1 @LINK-012.1
  Scenario: An EXPIRE of two held pairs frees both and is acknowledged with its whole range
    Given the node holds PSI_PLUS pairs with seqs 1, 2 on link 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 2}
    Then the node sends EXPIRE_ACK to node 1
    And its "body" is {"link_id": 1, "first_seq": 1, "last_seq": 2}
    And the node holds 0 memory qubits besides those of its unanswered attempts

  @LINK-001.2
  Scenario: An attempt made while the node holds the pair of an earlier one has a new attempt_id
    Given the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 2000 ns
    Then the node's ATTEMPTs on link 1 so far carry 2 different attempt_ids
