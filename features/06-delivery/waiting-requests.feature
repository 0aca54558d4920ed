@node @cap:node.request-queue
Feature: Requests waiting at an endpoint (spec chapter 06 section 3, chapter 09 section 6)
  Head end 1 of route 1 - 2 - 3; the harness plays node 2 (and the far end beyond it). The node
  lets a PAIR_REQUEST made while the endpoint serves another wait (DLV-102.2) instead of
  refusing it.

  Background:
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6

  @DLV-013 @DLV-102.1 @DLV-102.2
  Scenario: Requests made while one is served wait, and are served one at a time in the order received
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 2, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 3, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends 1 SETUP to node 2
    And the application receives no ERROR
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And its "body.request_id" is 1
    And the node sends 1 SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 5000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PSI_PLUS", "new_partner": 3}
    Then the application receives PAIR_DELIVERY
    And its "body.request_id" is 2
    And the node sends 1 SETUP to node 2
    And the application receives no ERROR

  @DLV-011.2 @DLV-102.1 @DLV-102.2
  Scenario: A waiting request whose deadline passes fails with REQUEST_UNSATISFIABLE while the one before it is served on
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 2, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 50000, "priority": 0}
    Then the node sends 1 SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 60000 ns
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And it echoes the second PAIR_REQUEST the application sent
    And the node sends no TEARDOWN
    And the node sends no SETUP

  @DLV-005
  Scenario: CLOSE_ENDPOINT fails the request being served and the one waiting, each echoing its PAIR_REQUEST
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    And the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 2, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends 1 SETUP to node 2
    When the application sends CLOSE_ENDPOINT {"endpoint": 5}
    Then the application receives ERROR ENDPOINT_NOT_OPEN for each PAIR_REQUEST it sent, in order
    And the application receives ENDPOINT_STATUS
