@node
Feature: Node roles (spec chapter 09 section 5, ROLE-101.1 to ROLE-101.5; RFC 9340 s.5.3.2)

  @ROLE-101.5
  Scenario: An end node with links to both neighbours on the route still refuses to be an intermediate hop
    Given an end node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 1
    And its "body.rejecting_node" is 2
    And the node sends no SETUP

  @ROLE-101.1 @ROLE-101.3 @cap:node.repeater
  Scenario: A repeater installs its rules from CONFIRM: it starts generating on both links of the circuit
    Given a repeater node 2 between nodes 1 and 3 with 4 memory qubits
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When the clock advances to 2000 ns
    Then the node sends no ATTEMPT
    When node 3 confirms circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 1
    When the clock advances to 4000 ns
    Then the node sends ATTEMPT to node 1001
    And the node sends ATTEMPT to node 1002
