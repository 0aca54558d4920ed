"""The keys of an authenticated simulated network (scenario ``options.auth``, spec chapter 08).

``{"keys": "links"}`` gives a key to every two nodes that share a link and to each node and
the heralding stations of its links; ``{"keys": "all-pairs"}`` adds one for every two nodes of
the network, so that tracking messages between nodes that are not neighbours are signed end to
end too. ``"required"`` is the nodes' setting (``true``: keyed peers must authenticate;
``"all"``: every node must, which needs ``"all-pairs"``). Keys are derived from the run's
seed: a simulated network is a laboratory, not a deployment.

>>> ring = Keyring.of({"keys": "links"}, 1, [{"a": "A", "b": "B"}], {"A": 1, "B": 2})
>>> sorted(ring.peers_of(1)), sorted(ring.peers_of(1000001))
([2, 1000001], [1, 2])
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .world import STATION_BASE

__all__ = ["Keyring"]


@dataclass(frozen=True)
class Keyring:
    """Who shares a key with whom, the run's seed, and the nodes' ``required`` setting."""

    seed: int
    required: bool | str
    pairs: frozenset[frozenset[int]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, config: Mapping[str, Any] | None, seed: int, links: Iterable[Mapping[str, Any]],
           names: Mapping[str, int]) -> Keyring | None:
        """From the scenario's ``options.auth`` (None: no authentication)."""
        if not config:
            return None
        mode = config.get("keys", "links")
        pairs: set[frozenset[int]] = set()
        for i, link in enumerate(links, start=1):
            a, b = names[link["a"]], names[link["b"]]
            pairs |= {frozenset((a, b)), frozenset((a, STATION_BASE + i)),
                      frozenset((b, STATION_BASE + i))}
        if mode == "all-pairs":
            pairs |= {frozenset(p) for p in itertools.combinations(sorted(names.values()), 2)}
        return cls(seed, config.get("required", True), frozenset(pairs))

    def peers_of(self, nid: int) -> set[int]:
        """The nodes and stations ``nid`` shares a key with."""
        return {p for pair in self.pairs if nid in pair for p in pair if p != nid}

    def key(self, a: int, b: int) -> bytes:
        """The key ``a`` and ``b`` share (32 bytes, from the seed)."""
        lo, hi = sorted((a, b))
        return hashlib.sha256(f"qvcp-sim-key:{self.seed}:{lo}:{hi}".encode()).digest()

    def config(self, nid: int, peers: Iterable[int]) -> dict[str, Any]:
        """The ``auth`` configuration of ``nid`` (:meth:`qvcp.reference.auth.NodeAuth.of`):
        one key per peer, key id 1."""
        return {"keys": [{"peer": p, "key_id": 1, "key": self.key(nid, p).hex()}
                         for p in sorted(peers)],
                "required": self.required}
