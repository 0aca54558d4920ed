@node
Feature: Call admission control at a hop: memory and link rate (spec chapter 05 section 3)
  Router 2 of the line 1 - 2 - 3 reserves one memory qubit per link of the route for each
  circuit (SIG-101.1) and counts each circuit's min_rate_mhz against both of its links
  (SIG-101.2); each of the harness's links carries 1000000000 mHz (one million pairs per
  second).

  @SIG-002.1 @SIG-101.1
  Scenario: A router with exactly the memory two circuits need admits both
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 4 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 4
    And the node sends no REJECT

  @SIG-002.1 @SIG-002.3 @SIG-101.1 @SIG-022
  Scenario: A router one memory qubit short of a second circuit refuses it with NO_RESOURCES
    Given a router node 2 between nodes 1 and 3 with 3 memory qubits
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 4 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1
    And its "body.circuit_id" is 4
    And its "body.rejecting_node" is 2
    And the node sends no SETUP

  @SIG-002.2
  Scenario: A SETUP asking exactly the capacity of the link is admitted
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 1000000000
    Then the node sends SETUP to node 3
    And the node sends no REJECT

  @SIG-002.2 @SIG-002.3
  Scenario: A SETUP asking 1 mHz more than the capacity of the link is refused with NO_RESOURCES
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 1000000001
    Then the node sends REJECT NO_RESOURCES to node 1
    And its "body.rejecting_node" is 2
    And the node sends no SETUP

  @SIG-002.2 @SIG-002.3 @SIG-101.2
  Scenario: A circuit finds only the link capacity the circuits admitted before it left
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 5 along route 1, 2, 3 with min_rate_mhz 400000001
    Then the node sends REJECT NO_RESOURCES to node 1
    And its "body.circuit_id" is 5
    And the node sends no SETUP
    When node 1 sends SETUP for circuit 6 along route 1, 2, 3 with min_rate_mhz 400000000
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 6
    And the node sends no REJECT

  @SIG-101.2 @SIG-002.2 @SIG-002.3
  Scenario: A circuit's rate counts against both links of the hop, so a circuit in the other direction finds it taken
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    When node 3 sends SETUP for circuit 5 along route 3, 2, 1 with min_rate_mhz 600000000
    Then the node sends REJECT NO_RESOURCES to node 3
    And its "body.circuit_id" is 5
    And the node sends no SETUP

  @SIG-030
  Scenario: TEARDOWN gives the circuit's link capacity back
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    When node 1 sends TEARDOWN {"circuit_id": 9, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    When node 1 sends SETUP for circuit 5 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 5
    And the node sends no REJECT

  @SIG-020.2
  Scenario: A REJECT gives the circuit's link capacity back
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    When node 3 sends REJECT {"circuit_id": 9, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends REJECT NO_RESOURCES to node 1
    When node 1 sends SETUP for circuit 5 along route 1, 2, 3 with min_rate_mhz 600000000
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 5
    And the node sends no REJECT

  @SIG-020.1
  Scenario: A tail end that refuses a circuit releases what it reserved for it
    Given an end node 3 linked to node 2, with 1 memory qubit
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 65535
    Then the node sends REJECT FIDELITY_UNREACHABLE to node 2
    When node 2 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And the node sends no REJECT
