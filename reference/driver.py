"""The reference implementation as an in-process conformance driver.

Registered in the ``qvcp.drivers`` entry-point group as ``reference``; the conformance suite
never imports this module by name. It adapts the reference message layer (wire profile), one
reference :class:`~qvcp.reference.node.Node` (node profile) and the discrete-event simulator
(network profile) to the verbs of ``schemas/meta/driver.schema.json``, using only the public
API documented in ``docs/simulator.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from qvcp import __version__
from qvcp.reference.auth import verify_bytes
from qvcp.reference.messages import HERALD_CODES, check_extensions
from qvcp.schemas import WireError, decode, encode

__all__ = ["ReferenceDriver"]

Json = dict[str, Any]


def _reject(exc: WireError) -> Json:
    return {"reject": {"code": int(exc.code), "name": exc.code.name, "detail": str(exc)}}


# --- node profile ----------------------------------------------------------------------------


class _HarnessDevice:
    """The reference's ``QuantumDevice`` interface forwarded to the harness's device."""

    def __init__(self, device: Any) -> None:
        self.device = device

    def _call(self, verb: str, **args: Any) -> Json:
        result: Json = self.device.call(verb, {("now_ns" if k == "now" else k): v
                                               for k, v in args.items()})
        return result

    def attempt(self, *, now: int, link_id: int, slot_ns: int, qubits: Sequence[int]) -> None:
        for qubit in qubits:  # the driver protocol's device.attempt names one mode's qubit
            self._call("device.attempt", now=now, link_id=link_id, slot_ns=slot_ns,
                       qubit=qubit)

    def bsm(self, *, now: int, left: int, right: int) -> int | None:
        """The code 0..3, or None when the harness scripts a failed BSM (``failed``)."""
        result = self._call("device.bsm", now=now, left=left, right=right)
        return None if result.get("failed") else int(result["code"])

    def distil(self, *, now: int, kept: int, sacrificed: int, protocol: str,
               frame: tuple[int, int] = (0, 0)) -> int:
        # The TRK-021 frame correction travels only when there is one to make.
        extra = {"frame": list(frame)} if tuple(frame) != (0, 0) else {}
        return int(self._call("device.distil", now=now, kept=kept, sacrificed=sacrificed,
                              protocol=protocol, **extra)["bit"])

    def measure(self, *, now: int, qubit: int, basis: str) -> int:
        return int(self._call("device.measure", now=now, qubit=qubit, basis=basis)["bit"])

    def free(self, *, now: int, qubit: int) -> None:
        self._call("device.free", now=now, qubit=qubit)

    def resolve(self, *, now: int, link_id: int, slot_ns: int, modes: int) -> list[int]:
        """A heralding station's device (role ``station``): outcome codes per mode."""
        outcomes = self._call("device.resolve", now=now, link_id=link_id, slot_ns=slot_ns,
                              modes=modes)["outcomes"]
        codes = [HERALD_CODES[name] for name in outcomes]
        if len(codes) != modes:
            raise ValueError(f"device.resolve gave {len(codes)} outcomes for {modes} modes")
        return codes


#: the chapter 11 settings a harness may give in ``node.start``'s config (NodeConfig names)
_CHAPTER_11 = ("rto_initial_ns", "rto_min_ns", "rto_max_ns", "max_retransmissions", "msl_ns",
               "keepalive_interval_ns", "dead_interval_ns", "link_failure_attempts")


def _router(routes: dict[str, list[int]]) -> Callable[[int, int, dict[str, int]], list[int] | None]:
    """The head end's router: the routes given in the node configuration, by tail end."""

    def route(src: int, dst: int, qos: dict[str, int]) -> list[int] | None:
        found = routes.get(str(dst))
        return list(found) if found else None

    return route


class _NodeProfile:
    """The node-profile verbs: one reference node, driven message by message (API (a))."""

    _node: Any = None
    _node_id: int = 0

    def node_start(self, *, node_id: int, now_ns: int, config: Json, harness_device: bool,
                   device: Any = None) -> Json:
        from qvcp.reference.device import ScriptedDevice
        from qvcp.reference.node import LinkConfig, Node, NodeConfig

        if config.get("role") == "station":
            return self._start_station(node_id, config, device if harness_device else None)
        links = tuple(LinkConfig(link_id=lk["link_id"], peer=lk["peer"], station=lk["station"],
                                 slot_ns=lk["slot_ns"], rate_mhz=lk.get("rate_mhz", 0),
                                 fidelity=lk.get("fidelity", 1.0),
                                 attempt_period=lk.get("attempt_period", 1),
                                 peer_delay_ns=lk.get("peer_delay_ns", 0))
                      for lk in config.get("links", []))
        t2, t1 = config.get("t2_ns", 0), config.get("t1_ns", 0)
        cfg = NodeConfig(node_id=node_id, role=config.get("role", "router"),
                         memory_qubits=config.get("memory_qubits", 4),
                         comm_qubits=config.get("comm_qubits", 2),
                         t2_ns=float(t2) if t2 else float("inf"),
                         t1_ns=float(t1) if t1 else float("inf"), links=links,
                         cutoff_ns=config.get("cutoff_ns", 0),
                         slots_per_link=config.get("slots_per_link", 1),
                         gate_fidelity=config.get("gate_fidelity", 1.0),
                         readout_fidelity=config.get("readout_fidelity", 1.0),
                         strict=config.get("strict", True), auth=config.get("auth"),
                         policy=config.get("policy"),
                         **{k: config[k] for k in _CHAPTER_11 if k in config},
                         **self._stable_storage(node_id))
        dev = _HarnessDevice(device) if harness_device and device is not None else \
            ScriptedDevice()
        # SIG-047: the BSM success probability the node reports at admission (default 1)
        dev.bsm_success_probability = float(config.get("bsm_success_probability", 1.0))
        self._node = Node(cfg, dev, router=_router(config.get("routes", {})))
        self._node_id = node_id
        return self._step(self._node.start(now_ns))  # KEEPALIVE first (REL-011)

    def _stable_storage(self, node_id: int) -> dict[str, Any]:
        """What survives a restart of the node (REL-019, REL-022): a ``node.start`` of the
        node this driver already runs is a restart, with the next incarnation and message ids
        above the block of 2^16 its counter was in (as if persisted in blocks)."""
        old = getattr(self, "_node", None)
        if old is None or getattr(self, "_node_id", None) != node_id or not hasattr(old, "ctx"):
            return {}
        return {"incarnation": (old.config.incarnation + 1) % 2**32,
                "message_id_floor": (old.ctx.factory.counter // 2**16 + 1) * 2**16 % 2**32,
                "auth_storage": old.auth.persisted() if old.auth is not None else None}

    def _start_station(self, node_id: int, config: Json, device: Any) -> Json:
        """Role ``station`` (capability node.station): the heralding station of one link.
        Without the harness's device every mode fails (``ScriptedDevice``)."""
        from qvcp.reference.auth import NodeAuth
        from qvcp.reference.device import ScriptedDevice
        from qvcp.reference.station import Station

        self._node = Station.of(station_id=node_id, link_id=config["link_id"],
                                nodes=config["nodes"], strict=config.get("strict", True),
                                auth=NodeAuth.of(config.get("auth")),
                                device=ScriptedDevice() if device is None
                                else _HarnessDevice(device))
        self._node_id = node_id
        return {}

    def _step(self, outputs: list[Any]) -> Json:
        node = self._node
        sent, events = [], []
        for msg in node.sent(outputs):
            if msg["destination"] == self._node_id and msg["source"] == self._node_id:
                events.append({"kind": "app", "message": msg})
            else:
                sent.append(msg)
        return {"sent": sent, "events": events, "next_deadline_ns": node.next_deadline()}

    def _started(self) -> Any:
        if self._node is None:
            raise RuntimeError("node.start has not been called")
        return self._node

    def node_receive(self, *, now_ns: int, message: Json) -> Json:
        node = self._started()
        return self._step(node.receive(now_ns, message))

    def node_advance(self, *, now_ns: int) -> Json:
        node = self._started()
        outputs: list[Any] = []
        while (deadline := node.next_deadline()) is not None and deadline <= now_ns:
            outputs += node.on_timer(deadline)
        return self._step(outputs)

    def node_status(self) -> Json:
        # Circuit states are not part of the documented node API (docs/simulator.md); only
        # the memory in use is reported.
        return {"circuits": [], "qubits_in_use": int(self._started().memory_in_use())}


# --- network profile -------------------------------------------------------------------------


class _Trace:
    """Sink of the simulator's trace: keeps what the network verb reports, the messages to
    applications and the signalling messages that establish, refuse or end circuits."""

    transitions = False  # the engines' transition records are not needed
    _KEEP = frozenset({"REJECT", "CONFIRM", "TEARDOWN"})

    def __init__(self) -> None:
        self.records: list[Json] = []

    def record(self, rec: Json) -> None:
        ev = rec.get("ev")
        if ev == "app" or (ev == "send" and rec["msg"]["type"] in self._KEEP):
            self.records.append(rec)


def _measure_basis(bases: list[str]) -> str:
    if not bases:
        return "none"
    if len(set(bases)) == 1:
        return bases[0]
    if set(bases) == {"X", "Y", "Z"}:
        return "cycle"  # Z, X, Y in turn: every basis equally often
    raise NotImplementedError("the simulator measures in one basis or cycles through all three")


def _circuit_reports(trace: list[Json], heads: dict[int, int]) -> list[Json]:
    """Per requested circuit: its id, whether it was established, rejected or torn down."""
    out: dict[int, Json] = {}
    for rec in trace:
        msg = rec.get("msg")
        if rec.get("ev") != "send" or msg is None:
            continue
        body = msg["body"]
        head = body["circuit_id"] >> 16
        if head not in heads:
            continue
        entry = out.setdefault(body["circuit_id"], {
            "circuit_id": body["circuit_id"], "request": heads[head], "established": False,
            "rejected": None, "torn_down": False})
        if msg["type"] == "CONFIRM" and msg["destination"] == head:
            entry["established"] = True
        elif msg["type"] == "REJECT" and msg["destination"] == head:
            entry["rejected"] = {"reason": body["reason"],
                                 "rejecting_node": body["rejecting_node"]}
        elif msg["type"].startswith("TEARDOWN"):
            entry["torn_down"] = True
    return sorted(out.values(), key=lambda e: e["circuit_id"])


class RunCancelled(Exception):
    """The harness gave up waiting for ``network_run`` and called :meth:`cancel`."""


class _NetworkProfile:
    """The network-profile verb: the discrete-event simulator (API (b))."""

    _cancelled: bool = False

    def cancel(self) -> None:
        """The harness abandoned the running call (its ``--timeout`` passed): a running
        ``network_run`` stops at its next progress check, every 4096 events, instead of
        holding the interpreter while the next cases run."""
        self._cancelled = True

    def _stop_if_cancelled(self, t_ns: int) -> None:
        if self._cancelled:
            raise RunCancelled(f"network.run cancelled by the harness at {t_ns} ns")

    def network_run(self, *, scenario: Json, circuits: list[Json], until_ns: int, seed: int,
                    measure: Json | None = None) -> Json:
        from qvcp.reference.sim.network import Network

        trace = _Trace()
        doc = {**scenario, "demands": []}
        net = Network.from_scenario(doc, seed=seed, trace=trace)  # type: ignore[arg-type]
        net.measure_basis = _measure_basis(list((measure or {}).get("bases", [])))
        net.on_progress = self._stop_if_cancelled
        ids = {n["name"]: n["id"] for n in scenario["nodes"]}
        heads: dict[int, int] = {}
        for index, c in enumerate(circuits):
            heads.setdefault(ids[c["head"]], index)
            net.open_circuit(c["head"], c["tail"], num_pairs=c["num_pairs"],
                             min_fidelity=c.get("min_fidelity", 0.0),
                             min_rate=c.get("min_rate", 0.0), at_ns=c.get("start_ns", 0))
        net.run_until(until_ns)
        measured = {(d.circuit_id, d.pair_id): d for d in net.completed()}
        deliveries: list[Json] = []
        expired: list[Json] = []
        errors: list[Json] = []
        for rec in trace.records:
            msg = rec.get("msg", {})
            b = msg.get("body", {})
            if rec.get("ev") == "app" and msg.get("type") == "PAIR_EXPIRED":
                expired.append({"node": rec["at"], "circuit_id": b["circuit_id"],
                                "pair_id": b["pair_id"], "at_ns": rec["t"]})
            elif rec.get("ev") == "app" and msg.get("type") == "ERROR":
                errors.append({"node": rec["at"], "code": b["code"], "at_ns": rec["t"],
                               "offending_type": b["offending_type"]})
            if rec.get("ev") != "app" or msg.get("type") != "PAIR_DELIVERY":
                continue
            entry = {"node": rec["at"], "circuit_id": b["circuit_id"], "pair_id": b["pair_id"],
                     "bell_state": b["bell_state"], "fidelity_estimate": b["fidelity_estimate"],
                     "at_ns": rec["t"], "created_ns": b["created_ns"],
                     "expires_ns": b["expires_ns"]}
            d = measured.get((b["circuit_id"], b["pair_id"]))
            if d is not None and d.basis is not None and d.bits is not None:
                head = rec["at"] == b["circuit_id"] >> 16
                entry.update(basis=d.basis, outcome=int(d.bits[0 if head else 1]))
            deliveries.append(entry)
        return {"deliveries": deliveries, "expired": expired, "app_errors": errors,
                "circuits": _circuit_reports(trace.records, heads),
                "qubits_in_use": [{"node": n, "qubits_in_use": q}
                                  for n, q in sorted(net.memory_in_use().items())]}


class ReferenceDriver(_NodeProfile, _NetworkProfile):
    """Driver protocol verbs backed by the reference implementation."""

    profiles: tuple[str, ...] = ("wire", "node", "network")
    capabilities: tuple[str, ...] = ("wire.auth", "network.measure", "node.harness-device",
                                     "node.auth", "node.station", "node.request-queue",
                                     "node.preemption", "node.repeater", "node.bsm-failure",
                                     "node.track-ends", "network.faults", "node.policy",
                                     "virtual-clock")

    def hello(self, *, protocol: int, harness: str) -> Json:
        return {"protocol": 1,
                "implementation": {"name": "qvcp-reference", "version": __version__,
                                   "language": "Python"},
                "spec_version": "1.0", "profiles": list(self.profiles),
                "capabilities": list(self.capabilities)}

    def reset(self) -> Json:
        self._node = None
        return {}

    def bye(self) -> Json:
        return {}

    # --- wire profile -----------------------------------------------------------------------

    def wire_decode(self, *, hex: str, keys: dict[str, str] | None = None) -> Json:
        data = bytes.fromhex(hex)
        try:
            if keys is not None:
                keyed = {int(k): bytes.fromhex(v) for k, v in keys.items()}
                return {"json": verify_bytes(data, keyed)}
            return {"json": decode(data)}
        except WireError as exc:
            return _reject(exc)

    def wire_encode(self, *, json: Any) -> Json:
        try:
            data = encode(json)
            check_extensions(json)  # EXT-001.2, EXT-002: after the values (WIRE-017)
            return {"hex": data.hex()}
        except WireError as exc:
            return _reject(exc)
