@node
Feature: Unassigned codes of open enumerations, and version negotiation (spec chapter 02 section 9)
  The unassigned codes below are GREASE values (chapter 02 section 9.2), which no registry
  entry will ever name. Router node 2 sits on the line 1 - 2 - 3; the harness plays nodes 1 and
  3 and the heralding stations (node 1000 + link).

  @WIRE-044 @cap:node.harness-device
  Scenario: A HERALD result with an unassigned outcome is a failed mode - no pair, no error
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds the unassigned outcome code 90 with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    And the node sends no ERROR

  @WIRE-045
  Scenario: A REJECT with an unassigned reason releases the reservation and is refused upstream
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 sends REJECT {"circuit_id": 7, "reason": 186, "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends REJECT to node 1
    And the node sends no ERROR
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no REJECT

  @WIRE-043
  Scenario: A REJECT's unassigned reason travels upstream unchanged
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 sends REJECT {"circuit_id": 7, "reason": 186, "rejecting_node": 3, "retry_after_ns": 0}
    Then the node sends REJECT to node 1
    And its "body" is {"circuit_id": 7, "reason": 186, "rejecting_node": 3, "retry_after_ns": 0}

  @WIRE-046
  Scenario: A TEARDOWN with an unassigned reason is acknowledged, frees the memory and goes on
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": 250}
    Then the node sends TEARDOWN_ACK to node 1
    And its "body" is {"circuit_id": 7, "released_memory": 2}
    And the node sends TEARDOWN to node 3
    And the node sends no ERROR

  @WIRE-043
  Scenario: A TEARDOWN's unassigned reason travels on unchanged
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": 250}
    Then the node sends TEARDOWN to node 3
    And its "body.reason" is 250

  @WIRE-047 @cap:node.harness-device
  Scenario: A DISCARD with an unassigned reason frees the named qubit, which is then never swapped
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 with a cutoff of 5000 ns is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When node 1 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 1, "seq": 1}, "reason": 58}
    And the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME
    And the node sends no ERROR

  @WIRE-048
  Scenario: A CONFIRM whose rule for the node names an unassigned action is refused as rules the node cannot run
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 confirms circuit 7 along route 1, 2, 3 with the unassigned action 122 in the first rule for node 2
    Then the node sends REJECT NO_RESOURCES to node 1
    And the node sends TEARDOWN to node 3
    And the node sends no CONFIRM

  @WIRE-048
  Scenario: A CONFIRM whose DISTIL rule for the node names an unassigned protocol is refused as rules the node cannot run
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 confirms circuit 7 along route 1, 2, 3 with a link-level DISTIL rule for the node on link 1 whose distil_protocol is the unassigned code 154
    Then the node sends REJECT NO_RESOURCES to node 1
    And the node sends no CONFIRM

  @WIRE-043
  Scenario: A CONFIRM rule for another node with an unassigned action is installed around and relayed unchanged
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 confirms circuit 7 along route 1, 2, 3 with the unassigned action 122 in the last rule for node 1
    Then the node sends CONFIRM to node 1
    And the CONFIRM the node sent to node 1 carries the rules of the CONFIRM node 3 sent, unchanged
    And the node sends no ERROR

  @WIRE-050
  Scenario: A message of an unimplemented version is answered with UNSUPPORTED_VERSION listing the node's versions
    Given a router node 2 between nodes 1 and 3
    When node 1 sends the node TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} in protocol version 2
    Then the node sends ERROR UNSUPPORTED_VERSION to node 1
    And its SUPPORTED_VERSIONS extension lists version 1

  @WIRE-051
  Scenario: A hop whose next hop speaks none of its versions refuses the circuit upstream as unreachable
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 answers the node's SETUP with ERROR UNSUPPORTED_VERSION listing versions 2
    Then the node sends REJECT UNREACHABLE to node 1
    And its "body.rejecting_node" is 2
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
