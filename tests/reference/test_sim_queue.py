"""The simulator's event queue and fibre delays (reference/sim/events.py, reference/sim/fibre.py).

The queue must give the order of a heap of ``(time, insertion counter)`` entries, the order the
simulator's runs are defined by; the delays must be the shortest fibre paths."""

from __future__ import annotations

import heapq
import itertools
import random
from pathlib import Path

import networkx as nx
import pytest

from qvcp.reference.sim.events import EventQueue
from qvcp.reference.sim.fibre import FibreDelays
from qvcp.reference.sim.linkmodel import NS_PER_KM
from qvcp.reference.sim.network import Network

SCEN = Path(__file__).parents[2] / "schemas" / "scenarios"


@pytest.mark.parametrize("seed", range(5))
def test_queue_order_is_time_then_insertion(seed: int) -> None:
    rng = random.Random(seed)
    queue, model = EventQueue(), []
    counter = itertools.count()
    now = 0
    popped, expected = [], []
    for _ in range(3000):
        if model and rng.random() < 0.45:
            popped.append(queue.pop())
            t, _, kind, target, payload = heapq.heappop(model)
            expected.append((t, kind, target, payload))
            now = t
        else:  # mostly at or after the last popped time, a few before it, many ties
            t = max(0, now + rng.choice((0, 0, 1, 2, 5, 50, -3)))
            kind, target = rng.randrange(3), rng.randrange(10)
            payload = next(counter)
            queue.push(t, kind, target, payload)
            heapq.heappush(model, (t, payload, kind, target, payload))
        assert len(queue) == len(model)
        assert queue.next_time() == (model[0][0] if model else None)
    while model:
        popped.append(queue.pop())
        t, _, kind, target, payload = heapq.heappop(model)
        expected.append((t, kind, target, payload))
    assert popped == expected
    assert len(queue) == 0 and queue.next_time() is None and not queue.at


def test_an_event_pushed_at_the_current_time_comes_after_those_queued() -> None:
    queue = EventQueue()
    queue.push(10, 0, 1, "first")
    queue.push(10, 0, 2, "second")
    assert queue.pop() == (10, 0, 1, "first")
    queue.push(10, 1, 3, "third")  # while time 10 is being processed
    queue.push(4, 0, 4, "late")  # a time before the current one comes next
    assert [queue.pop()[3] for _ in range(3)] == ["late", "second", "third"]


def test_pop_due_takes_only_events_up_to_the_bound() -> None:
    """The simulator's loop pops with ``pop_due(t_end)``: an event after the bound stays."""
    queue = EventQueue()
    assert queue.pop_due(100) is None
    queue.push(10, 0, 1, "a")
    queue.push(20, 0, 2, "b")
    assert queue.pop_due(9) is None and len(queue) == 2
    assert queue.pop_due(10) == (10, 0, 1, "a")
    assert queue.pop_due(19) is None and queue.next_time() == 20
    assert queue.pop_due(20) == (20, 0, 2, "b")
    assert len(queue) == 0 and not queue.at and queue.pop_due(10**9) is None


def triangle() -> nx.Graph:
    g = nx.Graph()
    g.add_edge(1, 2, km=1.0)
    g.add_edge(2, 3, km=2.0)
    g.add_edge(1, 3, km=5.0)
    g.add_node(4)  # unreachable
    return g


def test_delay_between_nodes_follows_the_shortest_fibre_path() -> None:
    fibre = FibreDelays(triangle(), {(1, 1001): 7})
    assert fibre.delay(1, 3) == (round(3.0 * NS_PER_KM), True)  # via 2, not the 5 km edge
    assert fibre.delay(3, 1)[0] == round(3.0 * NS_PER_KM)
    assert fibre.delay(2, 2) == (0, True)
    assert fibre.km(2, 3) == 2.0


def test_station_delays_are_the_ones_given_both_ways() -> None:
    fibre = FibreDelays(triangle(), {(1, 1001): 7, (2, 1001): 9})
    assert fibre.delay(1, 1001) == (7, True)
    assert fibre.delay(1001, 2) == (9, True)


def test_delay_from_a_source_whose_distances_are_known_is_not_cached() -> None:
    fibre = FibreDelays(triangle(), {})
    fibre.delay(1, 3)  # the distances from 3 decide for every pair ending or starting at 3
    assert fibre.delay(3, 2) == (round(2.0 * NS_PER_KM), False)
    assert fibre.delay(2, 3) == (round(2.0 * NS_PER_KM), True)


def test_unreachable_node_raises_key_error() -> None:
    with pytest.raises(KeyError):
        FibreDelays(triangle(), {}).delay(1, 4)


def test_network_delays_match_networkx_on_the_mesh() -> None:
    net = Network.from_scenario(SCEN / "mesh-26.yaml")
    lengths = dict(nx.all_pairs_dijkstra_path_length(net.graph, weight="km"))
    nodes = sorted(net.nodes)
    for a, b in itertools.product(nodes, nodes):
        assert abs(net._delay(a, b) - round(lengths[b][a] * NS_PER_KM)) <= 1, (a, b)
