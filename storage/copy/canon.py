"""The checksum of a table's rows as copied: the same number on both engines, in any order."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

MOD = 1 << 256


def canon(row: Iterable[Any]) -> bytes:
    """A row in one spelling whatever the engine returned (int, text, bytes, NULL)."""
    parts = []
    for v in row:
        if v is None:
            parts.append("n")
        elif isinstance(v, bool):
            parts.append(f"i{int(v)}")
        elif isinstance(v, int):
            parts.append(f"i{v}")
        elif isinstance(v, bytes | bytearray | memoryview):
            parts.append("b" + bytes(v).hex())
        elif isinstance(v, float):
            parts.append(f"f{v!r}")
        else:
            parts.append("s" + str(v).replace("\\", "\\\\").replace("\x1f", "\\u"))
    return "\x1f".join(parts).encode("utf-8")


class Tally:
    """Rows counted and summed: the sum of every row's sha256 modulo 2**256, so the checksum of
    a set of rows does not depend on the order each engine returns them in."""

    def __init__(self) -> None:
        self.rows = 0
        self.total = 0

    def add(self, rows: Iterable[Iterable[Any]]) -> None:
        """Count these rows in."""
        for row in rows:
            self.rows += 1
            self.total = (self.total + int.from_bytes(hashlib.sha256(canon(row)).digest())) % MOD

    @property
    def hex(self) -> str:
        """The checksum, 16 hexadecimal digits of it (enough to tell two sets apart)."""
        return f"{self.total:064x}"[:16]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tally) and (self.rows, self.total) == (other.rows, other.total)

    def __hash__(self) -> int:
        return hash((self.rows, self.total))
