@wire @cap:wire.auth
Feature: Authentication trailer (spec chapter 08)

  @SEC-001.1 @SEC-002.1
  Scenario: A correctly signed message verifies
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it accepts the input

  @SEC-002.2 @SEC-006.2
  Scenario: A tampered tag fails verification
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the last byte is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: An unknown key id fails verification
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the implementation decodes the bytes verifying key id 10 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-003
  Scenario: A message without trailer is refused when authentication is required
    Given the canonical bytes of a TEARDOWN message
    When the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_REQUIRED

  @SEC-001.2
  Scenario: A trailer flag on a message too short for the trailer is truncated
    Given the canonical bytes of a TEARDOWN_ACK message
    When the header field "flags" is set to 1
    And the implementation decodes the bytes
    Then it rejects the input with TRUNCATED

  @SEC-001.2
  Scenario: A trailer flag on a message too short for the trailer is truncated, also for a verifier
    Given the canonical bytes of a TEARDOWN_ACK message
    When the header field "flags" is set to 1
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with TRUNCATED
