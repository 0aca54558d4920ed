@node @cap:node.harness-device
Feature: Nested swapping and its per-level cutoff (spec chapter 05 section 7.1)
  Router node 3 sits at position 2 of the route 1 - 2 - 3 - 4 - 5 of circuit 7 (four links).
  Under the NESTED schedule it has level 2 and far ends 1 and 5: it joins only a head-side
  qubit whose partner is node 1 (or beyond) with a tail-side qubit whose partner is node 5. Its
  link-2 pair with node 2 and its link-3 pair with node 4 serve the level-1 swaps of nodes 2
  and 4 first; each of their SWAP_OUTCOMEs moves one partner out to a far end. On the route
  1 - 2 - 3 - 4 (three links) node 3 has level 1 and far ends 2 and 4 (node 2 has level 2).

  @FWD-020.1 @FWD-020.2 @FWD-005.1
  Scenario: A level-2 router waits until both its qubits reach its far ends, then swaps them
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with swap schedule NESTED
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends no SWAP_OUTCOME
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 4}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no SWAP_OUTCOME
    When node 4 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 3, "seq": 1}, "right": {"link_id": 4, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 4}
    And its "body.new_partner" is 5
    And the node sends SWAP_OUTCOME to node 5
    And its "body.right" is {"link_id": 4, "seq": 6}
    And the node sends no ERROR

  @FWD-020.2 @FWD-005.1
  Scenario: A level-2 router swaps at once the link pairs that arrive after their partners moved out
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with swap schedule NESTED
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 4}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends no SWAP_OUTCOME
    When node 4 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 3, "seq": 1}, "right": {"link_id": 4, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends SWAP_OUTCOME to node 1
    And the node sends SWAP_OUTCOME to node 5

  @FWD-023 @FWD-005.1
  Scenario: A SWAP_SCHEDULE with an unassigned code is swap-asap, and the CONFIRM is not refused
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with swap schedule code 26
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 2
    And the node sends SWAP_OUTCOME to node 4

  @FWD-021 @FWD-008.1 @TRK-011.1
  Scenario: The level-2 cutoff counts from the SWAP_OUTCOME that makes the pair serve the level
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 with a cutoff of 5000 ns is established at the node with swap schedule NESTED
    And the node holds a PSI_PLUS pair with seq 1 on link 2
    When the clock advances to 20000 ns
    Then the node sends no DISCARD
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 4}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And the clock advances to 24500 ns
    Then the node sends no DISCARD
    When the clock advances to 25500 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 4}, "reason": "CUTOFF"}

  @FWD-020.2 @FWD-005.1
  Scenario: A qubit whose partner moved beyond the far end (a lower router swapped as soon as possible) still serves the level
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4 is established at the node with swap schedule NESTED
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 4}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 1
    And the node sends SWAP_OUTCOME to node 4
