"""The store's SQL, written with `?` or `:name` placeholders, in PostgreSQL's `$n` spelling."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

# A quoted string or identifier, a `::` cast, a `?`, or a `:name` — scanned left to right.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|::|\?|(?<![:\w]):([A-Za-z_]\w*)")
_ROWS = re.compile(r"^\s*(?:SELECT|WITH|VALUES|SHOW|EXPLAIN|TABLE)\b", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@dataclass(frozen=True)
class Translated:
    """One statement for asyncpg: its text, its parameters' names in order (named style) or
    their count, and whether it returns rows."""

    sql: str
    names: tuple[str, ...]
    count: int
    returns_rows: bool

    def args(self, params: Sequence[object] | Mapping[str, object]) -> list[object]:
        """The positional arguments of this statement for `params`."""
        if isinstance(params, Mapping):
            return [params[n] for n in self.names]
        if self.names:
            raise TypeError("named placeholders need a mapping of parameters")
        if len(params) != self.count:
            raise ValueError(f"{self.count} placeholders, {len(params)} parameters")
        return list(params)


@lru_cache(maxsize=4096)
def translate(sql: str) -> Translated:
    """`sql` with its placeholders numbered `$1`, `$2`, … (a `:name` used twice is one
    parameter); quoted text and `::` casts are left as they are."""
    names: list[str] = []
    count = 0

    def number(m: re.Match[str]) -> str:
        nonlocal count
        token = m.group(0)
        if token == "?":
            count += 1
            return f"${count}"
        if m.group(1) is not None:
            name = m.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return token

    out = _TOKEN.sub(number, sql)
    if names and count:
        raise ValueError("a statement mixes ? and :name placeholders")
    rows = bool(_ROWS.match(out)) or bool(_RETURNING.search(out))
    return Translated(out, tuple(names), count, rows)


def rowcount(status: str) -> int:
    """The rows a command changed, from its status ('UPDATE 3', 'INSERT 0 1'); -1 if none."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1
