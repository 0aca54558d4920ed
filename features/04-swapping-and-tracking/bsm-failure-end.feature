@node
Feature: DISCARD BSM_FAILED at an end node (spec chapter 04 section 4.1)
  The end node is the tail end of circuit 7 on the line 1 - 2 - 3; router node 2's Bell-state
  measurement on the node's pair has failed. The DISCARD is an ordinary message, so no device
  scripting is needed.

  @TRK-031.1
  Scenario: DISCARD BSM_FAILED frees the qubit, which a later SWAP_OUTCOME cannot deliver
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "BSM_FAILED"}
    Then the node sends no ERROR
    And the node holds 0 memory qubits besides those of its unanswered attempts
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 9}, "reason": "BSM_FAILED"}

  @TRK-031.2
  Scenario: DISCARD BSM_FAILED for a qubit already discarded at its cutoff is ignored without an ERROR
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with a cutoff of 5000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And the clock advances to 5500 ns
    Then the node sends DISCARD to node 2
    When node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "BSM_FAILED"}
    Then the node sends nothing
