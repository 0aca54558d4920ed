@node
Feature: A SWAP_OUTCOME for a pair whose HERALD this node missed (spec chapter 04 section 4)
  The end node is the tail end of circuit 7 along route 1, 2, 3. The harness plays the station
  of link 2, which answers none of the node's attempts unless a scenario says so: each of them
  times out (LINK-009) three slot times (3000 ns) after its slot. Meanwhile node 2 swaps a pair
  of link 2 that the station heralded to node 2, and its SWAP_OUTCOME reaches this node before
  the node's HERALD of that pair, or instead of it (the HERALD was lost).

  Background:
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with a cutoff of 500000 ns is established at the node

  @TRK-013.3
  Scenario: An outcome naming a pair heralded while the node's attempts timed out makes the node discard it towards the new partner
    When the clock advances to 99500 ns
    And the station heralds no results for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "HALF_LOST"}
    And the node sends no ERROR
    And the application receives no PAIR_DELIVERY

  @TRK-013.3 @TRK-004
  Scenario: An outcome naming the seq after a success heralded to the node, with no attempt timed out since, is refused
    When the clock advances to 100000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends ERROR UNKNOWN_PAIR to node 2
    And the node sends no DISCARD

  @TRK-013.4 @TRK-013.5
  Scenario: An outcome that arrives before the HERALD of its pair is kept and applied when the HERALD arrives
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    And the node sends no DISCARD
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    And the pair id is 9 x 65536 + 1
    And the node sends no ERROR
    And the node sends no DISCARD

  @TRK-013.4 @TRK-013.6
  Scenario: An outcome kept for a pair that the attempt in flight does not herald in time makes the node discard it towards the new partner
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    And the node sends no DISCARD
    When the clock advances to 3000 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "HALF_LOST"}
    And the node sends no ERROR
    And the application receives no PAIR_DELIVERY

  @TRK-013.7 @TRK-013.8
  Scenario: A DISCARD for the pair of a kept outcome is accepted and the pair is never delivered
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends no ERROR
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 3000 ns
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR
    And the node sends no DISCARD

  @TRK-013.4 @TRK-004
  Scenario: An outcome naming a seq beyond the modes of the attempt in flight, with no attempt timed out, is refused
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends ERROR UNKNOWN_PAIR to node 2
    And the node sends no DISCARD

  @TRK-013.7
  Scenario: A DISCARD for the pair of a kept outcome leaves nothing to discard at the herald timeout
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    And the clock advances to 3000 ns
    Then the node sends no ERROR
    And the node sends no DISCARD

  @TRK-013.9
  Scenario: An outcome naming a seq the node expired at its peer as skipped makes the node discard it towards the new partner
    When the clock advances to 100000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    And the clock advances to 103000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 2
    Then the node sends EXPIRE to node 2
    And its "body" is {"link_id": 2, "first_seq": 2, "last_seq": 2}
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "HALF_LOST"}
    And the node sends no ERROR

  @TRK-013.3 @TRK-013.4
  Scenario: An attempt the station's ERROR ended counts as one whose pairs the node may have missed
    When the clock advances to 1000 ns
    And the station answers the node's attempt on link 2 with ERROR ATTEMPT_MISMATCH
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    When the clock advances to 4000 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "HALF_LOST"}
    And the node sends no ERROR

  @TRK-013.3 @TRK-013.4
  Scenario: An attempt a HERALD echoing a foreign attempt ended counts as one whose pairs the node may have missed
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 5 echoing a foreign attempt on link 2
    Then the node sends no DISCARD
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    When the clock advances to 4000 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "HALF_LOST"}
    And the node sends no ERROR

  @TRK-013.7 @TRK-013.8
  Scenario: A DISCARD that arrives before the HERALD of its pair is accepted and the pair is freed when heralded
    When the clock advances to 1000 ns
    And node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "HALF_LOST"}
    Then the node sends no ERROR
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR

  @TRK-015
  Scenario: A DISCARD naming a pair heralded while the node's attempts timed out is acknowledged without an ERROR
    When the clock advances to 99500 ns
    And the station heralds no results for the node's attempt on link 2
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    Then the node acknowledges that message
    And the node sends no ERROR
    And the node sends no DISCARD
    And the application receives no PAIR_DELIVERY

  @TRK-015
  Scenario: A DISCARD naming a seq the node expired at its peer as skipped is acknowledged without an ERROR
    When the clock advances to 100000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    And the clock advances to 103000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 2
    Then the node sends EXPIRE to node 2
    And its "body" is {"link_id": 2, "first_seq": 2, "last_seq": 2}
    When node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 2}, "reason": "HALF_LOST"}
    Then the node acknowledges that message
    And the node sends no ERROR
    And the node sends no DISCARD

  @TRK-015 @TRK-004
  Scenario: A DISCARD naming a seq after a success heralded to the node, with no attempt timed out since, is refused
    When the clock advances to 100000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 2}, "reason": "CUTOFF"}
    Then the node sends ERROR UNKNOWN_PAIR to node 1

  @TRK-015
  Scenario: A DISCARD naming a seq the station's LINK_SEQ showed missing is acknowledged without an ERROR
    When the clock advances to 100000 ns
    And the station heralds PSI_PLUS with seq 1 and LINK_SEQ 1 for the node's attempt on link 2
    And node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    And the clock advances to 103000 ns
    And the station heralds no results and LINK_SEQ 3 for the node's attempt on link 2
    Then the node sends EXPIRE to node 2
    And its "body" is {"link_id": 2, "first_seq": 2, "last_seq": 3}
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 3}, "reason": "CUTOFF"}
    Then the node acknowledges that message
    And the node sends no ERROR
    And the node sends no DISCARD
