@wire
Feature: One error code space (spec chapter 07)

  @ERR-002.1 @WIRE-003.2
  Scenario: Rejections use registered wire-class codes
    Given the canonical bytes of a SWAP_OUTCOME message
    When the header field "length" is set to 4096
    And the implementation decodes the bytes
    Then it rejects the input with a wire-class code

  @ERR-001 @WIRE-008.2
  Scenario: An ERROR message round-trips through its canonical forms
    Given the canonical bytes of a ERROR message
    When the implementation decodes the bytes
    Then the decoded message equals the original message
