"""The checksum of a table's rows as copied: the same number on both engines, in any order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

MOD = 1 << 256


def canon(row: Iterable[Any]) -> bytes:
    """A row in one spelling: Python's repr of its values, which both engines return as the
    same types once the copy made them the target column's (int, str, bytes, None)."""
    return repr(tuple(row)).encode("utf-8")


class Tally:
    """Rows counted and summed: the sum of every row's sha256 modulo 2**256, so the checksum of
    a set of rows does not depend on the order each engine returns them in."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, rows: Iterable[Iterable[Any]]) -> None:
        """Count these rows in."""
        total, n = 0, 0
        for row in rows:
            n += 1
            total += int.from_bytes(hashlib.sha256(repr(tuple(row)).encode("utf-8")).digest())
        self.rows += n
        self.total = (self.total + total) % MOD

    @property
    def hex(self) -> str:
        """The checksum, 16 hexadecimal digits of it (enough to tell two sets apart)."""
        return f"{self.total:064x}"[:16]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and (self.rows, self.total) == (other.rows, other.total)

    def __hash__(self) -> int:
        return hash((self.rows, self.total))
