@wire
Feature: The order in which a JSON message is checked (spec chapter 02, WIRE-017)
  A JSON message with several faults is reported by the first fault in the order
  object, version, type, members present and of the right JSON type, values in range.

  @WIRE-017
  Scenario: An unsupported version is reported before an unknown type
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "version" is set to 2
    And the JSON field "type" is set to "NOPE"
    And the implementation encodes the JSON
    Then it rejects the input with UNSUPPORTED_VERSION

  @WIRE-017
  Scenario: An unknown type is reported before a missing member
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "type" is set to "NOPE"
    And the JSON field "message_id" is removed
    And the implementation encodes the JSON
    Then it rejects the input with UNKNOWN_MESSAGE_TYPE

  @WIRE-017
  Scenario: A missing member is reported before a value out of range
    Given the canonical JSON of a TEARDOWN_ACK message
    When the JSON field "body.circuit_id" is set to 8589934592
    And the JSON field "body.released_memory" is removed
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-017
  Scenario: A member of the wrong JSON type is reported before a value out of range
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "body.reason" is set to "BORED"
    And the JSON field "body.circuit_id" is set to "seven"
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-017
  Scenario: A value out of range is reported when the members are all present and well typed
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "body.reason" is set to "BORED"
    And the JSON field "body.circuit_id" is set to 8589934592
    And the implementation encodes the JSON
    Then it rejects the input with FIELD_OUT_OF_RANGE
