@node
Feature: HERALD handling at a node (spec chapter 03)
  The harness plays the heralding stations (node 1000 + link) and the neighbours of router
  node 2 on the line 1 - 2 - 3, with circuit 7 established so that the node attempts.

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node

  @LINK-013.1 @LINK-004 @TRK-001.1 @cap:node.harness-device
  Scenario: Successful heralds on both links give pairs the node swaps
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And the node sends SWAP_OUTCOME to node 3
    And the node sends no ERROR

  @LINK-001.1 @FWD-004 @SIG-010.1
  Scenario: The node attempts on both links of the installed rules
    # One slot per link reserved for the circuit: one communication qubit, one mode.
    When the clock advances to 1000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.link_id" is 1
    And its "body.modes" is 1
    And the node sends 1 ATTEMPT to node 1002
    And its "body.link_id" is 2
    And its "body.modes" is 1

  @LINK-005.3
  Scenario: A successful HERALD with seq 0 is refused
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 0 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001

  @LINK-005.3
  Scenario: A FAILURE HERALD with a non-zero seq is refused
    When the clock advances to 1000 ns
    And the station heralds FAILURE with seq 3 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001

  @LINK-005.3
  Scenario: A FAILURE HERALD with seq 0 is accepted silently
    When the clock advances to 1000 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    Then the node sends no ERROR

  @LINK-006.2
  Scenario: A HERALD echoing a foreign attempt id is refused
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 echoing a foreign attempt on link 1
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001

  @LINK-006.2
  Scenario: A HERALD for a slot in which the node made no attempt is refused
    When node 1001 sends HERALD {"link_id": 1, "slot_ns": 5000, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001

  @LINK-006.3
  Scenario: A HERALD of an earlier slot leaves the attempt in flight waiting for its own HERALD
    # The station's HERALD of slot 0 arrives a second time (duplicated by the network) while
    # the node's attempt of slot 1000 is in flight; that attempt's HERALD, next, gives its pair.
    When the clock advances to 500 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And the clock advances to 1000 ns
    Then the node sends ATTEMPT to node 1001
    And its "body.slot_ns" is 1000
    When node 1001 sends HERALD {"link_id": 1, "slot_ns": 0, "attempt_id_a": 4242, "attempt_id_b": 1, "results": [{"outcome": "FAILURE", "seq": 0}]}
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node sends SWAP_OUTCOME to node 1
    And the node sends SWAP_OUTCOME to node 3

  @LINK-008
  Scenario: A HERALD on a link not configured at the node is refused
    When node 1009 sends HERALD {"link_id": 9, "slot_ns": 1000, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends ERROR UNKNOWN_LINK to node 1009

  @LINK-008
  Scenario: A HERALD from a node that is not a member of the link is refused
    When the clock advances to 1000 ns
    And node 1002 sends HERALD {"link_id": 1, "slot_ns": 1000, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends ERROR UNKNOWN_LINK to node 1002

  @LINK-015.4 @ERR-001
  Scenario: A HERALD with more results than the attempt's modes is refused
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/1, PSI_MINUS/2 for the node's attempt on link 1
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001
    And its "body.field" is "body.results"
    When the station heralds FAILURE with seq 0 for the node's attempt on link 2
    Then the node holds 0 memory qubits besides those of its unanswered attempts

  @LINK-021
  Scenario: A HERALD with no results ends the attempt, every mode failed, without an error
    # the peer attempted with modes 0 (LINK-020): no mode matched
    When the clock advances to 1000 ns
    And the station heralds no results for the node's attempt on link 1
    Then the node sends no ERROR
    When the station heralds FAILURE with seq 0 for the node's attempt on link 2
    Then the node holds 0 memory qubits besides those of its unanswered attempts

  @ERR-005
  Scenario: An attempt the station refuses with ERROR is over: its qubits are free and the next slot is attempted
    When the clock advances to 500 ns
    And the station answers the node's attempt on link 1 with ERROR ATTEMPT_MISMATCH
    Then the node sends no ERROR
    And the node holds 0 memory qubits besides those of its unanswered attempts
    When the clock advances to 1000 ns
    Then the node sends 1 ATTEMPT to node 1001

  @LINK-009
  Scenario: An attempt left without HERALD or ERROR ends at the herald timeout and the node attempts again
    # the timeout is the node's own setting; 100 slots is longer than any sensible one
    When the clock advances to 500 ns
    Then the node sends 1 ATTEMPT to node 1001
    When the clock advances to 100000 ns
    Then the node sends ATTEMPT to node 1001
    # with the attempt's qubits freed (present with modes 0 would mean they were kept)
    And its "body.modes" is at least 1
    And the node sends no ERROR

  @LINK-001.1
  Scenario: Every ATTEMPT is sent no later than the start of its slot
    # no HERALD arrives: the node attempts, times out (LINK-009) and attempts again
    When the clock moves from one deadline of the node to the next until 10000 ns
    Then every ATTEMPT the node sent names a slot that had not begun when it was sent
