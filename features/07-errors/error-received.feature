@node
Feature: A message answered with ERROR was not processed (spec chapter 07, ERR-005)
  Router node 2 on the line 1 - 2 - 3, with memory for one circuit, forwards a SETUP that the
  next hop refuses with ERROR: the circuit failed, and what the node reserved for it is free.

  @ERR-005
  Scenario: A SETUP the next hop refuses with ERROR keeps no reservation
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 answers the node's SETUP with ERROR ROUTE_INVALID
    Then the node sends REJECT UNREACHABLE to node 1
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no REJECT
