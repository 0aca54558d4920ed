@node
Feature: Route and hop-record checks of SETUP (spec chapter 05 section 3)

  @SIG-003 @ERR-006
  Scenario: A SETUP whose route does not start with its head end is refused with ROUTE_INVALID
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 whose head_end is 9
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node sends no SETUP
    And the node sends no REJECT

  @SIG-003 @ERR-006
  Scenario: A SETUP whose route does not end with its tail end is refused with ROUTE_INVALID
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 whose tail_end is 9
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node sends no SETUP
    And the node sends no REJECT

  @SIG-003 @ERR-006
  Scenario: A SETUP whose route holds a node twice is refused with ROUTE_INVALID
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 1, 3
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node sends no SETUP
    And the node sends no REJECT

  @SIG-003 @SIG-022
  Scenario: A hop whose SETUP the next hop refuses with ROUTE_INVALID refuses the circuit upstream with REJECT UNREACHABLE and releases it
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 answers the node's SETUP with ERROR ROUTE_INVALID
    Then the node sends REJECT UNREACHABLE to node 1
    And its "body.circuit_id" is 7
    And its "body.rejecting_node" is 2
    And the node sends no ERROR
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.circuit_id" is 8
    And the node sends no REJECT

  @SIG-003 @DLV-011.1
  Scenario: A head end whose SETUP the next hop refuses with ROUTE_INVALID fails the request at once
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 answers the node's SETUP with ERROR ROUTE_INVALID
    Then the application receives ERROR REQUEST_UNSATISFIABLE
    And the node sends no ERROR

  @SIG-008 @ERR-006
  Scenario: A SETUP whose hop record names another node than the one before the hop is refused
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 whose hop records name nodes 9
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node sends no SETUP

  @SIG-008 @ERR-006
  Scenario: A SETUP whose hop records are out of route order is refused
    Given a router node 3 between nodes 2 and 4
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3, 4 whose hop records name nodes 2, 1
    Then the node sends ERROR ROUTE_INVALID to node 2
    And the node sends no SETUP

  @SIG-008 @ERR-006
  Scenario: A SETUP with one hop record more than the nodes before the hop is refused
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 whose hop records name nodes 1, 2
    Then the node sends ERROR ROUTE_INVALID to node 1
    And the node sends no SETUP

  @SIG-008 @SIG-001.1 @SIG-001.2
  Scenario: A SETUP whose hop records name the nodes before the hop in route order is admitted and forwarded
    Given a router node 3 between nodes 2 and 4
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3, 4 whose hop records name nodes 1, 2
    Then the SETUP the node sent to node 4 is the one node 2 sent with exactly one more hop record, naming node 3 and link 3
    And the node sends no ERROR
