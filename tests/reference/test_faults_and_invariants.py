"""Fault injection in the simulator (reproducible, each fault doing what it says), the
invariant checks of ``qvcp.reference.sim.invariants`` (each one firing on a hand-built
violating state, all quiet on a clean run) and the ``qvcp soak`` command."""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from qvcp.reference.engines.signalling import SigState
from qvcp.reference.sim import invariants as inv
from qvcp.reference.sim.faults import FaultPlan
from qvcp.reference.sim.network import STATION_BASE, Delivery, Network
from qvcp.reference.soak_cli import soak

SCEN = Path(__file__).parents[2] / "schemas" / "scenarios"
MS = 1_000_000
CID = 0x10001  # the first circuit of chain-3 (head A = node 1)


def _chain3(faults: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    doc = copy.deepcopy(yaml.safe_load((SCEN / "chain-3.yaml").read_text()))
    if faults is not None:
        doc["faults"] = faults
    doc.update(over)
    return doc


def _run(doc: dict[str, Any], until: int, *, trace: bool = False) -> tuple[Network, list[dict]]:
    buf = io.StringIO() if trace else None
    net = Network.from_scenario(doc, trace=buf)
    net.run_until(until)
    recs = [json.loads(line) for line in buf.getvalue().splitlines()] if buf else []
    return net, recs


def _fingerprint(net: Network) -> tuple[Any, ...]:
    pairs = sorted((k, d.head and d.head["bell_state"], d.tail and d.tail["bell_state"],
                    d.time_ns, d.expired) for k, d in net.deliveries.items())
    return (dict(net.faults.counts) if net.faults else {}, net.messages, net.events,
            dict(net.error_counts), pairs)


# -- fault injection ------------------------------------------------------------------------------
def test_faults_are_seeded_and_reproducible() -> None:
    doc = _chain3({"loss": 0.02, "duplicate": 0.02, "jitter_ns": 5})
    a, _ = _run(doc, 20 * MS)
    b, _ = _run(doc, 20 * MS)
    assert a.faults is not None and a.faults.counts["lost"] > 0
    assert a.faults.counts["duplicated"] > 0
    assert _fingerprint(a) == _fingerprint(b)
    c, _ = _run({**doc, "seed": doc["seed"] + 1}, 20 * MS)
    assert _fingerprint(c) != _fingerprint(a)


def test_fault_plan_arrivals() -> None:
    assert FaultPlan.build({"loss": 1.0}, seed=1, names={}, links={}).arrivals(1, 2) == []
    dup = FaultPlan.build({"duplicate": 1.0}, seed=1, names={}, links={})
    assert all(len(dup.arrivals(1, 2)) == 2 for _ in range(50))
    jit = FaultPlan.build({"jitter_ns": 100, "delay_ns": 7}, seed=1, names={}, links={})
    extras = [e for _ in range(200) for e in jit.arrivals(1, 2)]
    assert min(extras) >= 7 and max(extras) <= 107 and len(set(extras)) > 10


def test_loss_one_on_a_link_means_that_link_delivers_nothing() -> None:
    net, recs = _run(_chain3({"links": [{"a": "A", "b": "R", "loss": 1.0}]}), 10 * MS,
                     trace=True)
    lost_link = STATION_BASE + 1
    assert net.stations[lost_link].engine.seq == 0  # no success heralded on A - R
    # nothing sent between A, R and the A - R station arrives
    members = {1, 2, lost_link}
    got = [r for r in recs if r["ev"] == "recv" and r["at"] != r["from"]
           and {r["at"], r["from"]} <= members]
    assert got == [], "messages crossed the lost link (sent before the faults were planned?)"
    assert net.completed() == [] and net.faults is not None and net.faults.counts["lost"] > 0


def test_duplicate_one_doubles_the_messages_delivered() -> None:
    end = 5 * MS
    net, recs = _run(_chain3({"duplicate": 1.0}), end, trace=True)
    # (source, destination, message_id): a keyed node numbers per destination (SEC-010)
    sent = Counter((r["msg"]["source"], r["msg"]["destination"], r["msg"]["message_id"])
                   for r in recs if r["ev"] == "send"
                   and r["msg"]["source"] != r["msg"]["destination"]
                   and r["t"] < end - MS)  # not in flight at the end
    got = Counter((r["from"], r["at"], r["id"]) for r in recs if r["ev"] == "recv")
    assert sent and net.faults is not None
    assert all(n == 1 for n in sent.values())
    once = {k for k in sent if got[k] != 2}
    assert not once, f"not delivered twice (sent before the faults were planned?): {once}"
    assert net.faults.counts["duplicated"] >= len(sent)


def test_a_crash_stops_a_node_and_a_restart_brings_a_fresh_one() -> None:
    events = [{"at_ns": 5 * MS, "action": "crash", "nodes": ["R"]},
              {"at_ns": 8 * MS, "action": "restart", "nodes": ["R"]}]
    doc = _chain3({"events": events})
    net, recs = _run(doc, 8 * MS - 1, trace=True)
    r = net.names["R"]
    old = net.nodes[r]
    assert old.signalling and old.dataplane  # R serves the circuit before the crash
    down = [x for x in recs if x["t"] > 5 * MS and (
        (x["ev"] == "recv" and x["at"] == r) or (x["ev"] == "send" and x["msg"]["source"] == r))]
    assert down == [], "a crashed node handles nothing"
    assert net.faults is not None and r in net.faults.crashed
    net.run_until(8 * MS)
    new = net.nodes[r]
    assert new is not old and r not in net.faults.crashed
    assert not new.signalling and not new.dataplane and not new.endpoints
    assert new.memory_in_use() == 0 and not new.ctx.resources.reserved
    assert net.faults.counts["crash"] == 1 and net.faults.counts["restart"] == 1


def test_link_down_stops_the_links_heralds_until_it_is_up() -> None:
    events = [{"at_ns": 2 * MS, "action": "link_down", "nodes": ["A", "R"]},
              {"at_ns": 6 * MS, "action": "link_up", "nodes": ["A", "R"]}]
    _, recs = _run(_chain3({"events": events}), 10 * MS, trace=True)
    station = STATION_BASE + 1
    heralds = [x["t"] for x in recs
               if x["ev"] == "recv" and x["type"] == "HERALD" and x["from"] == station]
    assert any(t < 2 * MS for t in heralds) and any(t > 6 * MS for t in heralds)
    assert not [t for t in heralds if 2 * MS < t <= 6 * MS]


def test_faults_turn_fast_forward_off() -> None:
    assert Network.from_scenario(_chain3()).fast_forward
    assert not Network.from_scenario(_chain3({"loss": 0.0})).fast_forward


# -- invariants ----------------------------------------------------------------------------------
def _idle_chain3(now: int = 100 * MS) -> Network:
    """chain-3 built and not run, its clock at ``now``: a state to edit by hand."""
    net = Network.from_scenario(_chain3())
    net.now = now
    return net


def _body(pair: int, *, bell: str = "PHI_PLUS", created: int = 10 * MS, expires: int = 0,
          request: int = 1) -> dict[str, Any]:
    return {"endpoint": 1, "request_id": request, "circuit_id": CID, "pair_id": pair,
            "qubit_handle": 0, "bell_state": bell, "fidelity_estimate": 60000,
            "created_ns": created, "expires_ns": expires}


def _kinds(net: Network, settle: int = 5 * MS, **kw: Any) -> list[str]:
    return [v.kind for v in inv.check(net, settle_ns=settle, **kw)]


def _end_request(net: Network, at: int = 10 * MS) -> None:
    """Request 1 failed: its head application received the ERROR answering it."""
    mid = inv._request_message_ids(net)[1]
    net.rejects.append({"t": at, "node": 1, "code": 1027, "offending_message_id": mid,
                        "offending_type": 67, "field": "", "detail": "refused"})


def test_agreement_fires_on_different_bell_states() -> None:
    net = _idle_chain3()
    _end_request(net)
    net.deliveries[(CID, 5)] = Delivery(CID, 5, head=_body(5), tail=_body(5, bell="PSI_MINUS"),
                                        time_ns=10 * MS)
    (v,) = inv.check(net, settle_ns=5 * MS)
    assert v.kind == "agreement" and v.circuit == CID and "PSI_MINUS" in v.detail


def test_one_sided_fires_unless_voided_or_recent() -> None:
    net = _idle_chain3()
    _end_request(net)
    net.deliveries[(CID, 6)] = Delivery(CID, 6, head=_body(6))
    (v,) = inv.check(net, settle_ns=5 * MS)
    assert v.kind == "one_sided" and v.node == 1
    net.deliveries[(CID, 6)] = Delivery(CID, 6, tail=_body(6, request=0))
    (v,) = inv.check(net, settle_ns=5 * MS)
    assert v.kind == "one_sided" and v.node == 3
    net.deliveries[(CID, 6)].expired = True
    assert _kinds(net) == []
    net.deliveries[(CID, 7)] = Delivery(CID, 7, head=_body(7, created=98 * MS))
    assert _kinds(net) == []  # delivered within settle_ns of the end


@pytest.mark.parametrize(("restart_ms", "flagged"), [(20, False), (5, True)])
def test_one_sided_pair_of_a_node_restarted_after_the_delivery_is_not_flagged(
        restart_ms: int, flagged: bool) -> None:
    """The application that received a one-sided pair ran on its node: a crash or restart of
    that node after the delivery took the application, and the pair, with it. A restart
    before the delivery changes nothing."""
    names = [n["name"] for n in _chain3()["nodes"]]
    net = Network.from_scenario(_chain3({"events": [
        {"at_ns": restart_ms * MS, "action": "restart", "nodes": [names[0]]}]}))
    net.now = 100 * MS
    _end_request(net)
    net.deliveries[(CID, 6)] = Delivery(CID, 6, head=_body(6, created=10 * MS))
    assert _kinds(net) == (["one_sided"] if flagged else [])


def test_cutoff_fires_on_a_late_delivery() -> None:
    net = _idle_chain3()
    _end_request(net)
    late = _body(8, created=12 * MS, expires=12 * MS)
    net.deliveries[(CID, 8)] = Delivery(CID, 8, head=late, tail=dict(late), time_ns=12 * MS)
    assert _kinds(net) == ["cutoff", "cutoff"]


def test_release_fires_once_every_request_ended() -> None:
    net = _idle_chain3()
    res = net.nodes[2].ctx.resources
    res.reserve(CID, 2, {1: 1000, 2: 1000})
    res.take_modes(CID, 1, 1)
    assert _kinds(net) == ["request_not_ended"]  # open: release is not required yet
    _end_request(net, at=97 * MS)
    assert _kinds(net) == []  # ended less than settle_ns before the end
    net.rejects.clear()
    _end_request(net)
    (v,) = inv.check(net, settle_ns=5 * MS)
    assert v.kind == "release" and v.node == 2
    assert "1 memory slot" in v.detail and "busy communication" in v.detail
    assert "0x10001" in v.detail


def test_engines_are_a_metric_and_an_invariant() -> None:
    net = _idle_chain3()
    _end_request(net)
    assert _kinds(net) == []
    net.nodes[2].signalling[CID] = object()  # type: ignore[assignment]
    assert _kinds(net) == ["engines"]
    assert _kinds(net, engines=False) == []
    assert inv.live_engines(net)[2] == {"signalling": 1, "dataplane": 0, "tearing_down": 0,
                                        "live": 1, "endpoints": 0}
    # a circuit still retransmitting its TEARDOWN (bounded by SIG-034's retry limit) is not
    # counted, nor its data plane; a circuit in any other state is
    going = SimpleNamespace(state=SigState.TEARING_DOWN)
    net.nodes[2].signalling[CID] = going  # type: ignore[assignment]
    net.nodes[2].dataplane[CID] = object()  # type: ignore[assignment]
    assert _kinds(net) == []
    assert inv.live_engines(net)[2]["tearing_down"] == 1
    going.state = SigState.ESTABLISHED
    assert _kinds(net) == ["engines"] and inv.live_engines(net)[2]["live"] == 2


def test_request_not_ended_fires_unless_recent_within_deadline_or_progressing() -> None:
    net = _idle_chain3()
    (v,) = inv.check(net, settle_ns=5 * MS)
    assert v.kind == "request_not_ended" and v.node == 1 and "0 of 200" in v.detail
    net.requests[0]["deadline_ns"] = 97 * MS
    assert _kinds(net) == []  # its deadline is not settle_ns behind the end yet
    net.requests[0]["deadline_ns"] = 50 * MS
    assert _kinds(net) == ["request_not_ended"]
    del net.requests[0]["deadline_ns"]
    net.requests[0]["at_ns"] = 96 * MS
    assert _kinds(net) == []  # started within settle_ns of the end
    net.requests[0]["at_ns"] = 0
    net.deliveries[(CID, 9)] = Delivery(CID, 9, head=_body(9, created=97 * MS),
                                        tail=_body(9, created=97 * MS, request=0),
                                        time_ns=97 * MS)
    assert _kinds(net) == []  # still progressing
    _end_request(net, at=20 * MS)
    outcome = inv.request_outcomes(net)[1]
    assert outcome["state"] == "failed" and outcome["end_ns"] == 20 * MS


def test_invariants_quiet_on_a_clean_run() -> None:
    net, _ = _run(_chain3(), 200 * MS)
    assert inv.request_outcomes(net)[1]["state"] == "completed"
    assert inv.check(net, settle_ns=inv.default_settle_ns(net)) == []
    assert net.check_invariants() == []
    assert set(inv.live_engines(net)) == set(net.nodes)


def test_simulate_json_reports_violations_as_dicts(tmp_path: Path) -> None:
    from qvcp.reference.cli import simulate

    doc = _chain3(duration_ns=40 * MS, demands=[{"head": "A", "tail": "B", "num_pairs": 5000}])
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(doc))
    res = CliRunner().invoke(simulate, [str(path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["invariant_violations"] == []  # progressing: not a stall
    assert out["live_engines"] >= 0 and set(out["live_engines_per_node"]) == {"1", "2", "3"}
    assert out["settle_ns"] == 25 * MS


# -- qvcp soak ----------------------------------------------------------------------------------
def test_soak_runs_and_exits_0(tmp_path: Path) -> None:
    res = CliRunner().invoke(soak, ["--seeds", "2", "--loss", "0", "--scenario", "chain",
                                    "--jobs", "1", "--no-jitter", "--no-restarts", "--json",
                                    "--plot", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    (row,) = out["table"]
    assert row["runs"] == 2 and row["violations"] == {} and row["goodput_per_s"] > 0
    assert (tmp_path / "soak-goodput.png").exists()
    assert (tmp_path / "soak-violations.png").exists()


def test_soak_exits_1_with_replay_commands(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import qvcp.reference.sim.soak as soak_mod

    def one_violation(net: Network, *, settle_ns: int) -> list[inv.Violation]:
        return [inv.Violation("agreement", "made up by the test", net.now)]

    monkeypatch.setattr(soak_mod, "check", one_violation)
    res = CliRunner().invoke(soak, ["--seeds", "1", "--first-seed", "4", "--loss", "0.05",
                                    "--scenario", "mesh", "--jobs", "1", "--no-restarts",
                                    "--out", str(tmp_path)])
    assert res.exit_code == 1, res.output
    assert "made up by the test" in res.output
    (path,) = tmp_path.glob("*.yaml")
    assert f"qvcp simulate {path} --seed 4 --json" in res.output
    assert ("qvcp soak --scenario mesh --loss 0.05 --first-seed 4 --seeds 1 --no-restarts"
            in res.output)
    assert yaml.safe_load(path.read_text()) == soak_mod.build_scenario(
        "mesh", 0.05, 4, soak_mod.Faults(restarts=False))


def test_a_soak_run_is_replayed_by_its_scenario() -> None:
    from qvcp.reference.sim.soak import build_scenario, run_one

    result = run_one("chain", 0.1, 3)
    doc = yaml.safe_load(yaml.safe_dump(build_scenario("chain", 0.1, 3)))
    net = Network.from_scenario(doc)
    net.run_until(doc["duration_ns"])
    assert [v.as_dict() for v in inv.check(net, settle_ns=inv.default_settle_ns(net))] == (
        [v for v in result["violations"] if v["kind"] != "exception"])
    assert len(net.completed()) == result["pairs"]
    assert build_scenario("chain", 0.1, 3)["faults"]["events"] == (
        build_scenario("chain", 0.2, 3)["faults"]["events"])  # same failures at every loss


@pytest.mark.parametrize("args,option", [
    (["--loss", "abc"], "--loss"), (["--loss", "0,1.5"], "--loss"),
    (["--seeds", "0"], "--seeds"), (["--scenario", "ring"], "--scenario"),
    (["--jobs", "0"], "--jobs"), (["--jitter-ns", "-1"], "--jitter-ns"),
])
def test_soak_bad_options_are_usage_errors(args: list[str], option: str) -> None:
    res = CliRunner().invoke(soak, args)
    assert res.exit_code == 2 and option in res.output
    assert "Traceback" not in res.output


def test_a_request_without_deadline_is_open_only_while_a_whole_circuit_serves_it() -> None:
    """(e) for a request without a deadline that delivered nothing lately: served by a circuit
    established at every node of its route (slow, not stalled), or a teardown on its way, is
    no violation; a circuit half open (a node of the route lost it) is."""
    net, _ = _run(_chain3(), 30 * MS)
    cid = next(iter(net.nodes[1].signalling))
    assert _kinds(net, settle=1) == []
    tail = net.nodes[3]
    sig = tail.signalling.pop(cid)
    dp = tail.dataplane.pop(cid)
    assert _kinds(net, settle=1) == ["request_not_ended"]
    sig.state = SigState.TEARING_DOWN
    tail.signalling[cid], tail.dataplane[cid] = sig, dp
    assert _kinds(net, settle=1) == []
