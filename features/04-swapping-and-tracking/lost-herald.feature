@node
Feature: A SWAP_OUTCOME for a pair whose HERALD this node missed (spec chapter 04 section 4)
  The end node is the tail end of circuit 7 along route 1, 2, 3. The harness plays the station
  of link 2, which answers none of the node's attempts unless a scenario says so: each of them
  times out (LINK-009). Meanwhile node 2 swaps a pair of link 2 that the station heralded to
  node 2 alone (its HERALD to this node was lost).

  Background:
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with a cutoff of 500000 ns is established at the node

  @TRK-013.3
  Scenario: An outcome naming a pair heralded while the node's attempts timed out makes the node discard it towards the new partner
    When the clock advances to 100000 ns
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
