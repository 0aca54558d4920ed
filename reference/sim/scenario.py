"""Scenario and hardware-profile loading with clear, typed errors naming the field."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import jsonschema


class ScenarioError(ValueError):
    """A scenario or profile is invalid; ``field`` is a JSON path like ``demands[0].head``."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field or '<scenario>'}: {reason}")
        self.field = field
        self.reason = reason


def _schemas() -> Any:
    return resources.files("qvcp.schemas")


def _path(err: jsonschema.ValidationError) -> str:
    out = ""
    for p in err.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _validate(doc: Any, schema_name: str) -> None:
    # imported here, not with the module: importing jsonschema imports its format checkers,
    # which with some optional packages installed cost a second of CPU, and every process
    # importing the simulator would pay it, whether or not it validates anything
    import jsonschema

    schema = json.loads((_schemas() / "meta" / schema_name).read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ScenarioError(_path(errors[0]), errors[0].message)


def load_profile(name: str) -> dict[str, Any]:
    """Parameter values (no sources) of profile ``name`` from ``schemas/profiles``."""
    f = _schemas() / "profiles" / f"{name}.json"
    if not f.is_file():
        raise ScenarioError("profile", f"unknown hardware profile {name!r}")
    doc = json.loads(f.read_text())
    _validate(doc, "profile.schema.json")
    return {k: v["value"] for k, v in doc["parameters"].items()}


def load_scenario(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Read (YAML or JSON), validate against ``scenario.schema.json`` and cross-check names."""
    if isinstance(source, dict):
        doc = source
    else:
        path = Path(source)
        if not path.is_file():
            raise ScenarioError("", f"no such scenario file: {path}")
        try:
            doc = yaml.safe_load(path.read_text())
        except yaml.YAMLError as exc:
            raise ScenarioError("", f"not valid YAML/JSON: {exc}") from None
    _validate(doc, "scenario.schema.json")
    names = [n["name"] for n in doc["nodes"]]
    if len(set(names)) != len(names):
        raise ScenarioError("nodes", "node names must be unique")
    known = set(names)
    for i, link in enumerate(doc["links"]):
        for end in ("a", "b"):
            if link[end] not in known:
                raise ScenarioError(f"links[{i}].{end}", f"unknown node {link[end]!r}")
        if link["a"] == link["b"]:
            raise ScenarioError(f"links[{i}].b", "a link needs two distinct nodes")
    roles = {n["name"]: n["role"] for n in doc["nodes"]}
    for i, d in enumerate(doc["demands"]):
        for end in ("head", "tail"):
            if d[end] not in known:
                raise ScenarioError(f"demands[{i}].{end}", f"unknown node {d[end]!r}")
            if roles[d[end]] == "repeater":
                raise ScenarioError(f"demands[{i}].{end}", "an automated repeater cannot be "
                                    "a circuit end (no control plane)")
        if d["head"] == d["tail"]:
            raise ScenarioError(f"demands[{i}].tail", "head and tail must differ")
    opts = doc.get("options") or {}
    if "level_cutoffs_ns" in opts and opts.get("swap_schedule") != "nested":
        raise ScenarioError("options.level_cutoffs_ns", "per-level cutoffs need "
                            "swap_schedule: nested")
    if opts.get("regenerate") == "after_delivery" and doc.get("faults"):
        raise ScenarioError("options.regenerate", "after_delivery is not modelled with "
                            "injected faults (a crash loses pairs outside the model)")
    _check_faults(doc.get("faults") or {}, known,
                  {frozenset((lk["a"], lk["b"])) for lk in doc["links"]})
    for i, n in enumerate(doc["nodes"]):
        try:
            load_profile(n.get("profile", "ideal"))
        except ScenarioError as exc:
            raise ScenarioError(f"nodes[{i}].profile", exc.reason) from None
        _check_policy(n.get("policy") or {}, known, f"nodes[{i}].policy")
    return doc


def _check_policy(policy: dict[str, Any], known: set[str], where: str) -> None:
    """The node names in a node's ``policy``: nodes that exist, or ``"*"``."""
    names = [(f"{where}.allow[{i}].{end}", entry[end])
             for i, entry in enumerate(policy.get("allow", ())) for end in ("head", "tail")]
    ceiling = policy.get("max_priority")
    if isinstance(ceiling, dict):
        names += [(f"{where}.max_priority", head) for head in ceiling]
    for field, name in names:
        if name != "*" and name not in known:
            raise ScenarioError(field, f"unknown node {name!r}")


def node_policy(policy: dict[str, Any] | None, names: dict[str, int]) -> dict[str, Any] | None:
    """A scenario node's ``policy`` as the node reads it (:meth:`.policy.Policy.of`): node ids
    for names, the rate quota in mHz.

    >>> node_policy({"allow": [{"head": "A", "tail": "*"}], "max_rate_per_head": 2.5},
    ...             {"A": 1})
    {'allow': [{'head': 1, 'tail': '*'}], 'max_rate_mhz_per_head': 2500}
    """
    if not policy:
        return None
    ids = {**names, "*": "*"}
    out: dict[str, Any] = {k: v for k, v in policy.items()
                           if k in ("max_circuits_per_head", "max_memory_per_head")}
    if "allow" in policy:
        out["allow"] = [{end: ids[e[end]] for end in ("head", "tail")} for e in policy["allow"]]
    if "max_rate_per_head" in policy:
        out["max_rate_mhz_per_head"] = round(policy["max_rate_per_head"] * 1000)
    ceiling = policy.get("max_priority")
    if ceiling is not None:
        out["max_priority"] = ({ids[h]: p for h, p in ceiling.items()}
                               if isinstance(ceiling, dict) else ceiling)
    return out


def _check_faults(faults: dict[str, Any], known: set[str], links: set[frozenset[str]]) -> None:
    """The names in a ``faults`` section: links that exist, nodes that exist, two nodes for a
    link event and one for a node event."""
    for i, lk in enumerate(faults.get("links", ())):
        if frozenset((lk["a"], lk["b"])) not in links:
            raise ScenarioError(f"faults.links[{i}]", f"no link between {lk['a']!r} and "
                                f"{lk['b']!r}")
    for i, ev in enumerate(faults.get("events", ())):
        where = f"faults.events[{i}].nodes"
        for name in ev["nodes"]:
            if name not in known:
                raise ScenarioError(where, f"unknown node {name!r}")
        if ev["action"].startswith("link_"):
            if len(ev["nodes"]) != 2 or frozenset(ev["nodes"]) not in links:
                raise ScenarioError(where, f"{ev['action']} names the two nodes of a link")
        elif len(ev["nodes"]) != 1:
            raise ScenarioError(where, f"{ev['action']} names one node")
