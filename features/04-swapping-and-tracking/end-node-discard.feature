@node
Feature: Cutoff discards and repeated outcomes at an end node (spec chapter 04 sections 2 and 4)
  The end node is the tail end of circuit 7, whose rules carry a 5000 ns cutoff. Its link
  pair is heralded for slot 0, so its cutoff expires at 5000 ns.

  @TRK-010
  Scenario: A qubit discarded at its cutoff after a swap is reported to its current partner, naming the partner's qubit
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 with a cutoff of 5000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 2}
    Then the node sends no ERROR
    And the application receives no PAIR_DELIVERY
    When the clock advances to 5500 ns
    Then the node sends DISCARD to node 2
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 6}, "reason": "CUTOFF"}
    And the node sends 0 DISCARD to node 3

  @TRK-009 @TRK-013.1 @TRK-013.2
  Scenario: A repeated SWAP_OUTCOME for a qubit discarded at its cutoff is ignored
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with a cutoff of 5000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And the clock advances to 5500 ns
    Then the node sends DISCARD to node 2
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 3, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends DISCARD to node 1
    And its "body.pair" is {"link_id": 1, "seq": 9}
    And the node sends no ERROR
    # the same outcome again in a new message: no transport duplicate (REL-007), so the
    # outcome_seq already processed from node 2 decides (TRK-009)
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 3, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends nothing
