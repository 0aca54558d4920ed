@node
Feature: Tracking messages the node cannot attribute (spec chapter 04, TRK-004)

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node

  @TRK-004
  Scenario: A SWAP_OUTCOME for a circuit not installed is refused
    When node 1 sends SWAP_OUTCOME {"circuit_id": 99, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 1

  @TRK-004
  Scenario: A DISCARD for a circuit not installed is refused
    When node 1 sends DISCARD {"circuit_id": 99, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 1

  @TRK-004
  Scenario: A DISCARD for a circuit whose SETUP the node forwarded but which is not confirmed yet is refused as not installed
    # a PENDING circuit has no rules installed: UNKNOWN_CIRCUIT, not UNEXPECTED_MESSAGE
    Given node 1 has sent the node SETUP for circuit 9 along route 1, 2, 3
    When node 1 sends DISCARD {"circuit_id": 9, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 1

  @TRK-004
  Scenario: A SWAP_OUTCOME naming a pair the node never held is refused
    When node 1 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 40}, "right": {"link_id": 2, "seq": 41}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends ERROR UNKNOWN_PAIR to node 1

  @TRK-004
  Scenario: A DISCARD naming a pair the node never held is refused
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 40}, "reason": "CUTOFF"}
    Then the node sends ERROR UNKNOWN_PAIR to node 1

  @TRK-004
  Scenario: A SWAP_OUTCOME consistent with the route but naming a qubit the node never held is refused
    Given circuit 8 along route 1, 2, 3, 4 is established at the node
    When node 3 sends SWAP_OUTCOME {"circuit_id": 8, "outcome_seq": 0, "left": {"link_id": 2, "seq": 40}, "right": {"link_id": 3, "seq": 41}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 4}
    Then the node sends ERROR UNKNOWN_PAIR to node 3
    And the node sends no DISCARD


  @REL-023
  Scenario: Tracking messages for a circuit the node installed and is tearing down or has released are ignored, not refused
    # installed circuits that are released keep ignoring late tracking messages (chapter 09 section 5)
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    And the node sends TEARDOWN to node 3
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends no ERROR
    When node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 4}, "right": {"link_id": 3, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 4}
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 2}, "reason": "CUTOFF"}
    Then the node sends no ERROR
