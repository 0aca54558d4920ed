@wire
Feature: Message bodies and the canonical JSON form (spec chapter 02, sections 4 and 7)

  @WIRE-001 @WIRE-012.1 @WIRE-003.1 @WIRE-006.1 @WIRE-008.2
  Scenario: A SETUP encodes to its canonical bytes
    Given the canonical JSON of a SETUP message
    When the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-008.2 @WIRE-014.1 @WIRE-014.3
  Scenario: A CONFIRM decodes to its canonical JSON
    Given the canonical bytes of a CONFIRM message
    When the implementation decodes the bytes
    Then the decoded message equals the original message

  @WIRE-002 @WIRE-014.1
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

  @WIRE-008.3
  Scenario: A JSON message with a missing body field is rejected
    Given the canonical JSON of a TEARDOWN_ACK message
    When the JSON field "body.released_memory" is removed
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-008.3
  Scenario: A JSON message with an extra body field is rejected
    Given the canonical JSON of a TEARDOWN_ACK message
    When the JSON field "body.colour" is set to 3
    And the implementation encodes the JSON
    Then it rejects the input with SCHEMA_VIOLATION

  @WIRE-015.1
  Scenario: u64 times above 2^53 survive exactly
    Given the canonical JSON of a HERALD message
    When the JSON field "body.slot_ns" is set to 18446744073709551615
    And the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-004.2
  Scenario: A JSON message of version 2 is refused
    Given the canonical JSON of a TEARDOWN message
    When the JSON field "version" is set to 2
    And the implementation encodes the JSON
    Then it rejects the input with UNSUPPORTED_VERSION

  @WIRE-007
  Scenario: A string holding DEL is rejected in binary
    Given the canonical JSON of a ERROR message
    When the JSON field "body.detail" is set to "bad~byte"
    And the harness encodes the JSON into the bytes
    And every byte 0x7e is replaced by 0x7f
    And the implementation decodes the bytes
    Then it rejects the input with FIELD_OUT_OF_RANGE

  @WIRE-007
  Scenario: A string holding DEL is rejected in JSON
    Given the canonical JSON of a ERROR message
    When the JSON field "body.detail" is set to "bad\u007fbyte"
    And the implementation encodes the JSON
    Then it rejects the input with FIELD_OUT_OF_RANGE

  @WIRE-011.1 @WIRE-011.2
  Scenario: An array of more items than its count can express is refused
    Given the canonical JSON of a SETUP message
    When the JSON array "body.route" is extended to 256 items
    And the implementation encodes the JSON
    Then it rejects the input with FIELD_OUT_OF_RANGE

  @WIRE-011.2 @WIRE-008.2
  Scenario: An array of as many items as its count can express round-trips
    Given the canonical JSON of a SETUP message
    When the JSON array "body.route" is extended to 255 items
    And the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-012.1
  Scenario: A HERALD encodes its attempt ids in layout order
    Given the canonical JSON of a HERALD message
    When the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-012.2 @WIRE-003.1 @EXT-001.1
  Scenario: Extensions are encoded after the body
    Given the canonical JSON of a TEARDOWN message
    When an extension of type 1 marked not critical with value "000102030405060708090a0b0c0d0e0f" is added to the JSON
    And the implementation encodes the JSON
    Then the encoding equals the canonical bytes

  @WIRE-014.1
  Scenario: A HERALD decodes its attempt ids in layout order
    Given the canonical bytes of a HERALD message
    When the implementation decodes the bytes
    Then the decoded message equals the original message

  @WIRE-015.2
  Scenario: u64 values above 2^53 decode exactly
    Given the canonical JSON of a HERALD message
    When the JSON field "body.slot_ns" is set to 9007199254740993
    And the harness encodes the JSON into the bytes
    And the implementation decodes the bytes
    Then the decoded message equals the original message
