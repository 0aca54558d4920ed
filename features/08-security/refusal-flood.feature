@node
Feature: A flood of refused messages draws a bounded number of answers (spec chapter 08 section 3.3)

  # The limit is the node's own (the reference: 32 at once, one more every 100 us); two
  # hundred refusals to one neighbour at one instant, or within 200 ns, are beyond any sensible
  # one, and at least the first is answered.

  @SEC-025.2
  Scenario: Two hundred SETUPs the node refuses at once draw fewer than two hundred REJECTs
    Given a router node 2 between nodes 1 and 3
    When node 1 sends 200 SETUPs for circuits from 100 along route 1, 2, 3 with min_rate_mhz 1000000001 at once
    Then the node sends at least 1 and fewer than 200 REJECT to node 1
    And the node sends no SETUP

  @SEC-025.2
  Scenario: Two hundred SETUPs the node refuses, one every nanosecond, draw fewer than two hundred REJECTs
    Given a router node 2 between nodes 1 and 3
    When node 1 sends 200 SETUPs for circuits from 100 along route 1, 2, 3 with min_rate_mhz 1000000001 one every 1 ns
    Then the node sends at least 1 and fewer than 200 REJECT to node 1

  @SEC-025.1 @cap:node.auth
  Scenario: Two hundred forged messages at once draw fewer than two hundred ERRORs
    Given a router node 2 between nodes 1 and 3, authenticating with node 3 under key id 9
    When node 3 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"} with a tag that does not verify 200 times at once
    Then the node sends at least 1 and fewer than 200 ERROR to node 3
