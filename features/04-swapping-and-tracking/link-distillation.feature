@node @cap:node.harness-device
Feature: Link-level distillation at an intermediate node (spec chapter 04 section 5, chapter 05 section 7)
  Router 2 of circuit 7 along 1 - 2 - 3 holds a link-level DISTIL rule (DEJMPS, one round,
  peer_link = match_link) for one of its links, and so does the neighbour across it, which the
  harness plays. The link's head-side node leads the rounds (TRK-027.1): node 1 on link 1, the
  router itself on link 2. Two link pairs of one link have the same seq at both ends, so the
  pair with the smaller seq is kept (TRK-022). The router swaps only pairs that have survived
  the rule's rounds (FWD-005.1).

  @FWD-006 @FWD-005.1 @TRK-027.2 @TRK-027.3
  Scenario: The router answers the neighbour's round on link 1 and only then swaps the kept pair
    Given a router node 2 between nodes 1 and 3 with 6 memory qubits, 4 communication qubits
    And circuit 7 along route 1, 2, 3 with 1 round of link-level DEJMPS distillation on link 1 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    Then the node sends no SWAP_OUTCOME
    And the node sends no DISTIL_OUTCOME
    And the device was asked for 0 distillations
    When the device will report distillation bit 0
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    Then the node sends DISTIL_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 0}
    And the device was asked for 1 distillation
    And the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 1}
    And the node sends SWAP_OUTCOME to node 3
    And the node sends no ERROR

  @FWD-006 @FWD-005.1 @TRK-027.1 @TRK-027.3 @TRK-022
  Scenario: The router leads the rounds on link 2 and swaps once the neighbour's bit agrees
    Given a router node 2 between nodes 1 and 3 with 6 memory qubits, 4 communication qubits
    And circuit 7 along route 1, 2, 3 with 1 round of link-level DEJMPS distillation on link 2 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    When the device will report distillation bit 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 5 for the node's attempt on link 2
    Then the node sends DISTIL_OUTCOME to node 3
    And its "body" is {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 4}, "sacrificed": {"link_id": 2, "seq": 5}, "outcome": 1}
    And the node sends no SWAP_OUTCOME
    When node 3 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 4}, "sacrificed": {"link_id": 2, "seq": 5}, "outcome": 1}
    Then the node sends SWAP_OUTCOME to node 3
    And its "body.right" is {"link_id": 2, "seq": 4}
    And the node sends no ERROR

  @FWD-006 @TRK-020.2 @TRK-020.3 @TRK-020.4
  Scenario: A round whose two bits differ leaves nothing of link 1 to swap and sends no DISCARD
    Given a router node 2 between nodes 1 and 3 with 6 memory qubits, 4 communication qubits
    And circuit 7 along route 1, 2, 3 with 1 round of link-level DEJMPS distillation on link 1 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    When the device will report distillation bit 0
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 1}
    Then the node sends DISTIL_OUTCOME to node 1
    And the node sends no SWAP_OUTCOME
    And the node sends no DISCARD
    And the node sends no ERROR

  @TRK-004
  Scenario: A DISTIL_OUTCOME naming a sacrificed link pair the node never held is refused
    Given a router node 2 between nodes 1 and 3 with 6 memory qubits, 4 communication qubits
    And circuit 9 along route 1, 2, 3 with 1 round of link-level DEJMPS distillation on link 1 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And node 1 sends DISTIL_OUTCOME {"circuit_id": 9, "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 9}, "outcome": 0}
    Then the node sends ERROR UNKNOWN_PAIR to node 1
    And the node sends no DISTIL_OUTCOME
