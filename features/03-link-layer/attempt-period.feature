@node
Feature: The two nodes of a link attempt in the same slots: the attempt period (spec chapter 03 section 1)

  # The node under test is router 2 between nodes 1 and 3, whose links have slots of 1000 ns
  # and an attempt period of 3 slots (or 2): its attempt slots are those whose index is a
  # multiple of the period, at 0, 3000, 6000 ns, and FWD-003 counts attempt slots, not slots.

  @LINK-017
  Scenario: After an attempt, the node waits for the next attempt slot, not the next slot
    Given a router node 2 between nodes 1 and 3 whose links have an attempt period of 3 slots
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 0
    When the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the clock advances to 2999 ns
    Then the node sends 0 ATTEMPT to node 1001
    When the clock advances to 3000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 3000

  @LINK-017 @LINK-020
  Scenario: A slot the node could not use is attempted with modes 0, and the next one is the next attempt slot
    # the pair of seq 1 (heralded for attempt slot 0) fills circuit 7's one reserved qubit on
    # link 1, so attempt slot 1 (3000 ns) is attempted with modes 0; the peer's EXPIRE frees
    # the qubit at 3500 ns, and the next attempt slot is 6000 ns, not 4000
    Given a router node 2 between nodes 1 and 3 whose links have an attempt period of 3 slots
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 3400 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 3000
    And its "body.modes" is 0
    When the station heralds no results for the node's attempt on link 1
    And node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    And the clock advances to 5999 ns
    Then the node sends 0 ATTEMPT to node 1001
    When the clock advances to 6000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 6000
    And its "body.modes" is 1

  @FWD-003 @LINK-017 @cap:node.harness-device
  Scenario: With an attempt period of 2, the second attempt slot belongs to the second circuit
    # attempt slots at 0, 2000, 4000 ns are attempt slots 0, 1, 2: circuit 7 has attempt slot
    # 0, circuit 8 attempt slot 1 (at 2000 ns), whatever the slot's own index (2) would say
    Given a router node 2 between nodes 1 and 3 whose links have an attempt period of 2 slots
    And circuit 7 along route 1, 2, 3 is established at the node
    And circuit 8 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And the clock advances to 2000 ns
    Then the node sends ATTEMPT to node 1001
    And its "body.slot_ns" is 2000
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.circuit_id" 8
    And the node sends SWAP_OUTCOME to node 1
