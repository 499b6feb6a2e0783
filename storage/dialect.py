"""The few SQL differences between the two store engines, asked where a statement is built."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """One engine's spelling of what standard SQL leaves to each engine."""

    name: str  # "sqlite" | "postgresql"

    @property
    def is_postgresql(self) -> bool:
        """True on PostgreSQL."""
        return self.name == "postgresql"

    def in_list(self, expr: str) -> str:
        """`expr` is one of a list passed as one parameter (see list_param)."""
        if self.is_postgresql:
            return f"{expr} = ANY(?)"
        return f"{expr} IN (SELECT value FROM json_each(?))"

    def list_param(self, values: Iterable[object]) -> object:
        """The parameter of in_list: a JSON array on SQLite, an array on PostgreSQL."""
        items = list(values)
        return items if self.is_postgresql else json.dumps(items)

    def position(self, needle: str, haystack: str) -> str:
        """1-based position of needle in haystack, 0 when absent."""
        if self.is_postgresql:
            return f"strpos({haystack}, {needle})"
        return f"instr({haystack}, {needle})"

    @property
    def for_update(self) -> str:
        """Appended to a SELECT whose rows the transaction will change: locks them where rows
        can be locked (SQLite's single writer needs no lock)."""
        return " FOR UPDATE" if self.is_postgresql else ""

    def indexed_by(self, index: str) -> str:
        """` INDEXED BY index` after a table name on SQLite (its planner's hint); nothing on
        PostgreSQL, whose planner has no hints."""
        return "" if self.is_postgresql else f" INDEXED BY {index}"

    @property
    def no_index(self) -> str:
        """Put before a column to keep SQLite's planner from using its index (unary +);
        nothing on PostgreSQL (no + on text)."""
        return "" if self.is_postgresql else "+"

    @property
    def skip_locked(self) -> str:
        """Appended to a SELECT claiming rows: FOR UPDATE SKIP LOCKED where rows can be locked
        (SQLite's single writer needs none)."""
        return " FOR UPDATE SKIP LOCKED" if self.is_postgresql else ""


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
