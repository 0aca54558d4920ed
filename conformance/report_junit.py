"""JUnit XML rendering of a report: one testsuite per profile, one testcase per case.

fail and xpass are ``<failure>``, errored is ``<error>``, unsupported and xfail are
``<skipped>`` with the reason; requirement ids and the seed are testcase properties.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

__all__ = ["render_junit"]

Json = dict[str, Any]


def _testcase(case: Json) -> ET.Element:
    el = ET.Element("testcase", classname=f"qvcp.{case['profile']}", name=case["id"],
                    time=f"{case['duration_s']:.6f}")
    props = ET.SubElement(el, "properties")
    for rid in case["requirements"]:
        ET.SubElement(props, "property", name="requirement", value=rid)
    if case["seed"] is not None:
        ET.SubElement(props, "property", name="seed", value=str(case["seed"]))
    verdict, message = case["verdict"], case["message"]
    detail = "\n".join(x for x in (
        message, f"replay: {case['replay']}" if case["replay"] else "",
        json.dumps(case["evidence"], indent=1)[:4000] if case["evidence"] else "") if x)
    if verdict in ("fail", "xpass"):
        ET.SubElement(el, "failure", message=message or verdict, type=verdict).text = detail
    elif verdict == "errored":
        ET.SubElement(el, "error", message=message or verdict, type="errored").text = detail
    elif verdict in ("unsupported", "xfail"):
        reason = message if verdict == "unsupported" else (
            f"expected failure: {case['expected_failure']['reason']}")
        ET.SubElement(el, "skipped", message=f"{verdict}: {reason}")
    elif verdict == "inconclusive":
        ET.SubElement(el, "system-out").text = f"inconclusive: {message}"
    return el


def render_junit(report: Json) -> str:
    """The JUnit XML text."""
    by_profile: dict[str, list[Json]] = defaultdict(list)
    for case in report["cases"]:
        by_profile[case["profile"]].append(case)
    impl = report["implementation"] or {"name": "unknown", "version": "?"}
    root = ET.Element("testsuites", name=f"qvcp conform: {impl['name']} {impl['version']}")
    for profile, cases in by_profile.items():
        verdicts = [c["verdict"] for c in cases]
        suite = ET.SubElement(
            root, "testsuite", name=f"qvcp.{profile}", tests=str(len(cases)),
            failures=str(sum(v in ("fail", "xpass") for v in verdicts)),
            errors=str(sum(v == "errored" for v in verdicts)),
            skipped=str(sum(v in ("unsupported", "xfail") for v in verdicts)),
            time=f"{sum(c['duration_s'] for c in cases):.3f}")
        for case in cases:
            suite.append(_testcase(case))
    if report["startup_error"]:
        suite = ET.SubElement(root, "testsuite", name="qvcp.startup", tests="1", errors="1",
                              failures="0", skipped="0")
        case_el = ET.SubElement(suite, "testcase", classname="qvcp.startup", name="handshake")
        ET.SubElement(case_el, "error", message=report["startup_error"]["message"]).text = (
            json.dumps(report["startup_error"]["evidence"], indent=1))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"
