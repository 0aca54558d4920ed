@node @cap:node.harness-device
Feature: Swaps at neighbouring nodes at the same time (spec chapter 04 section 2, chapter 09)
  Router node 2 on the route 1 - 2 - 3 - 4 of circuit 7 swaps its pairs (link 1 PSI_PLUS with
  node 1, link 2 PSI_MINUS with node 3) with result PHI_MINUS; node 3 has meanwhile swapped its
  qubit of the same link-2 pair with a pair to node 4 (node 4's reference: link 3, seq 7) and
  reports PSI_PLUS for the pair 2 - 4. Node 2 has already consumed the named qubit: it must
  pass the news on to node 1, composed with its own swap.

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3, 4 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And the node sends SWAP_OUTCOME to node 3

  @TRK-101.1 @TRK-101.2 @TRK-102
  Scenario: A SWAP_OUTCOME for a qubit already swapped is composed and forwarded to the other side
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 1}, "right": {"link_id": 3, "seq": 7}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 4}
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 3, "seq": 7}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_MINUS", "new_partner": 4}
    And the node sends no ERROR
    And the node sends no DISCARD

  @TRK-012.2 @TRK-101.2
  Scenario: A DISCARD for a swapped qubit goes on to the far side's current partner, past the neighbour's swap
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 1}, "right": {"link_id": 3, "seq": 7}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 4}
    Then the node sends SWAP_OUTCOME to node 1
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}
    Then the node sends DISCARD to node 4
    And its "body.pair" is {"link_id": 3, "seq": 7}
    And its "body.circuit_id" is 7
    And the node sends no ERROR

  @TRK-102 @TRK-003.1
  Scenario: The node's next BSM after a forwarded SWAP_OUTCOME takes the outcome_seq after it
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 1}, "right": {"link_id": 3, "seq": 7}, "bsm_result": "PSI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 4}
    Then the node sends SWAP_OUTCOMEs with outcome_seq 1 to node 1, in that order
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.outcome_seq" 2

