"""Markdown of the generated pages of the QVCP site, rendered from the sources of truth.

Pure functions: each takes parsed data (the requirement index, the layout tree, the error
registry, the test vectors) and returns Markdown. ``qvcp_docs.py`` (the mkdocs hook) calls
them through this module; nothing here knows about mkdocs.

This module renders the spec chapters, the requirement index and the conformance tables; the
wire reference pages (messages, errors, vectors) are :mod:`qvcp_wire_pages`, and what every
page shares (page paths, links, tables) is :mod:`qvcp_site`. Both are re-exported here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from qvcp_site import (
    ERRORS,
    MESSAGES,
    REQ_ID_RE,
    REQUIREMENTS,
    SPEC_DIR,
    VECTORS,
    Site,
    cell,
    chapter_title,
    rel,
    table,
    unlink,
)
from qvcp_wire_pages import errors_page, messages_page, vectors_page

from qvcp.specindex import LEVELS, Requirement

__all__ = ["ERRORS", "MESSAGES", "REQUIREMENTS", "REQ_ID_RE", "SPEC_DIR", "VECTORS", "Site",
           "case_counts_table", "cell", "chapter_title", "errors_page", "messages_page",
           "proof_summary_table", "rel", "requirements_page", "spec_chapter", "spec_overview",
           "table", "unlink", "vectors_page"]

MARKER_RE = re.compile(r"^(\s*(?:[-*]\s+)?)\*\*\[([A-Z]{2,5}-\d{3}(?:\.[1-9])?)\]\*\*")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")


# --------------------------------------------------------------------------- spec chapters

def spec_chapter(name: str, text: str, site: Site, link_target: Any) -> str:
    """One chapter of ``spec/`` as published.

    * ``**[AREA-NNN]**`` markers that open a paragraph or list item (the ones
      :func:`qvcp.specindex.parse_chapter` indexes) get an anchor ``id="AREA-NNN"``;
    * other mentions of a known requirement id become links to it;
    * relative links are mapped by ``link_target(url) -> url`` (repo paths to site paths).
    """
    page = f"{SPEC_DIR}/{name}"
    out, fenced = [], False
    for line in text.splitlines():
        if _FENCE_RE.match(line):
            fenced = not fenced
            out.append(line)
            continue
        if fenced or line.startswith("    "):
            out.append(line)
            continue
        line = _RFC_RE.sub(_rfc_link, _map_links(line, link_target))
        m = MARKER_RE.match(line)
        rest_start = m.end() if m else 0
        rest = site.link_ids(line[rest_start:], page)
        if m:
            rid = m.group(2)
            marker = (f'<a id="{rid}" class="qvcp-req" href="#{rid}" '
                      f'title="Permanent link to {rid}">**[{rid}]**</a>')
            line = m.group(1) + marker + rest
        else:
            line = rest
        out.append(line)
    return "\n".join(out) + "\n"


# A bracketed citation such as "[RFC 8174]" or "[RFC 9340, s.7]" that is not already a link.
_RFC_RE = re.compile(r"(?<![\[\]\\!])\[RFC ?(\d{3,5})([^\]]*)\](?![(\[:])")


def _rfc_link(m: re.Match[str]) -> str:
    return (f"[\\[RFC {m.group(1)}{m.group(2)}\\]]"
            f"(https://www.rfc-editor.org/rfc/rfc{m.group(1)})")


_LINK_RE = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")


def _map_links(line: str, link_target: Any) -> str:
    def sub(m: re.Match[str]) -> str:
        target = link_target(m.group(2))
        if target is None:  # a file of the repository that the site does not publish
            text = m.group(1)[m.group(1).index("[") + 1:-2]
            return f"{text} (`{m.group(2).lstrip('./')}`)"
        return m.group(1) + target + m.group(3)

    return _LINK_RE.sub(sub, line)


def spec_overview(chapters: Sequence[tuple[str, str]], reqs: Sequence[Requirement],
                  standalone: bool = True) -> str:
    """Requirement counts per chapter and level; with a title and intro when ``standalone``
    (otherwise it is appended to the overview that ``spec/`` provides)."""
    per = Counter((r.chapter, r.level) for r in reqs)
    rows = []
    for name, title in chapters:
        counts = [per[(name, lv)] for lv in LEVELS]
        rows.append([f"[{cell(title)}]({name})", *counts, sum(counts)])
    totals = [sum(per[(n, lv)] for n, _ in chapters) for lv in LEVELS]
    rows.append(["**All chapters**", *(f"**{n}**" for n in totals), f"**{sum(totals)}**"])
    intro = ("The normative text of QVCP, one chapter per layer, published from `spec/`. "
             "Every normative statement carries a stable id such as `WIRE-003`. ")
    body = ("# Specification\n\n" + intro if standalone else "\n## Requirement counts\n\n")
    body += (f"The [requirement index](../{REQUIREMENTS}) lists every requirement; "
             "the counts per chapter and level are:\n\n")
    if not chapters:
        return body + "!!! note\n    No chapter has been written yet.\n"
    return body + table(["Chapter", *LEVELS, "Total"], rows)


# --------------------------------------------------------------------------- requirement index

def requirements_page(reqs: Sequence[Requirement], titles: Mapping[str, str], site: Site,
                      vector_count: Mapping[str, int], cited_by: Mapping[str, list[str]],
                      proof: Mapping[str, tuple[str, str]] | None = None,
                      groups: Mapping[str, Sequence[str]] | None = None) -> str:
    """``requirements.md``: counts per level and chapter, proof status per level, one row per
    requirement, then the split requirements. ``proof`` maps an id to its proof status and
    reason; ``groups`` maps the old id of a split requirement to the ids of its parts."""
    proof = proof or {}
    page = REQUIREMENTS
    levels = Counter(r.level for r in reqs)
    out = ["# Requirement index\n",
           "Every normative statement of the [specification](spec/index.md), parsed from "
           "`spec/*.md` at build time (the same parser as `qvcp spec index`, which writes "
           "[`schemas/requirements.json`](schemas/requirements.json) for tools). "
           "The *Cited by* column lists the message types and error codes tied to the "
           "requirement; *Vectors* counts the [test vectors](vectors.md) that exercise it. "
           "*Proof* says whether the conformance suite is shown to catch a violation: "
           "*proven* when a registered faulty implementation that breaks the requirement is "
           "caught by the cases citing it (`qvcp mutants run`; hover for which), *tagged only* "
           "when cases cite it but none is shown to fail, *untestable* or *excepted* with the "
           "reason, *untested* when no case cites it.\n"]
    if not reqs:
        out.append("!!! note\n    The specification has no requirement yet.\n")
        return "\n".join(out)
    out.append("## Counts\n")
    extra = [lv for lv in sorted(levels) if lv not in LEVELS]
    cols = [*LEVELS, *(lv or "(no keyword)" for lv in extra)]
    keys = [*LEVELS, *extra]
    rows = []
    per_chapter = Counter((r.chapter, r.level) for r in reqs)
    for chapter in dict.fromkeys(r.chapter for r in reqs):
        counts = [per_chapter[(chapter, k)] for k in keys]
        rows.append([f"[{cell(titles.get(chapter, chapter))}]({SPEC_DIR}/{chapter})",
                     *counts, sum(counts)])
    rows.append(["**All chapters**", *(f"**{levels[k]}**" for k in keys), f"**{len(reqs)}**"])
    out.append(table(["Chapter", *cols, "Total"], rows))
    if proof:
        kinds = ("proven", "tagged-only", "untestable", "excepted", "untested")
        per_level = Counter((r.level, proof.get(r.id, ("untested", ""))[0]) for r in reqs)
        out.append("## Proof of coverage\n")
        out.append(table(["Level", *(k.replace("-", " ") for k in kinds)],
                         [[lv, *(per_level[(lv, k)] for k in kinds)]
                          for lv in LEVELS if levels[lv]]))
    out.append("## Requirements\n")
    rows = []
    for r in reqs:
        n = vector_count.get(r.id, 0)
        vec = f"[{n}](vectors.md#req-{r.id})" if n else "0"
        kind, why = proof.get(r.id, ("untested", ""))
        shown = kind.replace("-", " ")
        rows.append([site.req_link(r.id, page), r.level or "—",
                     f"[{cell(titles.get(r.chapter, r.chapter))}]({SPEC_DIR}/{r.chapter})",
                     cell(r.section), site.link_ids(cell(unlink(r.text)), page),
                     ", ".join(cited_by.get(r.id, [])) or "—", vec,
                     f'<span title="{cell(why)}">{shown}</span>' if why else shown])
    out.append(table(["Id", "Level", "Chapter", "Section", "Text", "Cited by", "Vectors",
                      "Proof"], rows))
    if groups:
        out.append("## Split requirements\n")
        out.append(f"Each requirement holds one BCP 14 keyword. These {len(groups)} ids once "
                   "bundled several rules; each now names its parts, so a reference to the old "
                   "id still resolves.\n")
        out.append(table(["Old id", "Parts"],
                         [[site.req_link(g, page), ", ".join(site.req_link(p, page)
                                                             for p in parts)]
                          for g, parts in groups.items()]))
    return "\n".join(out)


# --------------------------------------------------------------------------- conformance cases

def case_counts_table(cases: Sequence[Any]) -> str:
    """The table of conformance cases by kind, counted from the catalogue (``cases`` are
    :class:`qvcp.conformance.cases.Case`)."""
    def kind(case: Any) -> str:
        if ".bdd." in case.id:
            return "bdd"
        if case.id.startswith("network.stat."):
            return "network.stat"
        if case.id.startswith("network."):
            return "network"
        return ".".join(case.id.split(".")[:2])

    counts = Counter(kind(c) for c in cases)
    bdd = Counter(c.profile for c in cases if kind(c) == "bdd")
    rows = [
        [f"the {counts['wire.vector']} language-neutral test vectors",
         "`wire.vector.<vector id>`", "wire", counts["wire.vector"]],
        ["Hypothesis properties, differential against `qvcp.schemas`", "`wire.prop.*`", "wire",
         counts["wire.prop"]],
        ["Gherkin scenarios, one folder per spec chapter (`features/`)",
         "`<profile>.bdd.<chapter>.<slug>`", "from the `@wire`/`@node`/`@network` tag",
         ", ".join(f"{n} {p}" for p, n in sorted(bdd.items()))],
        ["Hypothesis state machines and properties of one node", "`node.prop.*`", "node",
         counts["node.prop"]],
        ["network runs on simulated chains", "`network.*`", "network", counts["network"]],
        ["statistical claims (fidelity from XX/YY/ZZ, minimum fidelity, rate)",
         "`network.stat.*`", "network", counts["network.stat"]],
    ]
    known = {"wire.vector", "wire.prop", "bdd", "node.prop", "network", "network.stat"}
    rows += [[f"other cases `{k}.*`", f"`{k}.*`", k.split(".")[0], n]
             for k, n in sorted(counts.items()) if k not in known]
    rows.append(["**all cases**", "", "", f"**{len(cases)}**"])
    return table(["kind", "ids", "profile", "count"], rows)


def proof_summary_table(reqs: Sequence[Requirement], cited: set[str],
                        proof: Mapping[str, tuple[str, str]],
                        exempt: Mapping[str, Mapping[str, str]]) -> str:
    """Per level: requirements, cited by a case, and each proof status; then the exemptions
    with their reasons."""
    kinds = ("proven", "tagged-only", "untestable", "excepted", "untested")
    rows = []
    for level in LEVELS:
        ids = [r.id for r in reqs if r.level == level]
        if not ids:
            continue
        count = Counter(proof.get(i, ("untested", ""))[0] for i in ids)
        rows.append([level, len(ids), sum(i in cited for i in ids),
                     *(count[k] for k in kinds)])
    out = table(["level", "requirements", "cited by a case",
                 *(k.replace("-", " ") for k in kinds)], rows)
    if exempt:
        out += "\n" + table(["requirement", "status", "why"],
                            [[i, e["status"], cell(e["why"])] for i, e in sorted(exempt.items())])
    return out
