@node
Feature: HERALD sequence numbers and the pairs a node holds (spec chapter 03 section 3)
  Router node 2 on the line 1 - 2 - 3 reserves two slots per link for circuit 7, so it attempts
  again on link 1 while it still holds the pair (link 1, seq 1). With four communication qubits
  its first attempt on each link has two modes; the HERALD of the pair has one result, so the
  node treats the second mode as failed (LINK-015.3) and attempts again with one mode.

  Background:
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits, 4 communication qubits and 2 slots per link
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1

  @LINK-005.3
  Scenario: A HERALD repeating the seq of a pair the node still holds is refused
    When the clock advances to 2000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001

  @LINK-005.3 @TRK-002 @cap:node.harness-device
  Scenario: The result of a HERALD repeating a held seq is discarded
    # Had the node recorded the repeated herald's PSI_MINUS over the held PSI_PLUS, the swap
    # would report PSI_MINUS xor PSI_PLUS xor PHI_PLUS = PHI_MINUS.
    When the clock advances to 2000 ns
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 1
    Then the node sends ERROR HERALD_SEQUENCE_INVALID to node 1001
    When the device will report Bell-state measurement PHI_PLUS
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then every SWAP_OUTCOME has "body.left" {"link_id": 1, "seq": 1}
    And every SWAP_OUTCOME has "body.bell_index" "PHI_PLUS"
