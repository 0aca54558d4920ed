@node
Feature: SWAP_OUTCOMEs contradicting the circuit's route (spec chapter 04, TRK-005.2 to TRK-005.4)
  End node 3 is the tail end of circuit 7 along 1 - 2 - 3 and holds the link pair seq 4 of
  link 2 (partner node 2) waiting for node 2's swap. A SWAP_OUTCOME that cannot come from a
  swap on the route changes no record: the node discards the qubit it names with reason
  STATE_MISMATCH, tells the partner, and answers PAIR_STATE_MISMATCH.

  Background:
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2

  @TRK-005.2 @TRK-005.3 @TRK-005.4 @TRK-010
  Scenario: A SWAP_OUTCOME from a node off the route discards the qubit it names
    When node 5 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 5
    And the node sends DISCARD to node 2
    And its "body.pair" is {"link_id": 2, "seq": 4}
    And its "body.reason" is "STATE_MISMATCH"
    And the application receives no PAIR_DELIVERY

  @TRK-005.3
  Scenario: The discarded qubit is not delivered when the true outcome follows
    When node 5 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY

  @TRK-005.2 @TRK-005.3 @TRK-005.4 @TRK-010
  Scenario: A new_partner on the receiver's side of the sender is a contradiction
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 3}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 2
    And the node sends DISCARD to node 2
    And its "body.reason" is "STATE_MISMATCH"
    And the application receives no PAIR_DELIVERY

  @TRK-005.4
  Scenario: A new_partner off the route is a contradiction
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 8}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 2
    And the application receives no PAIR_DELIVERY

  @TRK-005.4 @TRK-008
  Scenario: The outcome of the swap on the route is not a contradiction
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends no ERROR
    And the node sends no DISCARD
    And the application receives PAIR_DELIVERY

  @TRK-005.3 @TRK-005.4 @TRK-010
  Scenario: A new_partner equal to the sender is a contradiction
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 2}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 2
    And the node sends DISCARD to node 2
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "STATE_MISMATCH"}
    And the application receives no PAIR_DELIVERY

  @TRK-005.2 @TRK-005.3
  Scenario: A SWAP_OUTCOME claiming to come from the receiver itself is a contradiction
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends DISCARD to node 2
    And its "body.reason" is "STATE_MISMATCH"
    And the application receives no PAIR_DELIVERY

  @TRK-007.3
  Scenario: A pair whose new partner is unknown (new_partner 0) is not delivered
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 0}
    Then the application receives no PAIR_DELIVERY

  @TRK-103.1 @TRK-005.1
  Scenario: A link pair of a circuit with an intermediate node is not identified before the swap's outcome
    When the clock advances to 5000 ns
    Then the application receives no PAIR_DELIVERY
    And the node sends no DISCARD
