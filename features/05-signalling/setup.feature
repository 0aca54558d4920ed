@node
Feature: SETUP admission at a hop (spec chapter 05 sections 3 and 4)

  @SIG-001.1 @SIG-001.2 @SIG-002.2
  Scenario: An admitted SETUP is forwarded with exactly one more hop record
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 5000
    Then the node sends SETUP to node 3
    And its "body.hops.1.node" is 2
    And its "body.hops.1.link_id" is 2
    And its "body.route" is [1, 2, 3]
    And its "body.circuit_id" is 7
    And the SETUP the node sent to node 3 is the one node 1 sent with exactly one more hop record, naming node 2 and link 2

  @SIG-002.1 @SIG-002.3 @SIG-022
  Scenario: A SETUP beyond the node's free memory is refused with NO_RESOURCES
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1
    And its "body.rejecting_node" is 2
    And the node sends no SETUP

  @SIG-003 @ERR-006
  Scenario: A SETUP whose route does not have the sender before the node is refused
    Given a router node 2 between nodes 1 and 3
    When node 3 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends ERROR ROUTE_INVALID to node 3
    And the node sends no SETUP

  @SIG-008
  Scenario: A SETUP without the hop records of the nodes before the node is refused
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 without hop records
    Then the node sends ERROR ROUTE_INVALID to node 1

  @SIG-004 @ERR-006
  Scenario: A second SETUP for a circuit the node holds is refused
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends ERROR DUPLICATE_CIRCUIT to node 1
    And the node sends no SETUP

  @SIG-007
  Scenario: A SETUP whose circuit id clashes with another head end's circuit is refused with BUSY
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 3 sends SETUP for circuit 7 along route 3, 2, 1
    Then the node sends REJECT BUSY to node 3
    And its "body.rejecting_node" is 2
    And its "body.circuit_id" is 7
    And the node sends no ERROR
    And the node sends no SETUP

  @SIG-009
  Scenario: A SETUP whose next node is not a neighbour of the hop is refused with UNREACHABLE
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 4
    Then the node sends REJECT UNREACHABLE to node 1
    And its "body.rejecting_node" is 2
    And the node sends no SETUP

  @SIG-038.1 @SIG-038.2
  Scenario: A swapping hop folds the noise of its Bell-state measurement into the link fidelity it advertises
    # link fidelity 0.95 on the wire: 62258; Werner w = (4F - 1)/3 times p (4 eta^2 - 1)/3 for
    # p = 0.9, eta = 0.95 gives F = 0.79810, on the wire floor(F x 65535) = 52303 (SIG-045.4)
    Given a router node 2 between nodes 1 and 3 whose Bell-state measurement has gate fidelity 0.9 and readout fidelity 0.95
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.link_fidelity" is 52303

  @SIG-039.1 @SIG-039.2
  Scenario: With decohering memories and a minimum fidelity the tail end confirms with a cutoff and an estimate that meets the minimum
    # fresh pairs of the route are at about 0.90; stored without limit they would fall to 1/4,
    # so any cutoff meeting the minimum (50000/65535, about 0.76) is finite
    Given an end node 3 linked to node 2 whose memories have T2 1000000 ns
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 50000 from hops whose memories have T2 1000000 ns
    Then the node sends CONFIRM to node 2
    And every rule of that CONFIRM carries a cutoff and its expected_fidelity is at least 50000
    And its expected_fidelity is at most the fidelity of pairs of route 1, 2, 3 whose every qubit is stored for its node's cutoff, with links of fidelity 0.95 and memories of T2 1000000 ns

  @SIG-039.3 @SIG-005.2
  Scenario: With decohering memories the tail end refuses a minimum fidelity that even fresh pairs cannot reach
    # fresh pairs of the route are at about 0.90 and no distillation reaches fidelity 1
    Given an end node 3 linked to node 2 whose memories have T2 1000000 ns
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 65535 from hops whose memories have T2 1000000 ns
    Then the node sends REJECT FIDELITY_UNREACHABLE to node 2
    And its "body.rejecting_node" is 3
    And the node sends no CONFIRM

  @SIG-045.2
  Scenario: With a low minimum fidelity the tail end keeps the cutoff within T2 ln 2 of the shortest reported T2
    # a minimum of 19661/65535 (0.3) would allow storing for about 1.23 T2; beyond
    # T2 ln 2 = 693147 ns a T2 with T1 folded in (SIG-045.1) is no longer a lower bound
    Given an end node 3 linked to node 2 whose memories have T2 1000000 ns
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 19661 from hops whose memories have T2 1000000 ns
    Then the node sends CONFIRM to node 2
    And every rule of that CONFIRM carries a cutoff and its expected_fidelity is at least 19661
    And every rule of that CONFIRM has a cutoff of at most 693147 ns

  @SIG-045.3
  Scenario: The tail end encodes its fidelity estimate rounded down
    # fresh pairs over links of 62000/65535 and 62258/65535 are at 58958.68/65535: rounded to
    # nearest, 58959, the estimate would be above every pair; rounded down it is 58958
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 0 and a first link of fidelity 62000
    Then the node sends CONFIRM to node 2
    And its expected_fidelity is at most the fidelity of fresh pairs over the links of the SETUP's hop records, rounded down

  @SIG-045.4
  Scenario: A swapping hop encodes its link fidelity with the swap noise folded in rounded down
    # 62258/65535 with p = 0.95, eta = 0.99 folded in is 58807.95/65535: rounded to nearest
    # 58808, above the pairs the link gives; rounded down 58807
    Given a router node 2 between nodes 1 and 3 whose Bell-state measurement has gate fidelity 0.95 and readout fidelity 0.99
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the link_fidelity of its hop record is at most that of its link with a gate fidelity of 0.95 and a readout fidelity of 0.99 folded in, rounded down

  @FWD-010.1 @FWD-010.2
  Scenario: The tail end gives every rule a cutoff no longer than the requested one
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with cutoff_ns 5000
    Then the node sends CONFIRM to node 2
    And every rule of that CONFIRM has a cutoff of at most 5000 ns

  @FWD-009.1
  Scenario: The tail end leaves the rule fields that an action does not use at 0 or NONE
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And every rule of that CONFIRM leaves the fields its action does not use at 0 or NONE

  @SIG-005.2 @SIG-040.3
  Scenario: The tail end refuses a fidelity its route cannot reach
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 65535
    Then the node sends REJECT FIDELITY_UNREACHABLE to node 2
    And its "body.rejecting_node" is 3

  @SIG-011
  Scenario: The tail end refuses a rate its route cannot offer
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 4000000000
    Then the node sends REJECT NO_RESOURCES to node 2

  @SIG-012.1 @SIG-012.2 @DLV-004
  Scenario: The tail end confirms a satisfiable circuit with rules for every hop
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And its "body.circuit_id" is 7
    And its rules realise the circuit along route 1, 2, 3

  @SIG-012.1 @SIG-012.2
  Scenario: The tail end of a longer route confirms with rules for every hop of it
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 3 sends SETUP for circuit 12 along route 1, 2, 3, 4
    Then the node sends CONFIRM to node 3
    And its "body.circuit_id" is 12
    And its rules realise the circuit along route 1, 2, 3, 4
    And the node sends no REJECT

  @SIG-011 @SIG-012.2 @SIG-044
  Scenario: The tail end admits a circuit asking exactly the rate it estimates, and refuses 1 mHz more
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And its "body.expected_rate_mhz" is remembered as estimate
    When node 2 sends TEARDOWN {"circuit_id": 8, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 2
    When node 2 sends SETUP for circuit 5 along route 1, 2, 3 with min_rate_mhz the remembered estimate plus one
    Then the node sends REJECT NO_RESOURCES to node 2
    And its "body.rejecting_node" is 3
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz the remembered estimate
    Then the node sends CONFIRM to node 2
    And its "body.circuit_id" is 7
    And the node sends no REJECT

  @SIG-044
  Scenario: The tail end's rate estimate lies between the requested rate and the rate of the slowest link
    # the first link's record advertises 1000000 mHz (1000 pairs per second), the second
    # 10^9 mHz; the circuit asks 100000 mHz, which the slower link can carry
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 100000 and a first link of rate 1000000 mHz
    Then the node sends CONFIRM to node 2
    And its expected_rate_mhz is at least the SETUP's min_rate_mhz and at most the rate of the slowest link of the SETUP's hop records

  @SIG-005.1 @SIG-005.2
  Scenario: The tail end counts the fidelity of every link of the route, not only the last
    # the first link's record advertises fidelity 1/2 (32768 of 65535): the route's pairs are
    # at most about 0.48, too poor even to distil, while the last link alone would reach 0.9
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 58982 and a first link of fidelity 32768
    Then the node sends REJECT FIDELITY_UNREACHABLE to node 2
    And its "body.rejecting_node" is 3
    And the node sends no CONFIRM

  @DLV-004
  Scenario: The tail end refuses a SETUP for an endpoint that is not open
    Given an end node 3 linked to node 2
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 2

  @ROLE-101.5
  Scenario: An end node refuses a SETUP in which it is neither head nor tail end
    Given an end node 2 linked to node 1
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 1
    And the node sends no SETUP

  @SIG-045.1
  Scenario: A hop whose memories relax reports its T2 with T1 folded in
    # 1 / (1/T1 + 1/T2) with T1 = T2 = 2 ms: 1 ms
    Given a router node 2 between nodes 1 and 3
    And the node's memories have T1 2000000 ns and T2 2000000 ns
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.memory_t2_ns" is 1000000

  @SIG-045.1
  Scenario: A hop reports at most twice its T1 as the dephasing it folds T1 into
    # a memory's T2 cannot exceed 2 T1: T2' = min(5 ms, 2 ms) = 2 ms, and 1 / (1/1 + 1/2) ms
    Given a router node 2 between nodes 1 and 3
    And the node's memories have T1 1000000 ns and T2 5000000 ns
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.memory_t2_ns" is 666666
