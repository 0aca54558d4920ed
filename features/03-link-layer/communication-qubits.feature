@node
Feature: Communication qubits are shared by the links of a node (spec chapter 03 section 2)
  Router node 2 on the line 1 - 2 - 3 has 4 memory qubits but only 2 communication qubits,
  and reserves 2 slots per link for circuit 7: each link alone could attempt on 2 modes.

  Background:
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 2 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node

  @LINK-002
  Scenario: Attempts on both links together use no more modes than the node has communication qubits
    # no HERALD arrives and the herald timeout (3 slots) has not passed: every attempt is open
    When the clock advances to 2500 ns
    Then the ATTEMPTs the node sent use at most 2 modes in all
