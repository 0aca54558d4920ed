@node @cap:node.harness-device
Feature: SWAP_OUTCOME at a swapping node (spec chapter 04 section 2)
  Router node 2 on the line 1 - 2 - 3 swaps the pairs of circuit 7; the harness scripts the
  Bell-state measurement result through the device.

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node

  @TRK-002 @TRK-006.1 @TRK-006.2 @TRK-001.1 @TRK-007.1
  Scenario: bell_index is the XOR of both pairs' codes and the BSM result
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.bsm_result" "PHI_MINUS"
    And every SWAP_OUTCOME has "body.bell_index" "PHI_PLUS"
    And every SWAP_OUTCOME has "body.left" {"link_id": 1, "seq": 1}
    And every SWAP_OUTCOME has "body.right" {"link_id": 2, "seq": 1}
    And the node sends SWAP_OUTCOME to node 1
    And its "body.new_partner" is 3
    And the node sends SWAP_OUTCOME to node 3
    And its "body.new_partner" is 1

  @TRK-002
  Scenario: Equal link states and a PSI_MINUS measurement give PSI_MINUS
    When the device will report Bell-state measurement PSI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.bell_index" "PSI_MINUS"

  @TRK-003.1 @TRK-003.2
  Scenario: outcome_seq starts at 0 and grows by one per Bell-state measurement
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.outcome_seq" 0
    When the clock advances to 2000 ns
    And the station heralds PSI_MINUS with seq 2 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.outcome_seq" 1
    And every SWAP_OUTCOME has "body.left" {"link_id": 1, "seq": 2}

  @TRK-001.2
  Scenario: No SWAP_OUTCOME while only one side holds a pair
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node sends no SWAP_OUTCOME

  @TRK-005.2 @TRK-005.3 @TRK-005.4 @TRK-010
  Scenario: A contradicting SWAP_OUTCOME discards the held qubit, which is then not swapped
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    # node 1, the head end, has nothing beyond it: any new_partner contradicts the route
    And node 1 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 1, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 1
    And the node sends DISCARD to node 1
    And its "body.reason" is "STATE_MISMATCH"
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
