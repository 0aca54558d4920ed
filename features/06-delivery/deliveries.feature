@node
Feature: Deliveries at a tail end (spec chapter 06 section 4)
  End node 3 is the tail end of circuit 7 along 1 - 2 - 3 (node 2 swaps) or of circuit 7
  along 2 - 3 (single hop); its endpoint 6 is bound to node 1 or 2, endpoint 5.

  @TRK-016 @DLV-020.1 @DLV-020.2 @DLV-024 @LINK-013.1 @FWD-007.1
  Scenario: A single-hop pair is delivered with pair_id seq x 65537 and the heralded state
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5
    And circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives exactly 1 PAIR_DELIVERY
    And the pair id is 5 x 65536 + 5
    And its "body.bell_state" is "PSI_MINUS"
    And its "body.request_id" is 0
    And its "body.endpoint" is 6
    And its "body.circuit_id" is 7

  @TRK-103.2 @TRK-103.3
  Scenario: Beyond the circuit's num_pairs a further end-to-end pair is discarded, not delivered
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5
    And circuit 7 along route 2, 3 with num_pairs 1 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When the clock advances to 2000 ns
    And the station heralds PSI_MINUS with seq 6 for the node's attempt on link 2
    Then the application receives no PAIR_DELIVERY
    And the node sends DISCARD to node 2
    And its "body.pair.seq" is 6
    And its "body.circuit_id" is 7

  @TRK-008 @TRK-016 @DLV-020.1 @DLV-023
  Scenario: After the last swap the pair is delivered with the composed state and both seqs
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And the pair id is 9 x 65536 + 4
    And its "body.bell_state" is "PSI_MINUS"

  @TRK-005.1 @FWD-007.2
  Scenario: No pair is delivered before the outcome of the last swap arrives
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    Then the application receives no PAIR_DELIVERY

  @TRK-009
  Scenario: A repeated SWAP_OUTCOME is ignored without an ERROR
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    When node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR

  @DLV-021.1 @TRK-011.1 @TRK-011.2 @TRK-013.1 @TRK-013.2 @DLV-101.1 @DLV-101.2
  Scenario: A pair whose cutoff expired before its last swap is not delivered
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 with a cutoff of 3000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And the clock advances to 5000 ns
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR
    And the node sends DISCARD to node 1
    And its "body.pair" is {"link_id": 1, "seq": 9}

  @DLV-005
  Scenario: CLOSE_ENDPOINT tears down the circuit serving the endpoint
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the application sends CLOSE_ENDPOINT {"endpoint": 6}
    Then the node sends TEARDOWN to node 2
    And its "body.reason" is "NORMAL"

  @DLV-021.1 @DLV-101.1 @DLV-101.2
  Scenario: A single-hop pair heralded at its cutoff expiry is discarded, not delivered
    # the attempt of slot 0 is heralded at 1000 ns, when the pair's 1000 ns cutoff expires
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5
    And circuit 7 along route 2, 3 with a cutoff of 1000 ns is established at the node
    When the clock advances to 1000 ns
    Then the node sends ATTEMPT to node 1002
    And its "body.slot_ns" is 0
    When the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives no PAIR_DELIVERY
    And the node sends DISCARD to node 2
    And its "body.pair" is {"link_id": 2, "seq": 5}

  @DLV-005 @DLV-030.1
  Scenario: CLOSE_ENDPOINT frees the delivered pairs it holds without reporting them expired
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5
    And circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When the application sends CLOSE_ENDPOINT {"endpoint": 6}
    Then the application receives ENDPOINT_STATUS
    And the application receives no PAIR_EXPIRED
    And the node holds 0 memory qubits

  @DLV-024
  Scenario: At the passive end a pair is delivered with request_id 0 even while the endpoint has a request of its own
    Given an end node 3 linked to node 2 with a route 3, 2, 1
    And the application has opened endpoint 6 for node 1 endpoint 5
    And circuit 7 along route 1, 2, 3 is established at the node
    When the application sends PAIR_REQUEST {"endpoint": 6, "request_id": 9, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And node 2 sends SWAP_OUTCOME {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 9}, "right": {"link_id": 2, "seq": 4}, "bsm_result": "PHI_MINUS", "bell_index": "PSI_MINUS", "new_partner": 1}
    Then the application receives PAIR_DELIVERY
    And its "body.circuit_id" is 7
    And its "body.request_id" is 0
