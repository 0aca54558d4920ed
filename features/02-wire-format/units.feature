@node
Feature: Units on the wire in what a node sends (spec chapter 02 section 4, WIRE-010)
  Router node 2 on the line 1 - 2 - 3 appends its capability record to a SETUP; the record's
  link_fidelity is round(F x 65535), ties to even, of its link's fidelity F.

  @WIRE-010
  Scenario: A hop record's link fidelity is rounded to the nearest 1/65535
    # 0.99 x 65535 = 64879.65: truncation would give 64879
    Given a router node 2 between nodes 1 and 3 whose links have fidelity 0.99
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.link_fidelity" is 64880

  @WIRE-010
  Scenario: A hop record's link fidelity rounds a tie to even
    # 124517 / 131070 x 65535 = 62258.5 exactly: ties to even give 62258, half up 62259
    Given a router node 2 between nodes 1 and 3 whose links have fidelity 0.9500038147554741
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And its "body.hops.1.link_fidelity" is 62258
