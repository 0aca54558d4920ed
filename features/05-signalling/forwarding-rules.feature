@node
Feature: Acting only under the installed forwarding rules (spec chapter 05 section 7)
  Router node 2 on the line 1 - 2 - 3 (link 1 to node 1, link 2 to node 3) and, for the
  distillation scenarios, end node 1 of circuits along 1 - 2 - 3. Link k's station is node
  1000 + k.

  @FWD-002.1
  Scenario: A node generates no pair on a link that none of its rules matches
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the rules of node 2 replaced by [{"match_link": 1, "action": "GENERATE"}]
    When the clock advances to 3000 ns
    Then the node sends 0 ATTEMPT to node 1002
    And the node sends ATTEMPT to node 1001

  @FWD-001.2 @cap:node.harness-device
  Scenario: Installing the rules of a second circuit leaves those of the first in force
    # slot 0 was attempted while circuit 7 alone was installed: its pairs serve circuit 7
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    And circuit 8 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And every SWAP_OUTCOME has "body.circuit_id" 7

  @FWD-004
  Scenario: A node attempts only on the match_link of its GENERATE rules, not on the link of another rule
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node with the rules of node 2 replaced by [{"match_link": 1, "action": "GENERATE"}, {"match_link": 2, "action": "DISCARD", "cutoff_ns": 5000}]
    When the clock advances to 3000 ns
    Then the node sends 0 ATTEMPT to node 1002
    And the node sends ATTEMPT to node 1001

  @FWD-003 @cap:node.harness-device
  Scenario: Slot 1 belongs to the larger of two circuit ids, whichever circuit was installed first
    # circuits 8 and 7 share links 1 and 2; slot k belongs to circuit 7 for even k and to
    # circuit 8 for odd k (slot 0 was attempted while circuit 8 alone was installed)
    Given a router node 2 between nodes 1 and 3
    And circuit 8 along route 1, 2, 3 is established at the node
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And the clock advances to 1000 ns
    Then the node sends ATTEMPT to node 1001
    And its "body.slot_ns" is 1000
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.circuit_id" 8
    And the node sends SWAP_OUTCOME to node 1

  @FWD-005.1 @TRK-001.1 @cap:node.harness-device
  Scenario: A tail-side pair heralded first is swapped as soon as the head-side pair arrives
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the device will report Bell-state measurement PHI_MINUS
    And the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 3 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    When the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    Then the node sends SWAP_OUTCOME to node 1
    And its "body" is {"circuit_id": 7, "outcome_seq": 0, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 3}, "bsm_result": "PHI_MINUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And the node sends SWAP_OUTCOME to node 3
    And its "body.new_partner" is 1

  @FWD-006 @TRK-027.3 @cap:node.harness-device
  Scenario: Under a two-round link-level DISTIL rule a pair that survived one round is not swapped yet
    Given a router node 2 between nodes 1 and 3 with 6 memory qubits, 4 communication qubits
    And circuit 7 along route 1, 2, 3 with 2 rounds of link-level DEJMPS distillation on link 2 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_PLUS with seq 4 for the node's attempt on link 2
    And the device will report distillation bit 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 5 for the node's attempt on link 2
    Then the node sends DISTIL_OUTCOME to node 3
    And its "body.round" is 1
    When node 3 sends DISTIL_OUTCOME {"circuit_id": 7, "round": 1, "kept": {"link_id": 2, "seq": 4}, "sacrificed": {"link_id": 2, "seq": 5}, "outcome": 1}
    Then the node sends no SWAP_OUTCOME
    And the node sends no ERROR
    And the device was asked for 1 distillation

  @FWD-006 @cap:node.harness-device
  Scenario: The head end distils with the protocol its end-to-end DISTIL rule names
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 1 round of BBPSSW distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    And the device's last distillation used protocol BBPSSW

  @FWD-006 @TRK-026.2 @cap:node.harness-device
  Scenario: Under a two-round end-to-end DISTIL rule the head end delivers no pair that survived one round
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2, 3 with 2 rounds of DEJMPS distillation
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the device will report distillation bit 1
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 5}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    And node 2 sends SWAP_OUTCOME {"circuit_id": "$circuit", "outcome_seq": 1, "left": {"link_id": 1, "seq": 2}, "right": {"link_id": 2, "seq": 6}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends DISTIL_OUTCOME to node 3
    When node 3 sends DISTIL_OUTCOME {"circuit_id": "$circuit", "round": 1, "kept": {"link_id": 1, "seq": 1}, "sacrificed": {"link_id": 1, "seq": 2}, "outcome": 1}
    Then the application receives no PAIR_DELIVERY
    And the node sends no ERROR
    And the node sends no DISCARD

  @FWD-006 @cap:node.harness-device
  Scenario: A head end of a one-hop circuit runs a link-level and an end-to-end DISTIL rule one after the other, or refuses them
    # on one link the two rules distil with the same neighbour: a node either cannot install
    # them together (SIG-013) or runs the link-level rounds first and then the end-to-end ones
    Given an end node 1 linked to node 2 with a route 1, 2
    And the application has opened endpoint 5 for node 2 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 1, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When node 2 confirms the node's circuit along route 1, 2 with the extra rules [{"node": 1, "match_link": 1, "action": "DISTIL", "peer_link": 1, "distil_protocol": "DEJMPS", "distil_rounds": 1}, {"node": 2, "match_link": 1, "action": "DISTIL", "peer_link": 1, "distil_protocol": "DEJMPS", "distil_rounds": 1}, {"node": 1, "match_link": 1, "action": "DISTIL", "peer_link": 0, "distil_protocol": "DEJMPS", "distil_rounds": 1}, {"node": 2, "match_link": 1, "action": "DISTIL", "peer_link": 0, "distil_protocol": "DEJMPS", "distil_rounds": 1}]
    Then the node either refuses these rules with TEARDOWN FAILURE, or distils link pairs 1 and 2 and then 3 and 4 on link 1, then the two survivors end to end, and delivers the pair kept
