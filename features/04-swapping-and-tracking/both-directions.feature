@node @cap:node.harness-device
Feature: Tracking news from both sides of a swapping node, in either order (spec chapter 04 sections 2 and 4, chapter 09)
  A router swaps the oldest head-side and tail-side qubits of a circuit; SWAP_OUTCOMEs of the
  neighbours' swaps and DISCARDs may reach it from either side, before or after its own swap,
  and in any order. Bell codes: PHI_PLUS 0, PSI_PLUS 1, PHI_MINUS 2, PSI_MINUS 3.

  @TRK-006.1 @TRK-008 @TRK-001.1 @TRK-002
  Scenario: A head-side qubit moved outwards by the upstream swap is swapped with its new partner and references
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4 is established at the node
    When the device will report Bell-state measurement PSI_PLUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 5}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 1}
    Then the node sends no ERROR
    And the node sends no SWAP_OUTCOME
    When the station heralds PSI_MINUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 5}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 4}
    And the node sends SWAP_OUTCOME to node 4
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 5}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And the node sends 0 SWAP_OUTCOME to node 2

  @TRK-006.1 @TRK-008 @TRK-001.1 @TRK-002
  Scenario: A tail-side qubit moved outwards by the downstream swap is swapped with its new partner and references
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3, 4 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 1}, "right": {"link_id": 3, "seq": 8}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 4}
    Then the node sends no ERROR
    And the node sends no SWAP_OUTCOME
    When the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 3, "seq": 8}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 4}
    And the node sends SWAP_OUTCOME to node 4
    And its "body.new_partner" is 1
    And the node sends 0 SWAP_OUTCOME to node 3

  @TRK-009 @TRK-008
  Scenario: The later swap's outcome arrives first and the earlier one, arriving after it, changes nothing
    # node 3 reported its own swap (outcome_seq 0, new partner 2) and then passed on node 2's
    # concurrent swap (outcome_seq 1, new partner 1); the network delivers them reordered
    Given a router node 4 between nodes 3 and 5
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node
    When the device will report Bell-state measurement PHI_PLUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 7}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 2}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 2}
    Then the node sends no ERROR
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 4
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 7}, "right": {"link_id": 4, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 5}
    And the node sends 0 SWAP_OUTCOME to node 2
    And the node sends 0 SWAP_OUTCOME to node 3

  @TRK-008
  Scenario: The earlier swap's outcome arrives first and the later one moves the partner further out
    Given a router node 4 between nodes 3 and 5
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node
    When the device will report Bell-state measurement PHI_PLUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 2}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 2}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 7}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PSI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 4
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 7}, "right": {"link_id": 4, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 5}
    And the node sends 0 SWAP_OUTCOME to node 2

  @TRK-101.1 @TRK-101.2 @TRK-102 @TRK-009
  Scenario: Both neighbours swapped concurrently, the upstream news first: each is composed and passed on to the other side's current partner
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 2
    And its "body.bell_index" is "PHI_PLUS"
    And the node sends SWAP_OUTCOME to node 4
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends SWAP_OUTCOME to node 4
    And its "body" is {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 1}
    When node 4 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 3, "seq": 1}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 2, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_PLUS", "new_partner": 5}
    And the node sends 0 SWAP_OUTCOME to node 2
    And the node sends no ERROR

  @TRK-101.1 @TRK-101.2 @TRK-102 @TRK-009
  Scenario: Both neighbours swapped concurrently, the downstream news first: each is composed and passed on to the other side's current partner
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 4
    When node 4 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 3, "seq": 1}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends SWAP_OUTCOME to node 2
    And its "body" is {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 2, "seq": 1}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 5}
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends SWAP_OUTCOME to node 5
    And its "body" is {"circuit_id": 7, "outcome_seq": 2, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And the node sends 0 SWAP_OUTCOME to node 4
    And the node sends no ERROR

  @TRK-012.2 @TRK-004
  Scenario: DISCARDs for both qubits of a swap cross at the swapping node, the head side's first
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends DISCARD to node 3
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    When node 3 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends no ERROR
    And the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}

  @TRK-012.2 @TRK-004
  Scenario: DISCARDs for both qubits of a swap cross at the swapping node, the tail side's first
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 3
    When node 3 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends no ERROR
    And the node sends DISCARD to node 3
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 1}, "reason": "CUTOFF"}

  @TRK-013.1 @TRK-013.2 @TRK-012.1
  Scenario: The far end's DISCARD overtakes the SWAP_OUTCOME at an end node, which then passes the discard on
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "CUTOFF"}
    Then the node sends no ERROR
    And the node sends no DISCARD
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends no ERROR
    And the node sends DISCARD to node 1
    And its "body.pair" is {"link_id": 1, "seq": 9}
    And the application receives no PAIR_DELIVERY

  @TRK-012.3
  Scenario: The SWAP_OUTCOME reaches the end node first, then the far end's DISCARD of the delivered pair
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "CUTOFF"}
    Then the application receives PAIR_EXPIRED
    And the node sends no ERROR
    And the node sends no DISCARD

  @TRK-101.1 @TRK-009
  Scenario: News about a swapped qubit that is older than the news already passed on is not passed on
    # node 3 swapped twice in a row on the same pair's far side: first with a pair to node 4
    # (outcome_seq 0), then, after node 4's swap, it passed on a partner at node 5
    # (outcome_seq 1); the two arrive reordered
    Given a router node 2 between nodes 1 and 3
    And circuit 8 along route 1, 2, 3, 4, 5 is established at the node
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 3 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    When node 3 sends SWAP_OUTCOME {"circuit_id": 8, "outcome_seq": 1, "left": {"link_id": 2, "seq": 3}, "right": {"link_id": 4, "seq": 9}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.new_partner" is 5
    When node 3 sends SWAP_OUTCOME {"circuit_id": 8, "outcome_seq": 0, "left": {"link_id": 2, "seq": 3}, "right": {"link_id": 3, "seq": 7}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 4}
    Then the node sends no SWAP_OUTCOME
    And the node sends no ERROR

  @TRK-009
  Scenario: The same outcome sent again in a new message is not passed on a second time
    # a copy with its own message_id is no transport duplicate (REL-007): the outcome_seq
    # already processed from that sender decides
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 4
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends SWAP_OUTCOME to node 4
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 6}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the node sends 0 SWAP_OUTCOME to node 4
    And the node sends no ERROR
