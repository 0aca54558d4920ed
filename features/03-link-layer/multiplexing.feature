@node
Feature: Multiplexed attempts: one ATTEMPT, several modes, one HERALD result per mode (spec chapter 03)
  Router node 2 on the line 1 - 2 - 3 reserves two slots per link for circuit 7 and has four
  communication qubits, so in its first slot it entangles two qubits on each link, one per
  optical mode, announced by one ATTEMPT with "modes" 2. The station answers with one result
  per matched mode, mode 0 first.

  Background:
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 4 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node

  @LINK-001.1 @LINK-001.3
  Scenario: The node sends one ATTEMPT per link with one mode per communication qubit it uses
    When the clock advances to 1000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.modes" is 2
    And the node sends 1 ATTEMPT to node 1002
    And its "body.modes" is 2

  @LINK-013.1 @LINK-015.3 @LINK-015.4
  Scenario: A HERALD with a failed and a successful mode gives one pair
    When the clock advances to 1000 ns
    And the station heralds results FAILURE/0, PSI_PLUS/1 for the node's attempt on link 1
    And the station heralds results FAILURE/0, FAILURE/0 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node holds 1 memory qubit besides those of its unanswered attempts

  @LINK-013.1 @LINK-015.3 @TRK-001.1 @cap:node.harness-device
  Scenario: The pair of a successful mode is the qubit the node attempted with in that mode
    When the clock advances to 1000 ns
    And the station heralds results FAILURE/0, PSI_PLUS/1 for the node's attempt on link 1
    And the station heralds results PSI_MINUS/1, FAILURE/0 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 1}
    And its "body.right" is {"link_id": 2, "seq": 1}
    And the device's last Bell-state measurement was on the qubits of mode 1 on link 1 and mode 0 on link 2
    And the node holds 0 memory qubits besides those of its unanswered attempts

  @LINK-015.3
  Scenario: Modes beyond the results of a HERALD are treated as failed
    # One result for an attempt of two modes: the station matched one mode only.
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/1 for the node's attempt on link 1
    And the station heralds results FAILURE/0 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node holds 1 memory qubit besides those of its unanswered attempts

  @LINK-015.4 @ERR-001
  Scenario: A HERALD with more results than the attempt's modes is refused as a whole
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/1, PSI_MINUS/2, PSI_PLUS/3 for the node's attempt on link 1
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001
    And its "body.field" is "body.results"
    When the station heralds results FAILURE/0, FAILURE/0 for the node's attempt on link 2
    Then the node holds 0 memory qubits besides those of its unanswered attempts

  @LINK-005.3 @ERR-001
  Scenario: A result repeating the seq of an earlier result of the same HERALD is refused
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/1, PSI_MINUS/1 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001
    And its "body.field" is "body.results[1].seq"
    When the station heralds results FAILURE/0, FAILURE/0 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node holds 1 memory qubit besides those of its unanswered attempts

  @LINK-005.3 @TRK-002 @cap:node.harness-device
  Scenario: Of two results with the same seq the first is kept and the second discarded
    # Had the node recorded the second result's PSI_MINUS over the first's PSI_PLUS, the swap
    # would report PSI_MINUS xor PSI_PLUS xor PHI_PLUS = PHI_MINUS.
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/1, PSI_MINUS/1 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001
    When the device will report Bell-state measurement PHI_PLUS
    And the station heralds results PSI_PLUS/1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.left" {"link_id": 1, "seq": 1}
    And every SWAP_OUTCOME has "body.bell_index" "PHI_PLUS"
    And the device's last Bell-state measurement was on the qubits of mode 0 on link 1 and mode 0 on link 2

  @LINK-005.4 @ERR-001
  Scenario: A result with an invalid seq does not spoil the other results of its HERALD
    When the clock advances to 1000 ns
    And the station heralds results PSI_PLUS/0, PSI_MINUS/1 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001
    And its "body.field" is "body.results[0].seq"
    When the station heralds results FAILURE/0, FAILURE/0 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node holds 1 memory qubit besides those of its unanswered attempts

  @FWD-005.2 @TRK-001.1
  Scenario: Of two pairs held on one link, the older is swapped first
    When the clock advances to 500 ns
    And the station heralds results PSI_PLUS/1, FAILURE/0 for the node's attempt on link 1
    And the clock advances to 1500 ns
    And the station heralds PSI_PLUS with seq 2 for the node's attempt on link 1
    And the station heralds results PSI_MINUS/1, FAILURE/0 for the node's attempt on link 2
    Then the node sends 1 SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 1}
    And its "body.right" is {"link_id": 2, "seq": 1}
