@node
Feature: Endpoints and requests (spec chapter 06 sections 2 and 3)

  Background:
    Given an end node 1 linked to node 2 with a route 1, 2, 3

  @DLV-001.1 @DLV-003.1
  Scenario: OPEN_ENDPOINT opens the endpoint and is answered with ENDPOINT_STATUS OPEN
    When the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 3, "remote_endpoint": 6}
    Then the application receives ENDPOINT_STATUS
    And its "body" is {"endpoint": 5, "status": "OPEN"}

  @DLV-001.2
  Scenario: OPEN_ENDPOINT for an endpoint already open is refused with ENDPOINT_IN_USE
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 3, "remote_endpoint": 6}
    Then the application receives ERROR ENDPOINT_IN_USE

  @DLV-003.1 @DLV-005
  Scenario: CLOSE_ENDPOINT closes the endpoint and is answered with ENDPOINT_STATUS CLOSED
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends CLOSE_ENDPOINT {"endpoint": 5}
    Then the application receives ENDPOINT_STATUS
    And its "body" is {"endpoint": 5, "status": "CLOSED"}

  @DLV-010
  Scenario: PAIR_REQUEST on an endpoint that is not open is refused with ENDPOINT_NOT_OPEN
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the application receives ERROR ENDPOINT_NOT_OPEN
    And the node sends no SETUP

  @DLV-010
  Scenario: CLOSE_ENDPOINT on an endpoint that is not open is refused with ENDPOINT_NOT_OPEN
    When the application sends CLOSE_ENDPOINT {"endpoint": 5}
    Then the application receives ERROR ENDPOINT_NOT_OPEN

  @DLV-012
  Scenario: PAIR_REQUEST for zero pairs is refused with FIELD_OUT_OF_RANGE
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 0, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the application receives ERROR FIELD_OUT_OF_RANGE
    And its "body.field" is "body.num_pairs"
    And the node sends no SETUP

  @DLV-002
  Scenario: OPEN_ENDPOINT for endpoint 0 is refused with FIELD_OUT_OF_RANGE
    When the application sends OPEN_ENDPOINT {"endpoint": 0, "remote_node": 3, "remote_endpoint": 6}
    Then the application receives ERROR FIELD_OUT_OF_RANGE

  @SIG-001.1 @SIG-001.2 @DLV-010
  Scenario: A PAIR_REQUEST on an open endpoint sets up a circuit along the route
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    And its "body.route" is [1, 2, 3]
    And its "body.hops.0.node" is 1
    And its "body.qos.num_pairs" is 3
    And its "body.qos.priority" is 0

  @DLV-015
  Scenario: The circuit set up for a PAIR_REQUEST carries the request's priority
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 6}
    Then the node sends SETUP to node 2
    And its "body.qos.priority" is 6

  @DLV-102.1 @DLV-102.2
  Scenario: A second PAIR_REQUEST while one is served is not served at the same time: it waits or is refused with REQUEST_UNSATISFIABLE
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 2, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends no SETUP
    And the application receives no ERROR other than REQUEST_UNSATISFIABLE

  @DLV-001.2
  Scenario: OPEN_ENDPOINT for an endpoint serving a request is refused with ENDPOINT_IN_USE, before and after its circuit is established
    Given the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 3, "remote_endpoint": 7}
    Then the application receives ERROR ENDPOINT_IN_USE
    And the application receives no ENDPOINT_STATUS
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 3, "remote_endpoint": 7}
    Then the application receives ERROR ENDPOINT_IN_USE
    And the application receives no ENDPOINT_STATUS

  @DLV-002
  Scenario: PAIR_REQUEST for endpoint 0 is refused with FIELD_OUT_OF_RANGE naming body.endpoint
    When the application sends PAIR_REQUEST {"endpoint": 0, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the application receives ERROR FIELD_OUT_OF_RANGE
    And its "body.field" is "body.endpoint"
    And the node sends no SETUP

  @DLV-002
  Scenario: OPEN_ENDPOINT naming a remote node but remote endpoint 0 is refused with FIELD_OUT_OF_RANGE
    When the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 3, "remote_endpoint": 0}
    Then the application receives ERROR FIELD_OUT_OF_RANGE
    And the application receives no ENDPOINT_STATUS

  @DLV-002
  Scenario: OPEN_ENDPOINT naming a remote endpoint but remote node 0 is refused with FIELD_OUT_OF_RANGE
    When the application sends OPEN_ENDPOINT {"endpoint": 5, "remote_node": 0, "remote_endpoint": 6}
    Then the application receives ERROR FIELD_OUT_OF_RANGE
    And the application receives no ENDPOINT_STATUS
