@node @cap:node.station
Feature: A heralding station never answers an ERROR with an ERROR (spec chapter 07, ERR-003)
  The node under test is the heralding station 1001 of link 1 between nodes 1 and 2.

  @ERR-003
  Scenario: A heralding station does not answer an ERROR, even a malformed one
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ERROR {"code": 258, "offending_message_id": 5, "offending_type": 17, "field": "body.slot_ns", "detail": "no such attempt"}
    And node 2 sends ERROR {"code": 258, "offending_message_id": 5, "offending_type": 17, "field": "body.slot_ns", "detail": "no such attempt \u00e9"}
    Then the station sends nothing
