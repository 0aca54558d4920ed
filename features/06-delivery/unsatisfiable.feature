@node
Feature: Requests that cannot be met (spec chapter 06 section 3, DLV-011.1 to DLV-011.3)
  Head end 1 of route 1 - 2 - 3; the harness plays node 2 (and the far end beyond it).

  Background:
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6

  @DLV-011.1
  Scenario: A PAIR_REQUEST whose deadline has passed is refused with REQUEST_UNSATISFIABLE
    When the clock advances to 5000 ns
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 1000, "priority": 0}
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And the node sends no SETUP

  @DLV-011.1 @SIG-020.2
  Scenario: A PAIR_REQUEST whose circuit is refused is answered with REQUEST_UNSATISFIABLE
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 sends REJECT {"circuit_id": "$circuit", "reason": "FIDELITY_UNREACHABLE", "rejecting_node": 3, "retry_after_ns": 0}
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And the application receives no PAIR_DELIVERY

  @DLV-011.2 @DLV-011.3
  Scenario: When the deadline passes before all pairs are delivered the request is reported unsatisfiable and no more pairs are delivered
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 50000, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And the application receives no ERROR
    When the clock advances to 60000 ns
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    When the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives no PAIR_DELIVERY

  @DLV-005 @DLV-003.1
  Scenario: CLOSE_ENDPOINT fails the request being served with ENDPOINT_NOT_OPEN echoing its PAIR_REQUEST
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the application sends CLOSE_ENDPOINT {"endpoint": 5}
    Then the application receives ERROR ENDPOINT_NOT_OPEN for each PAIR_REQUEST it sent, in order
    And the application receives ENDPOINT_STATUS
    And its "body" is {"endpoint": 5, "status": "CLOSED"}
    And the node sends TEARDOWN to node 2

  @DLV-011.1
  Scenario: A PAIR_REQUEST whose deadline is the current time is refused with REQUEST_UNSATISFIABLE
    When the clock advances to 5000 ns
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 5000, "priority": 0}
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And the node sends no SETUP

  @DLV-011.1
  Scenario: A request whose circuit is torn down by failure before all its pairs are delivered is reported unsatisfiable
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And the application receives no ERROR
    When node 2 sends TEARDOWN {"circuit_id": "$circuit", "reason": "FAILURE"}
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And it echoes the first PAIR_REQUEST the application sent
