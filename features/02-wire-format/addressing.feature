@node
Feature: Addressing at a node (spec chapter 02 section 2)
  Router node 2 on the line 1 - 2 - 3 gets messages whose destination is another node, and
  answers one neighbour many times over.

  Background:
    Given a router node 2 between nodes 1 and 3

  @WIRE-013.2
  Scenario: A message addressed to another node is discarded without an answer
    When node 1 sends the node a TEARDOWN addressed to node 5 {"circuit_id": 99, "reason": "NORMAL"}
    Then the node sends nothing
    When node 1 sends TEARDOWN {"circuit_id": 99, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 1

  @WIRE-013.2
  Scenario: A misaddressed HERALD is discarded without an ERROR
    When the clock advances to 500 ns
    And node 1001 sends the node a HERALD addressed to node 9 {"link_id": 1, "slot_ns": 0, "attempt_id_a": 1, "attempt_id_b": 1, "results": [{"outcome": "PSI_PLUS", "seq": 1}]}
    Then the node sends nothing

  @WIRE-009
  Scenario: A node does not reuse a message_id towards one destination
    # 300 answers to one neighbour: a counter that wraps at 256 would repeat itself
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"} 300 times at once
    Then the 300 TEARDOWN_ACK the node sent to node 3 carry 300 different message_ids

  @WIRE-013.1
  Scenario: Every message a node sends carries its own node id as source
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 3 sends SWAP_OUTCOME {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 3
    And every message the node sent carries source 2

  @WIRE-009
  Scenario: ERRORs and other messages to one neighbour never share a message_id
    When node 3 sends TEARDOWN {"circuit_id": 4242, "reason": "NORMAL"}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1} 3 times at once
    Then the node sends 3 ERROR to node 3
    And every message the node sent to node 3 carries a message_id of its own

  @WIRE-007 @ERR-001
  Scenario: A node refuses a value outside its enumeration naming the field
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "BORED"}
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 1
    And it echoes the message_id and type code of the message it answers
    And its "body.field" is "body.reason"
    And the node sends no TEARDOWN_ACK

  @WIRE-004.1 @WIRE-008.1
  Scenario: Every message a node sends is a valid version-1 message
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And node 3 sends SWAP_OUTCOME {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 3
    And every message the node sent is a valid version-1 message in canonical JSON form
