"""Gherkin scenarios (``features/``) as conformance cases, executed by pytest-bdd.

Each Scenario is one case. Its id is ``<profile>.bdd.<chapter folder>.<scenario slug>``; its
profile is the feature's (or scenario's) tag ``@wire``, ``@node`` or ``@network``; its
requirement ids are its tags of the form ``@WIRE-003``; its chapter (matched against the
handshake's ``chapters`` claim) is its folder; other tags (``@cap:X`` for a needed
capability, ``@type:HERALD`` for a needed message type) narrow what it needs.

``qvcp conform`` runs the selected scenarios in one in-process pytest session: the session's
test module binds each scenario with pytest-bdd's ``scenario`` decorator, and the
:class:`BddPlugin` hands every scenario to the harness runner, which owns the verdict,
isolation and expected failures exactly as for any other case.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import scenario
from pytest_bdd.feature import get_features

from qvcp.conformance.cases import Case, CaseContext
from qvcp.conformance.protocol import PROFILES

__all__ = ["BddPlugin", "World", "bdd_cases", "features_root", "run_bdd_cases", "scenario_case"]

Json = dict[str, Any]
REQUIREMENT_TAG = re.compile(r"^[A-Z]{2,5}-\d{3}(?:\.[1-9])?$")


def features_root() -> Path:
    """The ``features/`` folder, shipped as the package ``qvcp.conformance.features``."""
    return Path(str(files("qvcp.conformance.features")))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass(frozen=True)
class ScenarioRef:
    """Where a scenario lives."""

    feature_file: str
    name: str


def _not_run_here(ctx: CaseContext) -> None:
    raise RuntimeError("BDD cases run through run_bdd_cases(), not directly")


def scenario_case(feature_file: Path, name: str, tags: set[str], root: Path) -> Case:
    """The case of one scenario (raises ``ValueError`` on a malformed tag set)."""
    profiles = [t for t in tags if t in PROFILES]
    if len(profiles) != 1:
        raise ValueError(f"{feature_file.name}: {name!r} needs exactly one of @wire @node "
                         f"@network, has {sorted(tags)}")
    requirements = tuple(sorted(t for t in tags if REQUIREMENT_TAG.match(t)))
    if not requirements:
        raise ValueError(f"{feature_file.name}: {name!r} cites no requirement id tag")
    chapter = feature_file.relative_to(root).parts[0]
    return Case(
        id=f"{profiles[0]}.bdd.{_slug(chapter)}.{_slug(name)}", profile=profiles[0],
        title=name, requirements=requirements, run=_not_run_here,
        tags=("bdd", chapter, *sorted(t for t in tags if t.startswith("cap:")
                                      or t.startswith("type:"))),
        capabilities=tuple(sorted(t[4:] for t in tags if t.startswith("cap:"))),
        message_types=tuple(sorted(t[5:] for t in tags if t.startswith("type:"))),
        chapter=chapter)


@cache
def _catalogue() -> tuple[tuple[Case, ScenarioRef], ...]:
    root = features_root()
    out = []
    for feature in get_features([str(root)]):
        for name, template in feature.scenarios.items():
            if template.examples:
                raise ValueError(f"{feature.rel_filename}: {name!r}: Scenario Outline is not "
                                 "supported (each example needs its own case id)")
            tags = set(template.tags) | set(feature.tags)
            case = scenario_case(Path(feature.filename), name, tags, root)
            out.append((case, ScenarioRef(feature.filename, name)))
    ids = [c.id for c, _ in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate scenario case ids: {dupes}")
    return tuple(out)


def bdd_cases() -> list[Case]:
    """Every scenario of ``features/`` as a case (none outside a source checkout)."""
    try:
        return [case for case, _ in _catalogue()]
    except FileNotFoundError:
        return []


# --- execution through pytest-bdd -------------------------------------------------------------

@dataclass
class World:
    """Per-scenario state shared by the steps; ``ctx`` reaches the implementation."""

    ctx: CaseContext
    data: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None


def bind_scenarios(namespace: dict[str, Any], case_ids: Sequence[str]) -> None:
    """Define one pytest-bdd test per selected scenario in ``namespace`` (a test module)."""
    wanted = set(case_ids)
    root = features_root()
    for index, (case, ref) in enumerate(_catalogue()):
        if case.id not in wanted:
            continue

        @scenario(ref.feature_file, ref.name, features_base_dir=str(root))
        def test() -> None:
            """Steps do the work."""

        namespace[f"test_case_{index}"] = test
        namespace.setdefault("CASE_IDS", {})[f"test_case_{index}"] = case.id


class BddPlugin:
    """pytest plugin: hands each bound scenario to the harness's ``run_one``."""

    def __init__(self, run_one: Callable[[Case], None]) -> None:
        self.run_one = run_one
        self.cases = {case.id: case for case, _ in _catalogue()}
        self.current: CaseContext | None = None
        self.collection_errors: list[str] = []

    @pytest.fixture
    def world(self) -> World:
        assert self.current is not None, "world used outside a harness-run scenario"
        return World(ctx=self.current)

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_apply_tag(self, tag: str, function: Any) -> bool:
        return True  # tags are requirement ids and profiles, not pytest marks

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function) -> bool:
        ids = pyfuncitem.module.CASE_IDS  # type: ignore[union-attr]
        base = self.cases[ids[pyfuncitem.originalname]]
        funcargs = {name: pyfuncitem.funcargs[name] for name in
                    ("request", "_pytest_bdd_example") if name in pyfuncitem.funcargs}

        def run(ctx: CaseContext) -> None:
            self.current = ctx
            try:
                pyfuncitem.obj(**funcargs)
            finally:
                self.current = None

        self.run_one(dataclasses.replace(base, run=run))
        return True

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(str(report.longrepr)[-2000:])


#: step modules in registration order: of two steps in different modules that match one line,
#: the later module's wins
STEP_PLUGINS = ("qvcp.conformance.steps_wire", "qvcp.conformance.steps_node",
                "qvcp.conformance.steps_circuit_setup", "qvcp.conformance.steps_device",
                "qvcp.conformance.steps_error_echo",
                "qvcp.conformance.steps_link", "qvcp.conformance.steps_tracking",
                "qvcp.conformance.steps_signalling", "qvcp.conformance.steps_delivery",
                "qvcp.conformance.steps_extensibility", "qvcp.conformance.steps_reliability",
                "qvcp.conformance.steps_security", "qvcp.conformance.steps_schedule")


_TEST_MODULE = """\
from qvcp.conformance.bdd import bind_scenarios

bind_scenarios(globals(), {case_ids!r})
"""


def run_bdd_cases(cases: Sequence[Case], run_one: Callable[[Case], None]) -> list[str]:
    """Run the scenarios of ``cases`` through pytest-bdd, each via ``run_one``.

    Returns pytest's collection errors (empty when every scenario could be bound).
    """
    if not cases:
        return []
    import importlib

    plugin = BddPlugin(run_one)
    steps = [importlib.import_module(name) for name in STEP_PLUGINS]
    with tempfile.TemporaryDirectory(prefix="qvcp-bdd-") as tmp:
        module = Path(tmp) / f"test_qvcp_{uuid.uuid4().hex}.py"
        module.write_text(_TEST_MODULE.format(case_ids=[c.id for c in cases]), encoding="utf-8")
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        code = pytest.main([str(module), "-c", str(ini), "--rootdir", tmp,
                            "-p", "no:cacheprovider", "--import-mode=importlib", "-W", "ignore",
                            "--capture=sys", "-p", "no:terminal"],
                           plugins=[plugin, *steps])
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        plugin.collection_errors.append(f"pytest exited with {code!r}")
    return plugin.collection_errors
