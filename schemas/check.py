"""Self-checks of the message layer, run by ``qvcp schemas check`` and by the tests.

Each check returns a :class:`CheckResult`; nothing here raises on a failed check.

>>> results = run_checks()
>>> [r.name for r in results][:3]
['schemas-metaschema', 'errors-registry', 'vectors-format']
>>> all(r.passed for r in results)
True
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from referencing import Registry, Resource

from qvcp.schemas.codec import decode
from qvcp.schemas.errors import WireError
from qvcp.schemas.layout import (
    error_registry,
    load_json,
    message_specs,
    schema_files,
    specs_by_code,
)
from qvcp.schemas.models import validate_message
from qvcp.schemas.vectors import load_cases, run_case, vector_files

__all__ = ["CheckResult", "json_schema_verdict", "requirement_index", "run_checks"]


@dataclass
class CheckResult:
    """Outcome of one check: how many items it looked at and what was wrong."""

    name: str
    description: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "checked": self.checked,
                "passed": self.passed, "problems": self.problems}


def _registry() -> Registry:
    resources = []
    for name in schema_files():
        doc = load_json(f"json/{name}")
        resources.append((doc["$id"], Resource.from_contents(doc)))
    return Registry().with_resources(resources)


_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def json_schema_verdict(obj: Any) -> str | None:
    """Validate a JSON message with ``jsonschema`` against its schema file.

    Returns None when valid, else the first error message. This path shares no code with the
    pydantic models, so the two verdicts can be compared (a drift check).
    """
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        return "not a message object with a string type"
    spec = message_specs().get(obj["type"])
    if spec is None:
        return f"unknown type {obj['type']!r}"
    validator = _VALIDATORS.get(spec.name)
    if validator is None:
        validator = jsonschema.Draft202012Validator(
            spec.schema, registry=_registry(),
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        _VALIDATORS[spec.name] = validator
    error = jsonschema.exceptions.best_match(validator.iter_errors(obj))
    return None if error is None else f"{error.json_path}: {error.message}"


def requirement_index() -> dict[str, dict[str, Any]]:
    """The requirement index shipped as ``requirements.json`` (built from ``spec/``)."""
    try:
        doc = load_json("requirements.json")
    except FileNotFoundError:
        return {}
    return {r["id"]: r for r in doc["requirements"]}


def _check_metaschema() -> CheckResult:
    res = CheckResult("schemas-metaschema", "every schema file is valid JSON Schema 2020-12")
    files = [f"json/{n}" for n in schema_files()]
    for name in [*files, "meta/errors.schema.json", "meta/vectors.schema.json"]:
        res.checked += 1
        doc = load_json(name)
        try:
            jsonschema.Draft202012Validator.check_schema(doc)
        except jsonschema.SchemaError as exc:
            res.problems.append(f"{name}: {exc.message}")
    codes = Counter(s.type_code for s in message_specs().values())
    res.problems += [f"type code 0x{c:02x} used {n} times" for c, n in codes.items() if n > 1]
    return res


def _check_errors() -> CheckResult:
    res = CheckResult("errors-registry", "errors.json is well formed and codes are unique")
    doc = error_registry()
    validator = jsonschema.Draft202012Validator(load_json("meta/errors.schema.json"))
    res.problems += [f"errors.json: {e.message}" for e in validator.iter_errors(doc)]
    for key in ("code", "name"):
        seen = Counter(e[key] for e in doc["errors"])
        res.problems += [f"duplicate {key} {v}" for v, n in seen.items() if n > 1]
    res.checked = len(doc["errors"])
    return res


def _check_vector_format() -> CheckResult:
    res = CheckResult("vectors-format", "vector files follow meta/vectors.schema.json")
    validator = jsonschema.Draft202012Validator(load_json("meta/vectors.schema.json"))
    ids: Counter[str] = Counter()
    for name in vector_files():
        doc = load_json(f"vectors/{name}")
        res.checked += len(doc["cases"])
        res.problems += [f"{name}: {e.json_path}: {e.message}" for e in validator.iter_errors(doc)]
        ids.update(c["id"] for c in doc["cases"])
    res.problems += [f"case id {i} used {n} times" for i, n in ids.items() if n > 1]
    return res


def _check_vectors() -> CheckResult:
    res = CheckResult("vectors-codec",
                      "the codec decodes, encodes and rejects as every vector says")
    for case in load_cases():
        res.checked += 1
        result = run_case(case)
        res.problems += [f"{case.file}#{case.id}: {p}" for p in result.problems]
    return res


def _check_drift() -> CheckResult:
    res = CheckResult("models-drift",
                      "pydantic models and jsonschema agree on every JSON form in the vectors; "
                      "every valid binary names a registered type")
    for case in load_cases():
        if not case.has_json:
            continue
        res.checked += 1
        by_schema = json_schema_verdict(case.json)
        try:
            validate_message(case.json)
            by_model = None
        except WireError as exc:
            by_model = str(exc)
        if (by_schema is None) != (by_model is None):
            res.problems.append(f"{case.id}: jsonschema says {by_schema or 'valid'}, "
                                f"models say {by_model or 'valid'}")
        if case.valid and case.binary is not None:
            if case.binary[1] not in specs_by_code():
                res.problems.append(f"{case.id}: type code not registered")
            elif decode(case.binary)["type"] != case.json["type"]:
                res.problems.append(f"{case.id}: binary and JSON name different types")
    return res


def _check_requirements() -> CheckResult:
    res = CheckResult("requirement-ids", "every requirement cited by schemas, errors and vectors "
                      "is defined in the spec")
    index = requirement_index()
    if not index:
        res.problems.append("requirements.json is missing: run `qvcp spec index`")
        return res
    cited: list[tuple[str, str]] = []
    cited += [(f"errors.json {e['name']}", e["requirement"]) for e in error_registry()["errors"]]
    cited += [(s.file, s.requirement) for s in message_specs().values()]
    cited += [(f"{c.file}#{c.id}", r) for c in load_cases() for r in c.requirements]
    for where, req in cited:
        res.checked += 1
        if req not in index:
            res.problems.append(f"{where} cites {req}, which the spec does not define")
    return res


def run_checks() -> list[CheckResult]:
    """Run every check, in a fixed order."""
    return [_check_metaschema(), _check_errors(), _check_vector_format(), _check_vectors(),
            _check_drift(), _check_requirements()]
