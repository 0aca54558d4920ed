"""The documentation site builds with ``mkdocs build --strict`` and its generated pages are
complete: every message type, error code, requirement and test vector appears where it should.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qvcp.schemas.layout import error_registry, message_specs, schema_files
from qvcp.schemas.vectors import load_cases
from qvcp.specindex import build_index

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = Path(sys.executable).parent / "mkdocs"



@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MKDOCS.exists():
        pytest.skip(f"mkdocs not installed ({MKDOCS})")
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def page(site: Path, name: str) -> str:
    path = site / name / "index.html"
    assert path.exists(), f"generated page {name}/ is missing"
    return path.read_text(encoding="utf-8")


def test_every_spec_chapter_is_published(site: Path) -> None:
    for chapter in sorted((ROOT / "spec").glob("*.md")):
        if chapter.name in {"README.md", "index.md"}:
            assert (site / "spec" / "index.html").exists()
        else:
            page(site, f"spec/{chapter.stem}")


def test_every_requirement_has_an_anchor_and_an_index_row(site: Path) -> None:
    reqs = build_index(ROOT / "spec")
    index = page(site, "requirements")
    for r in reqs:
        chapter = page(site, f"spec/{Path(r.chapter).stem}")
        assert f'id="{r.id}"' in chapter, f"{r.id}: no anchor in {r.chapter}"
        assert f"#{r.id}" in index, f"{r.id}: not linked from the requirement index"
    for level in ("MUST", "SHOULD", "MAY"):
        assert level in index


def test_message_reference_covers_every_type(site: Path) -> None:
    html = page(site, "messages")
    for spec in message_specs().values():
        assert f'id="{spec.name}"' in html, spec.name
        assert f"0x{spec.type_code:02x}" in html
        for field, _ in spec.body.fields:
            assert f"<code>{field}</code>" in html, f"{spec.name}.{field}"
    for name in schema_files():  # every schema can be downloaded
        assert f"schemas/json/{name}" in html or name == "common.schema.json"
        copied = json.loads((site / "schemas" / "json" / name).read_text(encoding="utf-8"))
        assert copied == json.loads((ROOT / "schemas" / "json" / name).read_text("utf-8"))


def test_error_table_covers_every_code(site: Path) -> None:
    html = page(site, "errors")
    for e in error_registry()["errors"]:
        assert f'id="{e["name"]}"' in html, e["name"]
        assert f"0x{e['code']:04x}" in html
        assert e["requirement"] in html


def test_vector_page_lists_every_case(site: Path) -> None:
    html = page(site, "vectors")
    cases = load_cases()
    assert f"{len(cases)} language-neutral cases" in html
    for c in cases:
        assert f"<code>{c.id}</code>" in html, c.id
    assert (site / "schemas" / "vectors" / "wire.json").exists()


def test_internal_links_resolve(site: Path) -> None:
    """Every relative link of a generated page leads to a file and, if any, an anchor."""
    texts: dict[Path, str] = {}
    for name in ("messages", "errors", "requirements", "vectors", "spec"):
        html = page(site, name)
        base = site / name
        for href in set(re.findall(r'href="([^"#:]*)(?:#([^"]*))?"', html)):
            target, anchor = href
            if not target:
                path = base / "index.html"
            else:
                path = (base / target).resolve()
                path = path / "index.html" if path.is_dir() else path
            assert path.exists(), f"{name}: broken link {target}"
            if anchor and path.suffix == ".html":
                text = texts.setdefault(path, path.read_text(encoding="utf-8"))
                assert f'id="{anchor}"' in text, (
                    f"{name}: missing anchor {target}#{anchor}")


def test_the_conformance_page_counts_the_cases_of_the_catalogue(site: Path) -> None:
    from qvcp.conformance.catalogue import all_cases

    text = page(site, "conformance")
    assert "qvcp:case-counts" not in text
    assert f"<strong>{len(all_cases())}</strong>" in text
    assert f"the {len(load_cases())} language-neutral test vectors" in text


# -- numbers quoted in prose, against the data they count ---------------------------------------
def _quoted_counts() -> list[tuple[str, str, object]]:
    """(file, pattern whose groups are the quoted numbers, the values they must equal)."""
    from dataclasses import replace

    from qvcp.conformance import network_cases as nc
    from qvcp.conformance import network_mesh as nm

    fid, mesh, distil = nc.FIDELITY_DESIGN, nm.MESH_DESIGN, nm.DISTIL_DESIGN
    shortfall = replace(distil, overclaim=0.05, fidelity=nm.DISTIL_MIN_FIDELITY - 0.05)
    conf = "docs/conformance.md"
    return [
        ("README.md", r"(\d+) language-neutral test vectors", [len(load_cases())]),
        (conf, r"`network\.stat\.fidelity-claim` \| DLV-022\.1 \| ([\d,]+) measured pairs, "
               r"one-sided (\d+) %: fidelity >= claimed mean - ([\d.]+) \|",
         [nc.FIDELITY_PAIRS, round(100 * fid.confidence), fid.tolerance]),
        (conf, r"`network\.stat\.min-fidelity` \| DLV-022\.2 \| ([\d,]+) measured pairs, "
               r"(\d+) %: fidelity >= requested ([\d.]+) \|",
         [nc.MIN_FIDELITY_PAIRS, round(100 * nc.FIDELITY_CONFIDENCE), nc.MIN_FIDELITY]),
        (conf, r"(\d+) % Poisson interval >= requested ([\d ]+) pairs/s",
         [round(100 * nc.RATE_CONFIDENCE), nc.MIN_RATE]),
        (conf, r"(\d+) pairs at min fidelity ([\d.]+) that only end-to-end distillation",
         [nc.DISTIL_PAIRS, nc.DISTIL_MIN_FIDELITY]),
        (conf, r"minus a tolerance of ([\d.]+)", [fid.tolerance]),
        (conf, r"a claim ([\d.]+) above the true fidelity fails with probability at least "
               r"([\d.]+): ([\d,]+) pairs\s+per basis",
         [fid.overclaim, fid.power, fid.pairs_per_basis()]),
        (conf, r"exactly ([\d,]+) per circuit", [nm.MESH_PAIRS]),
        (conf, r"against an over-claim of ([\d.]+) at the mesh's fidelity of about ([\d.]+)\s+"
               r"\(([\d,]+) pairs per basis;",
         [mesh.overclaim, mesh.fidelity, mesh.pairs_per_basis()]),
        (conf, r"measures ([\d,]+) pairs of the `network\.distillation` request",
         [nm.DISTIL_STAT_PAIRS]),
        (conf, r"\(([\d,]+) pairs per basis; a shortfall of 0\.05\s+would need ([\d,]+)\)",
         [distil.pairs_per_basis(), shortfall.pairs_per_basis()]),
    ]


def _number(text: str) -> float:
    return float(re.sub(r"[ ,]", "", text))


def test_numbers_quoted_in_readme_and_docs_match_the_data() -> None:
    stale = []
    for name, pattern, want in _quoted_counts():
        found = re.findall(pattern, (ROOT / name).read_text(encoding="utf-8"))
        assert len(found) == 1, f"{name}: {pattern!r} found {len(found)} times (reworded?)"
        quoted = found[0] if isinstance(found[0], tuple) else (found[0],)
        if [_number(q) for q in quoted] != [float(w) for w in want]:  # type: ignore[union-attr]
            stale.append(f"{name}: quotes {list(quoted)}, the data says {want}")
    assert not stale, "\n".join(stale)


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js not installed")
def test_the_driver_guide_quotes_what_the_javascript_wire_example_passes(
        tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "driver-guide.md").read_text(encoding="utf-8")
    (quoted,) = re.findall(r"`CLOSE_ENDPOINT`\): (\d+) wire cases pass", guide)
    example = ROOT / "conformance" / "examples" / "node" / "qvcp-wire.js"
    proc = subprocess.run(
        [Path(sys.executable).parent / "qvcp", "conform", "--profile", "wire", "--quiet",
         "--driver", f"exec:node {example}", "--report", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    counts = json.loads((tmp_path / "report.json").read_text())["summary"]["counts"]
    assert int(quoted) == counts["pass"]
