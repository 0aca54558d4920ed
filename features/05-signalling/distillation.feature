@node
Feature: End-to-end distillation configured by the tail end (spec chapter 05 section 7)
  Tail end 3 of circuits along 1 - 2 - 3. Without distillation the route's estimate is below
  60000/65535 (about 59200 with the harness's links of fidelity 0.95), so a request for 60000
  can only be met by distilling at the ends; 65535 cannot be met at all.

  @SIG-040.1 @SIG-040.2 @FWD-009.1 @FWD-009.2 @FWD-009.3
  Scenario: The tail end adds one end-to-end DEJMPS DISTIL rule at each end node when only distillation reaches the fidelity
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 60000
    Then the node sends CONFIRM to node 2
    And its rules hold one end-to-end DEJMPS DISTIL rule at each end of route 1, 2, 3, with the circuit's cutoff
    And its "body.expected_fidelity" is at least 60000
    And its DISTIL rules have 1 round
    And every rule of that CONFIRM leaves the fields its action does not use at 0 or NONE
    And the node sends no REJECT

  @SIG-041
  Scenario: With distillation the tail end's rate estimate is at most the undistilled rate halved per round
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    And its "body.expected_rate_mhz" is remembered as plain
    When node 2 sends TEARDOWN {"circuit_id": 8, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 2
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 60000
    Then the node sends CONFIRM to node 2
    And its rules hold one end-to-end DEJMPS DISTIL rule at each end of route 1, 2, 3, with the circuit's cutoff
    And its "body.expected_rate_mhz" is at most plain halved per distillation round

  @SIG-042.1 @SIG-042.2 @SIG-002.1
  Scenario: A tail end that cannot reserve memory for distillation refuses with NO_RESOURCES
    Given an end node 3 linked to node 2, with 1 memory qubit
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends CONFIRM to node 2
    When node 2 sends TEARDOWN {"circuit_id": 8, "reason": "NORMAL"}
    Then the node sends TEARDOWN_ACK to node 2
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 60000
    Then the node sends REJECT NO_RESOURCES to node 2
    And its "body.rejecting_node" is 3
    And the node sends no CONFIRM

  @SIG-043.1
  Scenario: With distillation the tail end's expected_fidelity is no more than its rounds give the route's pairs with ideal gates
    # fresh pairs of the route are at about 0.9033; one round of DEJMPS with ideal gates and
    # readout takes two of them to about 0.9291 (60887/65535)
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 1 endpoint 5
    When node 2 sends SETUP for circuit 7 along route 1, 2, 3 with min_fidelity 60000
    Then the node sends CONFIRM to node 2
    And its expected_fidelity is at most what its DISTIL rounds with ideal gates give the pairs of route 1, 2, 3 with Werner links of fidelity 0.95
