@node
Feature: Fidelity estimates of delivered pairs (spec chapter 06 section 4, chapter 09 section 4)
  Head end 1 of route 1 - 2 - 3, whose memories have T2 100 us; the harness plays node 2 and
  confirms the node's circuit with an expected fidelity of 58000/65535 and no cutoff. Stored
  for 29 us a pair is left with an estimate of about 51000/65535, for 59 us about 45600/65535.

  Background:
    Given an end node 1 linked to node 2 with a route 1, 2, 3 whose memories have T2 100000 ns
    And the application has opened endpoint 5 for node 3 endpoint 6

  @DLV-022.1
  Scenario: A pair stored longer before its last swap is delivered with a lower fidelity estimate
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 2, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And its "body.fidelity_estimate" is remembered as fresh
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the clock advances to 31000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And its fidelity_estimate is below the remembered fresh

  @DLV-101.1 @DLV-101.2 @DLV-022.2
  Scenario: A pair whose estimate fell below the requested fidelity is discarded, not delivered, and the other end is told
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 2, "min_fidelity": 50000, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 60000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives no PAIR_DELIVERY
    And the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 5}
