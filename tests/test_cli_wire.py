"""`qvcp wire`, `qvcp schemas check` and `qvcp spec` as a user runs them."""

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
    assert result.exit_code == 2
    assert "error: <stdin>: input is not JSON" in result.stderr


def test_encode_of_a_file_that_is_not_json_names_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    path.write_text("HERALD please\n")
    result = run("wire", "encode", str(path))
    assert result.exit_code == 2
    assert f"error: {path}: input is not JSON" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [b"\xff\xfe{}", b'{"version": 1, "x": "\xe9"}'])
def test_encode_of_a_file_that_is_not_utf8_names_it(tmp_path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "m.json"
    path.write_bytes(content)
    result = run("wire", "encode", str(path))
    assert result.exit_code == 2
    assert f"error: {path}: the input is not UTF-8 text" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_encode_and_decode_of_stdin_that_is_not_utf8() -> None:
    for args in (("wire", "encode", "-"), ("wire", "decode", "-")):
        result = CliRunner().invoke(cli, list(args), input=b"01\xff34")
        assert result.exit_code == 2, args
        assert "error: <stdin>:" in result.stderr and "not UTF-8 text" in result.stderr
        assert "byte 0xff at offset 2" in result.stderr


def test_console_script_with_binary_input_has_no_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "binary.json"
    path.write_bytes(bytes(range(128, 256)))
    proc = subprocess.run([sys.executable, "-m", "qvcp.cli", "wire", "encode", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"error: {path}: the input is not UTF-8 text")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [("spec", "lint"), ("spec", "index", "--check"),
                                  ("spec", "index"), ("spec", "pin")])
def test_spec_commands_outside_a_checkout_say_so(tmp_path, monkeypatch, args) -> None:  # type: ignore[no-untyped-def]
    import qvcp.spec_cli
    from qvcp.specindex import find_spec_dir

    # what an installed package sees: no spec/ beside it
    monkeypatch.setattr(qvcp.spec_cli, "find_spec_dir", lambda: find_spec_dir(tmp_path / "x"))
    result = run(*args)
    assert result.exit_code == 2
    assert "error: spec/ not found" in result.stderr and "clone" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


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
