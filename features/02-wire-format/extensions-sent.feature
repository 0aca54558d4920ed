@node
Feature: Extensions in the messages a node sends (spec chapter 02 section 6)
  Router node 2 on the line 1 - 2 - 3 relays a SETUP that carries a TRACE_CONTEXT; whether or
  not it copies the trace on (EXT-005.2 asks that it should), what it sends stays well formed.

  @EXT-005.1 @EXT-006 @EXT-007
  Scenario: A hop relaying a traced SETUP sends no second TRACE_CONTEXT and no reserved extension type
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension
    Then the node sends SETUP to node 3
    And no message the node sent has two TRACE_CONTEXTs, a critical TRACE_CONTEXT or PADDING, an extension of type 0 or one of an experimental type

  @EXT-005.2 @EXT-003.2
  Scenario: A hop carries a SETUP's TRACE_CONTEXT and unknown non-critical extension on, unchanged and in order
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension and a non-critical extension of type 700
    Then the node sends SETUP to node 3
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, {"type": 700, "critical": false, "value": "c0ffee"}]

  @EXT-005.2
  Scenario: A tail end answers a traced SETUP with a CONFIRM carrying the same TRACE_CONTEXT
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with a TRACE_CONTEXT extension
    Then the node sends CONFIRM to node 2
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]

  @EXT-003.2 @EXT-005.2
  Scenario: A hop carries a CONFIRM's extensions back towards the head end, unchanged and in order
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 confirms circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 700, "critical": false, "value": "c0ffee"}, {"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, {"type": 701, "critical": false, "value": ""}]
    Then the node sends CONFIRM to node 1
    And its "extensions" is [{"type": 700, "critical": false, "value": "c0ffee"}, {"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, {"type": 701, "critical": false, "value": ""}]

  @EXT-003.2
  Scenario: A hop carries a REJECT's unknown non-critical extension back towards the head end
    Given a router node 2 between nodes 1 and 3
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When node 3 sends REJECT {"circuit_id": 7, "reason": "NO_RESOURCES", "rejecting_node": 3, "retry_after_ns": 0} carrying the extensions [{"type": 700, "critical": false, "value": "c0ffee"}]
    Then the node sends REJECT to node 1
    And its "extensions" is [{"type": 700, "critical": false, "value": "c0ffee"}]

  @EXT-003.2
  Scenario: A hop carries a TEARDOWN's unknown non-critical extension on to the next hop
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} carrying the extensions [{"type": 700, "critical": false, "value": "c0ffee"}]
    Then the node sends TEARDOWN to node 3
    And its "extensions" is [{"type": 700, "critical": false, "value": "c0ffee"}]

  @EXT-005.1
  Scenario: A hop relaying a SETUP that carries two TRACE_CONTEXTs sends only the first on
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, {"type": 1, "critical": false, "value": "00112233445566778899aabbccddeeff"}]
    Then the node sends SETUP to node 3
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]

  @EXT-004 @EXT-007
  Scenario: A hop accepts a SETUP whose TRACE_CONTEXT is marked critical and relays the trace not critical
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 carrying the extensions [{"type": 1, "critical": true, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
    Then the node sends SETUP to node 3
    And its "extensions" is [{"type": 1, "critical": false, "value": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}]
