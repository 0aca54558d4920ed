@node
Feature: Extensions of the messages a node receives (spec chapter 02 section 6)
  Router node 2 on the line 1 - 2 - 3 receives SETUPs in JSON form whose extensions it must
  judge as it would judge them in binary form (WIRE-017: extensions after the values).

  Background:
    Given a router node 2 between nodes 1 and 3

  @EXT-002
  Scenario: A node refuses a SETUP carrying an unknown critical extension
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 4660, "critical": true, "value": "abcd"}]
    Then the node sends ERROR UNKNOWN_CRITICAL_EXTENSION to node 1
    And its "body.field" is "extensions[0].type"
    And the node sends no SETUP

  @EXT-001.2
  Scenario: A node refuses a SETUP carrying a TRACE_CONTEXT one byte too short
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 2, "critical": false, "value": ""}, {"type": 1, "critical": false, "value": "000102030405060708090a0b0c0d0e"}]
    Then the node sends ERROR MALFORMED_EXTENSION to node 1
    And its "body.field" is "extensions[1].value"
    And the node sends no SETUP

  @EXT-001.2
  Scenario: A node refuses a SETUP carrying a TRACE_CONTEXT one byte too long
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 1, "critical": false, "value": "000102030405060708090a0b0c0d0e0f10"}]
    Then the node sends ERROR MALFORMED_EXTENSION to node 1
    And its "body.field" is "extensions[0].value"
    And the node sends no SETUP

  @EXT-002 @EXT-006
  Scenario: A node refuses a SETUP carrying an extension of type 0 marked critical
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 0, "critical": true, "value": ""}]
    Then the node sends ERROR UNKNOWN_CRITICAL_EXTENSION to node 1
    And the node sends no SETUP

  @WIRE-017
  Scenario: A node reports a value out of range before a malformed extension
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "BORED"} carrying the extensions [{"type": 1, "critical": false, "value": "0001"}]
    Then the node sends ERROR FIELD_OUT_OF_RANGE to node 1
    And its "body.field" is "body.reason"
