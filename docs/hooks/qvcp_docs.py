"""mkdocs hook: publish ``spec/`` and the generated reference pages of the QVCP site.

Nothing the site states about messages, errors, requirements or vectors is written by hand:
at build time this hook reads ``spec/*.md``, the layout tree of :mod:`qvcp.schemas.layout`,
``schemas/errors.json`` and the test vectors, and adds the pages as virtual files
(rendered by ``qvcp_pages.py``). It also copies every JSON file of ``schemas/`` into the site
under the same path, so that the schemas and vectors can be downloaded and so that links
from ``spec/`` chapters to ``../schemas/...`` keep working.

Navigation: a ``nav`` entry containing ``*`` is a glob over the site's files (sorted; files
already listed in the same section are skipped), and entries of the sections named in
:data:`OPTIONAL_SECTIONS` are dropped while their file does not exist yet (an empty section
is dropped too), so the strict build passes before and after those pages are written.
"""

from __future__ import annotations

import fnmatch
import logging
import posixpath
import shutil
import tomllib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import qvcp_pages as pages
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from qvcp.schemas.layout import (
    HEADER_LENGTH,
    common_schema,
    error_registry,
    load_json,
    message_specs,
)
from qvcp.schemas.vectors import load_cases, vector_files
from qvcp.specindex import build_index, groups_of, index_document

log = logging.getLogger("mkdocs.hooks.qvcp")

OPTIONAL_SECTIONS = ("Guides",)
"""Nav sections whose pages are written by others and may not exist yet."""

_OVERVIEWS = {"README.md", "index.md"}
"""Files of ``spec/`` published as the section index ``spec/index.md``, not as chapters."""


API_SRC = "build/api-src"
"""Where :func:`on_config` lays out the ``qvcp`` import tree for mkdocstrings (``paths``)."""


@event_priority(100)  # before mkdocstrings resolves its search paths in its own on_config
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _layout_import_tree(_root(config), _root(config) / API_SRC)
    return config


def _layout_import_tree(root: Path, target: Path) -> None:
    """Mirror the installed package tree (pyproject ``package-dir``) as symlinks in ``target``.

    ``qvcp`` comes from ``src/qvcp`` but ``qvcp.schemas`` from ``schemas/`` and so on; griffe
    (mkdocstrings) reads source files from a search path and cannot follow such a mapping.
    Idempotent: links already right are kept, so concurrent builds do not disturb each other.
    """
    package_dir = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["package-dir"]
    mapped = {target.joinpath(*p.split(".")) for p in package_dir}
    for package in sorted(package_dir, key=lambda p: p.count(".")):
        source = root / package_dir[package]
        here = target.joinpath(*package.split("."))
        if here.is_symlink():  # mapped below another mapped package: a folder of its own
            here.unlink()
        here.mkdir(parents=True, exist_ok=True)
        wanted = {c.name: c.resolve() for c in source.iterdir() if c.name != "__pycache__"}
        for link in here.iterdir():
            if link in mapped:
                continue
            if not link.is_symlink() or wanted.get(link.name) != link.resolve():
                if link.is_dir() and not link.is_symlink():
                    shutil.rmtree(link)
                else:
                    link.unlink()
        for name, child in wanted.items():
            link = here / name
            if not link.is_symlink() and here.joinpath(name) not in mapped:
                link.symlink_to(child, target_is_directory=child.is_dir())


def _root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _add(files: Files, config: MkDocsConfig, src_uri: str, *, content: str | None = None,
         abs_src_path: str | None = None) -> None:
    if files.get_file_from_path(src_uri) is not None:
        log.warning("docs/%s hides a page that the site generates from the sources; "
                    "delete the hand-written copy", src_uri)
        files.remove(files.get_file_from_path(src_uri))
    if content is not None:
        files.append(File.generated(config, src_uri, content=content))
    else:
        files.append(File.generated(config, src_uri, abs_src_path=abs_src_path))


def _link_mapper(root: Path, published: set[str]) -> Any:
    """Map a link written in ``spec/<chapter>.md`` (relative to the repo) to a site link."""

    def target(url: str) -> str | None:
        if url.startswith(("#", "/")) or ":" in url.split("/")[0]:
            return url
        path, sep, anchor = url.partition("#")
        repo_path = posixpath.normpath(posixpath.join(pages.SPEC_DIR, path))
        if repo_path == f"{pages.SPEC_DIR}/README.md":
            return "index.md" + sep + anchor
        if repo_path.startswith("docs/"):
            return pages.rel(f"{pages.SPEC_DIR}/x.md", repo_path[5:]) + sep + anchor
        if repo_path in published or repo_path.startswith("../"):
            return url
        if (root / repo_path).exists():
            return None
        return url  # broken: let mkdocs report it

    return target


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = _root(config)
    spec_dir = root / "spec"
    chapters = sorted(spec_dir.glob("*.md")) if spec_dir.is_dir() else []
    reqs = build_index(spec_dir) if chapters else []
    _check_index_file(root, reqs)
    chapter_of = {r.id: r.chapter for r in reqs}
    groups = groups_of(reqs)
    # A split requirement's old id links to its lead-in, which stands before its parts.
    chapter_of.update({g: chapter_of[parts[0]] for g, parts in groups.items()})
    site = pages.Site(chapter_of)

    # JSON files of schemas/, published under the same paths.
    published = set()
    for path in sorted((root / "schemas").rglob("*.json")):
        rel = path.relative_to(root).as_posix()
        published.add(rel)
        _add(files, config, rel, abs_src_path=str(path))

    # Specification chapters.
    texts = {p.name: p.read_text(encoding="utf-8") for p in chapters}
    titles = {name: pages.chapter_title(text, name[:-3]) for name, text in texts.items()}
    mapper = _link_mapper(root, published | {f"spec/{n}" for n in texts})
    overview = pages.spec_overview(
        [(n, t) for n, t in titles.items() if n not in _OVERVIEWS], reqs,
        standalone="README.md" not in texts)
    for name, text in texts.items():
        page = pages.spec_chapter(name, text, site, mapper)
        if name == "README.md":  # the folder's own overview becomes the section index
            if "index.md" not in texts:
                _add(files, config, f"{pages.SPEC_DIR}/index.md", content=page + overview)
            continue
        _add(files, config, f"{pages.SPEC_DIR}/{name}", content=page)
    if not set(texts) & _OVERVIEWS:
        _add(files, config, f"{pages.SPEC_DIR}/index.md", content=overview)

    # Reference pages.
    specs = list(message_specs().values())
    registry = error_registry()
    cases = load_cases()
    types_by_file = {f: load_json(f"vectors/{f}").get("message_type") for f in vector_files()}
    per_req: Counter[str] = Counter(r for c in cases for r in set(c.requirements))
    per_error: Counter[str] = Counter(c.error_name for c in cases if c.error_name)
    cited: dict[str, list[str]] = defaultdict(list)
    for s in specs:
        cited[s.requirement].append(f"[{s.name}]({pages.MESSAGES}#{s.name})")
    for e in registry["errors"]:
        cited[e["requirement"]].append(f"[{e['name']}]({pages.ERRORS}#{e['name']})")
    unknown = sorted((set(cited) | set(per_req)) - set(chapter_of))
    if unknown:
        log.info("requirement ids cited by schemas/errors/vectors but absent from spec/: %s",
                 ", ".join(unknown))
    examples = {}
    for c in cases:
        if (c.valid and isinstance(c.json, dict) and not c.json.get("extensions")
                and not c.json.get("auth")):
            examples.setdefault(c.json["type"], c)

    _add(files, config, pages.MESSAGES, content=pages.messages_page(
        specs, common_schema(), HEADER_LENGTH, examples, site))
    _add(files, config, pages.ERRORS, content=pages.errors_page(registry, site, per_error))
    _add(files, config, pages.REQUIREMENTS, content=pages.requirements_page(
        reqs, titles, site, per_req, cited, _proof(reqs), groups))
    _add(files, config, pages.VECTORS, content=pages.vectors_page(
        cases, types_by_file, site, (e["name"] for e in registry["errors"])))

    if config.nav is not None:
        config.nav = _expand_nav(config.nav, {f.src_uri for f in files.documentation_pages()})
    return files


def _proof(reqs: list[Any]) -> dict[str, tuple[str, str]]:
    """Each requirement's proof status and reason, from the conformance suite's data."""
    from qvcp.conformance.mutation import proof_statuses

    return {rid: (kind, why) for rid, (kind, why, _) in
            proof_statuses(r.id for r in reqs).items()}


MARKERS = {"<!-- qvcp:case-counts -->": "case_counts",
           "<!-- qvcp:proof-summary -->": "proof_summary"}
"""Markers in hand-written pages that the build replaces with tables generated from data."""


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Fill the markers of :data:`MARKERS` (so that no count on the site is typed by hand)."""
    if "<!-- qvcp:" not in markdown:
        return markdown
    from qvcp.conformance.catalogue import all_cases

    def proof_summary() -> str:
        from qvcp.conformance.mutation import exemptions

        reqs = build_index(Path(kwargs["config"].config_file_path).resolve().parent / "spec")
        cited = {rid for case in all_cases() for rid in case.requirements}
        return pages.proof_summary_table(reqs, cited, _proof(reqs), exemptions())

    generated = {"case_counts": lambda: pages.case_counts_table(all_cases()),
                 "proof_summary": proof_summary}
    for marker, name in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, generated[name]())
    return markdown


def _check_index_file(root: Path, reqs: list[Any]) -> None:
    index = root / "schemas" / "requirements.json"
    current = index.read_text(encoding="utf-8") if index.exists() else ""
    if reqs and current != index_document(reqs):
        log.info("schemas/requirements.json is out of date with spec/: run `qvcp spec index` "
                 "(the site reads spec/ directly)")


def _expand_nav(nav: list[Any], pages_: set[str], optional: bool = False) -> list[Any]:
    """``nav`` with globs expanded and missing optional pages left out (see module doc)."""
    values = [e if isinstance(e, str) else next(iter(e.values())) for e in nav]
    seen = {v for v in values if isinstance(v, str)}
    out: list[Any] = []
    for entry in nav:
        title, value = (None, entry) if isinstance(entry, str) else next(iter(entry.items()))
        if isinstance(value, list):
            children = _expand_nav(value, pages_, optional or title in OPTIONAL_SECTIONS)
            if children:
                out.append({title: children} if title is not None else children)
            continue
        if "*" in value:
            prefix = value.split("*")[0]
            matches = sorted(p for p in pages_ if fnmatch.fnmatch(p, value)
                             and "/" not in p[len(prefix):] and p not in seen)
            seen.update(matches)
            out.extend(matches if title is None else [{title: m} for m in matches])
            continue
        is_page = value.endswith(".md") and "://" not in value
        if optional and is_page and value not in pages_:
            continue
        out.append(entry)
    return out
