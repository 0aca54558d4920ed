"""Which cases a run includes: ``--profile``, ``--select`` and ``-k``.

A selector matches a case when it matches (as a glob) the case id, one of its requirement
ids, one of its tags, its profile or its spec chapter (``05-signalling``).

>>> from qvcp.conformance.cases import Case
>>> c = Case(id="wire.vector.x", profile="wire", title="", requirements=("WIRE-003",),
...          run=lambda ctx: None, tags=("invalid",))
>>> [selects(s, c) for s in ("WIRE-003", "WIRE-*", "wire.vector.*", "invalid", "SIG-001")]
[True, True, True, True, False]

A keyword expression (``-k``, as pytest's) combines words with ``and``, ``or``, ``not`` and
parentheses; a word matches a case when it is a substring (ignoring case) of the same names:

>>> [keyword_matches(e, c) for e in ("vector", "wire-003 and not bdd", "sig or (x and inv)")]
[True, True, True]
>>> keyword_matches("not invalid", c)
False
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from fnmatch import fnmatchcase

from qvcp.conformance.cases import Case

__all__ = ["KeywordError", "compile_keyword", "keyword_matches", "select", "selects"]

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([^\s()]+))")
_OPERATORS = frozenset({"and", "or", "not"})
Matcher = Callable[[Sequence[str]], bool]


class KeywordError(ValueError):
    """A ``-k`` expression that does not parse; the message says where and why."""


def _names(case: Case) -> tuple[str, ...]:
    return (case.id, case.profile, *case.requirements, *case.tags,
            *((case.chapter,) if case.chapter else ()))


def selects(selector: str, case: Case) -> bool:
    """True when ``selector`` names ``case``."""
    return any(fnmatchcase(name, selector) for name in _names(case))


def _tokens(expression: str) -> list[tuple[int, str]]:
    tokens, pos = [], 0
    while pos < len(expression):
        m = _TOKEN.match(expression, pos)
        if m is None:  # only trailing whitespace is left
            break
        tokens.append((m.start(m.lastindex or 0), m.group(m.lastindex or 0)))
        pos = m.end()
    return tokens


class _Parser:
    """Recursive descent: ``or`` binds loosest, then ``and``, then ``not``."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.i = 0

    def _peek(self) -> str | None:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else None

    def _error(self, what: str) -> KeywordError:
        at = self.tokens[self.i][0] if self.i < len(self.tokens) else len(self.expression)
        return KeywordError(f"{what} at column {at + 1} of {self.expression!r}")

    def parse(self) -> Matcher:
        if not self.tokens:
            raise KeywordError("empty expression")
        matcher = self._or()
        if self.i < len(self.tokens):
            raise self._error(f"unexpected {self._peek()!r}")
        return matcher

    def _or(self) -> Matcher:
        parts = [self._and()]
        while self._peek() == "or":
            self.i += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda n: any(p(n) for p in parts))

    def _and(self) -> Matcher:
        parts = [self._not()]
        while self._peek() == "and":
            self.i += 1
            parts.append(self._not())
        return parts[0] if len(parts) == 1 else (lambda n: all(p(n) for p in parts))

    def _not(self) -> Matcher:
        if self._peek() == "not":
            self.i += 1
            inner = self._not()
            return lambda n: not inner(n)
        return self._primary()

    def _primary(self) -> Matcher:
        token = self._peek()
        if token is None:
            raise self._error("expected a word or '('")
        if token == "(":
            self.i += 1
            inner = self._or()
            if self._peek() != ")":
                raise self._error("expected ')'")
            self.i += 1
            return inner
        if token == ")" or token in _OPERATORS:
            raise self._error(f"expected a word or '(', not {token!r}")
        self.i += 1
        word = token.lower()
        return lambda names: any(word in name.lower() for name in names)


def compile_keyword(expression: str) -> Callable[[Case], bool]:
    """A predicate on cases for ``expression``.

    Raises:
        KeywordError: ``expression`` does not parse.
    """
    matcher = _Parser(expression).parse()
    return lambda case: matcher(_names(case))


def keyword_matches(expression: str, case: Case) -> bool:
    """True when the keyword ``expression`` selects ``case``."""
    return compile_keyword(expression)(case)


def select(cases: Iterable[Case], *, selectors: Sequence[str] = (),
           profiles: Sequence[str] = (), keyword: str = "",
           only: Collection[str] | None = None) -> list[Case]:
    """The cases of ``profiles`` (all if empty) matching any selector (all if none), the
    keyword expression (all if empty) and, when given, whose id is in ``only``.

    Raises:
        KeywordError: ``keyword`` does not parse.
    """
    wanted = compile_keyword(keyword) if keyword else None
    return [c for c in cases
            if (not profiles or c.profile in profiles)
            and (not selectors or any(selects(s, c) for s in selectors))
            and (wanted is None or wanted(c))
            and (only is None or c.id in only)]
