"""``qvcp simulate`` refuses bad options and unusable output paths as usage errors (exit
status 2, the option named), before it runs anything, never with a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from qvcp.reference.cli import simulate

SCENARIO = Path(__file__).parents[2] / "schemas" / "scenarios" / "chain-3.yaml"


@pytest.mark.parametrize(("args", "named"), [
    (["--seed", "-1"], "--seed"),
    (["--duration", "0"], "--duration"),
    (["--duration", "-5"], "--duration"),
    (["--trace", "{missing}/t.jsonl"], "--trace"),
    (["--plot", "{file}/sub"], "--plot"),
    (["--audit", "{file}/sub"], "--audit"),
    (["--audit", "{dir}", "--audit-key", "xyz"], "--audit-key"),
])
def test_a_bad_option_is_a_usage_error_naming_it(tmp_path: Path, args: list[str],
                                                 named: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("")
    paths = {"missing": str(tmp_path / "missing"), "file": str(afile), "dir": str(tmp_path)}
    res = CliRunner().invoke(simulate, [str(SCENARIO), "--json",
                                        *(a.format(**paths) for a in args)])
    assert res.exit_code == 2, res.output
    assert named in res.output and "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)
