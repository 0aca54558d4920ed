@node @cap:node.station @cap:node.auth
Feature: A heralding station that shares keys with its nodes (spec chapter 08, SEC-009)

  # The node under test is the heralding station 1001 of link 1 between nodes 1 and 2, keyed
  # with node 1 only; the harness plays both nodes and signs node 1's ATTEMPTs.

  @SEC-009.1
  Scenario: A keyed station signs what it sends its keyed node, and nothing it sends the other
    Given a heralding station 1001 of link 1 between nodes 1 and 2, keyed with node 1 under key id 7
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends HERALD to node 1
    And it carries a tag that verifies under key id 7
    And the station sends HERALD to node 2
    And it carries no trailer

  @SEC-009.1
  Scenario: A keyed station signs the ERRORs it sends its keyed node
    Given a heralding station 1001 of link 1 between nodes 1 and 2, keyed with node 1 under key id 7
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends ERROR ATTEMPT_MISMATCH to node 1
    And it carries a tag that verifies under key id 7
    When node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the station sends ERROR UNEXPECTED_MESSAGE to node 1
    And it carries a tag that verifies under key id 7

  @SEC-009.2
  Scenario: A keyed station refuses a forged ATTEMPT of its keyed node and heralds nothing for it
    Given a heralding station 1001 of link 1 between nodes 1 and 2, keyed with node 1 under key id 7
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1} with a tag that does not verify
    Then the station sends ERROR AUTH_FAILED to node 1
    When node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends no HERALD

  @SEC-009.2
  Scenario: A keyed station refuses its keyed node's ATTEMPT without a trailer
    Given a heralding station 1001 of link 1 between nodes 1 and 2, keyed with node 1 under key id 7
    When node 1 sends ATTEMPT {"link_id": 1, "attempt_id": 11, "slot_ns": 5000, "modes": 1} without a trailer
    Then the station sends ERROR AUTH_REQUIRED to node 1
    When node 2 sends ATTEMPT {"link_id": 1, "attempt_id": 22, "slot_ns": 5000, "modes": 1}
    And the clock advances to 1005000 ns
    Then the station sends no HERALD
