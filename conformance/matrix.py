"""``qvcp matrix``: the suite against several implementations, side by side.

Each implementation gets an ordinary run (:func:`~qvcp.conformance.conform.run_conformance`,
same cases, same seed) and its report (:func:`~qvcp.conformance.report.build_report`); the
matrix puts the reports' requirement statuses next to each other: per spec chapter, how many
of the requirements the run's cases check passed for each implementation, and per requirement
the status for each. ``matrix.json`` holds it, ``matrix.md`` and ``matrix.html`` render it.

A requirement's status is the report's: the worst verdict among the cases citing it
(``fail`` before ``errored`` ... before ``pass`` before ``unsupported``). A chapter cell counts
the requirements of the chapter that the selected cases cite (``total``), and how many of them
passed, failed, errored, are inconclusive or unsupported for that implementation.

``docs/interop-matrix.md`` is the matrix of the implementations in the repository
(:data:`DOCS_DRIVERS`, profiles :data:`DOCS_PROFILES`), written by
``qvcp matrix --docs-page docs/interop-matrix.md`` from the repository root.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from qvcp import SPEC_VERSION, __version__
from qvcp.conformance.conform import DEFAULT_SEED, plan, run_conformance
from qvcp.conformance.protocol import PROFILES
from qvcp.conformance.report import build_report, write_texts

__all__ = ["DOCS_DRIVERS", "DOCS_PROFILES", "MATRIX_FILES", "build_matrix", "matrix",
           "render_docs_page", "render_html", "render_markdown", "run_matrix", "write_matrix"]

Json = dict[str, Any]
MATRIX_FILES = {"json": "matrix.json", "markdown": "matrix.md", "html": "matrix.html"}
#: the implementations of the repository, as the documentation's matrix shows them
DOCS_DRIVERS = ("reference", "exec:node conformance/examples/node/qvcp-node.js",
                "exec:node conformance/examples/node/qvcp-wire.js")
DOCS_PROFILES = ("wire", "node")
_COUNTED = ("pass", "fail", "errored", "inconclusive", "unsupported")
# what counts as what in a chapter cell (xfail and xpass only occur with an expected-failures
# file, which a matrix run does not take)
_BUCKET = {"pass": "pass", "fail": "fail", "xfail": "fail", "xpass": "fail",
           "errored": "errored", "inconclusive": "inconclusive", "unsupported": "unsupported"}
_COLOURS = {"green": "#c8e6c9", "red": "#ffcdd2", "amber": "#ffe0b2", "yellow": "#fff9c4",
            "grey": "#eeeeee"}
_MARKS = {"green": "✅", "red": "❌", "amber": "⚠️", "yellow": "🟡", "grey": "➖"}
_VERDICT_COLOUR = {"pass": "green", "fail": "red", "xfail": "red", "xpass": "red",
                   "errored": "red", "inconclusive": "amber", "unsupported": "grey",
                   "untested": "grey"}


def run_matrix(drivers: Sequence[str], *, profiles: Sequence[str] = (),
               selectors: Sequence[str] = (), seed: int = DEFAULT_SEED, timeout: float = 10.0,
               on_report: Callable[[Json], None] | None = None) -> list[Json]:
    """One report per driver, in order (each run as ``qvcp conform`` would run it)."""
    reports = []
    for driver in drivers:
        run = run_conformance(driver, selectors=selectors, profiles=profiles, seed=seed,
                              timeout=timeout)
        report = build_report(run, command=f"qvcp matrix --driver {driver}")
        reports.append(report)
        if on_report is not None:
            on_report(report)
    return reports


_UNINDEXED = "(not indexed)"


def _chapter(name: str) -> str:
    return name.removesuffix(".md") or _UNINDEXED


def _chapter_order(name: str) -> tuple[bool, str]:
    return name == _UNINDEXED, name


def _colour(cell: Json) -> str:
    if cell["fail"] or cell["errored"]:
        return "red"
    if cell["inconclusive"]:
        return "amber"
    if cell["total"] and cell["pass"] == cell["total"]:
        return "green"
    return "yellow" if cell["pass"] else "grey"


def _implementation(report: Json) -> Json:
    impl = report["implementation"] or {}
    startup = report["startup_error"]
    return {"driver": report["driver"], "name": impl.get("name", ""),
            "version": impl.get("version", ""), "language": impl.get("language", ""),
            "verdict": report["summary"]["verdict"], "exit_code": report["summary"]["exit_code"],
            "scope": report["summary"]["scope"], "counts": report["summary"]["counts"],
            "must": {k: report["coverage"]["MUST"][k] for k in ("total", "checked", "passed")},
            "startup_error": startup["message"] if startup else None}


def build_matrix(reports: Sequence[Json], *, profiles: Sequence[str] = (),
                 selectors: Sequence[str] = ()) -> Json:
    """The matrix document of ``reports`` (one per implementation, same cases and seed).

    Raises:
        ValueError: no report, or reports of different runs (seed, spec version).
    """
    if not reports:
        raise ValueError("a matrix needs at least one report")
    seeds = {r["run"]["seed"] for r in reports}
    digests = {r["spec"]["requirements_digest"] for r in reports}
    if len(seeds) > 1 or len(digests) > 1:
        raise ValueError("the reports were not produced by the same suite and seed")
    statuses = [{req["id"]: req["status"] for req in r["requirements"]} for r in reports]
    checked = [req for req in reports[0]["requirements"]
               if any(s.get(req["id"], "untested") != "untested" for s in statuses)]
    chapters: dict[str, list[Json]] = {}
    for req in checked:
        chapters.setdefault(_chapter(req["chapter"]), []).append(req)
    rows = []
    for name in sorted(chapters, key=_chapter_order):
        cells = []
        for status in statuses:
            cell = {"total": len(chapters[name]), **dict.fromkeys(_COUNTED, 0)}
            for req in chapters[name]:
                bucket = _BUCKET.get(status.get(req["id"], "untested"))
                if bucket:
                    cell[bucket] += 1
            cell["colour"] = _colour(cell)
            cells.append(cell)
        rows.append({"chapter": name, "cells": cells})
    return {
        "format": "qvcp-interop-matrix", "format_version": 1,
        "harness": {"name": "qvcp matrix", "version": __version__},
        "spec_version": SPEC_VERSION, "seed": reports[0]["run"]["seed"],
        "profiles": list(profiles), "selection": list(selectors),
        "implementations": [_implementation(r) for r in reports],
        "chapters": rows,
        "requirements": [{"id": req["id"], "level": req["level"],
                          "chapter": _chapter(req["chapter"]), "text": req["text"],
                          "statuses": [s.get(req["id"], "untested") for s in statuses]}
                         for req in sorted(checked, key=lambda r: (
                             _chapter_order(_chapter(r["chapter"])), r["id"]))],
    }


# --- Markdown -------------------------------------------------------------------------------

def _who(impl: Json) -> str:
    return f"{impl['name']} {impl['version']}".strip() or impl["driver"]


def _cell_text(cell: Json) -> str:
    extra = [f"{cell[k]} {k}" for k in ("fail", "errored", "inconclusive") if cell[k]]
    text = f"{_MARKS[cell['colour']]} {cell['pass']}/{cell['total']}"
    return f"{text} ({', '.join(extra)})" if extra else text


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _req_cell(req: Json, spec_links: bool) -> str:
    if spec_links and req["chapter"] != _UNINDEXED:
        return f"[{req['id']}](spec/{req['chapter']}.md#{req['id']})"
    return req["id"]


def render_markdown(m: Json, *, heading: str = "#", collapsible: bool = False,
                    spec_links: bool = False) -> str:
    """The matrix as Markdown: implementations, chapter table, requirements by chapter.

    ``collapsible``: each chapter's requirements in a ``??? note`` block (mkdocs-material);
    ``spec_links``: requirement ids link to the site's spec pages.
    """
    impls = m["implementations"]
    out = [f"{heading} Implementations", "",
           "| column | driver | implementation | verdict | MUST passed (of the spec's) |",
           "|---|---|---|---|---|"]
    for i, impl in enumerate(impls, 1):
        verdict = impl["verdict"] if not impl["startup_error"] else (
            f"error: {_md_escape(impl['startup_error'])}")
        must = impl["must"]
        out.append(f"| {i} | `{impl['driver']}` | {_md_escape(_who(impl))} "
                   f"({_md_escape(impl['language']) or '?'}) | {verdict} ({impl['scope']}) | "
                   f"{must['passed']}/{must['total']} |")
    columns = " | ".join(f"{i}: {_md_escape(_who(impl))}" for i, impl in enumerate(impls, 1))
    out += ["", f"{heading} Chapters", "",
            "Requirements passed / requirements the selected cases check. "
            "✅ all pass, 🟡 some pass and the rest is unsupported, ➖ none judged "
            "(unsupported), ⚠️ inconclusive, ❌ a failure or an error.", "",
            f"| chapter | {columns} |", "|---|" + "---|" * len(impls)]
    for row in m["chapters"]:
        out.append(f"| {row['chapter']} | "
                   + " | ".join(_cell_text(c) for c in row["cells"]) + " |")
    out += ["", f"{heading} Requirements", ""]
    for row in m["chapters"]:
        reqs = [r for r in m["requirements"] if r["chapter"] == row["chapter"]]
        table = [f"| requirement | level | {columns} |", "|---|---|" + "---|" * len(impls)]
        table += [f"| {_req_cell(r, spec_links)} | {r['level']} | "
                  + " | ".join(f"{_MARKS[_VERDICT_COLOUR[s]]} {s}" for s in r["statuses"])
                  + " |" for r in reqs]
        title = f"{row['chapter']} ({len(reqs)} requirements)"
        if collapsible:
            out += [f'??? note "{title}"', "", *("    " + line for line in table), ""]
        else:
            out += [f"{heading}# {title}", "", *table, ""]
    return "\n".join(out).rstrip() + "\n"


# --- HTML -----------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .6em}
th{background:#f4f4f4;text-align:left}summary{cursor:pointer;font-weight:600;margin:.4em 0}
code{font-size:90%}"""


def _td(text: str, colour: str, title: str = "") -> str:
    tip = f' title="{html.escape(title)}"' if title else ""
    return f'<td style="background:{_COLOURS[colour]}"{tip}>{html.escape(text)}</td>'


def render_html(m: Json) -> str:
    """A self-contained page: the chapter table, each chapter opening onto its requirements."""
    impls = m["implementations"]
    heads = "".join(f"<th>{html.escape(_who(i))}<br><code>{html.escape(i['driver'])}</code>"
                    f"<br>{html.escape(i['verdict'])}</th>" for i in impls)
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>QVCP interoperability "
             f"matrix</title><style>{_CSS}</style></head><body>",
             "<h1>QVCP interoperability matrix</h1>",
             f"<p>spec {html.escape(str(m['spec_version']))}, seed {m['seed']}, profiles "
             f"{html.escape(', '.join(m['profiles']) or 'all')}"
             f"{'; only ' + html.escape(' '.join(m['selection'])) if m['selection'] else ''}"
             ". A cell: requirements passed / requirements the cases check.</p>",
             f"<table><tr><th>chapter</th>{heads}</tr>"]
    for row in m["chapters"]:
        cells = "".join(_td(_cell_text(c)[2:].strip(), c["colour"]) for c in row["cells"])
        parts.append(f"<tr><td><a href='#{row['chapter']}'>{html.escape(row['chapter'])}"
                     f"</a></td>{cells}</tr>")
    parts.append("</table><h2>Requirements</h2>")
    for row in m["chapters"]:
        reqs = [r for r in m["requirements"] if r["chapter"] == row["chapter"]]
        parts.append(f"<details id='{html.escape(row['chapter'])}'><summary>"
                     f"{html.escape(row['chapter'])} ({len(reqs)} requirements)</summary>"
                     f"<table><tr><th>requirement</th><th>level</th>{heads}</tr>")
        for r in reqs:
            cells = "".join(_td(s, _VERDICT_COLOUR[s]) for s in r["statuses"])
            parts.append(f"<tr><td title=\"{html.escape(r['text'])}\">{html.escape(r['id'])}"
                         f"</td><td>{html.escape(r['level'])}</td>{cells}</tr>")
        parts.append("</table></details>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_matrix(m: Json, directory: Path) -> dict[str, Path]:
    """Write matrix.json, matrix.md and matrix.html into ``directory``."""
    texts = {"json": json.dumps(m, indent=2, ensure_ascii=False) + "\n",
             "markdown": "# QVCP interoperability matrix\n\n" + render_markdown(m, heading="##"),
             "html": render_html(m)}
    return write_texts(texts, directory, MATRIX_FILES)


# --- the documentation page -----------------------------------------------------------------

_DOCS_INTRO = """# Interoperability matrix

<!-- Written by `qvcp matrix --docs-page docs/interop-matrix.md` (from the repository root);
tests/conformance/test_matrix.py fails when this page differs from a fresh generation. -->

The conformance suite run against every implementation in this repository, profiles
{profiles}, seed {seed}: the reference implementation (`qvcp.reference`, in process) and the
two Node.js examples of `conformance/examples/node/` ([Writing a driver](driver-guide.md)).
Each implementation is judged only on what its handshake claims; the rest is *unsupported*.
The network profile, claimed by the reference alone, is left out (`qvcp conform --profile
network` judges it).

To put your implementation beside them:

```console
$ qvcp matrix --driver reference --driver "exec:./my-node" --profile wire --out reports/matrix
```

writes `matrix.json`, `matrix.md` and `matrix.html` (each chapter opens onto its
requirements). It exits 0 when every implementation could be started, 2 otherwise; the
matrix compares, `qvcp conform` gates.

"""


def render_docs_page(m: Json) -> str:
    """The Markdown of ``docs/interop-matrix.md`` for the matrix ``m``."""
    intro = _DOCS_INTRO.format(profiles=" and ".join(m["profiles"]) or "all", seed=m["seed"])
    return intro + render_markdown(m, heading="##", collapsible=True, spec_links=True)


# --- the command ----------------------------------------------------------------------------

def _progress(report: Json) -> None:
    s = report["summary"]
    counts = ", ".join(f"{n} {v}" for v, n in s["counts"].items() if n)
    click.echo(f"{report['driver']}: {s['headline']} ({counts or 'no case'}; "
               f"{report['run']['duration_s']:.1f} s)", err=True)


@click.command("matrix")
@click.option("--driver", "drivers", multiple=True, metavar="SPEC",
              help="An implementation: NAME, exec:COMMAND, faulty:NAME (repeatable, in column "
                   "order).")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(PROFILES),
              help="Only these profiles (repeatable).")
@click.option("--select", "selectors", multiple=True, metavar="REQ|TAG|GLOB",
              help="Only cases whose id, requirement id, tag or profile matches (repeatable).")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=DEFAULT_SEED,
              show_default=True, help="Run seed, the same for every implementation.")
@click.option("--timeout", type=click.FloatRange(min=0.0, min_open=True), default=10.0,
              show_default=True, help="Seconds to wait for each answer.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/matrix"), show_default=True,
              help="Directory for matrix.json, matrix.md and matrix.html.")
@click.option("--docs-page", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the documentation's page for the repository's implementations "
                   "instead (no --driver, --profile or --select).")
def matrix(drivers: tuple[str, ...], profiles: tuple[str, ...], selectors: tuple[str, ...],
           seed: int, timeout: float, out_dir: Path, docs_page: Path | None) -> None:
    """Run the suite against several implementations and compare them chapter by chapter.

    Exit code: 0 when the matrix is written and every implementation started, 2 otherwise.
    """
    if docs_page is not None:
        if drivers or profiles or selectors:
            raise click.UsageError("--docs-page takes no --driver, --profile or --select: "
                                   "it judges the repository's implementations")
        drivers, profiles = DOCS_DRIVERS, DOCS_PROFILES
    if not drivers:
        raise click.UsageError("give at least one --driver")
    if len(set(drivers)) != len(drivers):
        raise click.UsageError("--driver: each implementation once (a column per driver)")
    if not plan(selectors=selectors, profiles=profiles):
        raise click.UsageError(f"--select/--profile: no case matches "
                               f"{' '.join(selectors) or '-'} / {' '.join(profiles) or '-'}")
    target, option = (docs_page.parent, "--docs-page") if docs_page else (out_dir, "--out")
    try:  # found before the runs, not after them
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(f"cannot create {target}: {exc.strerror}",
                                 param_hint=option) from None
    reports = run_matrix(drivers, profiles=profiles, selectors=selectors, seed=seed,
                         timeout=timeout, on_report=_progress)
    m = build_matrix(reports, profiles=profiles, selectors=selectors)
    if docs_page is not None:
        text = render_docs_page(m)
        docs_page.write_text(text, encoding="utf-8")
        click.echo(f"wrote {docs_page} ({len(text.splitlines())} lines)", err=True)
    else:
        paths = write_matrix(m, out_dir)
        click.echo(f"matrix: {', '.join(str(p) for p in paths.values())}", err=True)
    sys.exit(2 if any(i["startup_error"] for i in m["implementations"]) else 0)
