@node
Feature: Which HERALDs a node takes, and what it records from them (spec chapter 03 section 3)
  The harness plays the heralding stations (node 1000 + link) and the neighbours. Router node 2
  is side B of link 1 (its peer 1 has the lower node id) and side A of link 2.

  @LINK-006.2
  Scenario: HERALDs echoing the node's attempt ids as side B of link 1 and side A of link 2 are accepted
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no ERROR
    And the node sends SWAP_OUTCOME to node 1

  @LINK-006.2
  Scenario: A HERALD reaching a node that attempts on no link is refused
    Given a router node 2 between nodes 1 and 3
    When node 1001 sends HERALD {"link_id": 1, "slot_ns": 0, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends ERROR ATTEMPT_MISMATCH to node 1001
    And the node holds 0 memory qubits
