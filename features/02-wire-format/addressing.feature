@node
Feature: Addressing at a node (spec chapter 02 section 2)
  Router node 2 on the line 1 - 2 - 3 gets messages whose destination is another node, and
  answers one neighbour many times over.

  Background:
    Given a router node 2 between nodes 1 and 3

  @WIRE-013
  Scenario: A message addressed to another node is discarded without an answer
    When node 1 sends the node a TEARDOWN addressed to node 5 {"circuit_id": 99, "reason": "NORMAL"}
    Then the node sends nothing
    When node 1 sends TEARDOWN {"circuit_id": 99, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1

  @WIRE-013
  Scenario: A misaddressed HERALD is discarded without an ERROR
    When the clock advances to 500 ns
    And node 1001 sends the node a HERALD addressed to node 9 {"link_id": 1, "slot_ns": 0, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends nothing

  @WIRE-009
  Scenario: A node does not reuse a message_id towards one destination
    # 300 answers to one neighbour: a counter that wraps at 256 would repeat itself
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} 300 times at once
    Then the 300 TEARDOWN_ACK the node sent to node 3 carry 300 different message_ids
