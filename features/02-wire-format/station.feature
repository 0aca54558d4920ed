@node @cap:node.station
Feature: Addressing and extensions at a heralding station (spec chapter 02 sections 2 and 6)
  The node under test is the heralding station 1001 of link 1 between nodes 1 and 2; 1 ms
  after a slot is past any sensible matching deadline.

  Background:
    Given a heralding station 1001 of link 1 between nodes 1 and 2

  @WIRE-013.2
  Scenario: A station discards an ATTEMPT addressed to another node
    When node 1 sends the node a ATTEMPT addressed to node 9 {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends nothing

  @EXT-002
  Scenario: A station refuses an ATTEMPT carrying an unknown critical extension
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1} carrying the extensions [{"type": 4660, "critical": true, "value": "abcd"}]
    Then the station sends ERROR UNKNOWN_CRITICAL_EXTENSION to node 1
    And its "body.field" is "extensions[0].type"
