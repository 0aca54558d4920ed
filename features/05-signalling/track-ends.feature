@node @cap:node.harness-device @cap:node.track-ends
Feature: Negotiating swap reports to the ends (spec chapter 05 section 7.2)
  The SETUP counts, in the extension TRACK_ENDS, the route nodes that implement and offer
  swap reports to the ends; the tail end confirms the mode in the second octet of the
  CONFIRM's SWAP_SCHEDULE only when the count covers every node of the route. The reference
  node offers the mode by default.

  @FWD-030
  Scenario: A head end offers the mode with the count 1
    Given an end node 1 linked to node 2 with a route 1, 2, 3, 4
    And the application has opened endpoint 5 for node 4 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    And its TRACK_ENDS extension is "01"

  @FWD-031
  Scenario: A router that offers the mode adds itself to the count
    Given a router node 3 between nodes 2 and 4
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3, 4, 5 offering reports to the ends with count 2
    Then the node sends SETUP to node 4
    And its TRACK_ENDS extension is "03"

  @FWD-031
  Scenario: The count saturates at 255
    Given a router node 3 between nodes 2 and 4
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3, 4, 5 offering reports to the ends with count 255
    Then the node sends SETUP to node 4
    And its TRACK_ENDS extension is "ff"

  @FWD-032.2
  Scenario: A tail end confirms the mode when every node of the route offers it
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 3 sends SETUP for circuit 7 along route 1, 2, 3, 4 offering reports to the ends with count 3
    Then the node sends CONFIRM to node 3
    And its SWAP_SCHEDULE extension is "0001"
    And its tracking mode is ENDS

  @FWD-032.1
  Scenario: A tail end does not confirm the mode when one node of the route did not count itself
    Given an end node 4 linked to node 3
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 3 sends SETUP for circuit 7 along route 1, 2, 3, 4 offering reports to the ends with count 2
    Then the node sends CONFIRM to node 3
    And its tracking mode is CHAPTER_04

  @FWD-032.1
  Scenario: A tail end does not confirm the mode on a route with one router
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 offering reports to the ends with count 2
    Then the node sends CONFIRM to node 2
    And its tracking mode is CHAPTER_04

  @FWD-034 @FWD-025
  Scenario: A router copies the CONFIRM's SWAP_SCHEDULE, tracking mode included, into the CONFIRM it forwards
    Given a router node 3 between nodes 2 and 4
    And node 2 has sent the node SETUP for circuit 7 along route 1, 2, 3, 4, 5
    When node 4 confirms circuit 7 along route 1, 2, 3, 4, 5 with reports to the ends
    Then the node sends CONFIRM to node 2
    And its SWAP_SCHEDULE extension is "0001"

  @FWD-033 @TRK-001.1
  Scenario: A CONFIRM whose second SWAP_SCHEDULE octet is 0 keeps chapter 04's reports to the current partners
    Given a router node 3 between nodes 2 and 4
    And circuit 7 along route 1, 2, 3, 4, 5 is established at the node with SWAP_SCHEDULE "0000"
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 3
    Then the node sends SWAP_OUTCOME to node 2
    And the node sends SWAP_OUTCOME to node 4
    And the node sends 0 SWAP_OUTCOME to node 1
