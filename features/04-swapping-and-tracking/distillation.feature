@node @cap:node.harness-device
Feature: End-to-end distillation at the end nodes (spec chapter 04 section 5)
  Circuit 7 along 1 - 2 - 3 asks for min_fidelity 60000/65535; the plain route reaches about
  59200, so the tail end configures end-to-end DEJMPS (SIG-040.1). The harness plays router 2
  (its SWAP_OUTCOMEs) and the other end of the circuit (its DISTIL_OUTCOMEs and DISCARDs); the
  device reports the scripted bit of each distillation round. With one round, the pairs with
  head-side seqs 9 and 10 and tail-side seqs 1 and 2 have keys 9 x 65536 + 1 (kept) and
  10 x 65536 + 2 (sacrificed) (TRK-022). When the tail end needs more than one round, the
  scenarios of the tail end do not apply: they assume the one round the reference configures.

  @TRK-024.3 @TRK-026.2
  Scenario: The tail end never starts a round itself and delivers no undistilled pair
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends no DISTIL_OUTCOME
    And the node sends no ERROR
    And the device was asked for 0 distillations
    And the application receives no PAIR_DELIVERY

  @TRK-024.4 @TRK-020.1 @TRK-025.1 @TRK-026.1 @SIG-043.2
  Scenario: The tail end keeps the head end's DISTIL_OUTCOME until both pairs are identified, then answers and delivers the kept pair
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 1}, "sacrificed": {"link_id": 2, "seq": 2}, "outcome": 1}
    Then the node sends no DISTIL_OUTCOME
    And the node sends no ERROR
    And the device was asked for 0 distillations
    When the device will report distillation bit 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends no DISTIL_OUTCOME
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends DISTIL_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "round": 1, "kept": {"link_id": 1, "seq": 9}, "sacrificed": {"link_id": 1, "seq": 10}, "outcome": 1}
    And the device was asked for 1 distillation
    And the node sends no DISCARD
    And the node sends no ERROR
    And the application receives PAIR_DELIVERY
    And the pair id is 9 x 65536 + 1
    And its "body.bell_state" is "PHI_PLUS"
    And its fidelity_estimate is at most the CONFIRM's expected_fidelity

  @TRK-020.1 @TRK-020.2 @TRK-020.3 @TRK-020.4 @TRK-025.1
  Scenario: A round whose two bits differ delivers nothing and sends no DISCARD
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And the device will report distillation bit 1
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 1}, "sacrificed": {"link_id": 2, "seq": 2}, "outcome": 0}
    Then the node sends DISTIL_OUTCOME to node 1
    And its "body.outcome" is 1
    And the node sends no DISCARD
    And the node sends no ERROR
    And the application receives no PAIR_DELIVERY
    And the node holds 0 memory qubits

  @TRK-021 @TRK-026.1
  Scenario: The tail end with the higher node id brings both pairs to PHI_PLUS before its round
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PSI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And the device will report distillation bit 0
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 1}, "sacrificed": {"link_id": 2, "seq": 2}, "outcome": 0}
    Then the node sends DISTIL_OUTCOME to node 1
    And the device's last distillation had frame [3, 1]
    And the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PHI_PLUS"

  @TRK-025.3 @TRK-025.4
  Scenario: A DISTIL_OUTCOME naming a pair the tail end has discarded releases the other pair with DISCARD, without an ERROR
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 2}, "reason": "CUTOFF"}
    Then the node sends no DISCARD
    When node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 1}, "sacrificed": {"link_id": 2, "seq": 2}, "outcome": 0}
    Then the node sends DISCARD to node 1
    And its "body.pair" is {"link_id": 1, "seq": 9}
    And the node sends no ERROR
    And the node sends no DISTIL_OUTCOME
    And the device was asked for 0 distillations
    And the application receives no PAIR_DELIVERY
    And the node holds 0 memory qubits

  @TRK-024.1 @TRK-024.2 @TRK-024.5 @TRK-021 @TRK-022 @TRK-023.1 @TRK-026.1 @TRK-020.2
  Scenario: The head end performs its half of a round first and delivers the kept pair only after the tail end's outcome
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the device will report distillation bit 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends no DISTIL_OUTCOME
    When node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    And its "body.round" is 1
    And its "body.kept" is {"link_id": 2, "seq": 5}
    And its "body.sacrificed" is {"link_id": 2, "seq": 6}
    And its "body.outcome" is 1
    And the device was asked for 1 distillation
    And the device's last distillation had no frame correction
    And the node sends no DISCARD
    And the application receives no PAIR_DELIVERY
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 1}
    Then the application receives PAIR_DELIVERY
    And the pair id is 1 x 65536 + 5
    And its "body.bell_state" is "PHI_PLUS"
    And the node sends no ERROR

  @TRK-023.2
  Scenario: A DISTIL_OUTCOME for another round than the head end's is refused with PAIR_STATE_MISMATCH
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 2, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 3
    And the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 5}
    And its "body.reason" is "DISTIL_FAILED"
    And the application receives no PAIR_DELIVERY

  @TRK-025.2
  Scenario: A DISCARD for the pair the head end sacrificed in an open round discards the kept pair with DISCARD
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    When node 3 sends DISCARD {"circuit_id": "$circuit", "pair": {"link_id": 1, "seq": 2}, "reason": "CUTOFF"}
    Then the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 5}
    And the node sends no ERROR
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    Then the application receives no PAIR_DELIVERY
    And the node holds 0 memory qubits

  @TRK-020.2 @TRK-020.3 @TRK-020.4 @TRK-025.1
  Scenario: The head end discards the kept pair when the tail end's bit differs from its own, without DISCARD
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the device will report distillation bit 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    And its "body.outcome" is 1
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    Then the application receives no PAIR_DELIVERY
    And the node sends no DISCARD
    And the node sends no ERROR
    And the node holds 0 memory qubits

  @TRK-022
  Scenario: The head end keeps the pair with the smaller key even when its tail-side seq is the larger
    # keys: 1 x 65536 + 6 for the pair identified first, 2 x 65536 + 5 for the second
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    And its "body.kept" is {"link_id": 2, "seq": 6}
    And its "body.sacrificed" is {"link_id": 2, "seq": 5}

  @TRK-023.1 @TRK-023.2 @TRK-024.1 @TRK-024.5
  Scenario: The head end leaves the kept pair of an open round alone and refuses an answer naming another sacrificed pair
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    When the clock advances to 3000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 2, "left": {"link_id": 1, "seq": 3}, "right": {"link_id": 2, "seq": 7}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends no DISTIL_OUTCOME
    And the device was asked for 1 distillation
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 3}, "outcome": 0}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 3
    And the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 5}
    And its "body.reason" is "DISTIL_FAILED"
    And the application receives no PAIR_DELIVERY

  @TRK-023.2
  Scenario: The tail end refuses a round whose number does not follow the level of the named pairs
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with min_fidelity 60000 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 10}, "right": {"link_id": 2, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 2, "kept": {"link_id": 2, "seq": 1}, "sacrificed": {"link_id": 2, "seq": 2}, "outcome": 0}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 1
    And the node sends 2 DISCARD to node 1
    And every DISCARD has "body.reason" "DISTIL_FAILED"
    And the node holds 0 memory qubits
    And the node sends no DISTIL_OUTCOME
    And the device was asked for 0 distillations
    And the application receives no PAIR_DELIVERY

  @TRK-023.2
  Scenario: A DISTIL_OUTCOME naming a kept pair with no round open at the head end discards that pair with DISCARD and is refused
    # only the pair of seq 1 is identified, so the head end has started no round
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends no DISTIL_OUTCOME
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 3
    And the node sends DISCARD to node 3
    And its "body.pair" is {"link_id": 2, "seq": 5}
    And its "body.reason" is "DISTIL_FAILED"
    And the node sends no DISTIL_OUTCOME
    And the application receives no PAIR_DELIVERY
