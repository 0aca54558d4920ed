@node
Feature: Both nodes of a link are present in every attempt slot, and agree on the link's rotation (spec chapter 03 section 1.1, chapter 05 FWD-003 and FWD-011 to FWD-015)

  # The node under test is router 2 between nodes 1 and 3 (link 1 to node 1, station 1001;
  # link 2 to node 3, station 1002), with slots of 1000 ns and an attempt period of 1. A
  # circuit's CONFIRM comes from node 3 across link 2 and goes on to node 1 across link 1 at
  # 0 ns; with a peer delay (the links' signalling latency) of L ns, node 1 has it at L ns.

  @LINK-020
  Scenario: A node with no free qubit for the slot's circuit still attempts, with modes 0
    # the pair of seq 1 fills circuit 7's one reserved qubit on link 1
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 2500 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.modes" is 0

  @LINK-021
  Scenario: The HERALD with no results of an attempt with modes 0 is no error, and the node attempts in the next slot
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 2500 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.modes" is 0
    When the station heralds no results for the node's attempt on link 1
    Then the node sends no ERROR
    When the clock advances to 3500 ns
    Then the node sends 1 ATTEMPT to node 1001

  @FWD-011 @FWD-012 @FWD-015
  Scenario: A circuit joins the rotation of the link its CONFIRM was sent across only when the neighbour has it
    # link 2 (CONFIRM received across it) has circuit 7 at once; link 1 (CONFIRM sent across
    # it at 0 ns) from 5000 ns, when node 1 has received it: the slots before are nobody's
    Given a router node 2 between nodes 1 and 3 whose links have a peer delay of 5000 ns
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    Then the node sends 1 ATTEMPT to node 1002
    And the node sends 0 ATTEMPT to node 1001
    When the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And the clock advances to 4999 ns
    Then the node sends 0 ATTEMPT to node 1001
    When the clock advances to 5500 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 5000
    And its "body.modes" is 1

  @FWD-013 @FWD-014 @LINK-020
  Scenario: A circuit stays in the rotation of the link its TEARDOWN was sent across until the neighbour has it
    # TEARDOWN arrives from node 1 across link 1 at 500 ns: link 1 drops circuit 7 at once; it
    # goes on to node 3 across link 2, whose rotation keeps circuit 7 until 2500 ns, when node
    # 3 has it: the node is present in its slots 1000 and 2000 with modes 0, not in 3000
    Given a router node 2 between nodes 1 and 3 whose links have a peer delay of 2000 ns
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN to node 3
    When the clock advances to 1500 ns
    Then the node sends 0 ATTEMPT to node 1001
    And the node sends 1 ATTEMPT to node 1002
    And its "body.modes" is 0
    And its "body.slot_ns" is 1000
    When the station heralds no results for the node's attempt on link 2
    And the clock advances to 2400 ns
    Then the node sends 0 ATTEMPT to node 1001
    And the node sends 1 ATTEMPT to node 1002
    And its "body.modes" is 0
    And its "body.slot_ns" is 2000
    When the station heralds no results for the node's attempt on link 2
    And the clock advances to 6000 ns
    Then the node sends 0 ATTEMPT to node 1002
    And the node sends 0 ATTEMPT to node 1001
