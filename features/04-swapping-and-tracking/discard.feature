@node
Feature: Cutoffs and DISCARD (spec chapter 04 section 4)
  Router node 2 on the line 1 - 2 - 3; circuit 7 has rules with a 5000 ns cutoff.

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 with a cutoff of 5000 ns is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1

  @TRK-011.1 @TRK-010 @FWD-008.1
  Scenario: A pair older than its cutoff is discarded and its partner told
    When the clock advances to 6500 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}

  @TRK-011.1 @TRK-011.2 @cap:node.harness-device
  Scenario: A pair discarded at its cutoff is never swapped
    When the clock advances to 6500 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME

  @TRK-012.1 @cap:node.harness-device
  Scenario: DISCARD frees the named qubit, which is then never swapped
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    And the node sends no ERROR

  @TRK-012.2
  Scenario: A DISCARD for a qubit the node has already swapped goes on to the far-side partner of the swapped pair
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 3
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 2}
    And the node sends no ERROR

  @LINK-011.3
  Scenario: An EXPIRE for a pair the node has already swapped goes on as DISCARD to the far-side partner of the swapped pair
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 3
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    Then the node sends EXPIRE_ACK to node 1
    And the node sends DISCARD to node 3
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 2}, "reason": "HALF_LOST"}
