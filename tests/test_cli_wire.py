"""`qvcp wire` and `qvcp schemas check` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from qvcp.cli import cli
from qvcp.schemas.vectors import load_cases

CASES = load_cases()
BAD_BINARY = [c for c in CASES if not c.valid and c.binary is not None]
GOOD = [c for c in CASES if c.valid]


def run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.mark.parametrize("case", BAD_BINARY, ids=[c.id for c in BAD_BINARY])
def test_decode_of_invalid_vector_prints_its_code(case) -> None:  # type: ignore[no-untyped-def]
    result = run("wire", "decode", case.binary.hex() or "-", stdin="")
    assert result.exit_code == 1
    assert f"{case.error_name} (0x{case.error_code:04X}" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("case", GOOD, ids=[c.id for c in GOOD])
def test_decode_and_encode_of_valid_vector(case) -> None:  # type: ignore[no-untyped-def]
    decoded = run("wire", "decode", case.binary.hex())
    assert decoded.exit_code == 0, decoded.stderr
    assert json.loads(decoded.stdout) == case.json
    encoded = run("wire", "encode", "-", stdin=decoded.stdout)
    assert encoded.exit_code == 0, encoded.stderr
    assert encoded.stdout.strip() == case.binary.hex()


def test_decode_reads_hex_from_stdin_with_spaces() -> None:
    case = GOOD[0]
    spaced = " ".join(case.binary.hex()[i:i + 2] for i in range(0, 2 * len(case.binary), 2))
    result = run("wire", "decode", "-", stdin=spaced + "\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == case.json


def test_non_hex_input_is_a_usage_error() -> None:
    result = run("wire", "decode", "zz")
    assert result.exit_code == 2
    assert "not hexadecimal" in result.stderr


def test_encode_of_invalid_json_names_field_and_rule(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"version": 1, "type": "CLOSE_ENDPOINT", "message_id": 1,
                                "source": 1, "destination": 1, "body": {"endpoint": 70000},
                                "extensions": [], "auth": None}))
    result = run("wire", "encode", str(path))
    assert result.exit_code == 1
    assert "FIELD_OUT_OF_RANGE (0x0006, WIRE-007) at body.endpoint" in result.stderr


def test_encode_of_text_that_is_not_json() -> None:
    result = run("wire", "encode", "-", stdin="{nope")
    assert result.exit_code == 1
    assert "not JSON" in result.stderr


def test_console_script_end_to_end() -> None:
    """The installed entry point, in a real process: no traceback, non-zero exit."""
    proc = subprocess.run([sys.executable, "-m", "qvcp.cli", "wire", "decode", "0134"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: TRUNCATED (0x0001, WIRE-002) at header")
    assert "Traceback" not in proc.stderr


def test_schemas_check_json_output() -> None:
    result = run("schemas", "check", "--json")
    report = json.loads(result.stdout)
    assert {r["name"] for r in report} >= {"vectors-codec", "models-drift", "requirement-ids"}
    assert result.exit_code == (0 if all(r["passed"] for r in report) else 1)
