"""The GitHub Action (``action.yml``) run locally: its ``run:`` steps, with the GitHub
expressions substituted, against the reference and a faulty implementation; the annotation
script on a hand-written report; the pre-commit hook's entry."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
BIN = Path(sys.executable).parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _annotate_module() -> Any:
    path = ROOT / "scripts" / "ci-annotate.py"
    spec = importlib.util.spec_from_file_location("ci_annotate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Runner:
    """Runs the composite action's shell steps in order, as a runner would."""

    def __init__(self, tmp: Path, inputs: dict[str, str]) -> None:
        defaults = {k: v.get("default", "") for k, v in ACTION["inputs"].items()}
        assert set(inputs) <= set(defaults), "unknown input"
        self.inputs = {**defaults, **inputs}
        self.tmp = tmp
        self.workspace = tmp / "workspace"
        self.workspace.mkdir()
        self.outputs: dict[str, dict[str, str]] = {}
        self.summary = tmp / "step-summary.md"
        self.summary.write_text("")
        shim = tmp / "shim"  # the install step's python: records what it was asked to do
        shim.mkdir()
        (shim / "python").write_text(f'#!/bin/sh\necho "$@" > {tmp / "install-args"}\n')
        (shim / "python").chmod(0o755)
        self.shim = shim

    def expand(self, text: str) -> str:
        def value(m: re.Match[str]) -> str:
            expr = m.group(1)
            if expr.startswith("inputs."):
                return self.inputs[expr.removeprefix("inputs.")]
            if expr == "github.action_path":
                return str(ROOT)
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
            if step:
                return self.outputs.get(step[1], {}).get(step[2], "")
            raise AssertionError(f"expression not understood by the local runner: {expr}")

        return EXPRESSION.sub(value, text)

    def run_step(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        out = self.tmp / f"output-{step['id']}"
        out.write_text("")
        path = self.shim if step["id"] == "install" else BIN
        env = {**os.environ, "PATH": f"{path}{os.pathsep}{os.environ['PATH']}",
               "GITHUB_OUTPUT": str(out), "GITHUB_STEP_SUMMARY": str(self.summary),
               "GITHUB_ACTION_PATH": str(ROOT),
               **{k: self.expand(str(v)) for k, v in step.get("env", {}).items()}}
        script = self.tmp / f"step-{step['id']}.sh"
        script.write_text(self.expand(step["run"]))
        assert step["shell"] == "bash"
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=env, capture_output=True, text=True,
                              timeout=300)
        self.outputs[step["id"]] = dict(
            line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
        return proc

    def run(self) -> dict[str, subprocess.CompletedProcess[str]]:
        return {s["id"]: self.run_step(s) for s in ACTION["runs"]["steps"] if "run" in s}


def test_the_action_is_a_composite_with_the_documented_inputs() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"driver", "profile", "expected-failures", "report-dir",
                                     "python-version", "artifact-name"}
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert uses == ["actions/setup-python@v5", "actions/upload-artifact@v4"]
    assert ACTION["runs"]["steps"][0]["with"]["python-version"] == "${{ inputs.python-version }}"
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.conform.outputs.exit-code }}"


def test_the_action_passes_the_reference(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"profile": "wire"})
    steps = runner.run()
    assert all(p.returncode == 0 for p in steps.values()), {
        k: p.stdout + p.stderr for k, p in steps.items()}
    # installed from the action's own checkout
    assert (tmp_path / "install-args").read_text().split()[-1] == str(ROOT)
    assert runner.outputs["conform"] == {"exit-code": "0"}
    report = runner.workspace / "reports" / "conformance" / "report.json"
    assert report.exists()
    lines = steps["annotate"].stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("::notice title=qvcp conform::CONFORMANT")
    assert "CONFORMANT" in runner.summary.read_text()
    assert steps["verdict"].stdout.strip() == "conformant"


def test_the_action_annotates_and_fails_a_faulty_implementation(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"profile": "wire", "driver": "faulty:little-endian-decode",
                               "report-dir": "out/qvcp"})
    steps = runner.run()
    assert runner.outputs["conform"] == {"exit-code": "1"}
    assert (runner.workspace / "out" / "qvcp" / "junit.xml").exists()
    errors = [ln for ln in steps["annotate"].stdout.splitlines() if ln.startswith("::error ")]
    assert errors, steps["annotate"].stdout
    assert all(ln.startswith("::error file=spec/") and ",title=" in ln for ln in errors)
    assert any("file=spec/02-wire-format.md" in ln for ln in errors)
    assert "replay: qvcp conform --driver faulty:little-endian-decode" in steps[
        "annotate"].stdout.replace("%0A", "\n")
    assert steps["annotate"].returncode == 0
    assert steps["verdict"].returncode == 1
    assert "not conformant" in steps["verdict"].stdout


def test_annotations_of_a_hand_written_report() -> None:
    ann = _annotate_module()
    report = {
        "startup_error": None,
        "requirements": [{"id": "WIRE-002", "chapter": "02-wire-format.md"},
                         {"id": "SIG-011", "chapter": "05-signalling.md"}],
        "cases": [
            {"id": "wire.a", "title": "t", "requirements": ["WIRE-002"], "verdict": "pass"},
            {"id": "wire.b", "title": "Short, header", "requirements": ["WIRE-002", "SIG-011"],
             "verdict": "fail", "level": "MUST", "warning": False,
             "message": "100% wrong\nsecond line", "replay": "qvcp conform --select wire.b"},
            {"id": "net.c", "title": "Rate", "requirements": ["SIG-011"],
             "verdict": "fail", "level": "SHOULD", "warning": True, "message": "",
             "replay": ""},
            {"id": "net.d", "title": "Rate", "requirements": [], "verdict": "inconclusive"},
            {"id": "net.e", "title": "E", "requirements": ["X-1"], "verdict": "xpass"},
        ],
        "expected_failures": {"expired": [{"case": "net.f", "expires": "2026-01-01"}],
                              "unused": [{"case": "net.g*"}]},
        "summary": {"headline": "NOT CONFORMANT (wire) - MUST 1/2 checked, 0 proven"},
    }
    assert list(ann.annotations(report)) == [
        "::error file=spec/02-wire-format.md,title=wire.b (WIRE-002%2C SIG-011)::"
        "wire.b failed (MUST): Short, header%0A100%25 wrong%0Asecond line%0A"
        "replay: qvcp conform --select wire.b",
        "::warning file=spec/05-signalling.md,title=net.c (SIG-011)::"
        "net.c failed (SHOULD): Rate",
        "::warning title=net.d::net.d inconclusive: Rate",
        "::warning title=net.e (X-1)::"
        "net.e passed although listed as an expected failure: remove the entry: E",
        "::warning title=expected failures::expected-failure entry net.f expired on "
        "2026-01-01: fix the case or renew the entry",
        "::warning title=expected failures::expected-failure entry net.g* matches no case "
        "that ran",
        "::notice title=qvcp conform::NOT CONFORMANT (wire) - MUST 1/2 checked, 0 proven",
    ]
    assert list(ann.annotations({"startup_error": "driver exited: 127", "cases": []})) == [
        "::error title=qvcp conform could not run::driver exited: 127"]


def test_an_unreadable_report_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "ci-annotate.py"),
                           str(tmp_path / "missing.json")], capture_output=True, text=True)
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_the_pre_commit_hook_lints_the_spec() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "qvcp-spec-lint" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "spec/02-wire-format.md")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", hook["entry"]], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["Dockerfile", ".dockerignore"])
def test_the_image_is_built_from_the_checkout_without_local_state(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    if name == "Dockerfile":
        froms = [ln for ln in text.splitlines() if ln.startswith("FROM ")]
        assert froms == ["FROM python:3.11-slim"]
        assert 'ENTRYPOINT ["qvcp"]' in text
    else:
        assert {".venv", ".git", "build", "reports"} <= set(text.split())
