@wire
Feature: Message bodies and the canonical JSON form (spec chapter 02, sections 4 and 7)

  @WIRE-001 @WIRE-012 @WIRE-008
  Scenario: A SETUP encodes to its canonical bytes
    Given the canonical JSON of a SETUP message
    When the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-008 @WIRE-014
  Scenario: A CONFIRM decodes to its canonical JSON
    Given the canonical bytes of a CONFIRM message
    When the implementation decodes the bytes
    Then the decoded message equals the original message

  @WIRE-002 @WIRE-014
  Scenario: A body cut short is rejected as truncated
    Given the canonical bytes of a PAIR_DELIVERY message
    When the last 3 bytes are removed
    And the length field is recomputed
    And the implementation decodes the bytes
    Then it rejects the input with TRUNCATED

  @WIRE-007
  Scenario: An enumeration value outside its list is rejected in JSON
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "body.reason" is set to "BORED"
    And the implementation encodes the JSON
    Then it rejects the input with FIELD_OUT_OF_RANGE

  @WIRE-008
  Scenario: A JSON message with a missing body field is rejected
    Given the canonical JSON of a TEARDOWN_ACK message
    When the JSON field "body.released_memory" is removed
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-008
  Scenario: A JSON message with an extra body field is rejected
    Given the canonical JSON of a TEARDOWN_ACK message
    When the JSON field "body.colour" is set to 3
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-015
  Scenario: u64 times above 2^53 survive exactly
    Given the canonical JSON of a HERALD message
    When the JSON field "body.slot_ns" is set to 18446744073709551615
    And the implementation encodes the JSON
    Then the encoding equals the canonical bytes
