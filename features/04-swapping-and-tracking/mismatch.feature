@node
Feature: SWAP_OUTCOMEs contradicting the circuit's route (spec chapter 04, TRK-005.2 to TRK-005.4)
  End node 3 is the tail end of circuit 7 along 1 - 2 - 3 and holds the link pair seq 4 of
  link 2 (partner node 2) waiting for node 2's swap. A SWAP_OUTCOME of a node of the route
  that cannot come from a swap on the route changes no record: the node discards the qubit it
  names with reason STATE_MISMATCH, tells the partner, and answers PAIR_STATE_MISMATCH. A
  tracking message from a node off the route is refused and changes nothing (TRK-014).

  Background:
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2

  @TRK-014.1
  Scenario: A SWAP_OUTCOME from a node off the route is refused, naming its source
    When node 5 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 5
    And its "body.field" is "source"
    And the node sends no DISCARD

  @TRK-014.2
  Scenario: A SWAP_OUTCOME from a node off the route changes nothing: the true outcome that follows delivers the pair
    When node 5 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"

  @TRK-014.1 @TRK-014.2
  Scenario: A DISCARD from a node off the route is refused and frees nothing
    When node 5 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "CUTOFF"}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 5
    And its "body.field" is "source"
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY

  @TRK-014.1
  Scenario: A DISTIL_OUTCOME from a node off the route is refused, naming its source
    When node 5 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 4}, "sacrificed": {"link_id": 2, "seq": 5}, "outcome": 1}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 5
    And its "body.field" is "source"

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

  @TRK-014.1 @TRK-014.2
  Scenario: A SWAP_OUTCOME claiming to come from the receiver itself is refused and changes nothing
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends no DISCARD
    And the application receives no PAIR_DELIVERY
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY

  @TRK-007.3
  Scenario: A pair whose new partner is unknown (new_partner 0) is not delivered
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 0}
    Then the application receives no PAIR_DELIVERY

  @TRK-103.1 @TRK-005.1
  Scenario: A link pair of a circuit with an intermediate node is not identified before the swap's outcome
    When the clock advances to 5000 ns
    Then the application receives no PAIR_DELIVERY
    And the node sends no DISCARD
