@node @cap:node.policy
Feature: Authorisation by policy (spec chapter 08 section 4)
  Router 2 of the line 1 - 2 - 3 admits circuits by a policy: which head ends may open
  circuits to which tail ends through it, quotas per head end, a priority ceiling. A refused
  SETUP is answered with REJECT and reserves, forwards and preempts nothing.

  @SEC-020 @SEC-024
  Scenario: A circuit between ends the policy does not allow is refused with UNAUTHORISED
    Given a router node 2 between nodes 1 and 3
    And the node's policy is {"allow": [{"head": 3, "tail": 1}]}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends REJECT UNAUTHORISED to node 1
    And the node sends no SETUP

  @SEC-020
  Scenario: A circuit between ends the policy allows is admitted
    Given a router node 2 between nodes 1 and 3
    And the node's policy is {"allow": [{"head": 1, "tail": 3}]}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no REJECT

  @SEC-021
  Scenario: A head end's circuit beyond its circuit quota is refused with QUOTA_EXCEEDED
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And the node's policy is {"max_circuits_per_head": 1}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT QUOTA_EXCEEDED to node 1
    And the node sends no SETUP

  @SEC-021
  Scenario: A circuit quota counts only the circuits of the same head end
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And the node's policy is {"max_circuits_per_head": 1}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And node 3 sends SETUP for circuit 8 along route 3, 2, 1
    Then the node sends SETUP to node 1
    And the node sends no REJECT

  @SEC-022 @SEC-024
  Scenario: A head end's circuit beyond its memory quota is refused with QUOTA_EXCEEDED
    # each circuit reserves one memory qubit per link of the route at the hop: 2
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And the node's policy is {"max_memory_per_head": 3}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT QUOTA_EXCEEDED to node 1
    And the node sends no SETUP

  @SEC-023 @SEC-024
  Scenario: A priority above the head end's ceiling is refused with UNAUTHORISED and preempts nothing
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And the node's policy is {"max_priority": {"*": 7, "1": 2}}
    And circuit 9 along route 3, 2, 1 is established at the node
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with priority 5
    Then the node sends REJECT UNAUTHORISED to node 1
    And the node sends no TEARDOWN

  @SEC-023
  Scenario: A priority at the head end's ceiling is admitted
    Given a router node 2 between nodes 1 and 3
    And the node's policy is {"max_priority": 2}
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with priority 2
    Then the node sends SETUP to node 3

  @SEC-027 @SEC-024
  Scenario: A head end's circuit beyond its rate quota is refused with QUOTA_EXCEEDED
    # 600 and 400 Hz fit a quota of 1000 Hz exactly; 1 mHz more does not
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And the node's policy is {"max_rate_mhz_per_head": 1000000}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 600000
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3 with min_rate_mhz 400000
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 9 along route 1, 2, 3 with min_rate_mhz 1
    Then the node sends REJECT QUOTA_EXCEEDED to node 1
    And the node sends no SETUP

  @SEC-027
  Scenario: A rate quota counts only the circuits of the same head end
    Given a router node 2 between nodes 1 and 3 with 8 memory qubits
    And the node's policy is {"max_rate_mhz_per_head": 1000000}
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3 with min_rate_mhz 1000000
    And node 3 sends SETUP for circuit 8 along route 3, 2, 1 with min_rate_mhz 1000000
    Then the node sends SETUP to node 1
    And the node sends no REJECT
