@node @cap:node.preemption
Feature: Preemption by priority (spec chapter 05 section 4, SIG-016)
  Router 2 of route 1 - 2 - 3 has memory for one circuit, and circuit 7 (priority 0) holds it.
  The node under test admits a circuit of higher priority by preempting circuit 7.

  Background:
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node

  @SIG-016
  Scenario: A SETUP of higher priority that finds no memory tears the lower-priority circuit down with PREEMPTED and goes on
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with priority 1
    Then the node sends TEARDOWN to node 1
    And its "body" is {"circuit_id": 7, "reason": "PREEMPTED"}
    And the node sends TEARDOWN to node 3
    And its "body" is {"circuit_id": 7, "reason": "PREEMPTED"}
    And the node sends SETUP to node 3
    And its "body.circuit_id" is 8
    And the node sends no REJECT

  @SIG-016
  Scenario: A SETUP of higher priority preempts the circuit holding the memory whatever the order of their ids
    When node 1 sends SETUP for circuit 6 along route 1, 2, 3 with priority 1
    Then the node sends TEARDOWN to node 3
    And its "body" is {"circuit_id": 7, "reason": "PREEMPTED"}
    And the node sends SETUP to node 3
    And its "body.circuit_id" is 6
    And the node sends no REJECT

  @SIG-016
  Scenario: A SETUP of the same priority preempts nothing and is refused with NO_RESOURCES
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with priority 0
    Then the node sends REJECT NO_RESOURCES to node 1
    And the node sends no TEARDOWN
    And the node sends no SETUP

  @SIG-016 @SIG-030
  Scenario: Preempting releases the memory of the preempted circuit, its held pairs included
    Given the node holds a PSI_PLUS pair with seq 4 on link 1
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with priority 1
    Then the node sends SETUP to node 3
    And the node holds 0 memory qubits
