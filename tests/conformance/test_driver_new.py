"""``qvcp driver new``: each skeleton, as written, runs through ``qvcp conform --profile wire``
to a report (every wire case fails: exit 1, never a driver error, exit 2), and with its stub
file replaced by a known-good codec (skeleton_fixtures/) it is CONFORMANT (exit 0).

The fixtures: for Python, the executable message layer (qvcp.schemas); for JavaScript, the
codec of the Node.js example; for Go, a codec generic over the schemas' x-wire layouts.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conformance_helpers import HERE, ROOT

from qvcp.conformance.driver_new import SKELETONS, driver, driver_command, safe_name

FIXTURES = HERE / "skeleton_fixtures"
TOOL = {"python": "python3", "javascript": "node", "go": "go"}
# the filled skeletons pass at least these many wire cases (Python and Go claim every
# message type, the JavaScript fixture the ten types of the Node.js example)
MIN_PASS = {"python": 400, "javascript": 250, "go": 400}


def _needs(language: str) -> None:
    if shutil.which(TOOL[language]) is None:
        pytest.skip(f"{TOOL[language]} not installed")


def _new(directory: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(driver, ["new", *args, str(directory)])
    return result.exit_code, result.output


def _printed_driver(output: str) -> str:
    """The --driver value of the `qvcp conform` line that `driver new` printed."""
    line = next(ln for ln in output.splitlines() if ln.strip().startswith("qvcp conform"))
    argv = shlex.split(line)
    assert argv[argv.index("--profile") + 1] == "wire"
    return argv[argv.index("--driver") + 1]


def _build(language: str, directory: Path) -> None:
    if SKELETONS[language].build:
        env = dict(os.environ)
        if "HOME" not in env:  # go needs a cache folder
            env.setdefault("GOCACHE", str(directory.parent / "go-cache"))
        subprocess.run(SKELETONS[language].build, cwd=directory, check=True, timeout=120,
                       capture_output=True, env=env)


def _conform(driver_spec: str, report: Path) -> tuple[int, str, dict]:
    """Exit status, output and report.json of a wire-profile run."""
    proc = subprocess.run(
        [sys.executable, "-m", "qvcp.cli", "conform", "--driver", driver_spec,
         "--profile", "wire", "--report", str(report), "--quiet"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "QVCP_ROOT": str(ROOT)})
    return proc.returncode, proc.stdout + proc.stderr, json.loads(
        (report / "report.json").read_text())


@pytest.mark.parametrize("language", sorted(SKELETONS))
def test_skeleton_runs_as_written_and_conforms_when_filled(language: str,
                                                            tmp_path: Path) -> None:
    _needs(language)
    directory = tmp_path / "my-node"
    code, output = _new(directory, "--lang", language)
    assert code == 0, output
    spec = _printed_driver(output)
    assert spec == f"exec:{driver_command(language, directory)}"
    assert not any("__QVCP_" in p.read_text() for p in directory.iterdir() if p.is_file())

    _build(language, directory)
    code, text, report = _conform(spec, tmp_path / "fresh")
    assert code == 1, text
    counts = report["summary"]["counts"]
    assert counts["errored"] == 0 and report["startup_error"] is None
    assert counts["fail"] > 400 and counts["pass"] <= 1
    assert "NON-CONFORMANT (wire)" in text
    stub_named = f"in {SKELETONS[language].stub} is not written yet"
    assert sum(stub_named in json.dumps(case) for case in report["cases"]) > 100

    shutil.copy(FIXTURES / SKELETONS[language].stub, directory / SKELETONS[language].stub)
    _build(language, directory)
    if language == "python":  # the fixture imports qvcp: the interpreter running these tests
        spec = f"exec:{shlex.join([sys.executable, str(directory.absolute() / 'driver.py')])}"
    code, text, report = _conform(spec, tmp_path / "filled")
    assert code == 0, text
    assert "CONFORMANT (wire)" in text and "NON-CONFORMANT" not in text
    counts = report["summary"]["counts"]
    assert counts["fail"] == 0 and counts["errored"] == 0
    assert counts["pass"] >= MIN_PASS[language]


@pytest.mark.parametrize("language", sorted(SKELETONS))
def test_skeleton_answers_other_verbs_unsupported(language: str, tmp_path: Path) -> None:
    _needs(language)
    directory = tmp_path / "impl"
    assert _new(directory, "--lang", language, "--name", "acme-node")[0] == 0
    _build(language, directory)
    requests = [
        {"id": 1, "verb": "hello", "args": {"protocol": 1, "harness": "test"}},
        {"id": 2, "verb": "node.status", "args": {}},
        {"id": 3, "verb": "wire.decode", "args": {"hex": "0134", "keys": {"9": "00"}}},
        {"id": 4, "verb": "wire.encode", "args": {"json": {"version": 18446744073709551615}}},
        {"id": 5, "verb": "bye", "args": {}},
    ]
    argv = shlex.split(driver_command(language, directory))
    proc = subprocess.run(argv, input="".join(json.dumps(r) + "\n" for r in requests),
                          capture_output=True, text=True, timeout=60)
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["id"] for a in answers] == [1, 2, 3, 4, 5], proc.stdout + proc.stderr
    hello = answers[0]["result"]
    assert hello["implementation"]["name"] == "acme-node"
    assert hello["profiles"] == ["wire"] and hello["capabilities"] == []
    assert "message_types" not in hello  # a fresh skeleton claims every type
    assert answers[1]["error"]["kind"] == "unsupported"
    assert answers[2]["error"]["kind"] == "unsupported"
    assert answers[3]["result"]["reject"]["code"] == 0
    assert answers[3]["result"]["reject"]["name"] == "NOT_IMPLEMENTED"
    assert answers[4] == {"id": 5, "result": {}}
    assert proc.returncode == 0


def test_non_empty_folder_is_refused_unless_forced(tmp_path: Path) -> None:
    directory = tmp_path / "impl"
    directory.mkdir()
    (directory / "notes.txt").write_text("mine")
    code, output = _new(directory, "--lang", "python")
    assert code == 2
    assert "DIR" in output and "not empty" in output and "--force" in output
    assert sorted(p.name for p in directory.iterdir()) == ["notes.txt"]

    (directory / "codec.py").write_text("old")
    code, output = _new(directory, "--lang", "python", "--force")
    assert code == 0, output
    assert (directory / "notes.txt").read_text() == "mine"
    assert "NotImplementedError" in (directory / "codec.py").read_text()
    assert os.access(directory / "driver.py", os.X_OK)


@pytest.mark.parametrize(("args", "words"), [
    (["--lang", "python", "--name", "two words"], ["--name"]),
    (["--lang", "cobol"], ["--lang", "cobol"]),
    (["--name", "x"], ["--lang"]),
])
def test_usage_errors_exit_2_naming_the_option(args: list[str], words: list[str],
                                               tmp_path: Path) -> None:
    code, output = _new(tmp_path / "impl", *args)
    assert code == 2
    assert all(word in output for word in words), output
    assert "Traceback" not in output
    assert not (tmp_path / "impl").exists()


def test_a_file_as_folder_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    code, output = _new(target, "--lang", "go")
    assert code == 2 and "is a file" in output and "DIR" in output


def test_next_steps_name_the_build_and_the_absolute_driver(tmp_path: Path) -> None:
    code, output = _new(tmp_path / "a b", "--lang", "go")
    assert code == 0
    assert "go build -o driver ." in output
    assert _printed_driver(output) == f"exec:'{(tmp_path / 'a b').absolute()}/driver'"
    code, output = _new(tmp_path / "js", "--lang", "javascript")
    assert _printed_driver(output) == f"exec:node {(tmp_path / 'js').absolute()}/driver.js"
    assert "Build it" not in output


def test_default_name_comes_from_the_folder() -> None:
    assert safe_name("My Node (v2)") == "My-Node-v2"
    assert safe_name("???") == "my-implementation"


def test_every_skeleton_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setup = pyproject["tool"]["setuptools"]
    base = ROOT / "conformance"
    files = [p.relative_to(base).as_posix() for p in (base / "skeletons").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    assert {f.split("/")[1] for f in files} == set(SKELETONS)
    missing = []
    for f in files:  # skeletons/<language>/<name>: package qvcp.conformance.skeletons.<language>
        _, language, name = f.split("/")
        package = f"qvcp.conformance.skeletons.{language}"
        patterns = setup["package-data"].get(package, [])
        if package not in setup["packages"] or not any(fnmatch.fnmatch(name, pat)
                                                       for pat in patterns):
            missing.append(f)
    assert not missing
