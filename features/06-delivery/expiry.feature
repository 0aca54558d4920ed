@node
Feature: Delivered pairs that are lost (spec chapter 06 section 5)
  Tail end 3 of circuit 7 along 2 - 3 (single hop); its endpoint 6 is bound to node 2,
  endpoint 5. A delivered pair (seq 5, pair id 5 x 65537) is never consumed by the application.

  Background:
    Given an end node 3 linked to node 2
    And the application has opened endpoint 6 for node 2 endpoint 5

  @DLV-030.1 @TRK-012.3
  Scenario: A DISCARD from the partner of a delivered pair is reported as PAIR_EXPIRED
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    And its "body.qubit_handle" is remembered as handle
    When node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 5}, "reason": "CUTOFF"}
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685
    And its "body.circuit_id" is 7
    And its "body.endpoint" is 6
    And its "body.qubit_handle" is the remembered handle
    And the node sends no ERROR

  @DLV-030.1 @DLV-031
  Scenario: A delivered pair not consumed by its expiry is discarded with PAIR_EXPIRED
    Given circuit 7 along route 2, 3 with a cutoff of 3000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    And its "body.expires_ns" is at least 1
    And the application receives no PAIR_EXPIRED
    When the clock advances to 10000 ns
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685

  @DLV-030.1 @DLV-103
  Scenario: A teardown other than COMPLETED reports every unconsumed delivered pair as PAIR_EXPIRED
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When node 2 sends TEARDOWN {"circuit_id": 7, "reason": "FAILURE"}
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685
    And the node holds 0 memory qubits

  @DLV-103
  Scenario: After a COMPLETED teardown a delivered pair stays with the application
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When node 2 sends TEARDOWN {"circuit_id": 7, "reason": "COMPLETED"}
    Then the node sends TEARDOWN_ACK to node 2
    And the application receives no PAIR_EXPIRED
    And the node holds 1 memory qubit

  @DLV-030.1 @LINK-011.2
  Scenario: An EXPIRE from the link peer for a delivered pair is reported as PAIR_EXPIRED and acknowledged
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When node 2 sends EXPIRE {"link_id": 2, "first_seq": 5, "last_seq": 5}
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685
    And the node sends EXPIRE_ACK to node 2
    And the node holds 0 memory qubits besides those of its unanswered attempts

  @DLV-021.2 @DLV-031
  Scenario: A delivered pair's expires_ns is when the node discards it, to the nanosecond
    Given circuit 7 along route 2, 3 with a cutoff of 3000 ns is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    And its "body.expires_ns" is at least 1001
    And its "body.expires_ns" is remembered as expiry
    When the clock advances to 1 ns before the remembered expiry
    Then the application receives no PAIR_EXPIRED
    When the clock advances to the remembered expiry
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685

  @DLV-103 @DLV-030.1
  Scenario: A NORMAL teardown before the circuit completed reports every unconsumed delivered pair as PAIR_EXPIRED
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    Then the application receives PAIR_DELIVERY
    When node 2 sends TEARDOWN {"circuit_id": 7, "reason": "NORMAL"}
    Then the application receives PAIR_EXPIRED
    And its "body.pair_id" is 327685
    And the node holds 0 memory qubits

  @DLV-021.2 @DLV-030.1
  Scenario: A DISCARD for one of three delivered pairs discards that pair only, not the pairs delivered before or after it
    # pair ids 4, 5 and 6 x 65537: the partner discards the middle one
    Given circuit 7 along route 2, 3 is established at the node
    When the clock advances to 1000 ns
    And the station heralds PSI_MINUS with seq 4 for the node's attempt on link 2
    And the clock advances to 2000 ns
    And the station heralds PSI_MINUS with seq 5 for the node's attempt on link 2
    And the clock advances to 3000 ns
    And the station heralds PSI_MINUS with seq 6 for the node's attempt on link 2
    Then the application receives exactly 3 PAIR_DELIVERY
    And its "body.expires_ns" is 0
    When node 2 sends DISCARD {"circuit_id": 7, "pair": {"link_id": 2, "seq": 5}, "reason": "CUTOFF"}
    Then the application receives exactly 1 PAIR_EXPIRED
    And its "body.pair_id" is 327685
    And the node holds 2 memory qubits besides those of its unanswered attempts
