@node
Feature: Extensions in the messages a node sends (spec chapter 02 section 6)
  Router node 2 on the line 1 - 2 - 3 relays a SETUP that carries a TRACE_CONTEXT; whether or
  not it copies the trace on (EXT-005 asks that it SHOULD), what it sends stays well formed.

  @EXT-005 @EXT-006 @EXT-007
  Scenario: A hop relaying a traced SETUP sends no second TRACE_CONTEXT and no reserved extension type
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension
    Then the node sends SETUP to node 3
    And no message the node sent has two TRACE_CONTEXTs, a critical TRACE_CONTEXT or PADDING, an extension of type 0 or one of an experimental type

  @EXT-005 @EXT-003
  Scenario: A hop carries a SETUP's TRACE_CONTEXT and unknown non-critical extension on, unchanged and in order
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension and a non-critical extension of type 700
    Then the node sends SETUP to node 3
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, {"type": 700, "critical": false, "value": "c0ffee"}]

  @EXT-005
  Scenario: A tail end answers a traced SETUP with a CONFIRM carrying the same TRACE_CONTEXT
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension
    Then the node sends CONFIRM to node 2
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
