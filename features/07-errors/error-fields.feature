@node
Feature: What an ERROR says about the message it answers (spec chapter 07)

  Background:
    Given a router node 2 between nodes 1 and 3

  @ERR-001
  Scenario: An ERROR echoes the offending message and names the offending field
    When node 1 sends SWAP_OUTCOME {"circuit_id": 99, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 3}
    Then the node sends ERROR UNKNOWN_CIRCUIT to node 1
    And it echoes the message_id and type code of the message it answers
    And its "body.field" is "body.circuit_id"
    And its "body.detail" holds a description

  @ERR-001 @ERR-006 @FWD-009.4
  Scenario: A CONFIRM with a malformed rule is refused with an ERROR naming the rule's field
    Given node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 sends CONFIRM {"circuit_id": 7, "expected_rate_mhz": 1000, "expected_fidelity": 58000, "rules": [{"node": 2, "match_circuit": 7, "match_link": 1, "action": "GENERATE", "peer_link": 2, "cutoff_ns": 0, "distil_protocol": "NONE", "distil_rounds": 0, "endpoint": 0}]}
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And it echoes the message_id and type code of the message it answers
    And its "body.field" is "body.rules[0].peer_link"
    And the node sends no CONFIRM
