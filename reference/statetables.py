"""Render the engines' transition tables as Markdown (the source of spec/09's tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engines import delivery, link, signalling, station, swap, tracking

ENGINES: dict[str, Mapping[Any, Any]] = {
    "link": link.TABLE,
    "station": station.TABLE,
    "swap": swap.TABLE,
    "end": tracking.TABLE,
    "signalling": signalling.TABLE,
    "delivery": delivery.TABLE,
}


def render(table: Mapping[Any, Any]) -> str:
    """Markdown table: state | event | next state(s) | action, in table order."""
    rows = ["| State | Event | Next state | Action |", "|---|---|---|---|"]
    for (state, event), rule in table.items():
        nxt = " / ".join(f"`{s.name}`" for s in rule.allowed())
        rows.append(f"| `{state.name}` | {event.__name__} | {nxt} | `{rule.action}` |")
    return "\n".join(rows)


def render_all() -> dict[str, str]:
    """Rendering of every engine's table, by engine name."""
    return {name: render(table) for name, table in ENGINES.items()}
