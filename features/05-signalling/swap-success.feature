@node
Feature: The Bell-state measurement success probability in admission (spec chapter 05 sections 3 and 4)
  A swapping hop reports the probability q that its Bell-state measurement succeeds in the
  swap_success field of its capability record, rounded down, and an end reports 1 (SIG-047,
  SIG-048); the tail end includes the q of every swapping hop in its rate estimate (SIG-046)
  and refuses a min_rate_mhz it cannot meet (SIG-011). Each of the harness's links carries 1000000000 mHz (one million
  pairs per second).

  @cap:node.bsm-failure @SIG-047.1 @SIG-048
  Scenario: A router whose Bell-state measurement succeeds with probability 1/2 reports it rounded down
    # q = 0.5: q x 65535 = 32767.5, rounded down 32767 (rounded to nearest or up: 32768)
    Given a router node 2 between nodes 1 and 3
    And the node's Bell-state measurement succeeds with probability 0.5
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.swap_success" is 32767

  @SIG-047.1
  Scenario: A router whose Bell-state measurement never fails reports 65535
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.swap_success" is 65535

  @cap:node.bsm-failure @SIG-047.2
  Scenario: A head end reports 65535 whatever the success probability of its Bell-state measurement
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the node's Bell-state measurement succeeds with probability 0.5
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    And its "body.hops.0.swap_success" is 65535

  @SIG-046 @SIG-011
  Scenario: The tail end confirms a rate that two links meet when the router's swaps never fail
    # two links of one million pairs per second each: about 666667 pairs/s end to end with
    # q = 1 (the later of two exponential waits), about 333333 with q = 1/2
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 500000000 whose router 2 reports swap_success 65535
    Then the node sends CONFIRM to node 2
    And the node sends no REJECT

  @SIG-046 @SIG-011
  Scenario: The tail end refuses a rate that the route meets only if the router's swaps never fail
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 500000000 whose router 2 reports swap_success 32767
    Then the node sends REJECT NO_RESOURCES to node 2
    And its "body.rejecting_node" is 3
    And the node sends no CONFIRM
