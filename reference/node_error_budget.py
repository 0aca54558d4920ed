"""The token bucket that limits what a node sends about messages it refuses: ERRORs, one
bucket per destination (ERR-004.1), and the REJECTs of SETUPs refused at the node, which draw
on the same bucket (SEC-025).
"""

from __future__ import annotations

from typing import Any


class ErrorBudget:
    """The ERROR budget of :class:`~.node.Node`, which mixes it in: it uses the node's fields
    (``config``, ``node_id``, ``errors_suppressed``, ``_error_tokens``)."""

    def _refusal_withheld(self, msg: dict[str, Any], now: int) -> bool:
        """SEC-025: a REJECT of a SETUP refused here draws on the same token bucket as the
        ERRORs to its destination; without a token it is not sent (the head end's setup
        timeout ends the circuit, SIG-014). Relayed REJECTs and those to the node's own
        application are never withheld."""
        if msg["type"] != "REJECT" or msg["body"].get("rejecting_node") != self.node_id \
                or msg["destination"] == self.node_id:
            return False
        if self._error_allowed(msg["destination"], now):
            return False
        self.errors_suppressed += 1
        return True

    def _error_allowed(self, dest: int, now: int) -> bool:
        """ERR-004.1: a token bucket per destination, ``error_burst`` ERRORs deep and refilled
        by one every ``error_refill_ns``; takes a token when there is one."""
        c = self.config
        if c.error_burst <= 0:
            return True
        tokens, since = self._error_tokens.get(dest, (c.error_burst, now))
        if c.error_refill_ns > 0 and now > since:
            gained, rest = divmod(now - since, c.error_refill_ns)
            if tokens + gained >= c.error_burst:
                tokens, since = c.error_burst, now
            else:
                tokens, since = tokens + gained, now - rest
        if tokens <= 0:
            self._error_tokens[dest] = (tokens, since)
            return False
        self._error_tokens[dest] = (tokens - 1, since)
        return True
