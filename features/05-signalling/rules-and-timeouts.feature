@node
Feature: Installing rules, timeouts, retries (spec chapter 05 sections 5 to 8)

  @SIG-013.1 @SIG-013.2 @SIG-013.3
  Scenario: A hop that cannot install its rules refuses upstream with NO_RESOURCES and tears down downstream
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 sends CONFIRM {"circuit_id": 7, "expected_rate_mhz": 1000, "expected_fidelity": 58000, "rules": [{"node": 2, "match_circuit": 7, "match_link": 5, "action": "GENERATE", "peer_link": 0, "cutoff_ns": 0, "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": 0}, {"node": 2, "match_circuit": 7, "match_link": 1, "action": "GENERATE", "peer_link": 0, "cutoff_ns": 0, "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": 0}]}
    Then the node sends REJECT NO_RESOURCES to node 1
    And the node sends TEARDOWN to node 3
    And its "body.reason" is "FAILURE"
    And the node sends no CONFIRM
    When the clock advances to 5000 ns
    Then the node sends no ATTEMPT

  @SIG-021.2
  Scenario: A head end does not retry a request refused with retry_after_ns 0
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 sends REJECT {"circuit_id": "$circuit", "reason": "NO_RESOURCES", "rejecting_node": 2, "retry_after_ns": 0}
    And the clock advances to 100000000000 ns
    Then the node sends no SETUP but retransmissions of the first one it sent

  @SIG-014.1 @SIG-032.2
  Scenario: A head end that gets no CONFIRM or REJECT tears the circuit down with FAILURE
    # the setup timeout is the node's own setting; 100 s is longer than any sensible one
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the clock advances to 100000000000 ns
    Then the node sends TEARDOWN to node 2
    And its "body.reason" is "FAILURE"

  @SIG-034
  Scenario: TEARDOWN is retransmitted until it is acknowledged
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When the clock advances to 100000000000 ns
    Then the node sends TEARDOWN to node 3
    And its "body.reason" is "NORMAL"

  @SIG-010.1
  Scenario: A head end installs its rules from CONFIRM and starts generating on its link
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    And the node sends no ATTEMPT
    When node 2 confirms the node's circuit along route 1, 2, 3
    And the clock advances to 1000 ns
    Then the node sends ATTEMPT to node 1001
    And the node sends no CONFIRM
    And the node sends no ERROR

  @SIG-013.1 @SIG-013.2 @SIG-013.3
  Scenario: A hop whose rules would hold more memory than it reserved refuses them
    # a link-level DISTIL rule of one round holds one more pair on link 1 than the
    # reservation of one memory qubit per link, and the node has no memory to spare
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 confirms circuit 7 along route 1, 2, 3 with 1 round of link-level DEJMPS distillation on link 1
    Then the node sends REJECT NO_RESOURCES to node 1
    And its "body.rejecting_node" is 2
    And the node sends TEARDOWN to node 3
    And its "body.reason" is "FAILURE"
    And the node sends no CONFIRM

  @SIG-014.2
  Scenario: A hop releases a reservation that stays pending beyond its setup timeout
    # the setup timeout is the node's own setting; 100 s is longer than any sensible one
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When the clock advances to 100000000000 ns
    And node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 8
    And the node sends no REJECT

  @SIG-021.1
  Scenario: A head end does not retry a refused request before its retry_after_ns has elapsed
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 sends REJECT {"circuit_id": "$circuit", "reason": "BUSY", "rejecting_node": 2, "retry_after_ns": 1000000000}
    And the clock advances to 999999999 ns
    Then the node sends no SETUP but retransmissions of the first one it sent

  @SIG-034
  Scenario: TEARDOWN is no longer retransmitted once it is acknowledged
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When node 3 sends TEARDOWN_ACK {"circuit_id": 7, "released_memory": 2}
    And the clock advances to 100000000000 ns
    Then the node sends no TEARDOWN

  @SIG-034
  Scenario: TEARDOWN retransmissions stop at a retry limit
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When the clock advances to 100000000000 ns
    Then the node sends TEARDOWN to node 3
    When the clock advances to 1000000000000 ns
    Then the node sends no TEARDOWN

  @SIG-035
  Scenario: A head end tears its circuit down with COMPLETED once num_pairs pairs are delivered
    Given an end node 1 linked to node 2 with a route 1, 2
    And the application has opened endpoint 5 for node 2 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2
    And the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 1
    Then the application receives PAIR_DELIVERY
    And the node sends TEARDOWN to node 2
    And its "body.reason" is "COMPLETED"
