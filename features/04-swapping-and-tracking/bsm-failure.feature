@node @cap:node.harness-device @cap:node.bsm-failure
Feature: A failed Bell-state measurement at a swapping node (spec chapter 04 section 4.1)
  Router node 2 on the line 1 - 2 - 3 measures the pairs of circuit 7; the harness scripts a
  failed Bell-state measurement through the device (answer {"failed": true}).

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node

  @TRK-030.1 @TRK-030.2
  Scenario: A failed BSM is reported to both partners as DISCARD BSM_FAILED, never as SWAP_OUTCOME
    When the device will report a failed Bell-state measurement
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 4 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    And the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "BSM_FAILED"}
    And the node sends DISCARD to node 3
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 2, "seq": 4}, "reason": "BSM_FAILED"}
    And the node sends no ERROR

  @TRK-030.3 @TRK-003.1
  Scenario: Both memory places are freed at once and the next pairs are swapped, numbered from 0
    When the device will report a failed Bell-state measurement
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node holds 0 memory qubits besides those of its unanswered attempts
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOMEs with outcome_seq 0 to node 3, in that order
    And every SWAP_OUTCOME has "body.left" {"link_id": 1, "seq": 2}
    And every SWAP_OUTCOME has "body.bsm_result" "PHI_MINUS"
