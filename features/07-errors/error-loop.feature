@node
Feature: ERROR is never answered with ERROR (spec chapter 07)

  Background:
    Given a router node 2 between nodes 1 and 3

  @ERR-003
  Scenario: An ERROR about an unknown message is not answered
    When node 1 sends ERROR {"code": 513, "offending_message_id": 77, "offending_type": 32, "field": "body.circuit_id", "detail": "no such circuit"}
    Then the node sends nothing

  @ERR-003 @ERR-002.2
  Scenario: An ERROR with an unregistered code from an unknown node is not answered
    When node 9 sends ERROR {"code": 65000, "offending_message_id": 0, "offending_type": 0, "field": "", "detail": "?"}
    Then the node sends nothing

  @ERR-003
  Scenario: A malformed ERROR is not answered
    # a detail with a character outside 0x20-0x7E is FIELD_OUT_OF_RANGE (WIRE-007)
    When node 1 sends ERROR {"code": 513, "offending_message_id": 77, "offending_type": 32, "field": "body.circuit_id", "detail": "no such circuit \u00e9"}
    Then the node sends nothing
