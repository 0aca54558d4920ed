"""``qvcp simulate --audit DIR``: one audit log per node, which ``qvcp audit verify`` accepts
and which fails verification once edited (spec chapter 08 section 5)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from qvcp.reference.audit_cli import audit
from qvcp.reference.cli import simulate

SCENARIO = Path(__file__).parents[2] / "schemas" / "scenarios" / "chain-3-faults.yaml"


def test_simulate_writes_audit_logs_that_verify_until_edited(tmp_path: Path) -> None:
    res = CliRunner().invoke(simulate, [str(SCENARIO), "--json", "--audit", str(tmp_path)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)["audit"]
    files = sorted(out["files"])
    assert [Path(f).name for f in files] == ["node-1.jsonl", "node-2.jsonl", "node-3.jsonl"]
    events = [json.loads(line)["event"] for f in files for line in Path(f).read_text().split()]
    assert {"started", "circuit_admitted", "circuit_installed", "circuit_torn_down",
            "checkpoint"} <= set(events)
    assert events.count("started") == 4  # chain-3-faults crashes and restarts one node
    ok = CliRunner().invoke(audit, ["verify", *files, "--key", out["key"]])
    assert ok.exit_code == 0 and ok.output.count(": ok (") == 3, ok.output
    lines = Path(files[1]).read_text().splitlines()
    first = json.loads(lines[1])
    first["t_ns"] += 1  # an edited time
    lines[1] = json.dumps(first, sort_keys=True, separators=(",", ":"))
    Path(files[1]).write_text("\n".join(lines) + "\n")
    bad = CliRunner().invoke(audit, ["verify", *files, "--key", out["key"]])
    assert bad.exit_code == 1 and "BROKEN at record 1" in bad.output, bad.output
