@wire @cap:wire.auth
Feature: A tag covers every byte before it, and every byte of the tag counts (spec chapter 08 section 1)
  A TEARDOWN signed with key id 9 is altered in one byte before the verifier sees it: a byte of
  the tag at its start, middle or end, a byte of the key id, of the header or of the body.
  Offsets count from the start of the part.

  @SEC-002.2
  Scenario: A signed message whose first tag byte is altered fails verification
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 0 of the tag is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: A signed message whose middle tag byte is altered fails verification
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 16 of the tag is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: A signed message whose key id is altered to one the verifier does not know fails verification
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 3 of the key id is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: A signed message whose key id is altered to another the verifier knows fails verification
    # key id 9 becomes 246, which the verifier holds with the same key: only the tag, which
    # covers the key id, tells the change
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 3 of the key id is flipped
    And the implementation decodes the bytes verifying key id 246 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: A signed message whose message_id is altered fails verification
    # header offset 8 is the first byte of message_id
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 8 of the header is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED

  @SEC-002.2
  Scenario: A signed message whose body is altered fails verification
    # body offset 0 is the first byte of circuit_id: still a valid TEARDOWN
    Given the canonical bytes of a TEARDOWN message
    When the message is signed with key id 9 and key "000102030405060708090a0b0c0d0e0f"
    And the byte at offset 0 of the body is flipped
    And the implementation decodes the bytes verifying key id 9 with key "000102030405060708090a0b0c0d0e0f"
    Then it rejects the input with AUTH_FAILED
