@node
Feature: Transitions of the state-machine chapter (spec chapter 09)

  @LINK-103 @SIG-030 @FWD-002.2
  Scenario: A successful HERALD for a circuit torn down meanwhile frees the qubit
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the node holds 0 memory qubits
    And the node sends no SWAP_OUTCOME

  @SIG-030 @LINK-103 @FWD-002.2 @cap:node.harness-device
  Scenario: TEARDOWN frees the qubits of the pending attempts at once, and their late HERALD frees nothing again
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And node 1 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the device was asked to free 2 qubits in all
    And the node holds 0 memory qubits
    When the station heralds PSI_PLUS with seq 1 for the node's attempt on link 1
    Then the device was asked to free 2 qubits in all
    And the node sends no ERROR

  @SIG-101.1 @SIG-002.1
  Scenario: A hop reserves slots_per_link memory qubits for each of its links on the route
    Given a router node 2 between nodes 1 and 3 with 4 memory qubits and 2 slots per link
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends REJECT NO_RESOURCES to node 1

  @LINK-101
  Scenario: A HERALD arriving within its attempt's slot does not start a second attempt in that slot
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    # the attempt of slot 0 is heralded at 500 ns; the node attempts again at 1000 ns
    When the clock advances to 500 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the clock advances to 1000 ns
    Then the node sends 2 ATTEMPT to node 1001
    And its "body.slot_ns" is 1000
    # that attempt is heralded at 1000 ns too, within its slot
    When the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the clock advances to 1999 ns
    Then the node sends no ATTEMPT
    When the clock advances to 2000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 2000

  @LINK-102.1 @LINK-102.2 @FWD-003
  Scenario: The slot of a circuit whose reserved memory on the link is full is left unused, not given to another circuit
    # circuits 7 and 8 share link 1: slot k belongs to circuit 7 for even k, to 8 for odd k;
    # the pair held on link 1 (slot 0) fills circuit 7's one reserved qubit there; the node attempts
    # in slot 2000 with modes 0 (LINK-020)
    Given a router node 2 between nodes 1 and 3
    And circuit 7 along route 1, 2, 3 is established at the node
    And circuit 8 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 1500 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 1000
    When the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the clock advances to 2999 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 2000
    And its "body.modes" is 0
    When the station heralds no results for the node's attempt on link 1
    And the clock advances to 3000 ns
    Then the node sends 1 ATTEMPT to node 1001
    And its "body.slot_ns" is 3000

  @FWD-002.1
  Scenario: A node with no GENERATE rule installed makes no attempt
    Given a router node 2 between nodes 1 and 3
    When the clock advances to 5000 ns
    Then the node sends no ATTEMPT
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    And the clock advances to 9000 ns
    Then the node sends SETUP to node 3
    And the node sends no ATTEMPT
