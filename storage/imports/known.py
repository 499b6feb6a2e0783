"""What the store already holds of an import's rows, so unchanged rows need no parsing.

Each stored dossier keeps `raw_digest`, a 64-bit digest of its row as it stood in the file,
seeded with the file's header, the time zone and PARSE_VERSION: the same raw row under the same
header always parses to the same record, so a re-imported row whose digest is already stored for
its unit is counted unchanged without being parsed. Only the cells the parser reads are digested,
and the phone and ID numbers only as what the store keeps of them (their last 4 digits): the
digest is made of what the store already holds, so trying candidate rows against it can reveal
nothing the store does not (a full phone number cannot be recovered from it). The importer begins
its write transaction before anything here reads the store, so what is read is exactly the
state the import starts from (WAL: readers see the last commit, and only the import writes).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Protocol, cast

from storage.imports.columns import ColumnMap
from storage.imports.values import BadValue, last4
from storage.units import normalise_unit_name

# Bump whenever parsing a row can give a different record for the same cells (a new date
# form, a changed status label...): every stored digest then stops matching, once.
# 2: personal fields digested as stored (last 4 digits), dates ASCII only and checked.
PARSE_VERSION = 2
_PRIVATE = ("phone", "id_number")  # digested only as their last 4 digits, as stored
PG_SCHEMES = ("postgresql://", "postgres://")  # a store URL, not a file: PgKnownRows


class Known(Protocol):
    """What the parser asks of the store's dossiers (KnownRows on SQLite, PgKnownRows)."""

    def digests(self, unit: str) -> set[int]:
        """The raw digests stored for the unit's dossiers."""

    def row_hash(self, unit: str, code: str) -> str | None:
        """The stored row_hash of one dossier, or None."""

    def close(self) -> None:
        """Let go of the store."""


def _as_stored(value: object) -> str:
    """A phone or ID cell reduced to what the store keeps of it (its last 4 digits, or '')."""
    if type(value) is str and value.isascii() and value.isdigit():  # the common cell, quickly
        return value[-4:] if len(value) >= 4 else ""
    try:
        return last4(value) or ""
    except BadValue:  # the parser rejects such a row: it is never stored, so never matched
        return "?"


def raw_digester(
    file_kind: str, header: Sequence[object], tz_name: str, columns: ColumnMap
) -> Callable[[Sequence[object]], int]:
    """A function row → signed 64-bit digest of the cells the parser reads, for this header.

    Phone and ID cells enter the digest reduced to their last 4 digits (see the module's
    docstring): every row that differs from another only in what the store drops of those
    numbers has the same digest, and parses to the same record.
    """
    seed = hashlib.blake2b(
        repr((PARSE_VERSION, file_kind, tz_name, list(header))).encode("utf-8"), digest_size=16
    ).digest()
    blake = hashlib.blake2b
    from_bytes = int.from_bytes
    used = sorted(set(columns.index.values()))
    width = used[-1] + 1
    take = itemgetter(*used) if len(used) > 1 else (lambda row: (row[used[0]],))
    private = [used.index(columns.index[name]) for name in _PRIVATE if name in columns.index]
    join = "\x1f".join

    def reduced(values: Sequence[object]) -> list[object]:
        """The cells the parser reads, personal numbers as stored ('' when none is kept)."""
        if len(values) < width:
            values = [*values, *([""] * (width - len(values)))]
        cells = list(take(values))
        for i in private:
            cells[i] = _as_stored(cells[i])
        return cells

    if file_kind == "csv":  # every cell is text: joining is cheaper than repr

        def digest(values: Sequence[object]) -> int:
            """The digest of a CSV row (cells joined by the unit separator)."""
            data = join(cast("list[str]", reduced(values))).encode("utf-8")  # CSV cells: text
            return from_bytes(blake(data, digest_size=8, key=seed).digest(), "big", signed=True)

        return digest

    def digest_any(values: Sequence[object]) -> int:
        """The digest of a spreadsheet row (typed cells, through repr)."""
        data = repr(reduced(values)).encode("utf-8")
        return from_bytes(blake(data, digest_size=8, key=seed).digest(), "big", signed=True)

    return digest_any


class KnownRows:
    """The raw digests and row hashes of the stored dossiers, read per unit on first need."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._conn: sqlite3.Connection | None = None
        self._digests: dict[str, set[int]] = {}

    @classmethod
    def open(cls, db_path: str | Path | None) -> Known | None:
        """KnownRows for a store file (or a PostgreSQL store's URL), or None when there is no
        store to read."""
        if db_path and str(db_path).startswith(PG_SCHEMES):
            from storage.imports.known_pg import PgKnownRows

            return PgKnownRows(str(db_path))
        if not db_path or str(db_path) == ":memory:" or not Path(db_path).exists():
            return None
        return cls(Path(db_path))

    def _read(self) -> sqlite3.Connection:
        """A read-only connection of our own (this may run in the parser process)."""
        if self._conn is None:
            uri = f"{self.db_path.resolve().as_uri()}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._conn.execute("PRAGMA busy_timeout = 5000")
        return self._conn

    def digests(self, unit: str) -> set[int]:
        """The raw digests stored for the unit's dossiers (empty for a new unit)."""
        found = self._digests.get(unit)
        if found is None:
            sql = (
                "SELECT d.raw_digest FROM dossiers d JOIN units u ON u.id = d.unit_id"
                " WHERE u.name = ? AND d.raw_digest IS NOT NULL"
            )
            rows = self._read().execute(sql, (normalise_unit_name(unit),))
            found = {row[0] for row in rows}
            self._digests[unit] = found
        return found

    def row_hash(self, unit: str, code: str) -> str | None:
        """The stored row_hash of one dossier (None when it is not stored)."""
        sql = (
            "SELECT d.row_hash FROM dossiers d JOIN units u ON u.id = d.unit_id"
            " WHERE u.name = ? AND d.code = ?"
        )
        row = self._read().execute(sql, (normalise_unit_name(unit), code)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        """Close the read connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
