"""A self-contained HTML page of a report (inline CSS and a tiny filter script, no fetches)."""

from __future__ import annotations

import json
from html import escape
from typing import Any

from qvcp.conformance.report_markdown import format_interval

__all__ = ["render_html"]

Json = dict[str, Any]

_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
h1 .conformant{color:#1a7f37}h1 .non-conformant{color:#cf222e}h1 .error{color:#9a6700}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f6f8fa}
.pass{background:#dafbe1}.fail,.xpass{background:#ffebe9}.errored{background:#fff8c5}
.inconclusive{background:#ddf4ff}.unsupported,.untested,.xfail{background:#f6f8fa;color:#666}
details pre{white-space:pre-wrap;max-width:70rem;font-size:.8rem}
code{font-size:.85rem}
"""

_JS = """
function filt(v){for(const r of document.querySelectorAll('#cases tbody tr')){
r.style.display=(v==='all'||r.dataset.verdict===v)?'':'none';}}
"""


def _row(case: Json) -> str:
    evidence = ""
    if case["evidence"] or case["replay"]:
        body = json.dumps(case["evidence"], indent=1)
        replay = f"replay: {case['replay']}\n" if case["replay"] else ""
        evidence = (f"<details><summary>evidence</summary><pre>{escape(replay + body)}"
                    f"</pre></details>")
    message = case["message"] or format_interval(case["interval"])
    return (f'<tr class="{case["verdict"]}" data-verdict="{case["verdict"]}">'
            f"<td><code>{escape(case['id'])}</code><br>{escape(case['title'])}</td>"
            f"<td>{escape(case['verdict'])}</td>"
            f"<td>{escape(', '.join(case['requirements']))}</td>"
            f"<td>{escape(message)}{evidence}</td></tr>")


def _profiles(impl: Json) -> str:
    """``wire, node (03-link-layer)``: the profiles with their chapter claims, if any."""
    chapters = impl.get("chapters") or {}
    return ", ".join(f"{p} ({', '.join(chapters[p])})" if p in chapters else p
                     for p in impl["profiles"])


def render_html(report: Json) -> str:
    """The HTML text."""
    s = report["summary"]
    impl = report["implementation"]
    who = (f"{impl['name']} {impl['version']} ({impl['language']}); profiles: "
           f"{_profiles(impl)}; capabilities: {', '.join(impl['capabilities'])}"
           if impl else "no handshake")
    counts = " ".join(f"{v}: {n}" for v, n in s["counts"].items() if n)
    cov = "".join(
        f"<tr><td>{lv}</td><td>{c['total']}</td><td>{c['checked']} ({c['percent_checked']}%)"
        f"</td><td>{c['proven']}</td><td>{c['passed']}</td><td>{c['failed']}</td>"
        f"<td>{c['untested']}</td><td>{c['proof']['proven']}</td>"
        f"<td>{c['proof']['tagged-only']}</td></tr>"
        for lv, c in report["coverage"].items())
    reqs = "".join(
        f'<tr class="{r["status"]}"><td>{r["id"]}</td><td>{r["level"]}</td>'
        f"<td>{escape(r['status'])}</td>"
        f"<td title=\"{escape(r['proof_reason'])}\">{escape(r['proof'])}</td>"
        f"<td>{escape(r['text'][:200])}</td></tr>"
        for r in report["requirements"])
    verdicts = ["all", *(v for v, n in s["counts"].items() if n)]
    buttons = "".join(f'<button onclick="filt(\'{v}\')">{v}</button> ' for v in verdicts)
    startup = ""
    if report["startup_error"]:
        startup = (f"<h2>Startup error</h2><pre>{escape(report['startup_error']['message'])}"
                   f"\n{escape(json.dumps(report['startup_error']['evidence'], indent=1))}</pre>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>QVCP conformance report</title>
<style>{_CSS}</style><script>{_JS}</script></head><body>
<h1>QVCP conformance: <span class="{s['verdict']}">{s['verdict']}</span></h1>
<p><strong>{escape(s['headline'])}</strong></p>
<p>{escape(who)}<br>driver <code>{escape(report['driver'])}</code>, seed {report['run']['seed']},
{report['run']['duration_s']:.1f} s, exit code {s['exit_code']}<br>{escape(counts)}</p>
{startup}
<h2>Requirement coverage</h2>
<p>Proven in this run: a case that ran here caught a faulty implementation breaking the
requirement. The last two columns give the suite's proof status whatever this run ran.</p>
<table><tr><th>level</th><th>requirements</th><th>checked</th><th>proven</th><th>passed</th>
<th>failed</th><th>untested</th><th>suite: proven</th><th>suite: tagged only</th></tr>{cov}
</table>
<h2>Cases</h2><p>{buttons}</p>
<table id="cases"><thead><tr><th>case</th><th>verdict</th><th>requirements</th>
<th>message / evidence</th></tr></thead><tbody>
{"".join(_row(c) for c in report["cases"])}
</tbody></table>
<h2>Requirements</h2>
<table><tr><th>id</th><th>level</th><th>status</th><th>proof</th><th>text</th></tr>{reqs}
</table>
</body></html>
"""
