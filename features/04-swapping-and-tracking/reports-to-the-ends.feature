@node @cap:node.harness-device @cap:node.track-ends
Feature: Swap reports to the ends (spec chapter 04 section 7)
  Circuit 7 is in the tracking mode ENDS: its CONFIRM's SWAP_SCHEDULE is 00 01 (chapter 05
  section 7.2). A router reports each swap to the two end nodes only; an end node stitches the
  routers' reports, in any order, from its own link pair to the other end's link. On the
  route 1 - 2 - 3 - 4, link 1 joins nodes 1 and 2, link 2 nodes 2 and 3, link 3 nodes 3 and 4.
  In the stitching scenarios the own link pair is PSI_PLUS (code 1), the report of the router
  next to the end has bsm_result PHI_MINUS (2) and bell_index PSI_PLUS (1), so its two link
  states XOR to 3, and the other router's has bsm_result PSI_PLUS (1) and bell_index PHI_PLUS
  (0), XOR 1. The link states along the chain are then 1, 2 and 3, and the pair's state
  1 ^ 2 ^ 3 ^ 2 ^ 1 = 3, PSI_MINUS (TRK-125.1); the XOR of the bell_index values alone would
  give 1.

  @TRK-120.1 @TRK-121.1 @FWD-033
  Scenario: A router sends one report to each end, naming its own qubits, and none to its neighbours
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with reports to the ends
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 3
    Then every SWAP_OUTCOME has "body.bsm_result" "PHI_MINUS"
    And every SWAP_OUTCOME has "body.bell_index" "PHI_PLUS"
    And every SWAP_OUTCOME has "body.left" {"link_id": 2, "seq": 1}
    And every SWAP_OUTCOME has "body.right" {"link_id": 3, "seq": 1}
    And every SWAP_OUTCOME has "body.outcome_seq" 0
    And the node sends SWAP_OUTCOME to node 1
    And its "body.new_partner" is 5
    And the node sends SWAP_OUTCOME to node 5
    And its "body.new_partner" is 1
    And the node sends 0 SWAP_OUTCOME to node 2
    And the node sends 0 SWAP_OUTCOME to node 4

  @TRK-121.2
  Scenario: A router refuses a SWAP_OUTCOME of such a circuit and still swaps and reports
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 4}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 5}
    Then the node sends ERROR UNEXPECTED_MESSAGE to node 2
    And the node sends no DISCARD
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 2, "seq": 1}
    And the node sends SWAP_OUTCOME to node 5

  @TRK-124.1 @TRK-125.1
  Scenario: The tail end stitches the reports arriving from the near router first
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"
    And the pair id is 9 x 65536 + 2
    And the node sends no ERROR

  @TRK-124.1 @TRK-125.1
  Scenario: The tail end stitches the reports arriving from the far router first and before its own HERALD
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 1}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"
    And the pair id is 9 x 65536 + 1

  @TRK-122
  Scenario: A report naming links that are not its sender's is refused and changes nothing
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 3
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 5}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 2
    And the node sends no DISCARD
    When node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"

  @TRK-123.1
  Scenario: A report repeating an outcome_seq already processed from its sender is ignored
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends no ERROR
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"
    And the node sends no ERROR

  @TRK-123.2
  Scenario: A second, different report for the same qubit is refused and the first one stands
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3, 4 is established at the node with reports to the ends
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 3
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 1}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 1, "left": {"link_id": 2, "seq": 7}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends ERROR PAIR_STATE_MISMATCH to node 3
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"
    And the pair id is 9 x 65536 + 2

  @TRK-127.1 @TRK-127.2 @TRK-125.1
  Scenario: A head end keeps a report that overtakes its CONFIRM and uses it once the circuit is installed
    Given an end node 1 linked to node 2 with a route 1, 2, 3, 4
    And the application has opened endpoint 5 for node 4 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 3 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 2, "seq": 6}, "right": {"link_id": 3, "seq": 2}, "bsm_result": "PSI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 4}
    Then the node sends no ERROR
    When node 2 confirms the node's circuit along route 1, 2, 3, 4 with reports to the ends
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 9 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_PLUS", "new_partner": 4}
    Then the application receives PAIR_DELIVERY
    And its "body.bell_state" is "PSI_MINUS"
    And the pair id is 9 x 65536 + 2
    And the node sends no ERROR
