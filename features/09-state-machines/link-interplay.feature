@node
Feature: The link layer meeting signalling and delivery (spec chapters 03, 05 and 06)
  Link-layer rules whose check needs the rest of a node: a circuit torn down while its attempt
  is outstanding, and a pair's creation time as the application sees it. They sit here, not
  in 03-link-layer, because an implementation claiming only chapter 03 of the node profile
  need not handle TEARDOWN or serve an application.

  @LINK-002
  Scenario: The late HERALD of an attempt abandoned with its circuit gives no communication qubit back twice
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 500 ns
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1
    # with two communication qubits the node attempted on link 1 only (two modes), and on
    # link 2 with modes 0 (LINK-020), whose HERALD has no results
    When the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the station heralds no results for the node's attempt on link 2
    Given circuit 8 along route 1, 2, 3 is established at the node
    When the clock advances to 1500 ns
    Then the ATTEMPTs the node sent use at most 2 modes in all

  @LINK-013.1
  Scenario: A pair heralded after its slot ends is recorded as created at the slot's start, with the heralded Bell state
    # the attempt of slot 0 is heralded at 1500 ns: the pair was created at 0, so its cutoff of
    # 10000 ns ends at 10000 ns (expires_ns, FWD-008.1), not at 11500 ns
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5
    And circuit 7 along route 2, 3 with a cutoff of 10000 ns is established at the node
    When the clock advances to 500 ns
    Then the node sends 1 ATTEMPT to node 1002
    And its "body.slot_ns" is 0
    When the clock advances to 1500 ns
    And the station heralds PSI_PLUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    And its "body.expires_ns" is 10000
    And its "body.bell_state" is "PSI_PLUS"
