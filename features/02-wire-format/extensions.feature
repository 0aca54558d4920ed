@wire
Feature: TLV extensions (spec chapter 02, section 6)

  @EXT-003.1 @WIRE-008.2 @WIRE-014.2
  Scenario: An unknown non-critical extension is ignored and carried
    Given the canonical bytes of a HERALD message
    When an extension of type 4660 marked not critical with value "abcd" is appended
    And the implementation decodes the bytes
    Then the decoded message carries the appended extensions

  @EXT-002
  Scenario: An unknown critical extension is rejected
    Given the canonical bytes of a HERALD message
    When an extension of type 4660 marked critical with value "abcd" is appended
    And the implementation decodes the bytes
    Then it rejects the input with UNKNOWN_CRITICAL_EXTENSION

  @EXT-004
  Scenario: A known extension marked critical is accepted
    Given the canonical bytes of a TEARDOWN message
    When an extension of type 1 marked critical with value "000102030405060708090a0b0c0d0e0f" is appended
    And the implementation decodes the bytes
    Then the decoded message carries the appended extensions

  @EXT-001.2
  Scenario: An extension overrunning the message is rejected
    Given the canonical bytes of a HERALD message
    When an extension of type 2 marked not critical with value "0001" is appended
    And the last 1 bytes are removed
    And the length field is recomputed
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-001.2
  Scenario: A TRACE_CONTEXT of the wrong length is rejected
    Given the canonical bytes of a HERALD message
    When an extension of type 1 marked not critical with value "0001" is appended
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-001.2
  Scenario: A TRACE_CONTEXT one byte too long is rejected
    Given the canonical bytes of a TEARDOWN message
    When an extension of type 1 marked not critical with value "000102030405060708090a0b0c0d0e0f10" is appended
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-001.2
  Scenario: A TRACE_CONTEXT one byte too short is rejected
    Given the canonical bytes of a TEARDOWN message
    When an extension of type 1 marked not critical with value "000102030405060708090a0b0c0d0e" is appended
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-001.2
  Scenario: Bytes after the body too few for a TLV header are rejected
    Given the canonical bytes of a TEARDOWN message
    When the bytes "0001" are appended
    And the length field is recomputed
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @WIRE-016
  Scenario: An overrunning value is reported before an unknown critical type
    Given the canonical bytes of a HERALD message
    When an extension of type 4660 marked critical with value "0001" is appended
    And the last 1 bytes are removed
    And the length field is recomputed
    And the implementation decodes the bytes
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-002 @EXT-006
  Scenario: An extension of type 0 marked critical is rejected
    Given the canonical bytes of a TEARDOWN message
    When an extension of type 0 marked critical with value "abcd" is appended
    And the implementation decodes the bytes
    Then it rejects the input with UNKNOWN_CRITICAL_EXTENSION

  @EXT-002 @EXT-006
  Scenario: An extension of an experimental type marked critical is rejected
    Given the canonical bytes of a TEARDOWN message
    When an extension of type 32513 marked critical with value "abcd" is appended
    And the implementation decodes the bytes
    Then it rejects the input with UNKNOWN_CRITICAL_EXTENSION

  @EXT-003.1 @WIRE-008.2
  Scenario: Unknown non-critical extensions are carried in wire order
    Given the canonical bytes of a HERALD message
    When an extension of type 4660 marked not critical with value "abcd" is appended
    And an extension of type 700 marked not critical with value "c0ffee" is appended
    And the implementation decodes the bytes
    Then the decoded message carries the appended extensions

  @EXT-001.2
  Scenario: A JSON message with a TRACE_CONTEXT of the wrong length is rejected
    Given the canonical JSON of a TEARDOWN message
    When an extension of type 1 marked not critical with value "0001" is added to the JSON
    And the implementation encodes the JSON
    Then it rejects the input with MALFORMED_EXTENSION

  @EXT-002
  Scenario: A JSON message with an unknown critical extension is rejected
    Given the canonical JSON of a TEARDOWN message
    When an extension of type 4660 marked critical with value "abcd" is added to the JSON
    And the implementation encodes the JSON
    Then it rejects the input with UNKNOWN_CRITICAL_EXTENSION
