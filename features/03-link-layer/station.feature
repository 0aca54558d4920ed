@node @cap:node.station
Feature: The heralding station (spec chapter 03 section 3, chapter 09 section 2)

  # The node under test is the heralding station 1001 of link 1 between nodes 1 and 2; the
  # harness plays both nodes. 1 ms after a slot is past any sensible matching deadline.

  @LINK-003.2 @LINK-003.3
  Scenario: An ATTEMPT the other node does not match gets no HERALD and ERROR ATTEMPT_MISMATCH to both nodes
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends no HERALD
    And the station sends ERROR ATTEMPT_MISMATCH to node 1
    And it echoes the ATTEMPT node 1 sent for slot 5000
    And the station sends ERROR ATTEMPT_MISMATCH to node 2
    And its "body.offending_message_id" is 0

  @LINK-003.2 @LINK-003.3
  Scenario: A node that attempts twice in one slot gets no HERALD, even when the other node attempts
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 12, "slot_ns": 5000, "modes": 1}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends no HERALD
    And the station sends ERROR ATTEMPT_MISMATCH to node 1
    And the station sends ERROR ATTEMPT_MISMATCH to node 2

  @LINK-104 @LINK-003.1 @LINK-003.3
  Scenario: An ATTEMPT for a new slot first ends the slot being collected as a mismatch
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 6000, "modes": 1}
    Then the station sends no HERALD
    And the station sends ERROR ATTEMPT_MISMATCH to node 1
    And it echoes the ATTEMPT node 1 sent for slot 5000
    And the station sends ERROR ATTEMPT_MISMATCH to node 2
    And its "body.offending_message_id" is 0
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 12, "slot_ns": 6000, "modes": 1}
    Then the station's two HERALDs went one to each node of the link, with identical bodies
    And its "body.slot_ns" is 6000
    And its "body.attempt_id_a" is 12
    And its "body.attempt_id_b" is 22

  @LINK-004 @LINK-015.1 @LINK-015.2 @LINK-005.1 @LINK-005.2 @LINK-006.1 @LINK-007.1 @LINK-007.2 @cap:node.harness-device
  Scenario: Matched ATTEMPTs get identical HERALDs, one result per mode both used, seqs to successes in mode order
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When the station's device will report PSI_PLUS, FAILURE, PSI_MINUS
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 3}
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 4}
    Then the station's two HERALDs went one to each node of the link, with identical bodies
    And its "body.attempt_id_a" is 11
    And its "body.attempt_id_b" is 22
    And its "body.results" is [{"outcome": "PSI_PLUS", "seq": 1}, {"outcome": "FAILURE", "seq": 0}, {"outcome": "PSI_MINUS", "seq": 2}]
    When the station's device will report FAILURE, PSI_MINUS
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 12, "slot_ns": 6000, "modes": 2}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 23, "slot_ns": 6000, "modes": 2}
    Then the station's two HERALDs went one to each node of the link, with identical bodies
    And its "body.results" is [{"outcome": "FAILURE", "seq": 0}, {"outcome": "PSI_MINUS", "seq": 3}]

  @LINK-006.1
  Scenario: ATTEMPTs with attempt ids 0 and 4294967295 are matched and their ids echoed
    # attempt_id is a u32 with no reserved value: a counter wrapping at 2^32 issues 0 too
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 0, "slot_ns": 5000, "modes": 1}
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 4294967295, "slot_ns": 5000, "modes": 1}
    Then the station sends no ERROR
    And the station's two HERALDs went one to each node of the link, with identical bodies
    And its "body.attempt_id_a" is 4294967295
    And its "body.attempt_id_b" is 0

  @LINK-008
  Scenario: A heralding station refuses an ATTEMPT for a link it does not serve
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 5, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    Then the station sends ERROR UNKNOWN_LINK to node 1
    And it echoes the message_id and type code of the message it answers
    And the station sends no HERALD

  @LINK-008
  Scenario: A heralding station refuses an ATTEMPT from a node that is not a member of its link
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 3 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    Then the station sends ERROR UNKNOWN_LINK to node 3
    And the station sends no HERALD

  @LINK-005.1 @cap:node.harness-device
  Scenario: The station's sequence numbers run to 65535 and wrap to 1 within one HERALD
    # 254 + 256 x 255 = 65534 successes, then a slot of three: 65535, 1, 2
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When nodes 1 and 2 attempt in 257 slots with 255 modes each, the first with 254, every mode succeeding
    Then the station's HERALDs to node 1 numbered the successes 1 to 65534 in order
    When nodes 1 and 2 attempt in 1 slot with 3 modes each, every mode succeeding
    Then the station's last HERALD to node 1 has the seqs 65535, 1, 2

  @LINK-022
  Scenario: Two ATTEMPTs of a slot, one with modes 0, get a HERALD with no results, not ATTEMPT_MISMATCH
    # node 1 has no free qubit for the slot's circuit (LINK-020): no mode is used by both
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 0}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 2}
    And the clock advances to 1005000 ns
    Then the station sends no ERROR
    And the station's two HERALDs went one to each node of the link, with identical bodies
    And its "body.results" is []
    And its "body.attempt_id_a" is 11

  @LINK-023 @cap:node.harness-device
  Scenario: Every HERALD carries one LINK_SEQ, the highest seq assigned so far, with or without a success
    Given a heralding station 1001 of link 1 between nodes 1 and 2
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 10, "slot_ns": 4000, "modes": 0}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 20, "slot_ns": 4000, "modes": 2}
    Then the station's two HERALDs went one to each node of the link, with identical bodies
    And each of the station's two HERALDs carries one LINK_SEQ extension, not critical, of 0
    When the station's device will report FAILURE, PSI_MINUS
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 2}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 21, "slot_ns": 5000, "modes": 2}
    Then each of the station's two HERALDs carries one LINK_SEQ extension, not critical, of 1
    When the station's device will report FAILURE
    And node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 12, "slot_ns": 6000, "modes": 1}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 6000, "modes": 1}
    Then each of the station's two HERALDs carries one LINK_SEQ extension, not critical, of 1
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 13, "slot_ns": 7000, "modes": 1}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 23, "slot_ns": 7000, "modes": 0}
    Then each of the station's two HERALDs carries one LINK_SEQ extension, not critical, of 1
