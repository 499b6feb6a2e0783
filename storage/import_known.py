"""What the store already holds of an import's rows, so unchanged rows need no parsing.

Each stored dossier keeps `raw_digest`, a 64-bit digest of its row exactly as it stood in the
file (every cell), seeded with the file's header, the time zone and PARSE_VERSION: the same raw
row under the same header always parses to the same record, so a re-imported row whose digest
is already stored for its unit is counted unchanged without being parsed. The importer begins
its write transaction before anything here reads the store, so what is read is exactly the
state the import starts from (WAL: readers see the last commit, and only the import writes).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from storage.units import normalise_unit_name

# Bump whenever parsing a row can give a different record for the same cells (a new date
# form, a changed status label...): every stored digest then stops matching, once.
PARSE_VERSION = 1


def raw_digester(file_kind: str, header: Sequence[object], tz_name: str) -> Callable[
    [list[object]], int
]:
    """A function row → signed 64-bit digest of its raw cells, for this file's header."""
    seed = hashlib.blake2b(
        repr((PARSE_VERSION, file_kind, tz_name, list(header))).encode("utf-8"), digest_size=16
    ).digest()
    blake = hashlib.blake2b
    from_bytes = int.from_bytes

    if file_kind == "csv":  # every cell is text: joining is cheaper than repr

        def digest(values: list[object]) -> int:
            """The digest of a CSV row (cells joined by the unit separator)."""
            data = "\x1f".join(values).encode("utf-8")  # type: ignore[arg-type]
            return from_bytes(blake(data, digest_size=8, key=seed).digest(), "big", signed=True)

        return digest

    def digest_any(values: list[object]) -> int:
        """The digest of a spreadsheet row (typed cells, through repr)."""
        data = repr(values).encode("utf-8")
        return from_bytes(blake(data, digest_size=8, key=seed).digest(), "big", signed=True)

    return digest_any


class KnownRows:
    """The raw digests and row hashes of the stored dossiers, read per unit on first need."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._conn: sqlite3.Connection | None = None
        self._digests: dict[str, set[int]] = {}

    @classmethod
    def open(cls, db_path: str | Path | None) -> KnownRows | None:
        """KnownRows for a store file, or None when there is no store file to read."""
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
