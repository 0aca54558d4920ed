@node
Feature: Keepalives, failed neighbours and links, restarts (spec chapter 11 section 4)
  Router node 2 sits on the line 1 - 2 - 3; the harness plays nodes 1 and 3, which send
  KEEPALIVE while the clock advances unless a scenario silences them, and the heralding
  stations, which answer an ATTEMPT only when a scenario says so.

  @REL-011
  Scenario: A starting node's first message to each neighbour is KEEPALIVE
    Given a router node 2 between nodes 1 and 3
    Then the node's first message to node 1 was KEEPALIVE
    And the node's first message to node 3 was KEEPALIVE

  @REL-027
  Scenario: The KEEPALIVE a node sends when it starts is sent again until acknowledged
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    When the node restarts
    And the clock advances to 7000000 ns
    Then since the restart the node has sent node 1 at least 3 copies of one KEEPALIVE

  @REL-027
  Scenario: An acknowledged start KEEPALIVE is not sent again
    Given a router node 2 between nodes 1 and 3
    When the node restarts
    And the clock advances to 7000000 ns
    Then since the restart the node has sent node 1 exactly 1 copies of one KEEPALIVE

  @REL-028
  Scenario: A neighbour's KEEPALIVE is acknowledged
    Given a router node 2 between nodes 1 and 3
    When node 1 sends KEEPALIVE {"incarnation": 1, "interval_ns": 10000000000}
    Then the node acknowledges that message

  @REL-010
  Scenario: A node sends KEEPALIVE to an idle neighbour every keepalive interval
    Given a router node 2 between nodes 1 and 3
    And the node is configured with keepalive_interval_ns 1000000
    When the clock advances to 5500000 ns
    Then the node has sent KEEPALIVE to node 1 at least 5 times
    And the node has sent KEEPALIVE to node 3 at least 5 times

  @REL-012 @REL-016
  Scenario: Neighbours silent for the dead interval fail the circuit through them, torn down with FAILURE
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And the node is configured with keepalive_interval_ns 1000000
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When the node's neighbours fall silent
    And the clock advances to 10000000 ns
    Then the node sends TEARDOWN to node 1
    And its "body.reason" is "FAILURE"

  @REL-015
  Scenario: A circuit failed for a silent neighbour releases its memory
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And the node is configured with keepalive_interval_ns 1000000
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When the node's neighbours fall silent
    And the clock advances to 10000000 ns
    And node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And the node sends no REJECT

  @REL-012
  Scenario: Neighbours that keep sending KEEPALIVE keep the circuit up
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And the node is configured with keepalive_interval_ns 1000000
    And node 1 has sent the node SETUP for circuit 7 along route 1, 2, 3
    When the clock advances to 10000000 ns
    Then the node sends no TEARDOWN

  @REL-017
  Scenario: An end node whose circuit fails for a silent neighbour tells its application
    Given an end node 1 linked to node 2 with a route 1, 2, 3
    And the node is configured with keepalive_interval_ns 1000000
    And the application has opened endpoint 5 for node 3 endpoint 6
    When the application sends PAIR_REQUEST {"endpoint": 5, "request_id": 1, "num_pairs": 3, "min_fidelity": 0, "min_rate_mhz": 0, "deadline_ns": 0, "priority": 0}
    Then the node sends SETUP to node 2
    When the node's neighbours fall silent
    And the clock advances to 10000000 ns
    Then the application receives ERROR REQUEST_UNSATISFIABLE

  @REL-013
  Scenario: A link whose station stops answering fails the circuits generating on it
    Given a router node 2 between nodes 1 and 3
    And the node is configured with link_failure_attempts 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 100000 ns
    Then the node sends TEARDOWN to node 1
    And its "body.reason" is "FAILURE"

  @REL-013
  Scenario: A link whose station answers does not fail
    Given a router node 2 between nodes 1 and 3
    And the node is configured with link_failure_attempts 3
    And circuit 7 along route 1, 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds FAILURE with seq 0 for the node's attempt on link 1
    And the station heralds FAILURE with seq 0 for the node's attempt on link 2
    And the clock advances to 4000 ns
    Then the node sends no TEARDOWN

  @REL-014
  Scenario: A neighbour's KEEPALIVE with a new incarnation fails the circuits through it
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends KEEPALIVE {"incarnation": 1, "interval_ns": 10000000000}
    And node 3 restarts and sends KEEPALIVE with incarnation 2
    Then the node sends TEARDOWN to node 1
    And its "body.reason" is "FAILURE"

  @REL-014
  Scenario: A neighbour's KEEPALIVE with the same incarnation changes nothing
    Given a router node 2 between nodes 1 and 3 with 2 memory qubits
    And circuit 7 along route 1, 2, 3 is established at the node
    When node 3 sends KEEPALIVE {"incarnation": 1, "interval_ns": 10000000000}
    And node 3 sends KEEPALIVE {"incarnation": 1, "interval_ns": 10000000000}
    Then the node sends no TEARDOWN

  @REL-019
  Scenario: A restarted node's KEEPALIVEs carry a greater incarnation
    Given a router node 2 between nodes 1 and 3
    When the node restarts
    Then its KEEPALIVEs after the restart carry a greater incarnation than before

  @REL-022
  Scenario: A restarted node does not reuse a message_id towards a destination
    Given a router node 2 between nodes 1 and 3
    When node 1 sends SETUP for circuit 7 along route 1, 2, 3
    Then the node sends SETUP to node 3
    When the node restarts
    And node 1 sends SETUP for circuit 8 along route 1, 2, 3
    Then the node sends SETUP to node 3
    And no message_id it sent to node 3 after the restart was sent to it before

  @REL-026
  Scenario: A circuit a node of its route no longer knows fails
    # node 3 lost its state (a restart whose KEEPALIVE never arrived): it refuses the node's
    # SWAP_OUTCOME with UNKNOWN_CIRCUIT instead of acknowledging it
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 3
    When node 3 refuses the node's last SWAP_OUTCOME to it with ERROR UNKNOWN_CIRCUIT
    Then the node sends TEARDOWN to node 1
    And its "body.reason" is "FAILURE"

  @REL-026
  Scenario: A refusal of another kind does not fail the circuit
    Given a router node 2 between nodes 1 and 3
    And the harness acknowledges nothing the node sends
    And circuit 7 along route 1, 2, 3 is established at the node
    And the node holds a PSI_PLUS pair with seq 1 on link 1
    When the clock advances to 1000 ns
    And the station heralds PSI_PLUS with seq 1 for the node's attempt on link 2
    Then the node sends SWAP_OUTCOME to node 3
    When node 3 refuses the node's last SWAP_OUTCOME to it with ERROR UNKNOWN_PAIR
    Then the node sends no TEARDOWN
