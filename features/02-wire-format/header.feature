@wire
Feature: Common header (spec chapter 02, sections 2 and 5)
  The harness builds a canonical message from the test vectors, damages one header field
  and asks the implementation to decode it.

  @WIRE-002
  Scenario: A message shorter than the header is rejected as truncated
    Given the canonical bytes of a TEARDOWN_ACK message
    When the last 13 bytes are removed
    And the implementation decodes the bytes
    Then it rejects the input with TRUNCATED

  @WIRE-003.2
  Scenario: A length field larger than the bytes received is rejected
    Given the canonical bytes of a TEARDOWN_ACK message
    When the header field "length" is set to 99
    And the implementation decodes the bytes
    Then it rejects the input with LENGTH_MISMATCH

  @WIRE-003.2
  Scenario: Trailing bytes beyond the length field are rejected
    Given the canonical bytes of a HERALD message
    When an extension of type 2 marked not critical with value "00" is appended
    And the header field "length" is set to 20
    And the implementation decodes the bytes
    Then it rejects the input with LENGTH_MISMATCH

  @WIRE-004.2
  Scenario: Version 2 is rejected
    Given the canonical bytes of a HERALD message
    When the header field "version" is set to 2
    And the implementation decodes the bytes
    Then it rejects the input with UNSUPPORTED_VERSION

  @WIRE-005
  Scenario: An unregistered type code is rejected
    Given the canonical bytes of a HERALD message
    When the header field "type" is set to 250
    And the implementation decodes the bytes
    Then it rejects the input with UNKNOWN_MESSAGE_TYPE

  @WIRE-006.2
  Scenario: A reserved flag bit is rejected
    Given the canonical bytes of a HERALD message
    When the header field "flags" is set to 128
    And the implementation decodes the bytes
    Then it rejects the input with RESERVED_BITS_SET

  @WIRE-006.2
  Scenario: A non-zero reserved header byte is rejected
    Given the canonical bytes of a SETUP message
    When the header field "reserved" is set to 1
    And the implementation decodes the bytes
    Then it rejects the input with RESERVED_BITS_SET

  @WIRE-016
  Scenario: Version is checked before the length field
    Given the canonical bytes of a HERALD message
    When the header field "version" is set to 7
    And the header field "length" is set to 5
    And the implementation decodes the bytes
    Then it rejects the input with UNSUPPORTED_VERSION

  @WIRE-006.2
  Scenario: The reserved flag bit next to AUTH is rejected
    Given the canonical bytes of a HERALD message
    When the header field "flags" is set to 2
    And the implementation decodes the bytes
    Then it rejects the input with RESERVED_BITS_SET

  @WIRE-016
  Scenario: The length field is checked before the reserved bits
    Given the canonical bytes of a SETUP message
    When the header field "reserved" is set to 1
    And the header field "length" is set to 99
    And the implementation decodes the bytes
    Then it rejects the input with LENGTH_MISMATCH

  @WIRE-016
  Scenario: The reserved bits are checked before the type
    Given the canonical bytes of a HERALD message
    When the header field "type" is set to 250
    And the header field "flags" is set to 128
    And the implementation decodes the bytes
    Then it rejects the input with RESERVED_BITS_SET

  @WIRE-016 @cap:wire.auth
  Scenario: The tag is checked before the body
    # the body's status code 200 is out of range (endpoint_status is closed), and changing
    # it spoils the tag
    Given the canonical bytes of a ENDPOINT_STATUS message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 22 is set to 200
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @WIRE-016
  Scenario: The type is checked before the trailer's size
    Given the canonical bytes of a TEARDOWN_ACK message
    When the header field "flags" is set to 1
    And the header field "type" is set to 250
    And the implementation decodes the bytes
    Then it rejects the input with UNKNOWN_MESSAGE_TYPE
