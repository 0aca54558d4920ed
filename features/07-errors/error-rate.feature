@node
Feature: A node limits the ERRORs it sends to one destination (spec chapter 07, ERR-004.1)
  The limit is the node's own; a burst of two hundred faulty messages from one neighbour at
  one instant is beyond any sensible one, and at least the first is answered (ERR-001).

  @ERR-004.1
  Scenario: A burst of faulty messages from one neighbour is not answered one ERROR each
    Given a router node 2 between nodes 1 and 3
    When node 3 sends SWAP_OUTCOME {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1} 200 times at once
    Then the node sends at least 1 and fewer than 200 ERROR to node 3

  @ERR-004.1
  Scenario: A stream of faulty messages from one neighbour, one every nanosecond, is not answered one ERROR each
    # 200 faulty messages within 200 ns: a limit that holds only for messages of one instant
    # and lets the ERRORs to one destination go out one per message once the clock moves is none
    Given a router node 2 between nodes 1 and 3
    When node 3 sends SWAP_OUTCOME {"circuit_id": 4242, "outcome_seq": 0, "left": {"link_id": 1, "seq": 1}, "right": {"link_id": 2, "seq": 1}, "bsm_result": "PHI_PLUS", "bell_index": "PHI_PLUS", "new_partner": 1} 200 times, one every 1 ns
    Then the node sends at least 1 and fewer than 200 ERROR to node 3
