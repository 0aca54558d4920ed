@node
Feature: The cutoff in force for each qubit and DISCARD rules (spec chapter 05 section 7)
  Router node 2 on the line 1 - 2 - 3 holds the baseline rules of circuit 7 (GENERATE on links
  1 and 2, SWAP from link 1 to link 2) plus the extra rules of each scenario. A qubit matches
  the rules of its circuit whose match_link is the link of its origin reference; its cutoff is
  the smallest non-zero cutoff_ns among them (FWD-008.1), counted from the slot_ns of its HERALD
  (slot 0 for the pairs held here).

  @FWD-008.1 @TRK-011.1
  Scenario: A DISCARD rule's age limit on link 1 does not apply to a qubit of link 2
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the extra rules [{"node": 2, "match_link": 1, "action": "DISCARD", "cutoff_ns": 5000}]
    And the node holds a PSI_PLUS pair with seq 1 on link 2
    When the clock advances to 9000 ns
    Then the node sends no DISCARD

  @FWD-008.1 @FWD-008.2 @TRK-011.1 @TRK-010
  Scenario: A DISCARD rule discards a qubit of its link once its age exceeds the rule's cutoff
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the extra rules [{"node": 2, "match_link": 1, "action": "DISCARD", "cutoff_ns": 5000}]
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 4500 ns
    Then the node sends no DISCARD
    When the clock advances to 5500 ns
    Then the node sends DISCARD to node 1
    And its "body" is {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": "CUTOFF"}

  @FWD-008.2 @cap:node.harness-device
  Scenario: A DISCARD rule with cutoff 0 discards a qubit of its link at once, which is then never swapped
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the extra rules [{"node": 2, "match_link": 1, "action": "DISCARD", "cutoff_ns": 0}]
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node sends DISCARD to node 1
    And its "body.pair" is {"link_id": 1, "seq": 1}
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    And the node sends no DISCARD

  @FWD-008.1 @TRK-011.1
  Scenario: The smallest of two non-zero cutoffs is in force, for each link its own
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 with a cutoff of 8000 ns is established at the node with the extra rules [{"node": 2, "match_link": 1, "action": "DISCARD", "cutoff_ns": 3000}]
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 2500 ns
    Then the node sends no DISCARD
    When the clock advances to 3500 ns
    Then the node sends DISCARD to node 1
    And its "body.reason" is "CUTOFF"

  @FWD-008.1 @TRK-011.1
  Scenario: A qubit of the other link keeps the longer cutoff of its own rules
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 with a cutoff of 8000 ns is established at the node with the extra rules [{"node": 2, "match_link": 1, "action": "DISCARD", "cutoff_ns": 3000}]
    And the node holds a PSI_PLUS pair with seq 1 on link 2
    When the clock advances to 7500 ns
    Then the node sends no DISCARD
    When the clock advances to 8500 ns
    Then the node sends DISCARD to node 3
    And its "body.reason" is "CUTOFF"

  @FWD-001.1
  Scenario: Rules of another node in the CONFIRM are not installed
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the extra rules [{"node": 1, "match_link": 1, "action": "DISCARD", "cutoff_ns": 2000}, {"node": 3, "match_link": 2, "action": "DISCARD", "cutoff_ns": 0}]
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 9000 ns
    Then the node sends no DISCARD
