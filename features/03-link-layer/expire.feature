@node
Feature: EXPIRE and EXPIRE_ACK (spec chapter 03 section 4)
  Router node 2 on the line 1 - 2 - 3 holds a link pair (link 1, seq 1) of circuit 7.

  Background:
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1

  @LINK-012.1
  Scenario: A valid EXPIRE is acknowledged with the same range
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    Then the node sends EXPIRE_ACK to node 1
    And its "body" is {"link_id": 1, "first_seq": 1, "last_seq": 1}
    And the node sends no ERROR

  @LINK-011.1 @LINK-011.2 @cap:node.harness-device
  Scenario: An expired pair is freed and never swapped
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends no SWAP_OUTCOME

  @LINK-010.2
  Scenario: An EXPIRE whose range starts at 0 is refused
    # Ranges skip 0, so 0..1 names only seq 1, which the node holds: only the rule against
    # 0 as an endpoint refuses it (not the rule against sequence numbers never heralded).
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 0, "last_seq": 1}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK

  @LINK-010.2 @cap:node.harness-device
  Scenario: An EXPIRE refused for starting at 0 frees nothing
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 0, "last_seq": 1}
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 1}

  @LINK-010.2
  Scenario: An EXPIRE whose range ends at 0 is refused
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 0}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK

  @LINK-010.2
  Scenario: An EXPIRE naming pairs never heralded is refused
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 5, "last_seq": 9}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK

  @LINK-010.2
  Scenario: An EXPIRE naming a held pair and pairs never heralded is refused
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 3}
    Then the node sends ERROR EXPIRE_RANGE_INVALID to node 1
    And the node sends no EXPIRE_ACK

  @LINK-010.2 @cap:node.harness-device
  Scenario: An EXPIRE refused for naming pairs never heralded frees nothing
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 3}
    And the station heralds PSI_MINUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 1
    And its "body.left" is {"link_id": 1, "seq": 1}

  @LINK-014
  Scenario: A repeated EXPIRE is acknowledged again
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    Then the node sends EXPIRE_ACK to node 1
    When node 1 sends EXPIRE {"link_id": 1, "first_seq": 1, "last_seq": 1}
    Then the node sends EXPIRE_ACK to node 1
    And its "body" is {"link_id": 1, "first_seq": 1, "last_seq": 1}
    And the node sends no ERROR

  @LINK-008
  Scenario: An EXPIRE on a link not configured at the node is refused
    When node 1 sends EXPIRE {"link_id": 9, "first_seq": 1, "last_seq": 1}
    Then the node sends ERROR UNKNOWN_LINK to node 1
