@node
Feature: Rule fields that the rule's action does not use (spec chapter 05 section 7, FWD-009.4)
  Router node 2 on the line 1 - 2 - 3 receives the CONFIRM of circuit 7 from node 3. Its
  rules are the baseline rule set (7 rules, at indices 0 to 6) followed by one faulty rule of
  node 2, at index 7.

  Background:
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3

  @FWD-009.4
  Scenario: A DISTIL rule with distil_rounds 0 is refused
    When node 3 confirms circuit 7 along route 1, 2, 3 with the extra rules [{"node": 2, "match_link": 2, "action": "DISTIL", "peer_link": 2, "distil_protocol": "DEJMPS", "distil_rounds": 0}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And its "body.field" is "body.rules[7].distil_rounds"
    And the node sends no CONFIRM

  @FWD-009.4
  Scenario: A DISTIL rule with distil_protocol NONE is refused
    When node 3 confirms circuit 7 along route 1, 2, 3 with the extra rules [{"node": 2, "match_link": 2, "action": "DISTIL", "peer_link": 2, "distil_protocol": "NONE", "distil_rounds": 1}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And its "body.field" is "body.rules[7].distil_protocol"
    And the node sends no CONFIRM

  @FWD-009.4
  Scenario: A GENERATE rule with an endpoint is refused
    When node 3 confirms circuit 7 along route 1, 2, 3 with the extra rules [{"node": 2, "match_link": 2, "action": "GENERATE", "endpoint": 6}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And its "body.field" is "body.rules[7].endpoint"
    And the node sends no CONFIRM

  @FWD-009.4
  Scenario: A SWAP rule naming a distillation protocol is refused
    When node 3 confirms circuit 7 along route 1, 2, 3 with the extra rules [{"node": 2, "match_link": 1, "action": "SWAP", "peer_link": 2, "distil_protocol": "DEJMPS"}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And its "body.field" is "body.rules[7].distil_protocol"
    And the node sends no CONFIRM

  @FWD-009.4
  Scenario: A DELIVER rule with distil_rounds is refused
    When node 3 confirms circuit 7 along route 1, 2, 3 with the extra rules [{"node": 2, "match_link": 1, "action": "DELIVER", "endpoint": 6, "distil_rounds": 2}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 3
    And its "body.field" is "body.rules[7].distil_rounds"
    And the node sends no CONFIRM
