@node
Feature: The tail end's endpoint decides whether it accepts a circuit (spec chapter 06 section 2, DLV-004)
  End node 3 is the tail end of circuits along 1 - 2 - 3; the harness plays node 2. The SETUPs
  the harness sends name head end 1, head endpoint 5 and tail endpoint 6.

  Background:
    Given an end node 3 linked to node 2

  @DLV-004
  Scenario: The tail end refuses a SETUP for an endpoint that was opened and closed again
    Given the application has opened endpoint 6 for node 1 endpoint 5
    When the application sends CLOSE_ENDPOINT {"endpoint": 6}
    Then the application receives ENDPOINT_STATUS
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 2
    And the node sends no CONFIRM

  @DLV-004
  Scenario: The tail end refuses a SETUP from the bound head end but for another head endpoint
    Given the application has opened endpoint 6 for node 1 endpoint 9
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 2
    And the node sends no CONFIRM

  @DLV-004
  Scenario: The tail end refuses a SETUP for the bound head endpoint number but from another head end
    Given the application has opened endpoint 6 for node 4 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNREACHABLE to node 2
    And the node sends no CONFIRM

  @DLV-001.1 @DLV-004
  Scenario: An endpoint opened with remote node and remote endpoint 0 is open and accepts a circuit from any head end
    When the application sends OPEN_ENDPOINT {"endpoint": 6, "remote_node": 0, "remote_endpoint": 0}
    Then the application receives ENDPOINT_STATUS
    And its "body" is {"endpoint": 6, "status": "OPEN"}
    And the application receives no ERROR
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And its "body.circuit_id" is 7
