"""Write an import's records into PostgreSQL: COPY into a staging table, then one upsert.

The SQLite writer (storage/imports/write.py) upserts batch by batch on its writer thread. Here
each parsed chunk of dossiers is streamed with COPY (asyncpg's `copy_records_to_table`) into a
TEMP staging table dropped at commit, while the next chunk is parsed; at the end one statement
inserts the new dossiers, updates those whose content (row_hash) changed, and records the status
events of both from the diff against the rows as they stood before it — all inside the import's
one transaction. No table lock is taken beyond the ROW EXCLUSIVE of any INSERT/UPDATE, no index
is dropped and no trigger disabled: lookups go on, seeing the old rows until the commit (MVCC).
Dossiers are merged by
groups of MERGE_ROWS, so the server merges one while the next chunks are parsed.
The catalogue (small) is upserted chunk by chunk with its content compared in Python, as on
SQLite.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, Protocol

import asyncpg

from storage.imports.ahead import OneAhead
from storage.imports.rows import DOSSIER_FIELDS, PROCEDURE_FIELDS, row_hash
from storage.imports.write import Batch, Counts, stamp
from storage.pg.conn import PgConn
from storage.units import ensure_unit_in

STAGE = "import_stage"
# Staged dossiers merged at once: large enough to amortise each statement, small enough that the
# server merges one group while the parser makes the next (the two cores work side by side).
MERGE_ROWS = 25_000
_STAGE_COLUMNS = ("seq", "unit_id", *DOSSIER_FIELDS, "row_hash", "raw_digest")
_MAKE_STAGE = (
    f"CREATE TEMP TABLE {STAGE} ON COMMIT DROP AS SELECT 0::BIGINT AS seq, unit_id, "
    f"{', '.join(DOSSIER_FIELDS)}, row_hash, raw_digest FROM dossiers WITH NO DATA"
)
# Same content, written differently in the file: only the raw digest is learned (SQLite alike).
_LEARN_RAW = (
    f"UPDATE dossiers d SET raw_digest = s.raw_digest FROM {STAGE} s"
    " WHERE d.unit_id = s.unit_id AND d.code = s.code AND d.row_hash = s.row_hash"
    " AND s.raw_digest IS NOT NULL AND d.raw_digest IS DISTINCT FROM s.raw_digest"
)
_COLS = ", ".join(DOSSIER_FIELDS)
_SET = ", ".join(
    f"{f} = EXCLUDED.{f}" for f in (*DOSSIER_FIELDS[1:], "row_hash", "raw_digest", "updated_at")
)
# One statement: the stored status of every staged code before it (`old`, looked up row by row
# through the unique index: a join would scan the whole table), the upsert (`up`, `xmax = 0`
# tells an inserted row from an updated one), and the status events: the first one of each new
# dossier, one per changed status. The FK of the events is checked at the statement's end, when
# the dossiers inserted by `up` exist.
_MERGE = f"""
WITH old AS (
    SELECT s.unit_id, s.code, (
        SELECT d.status FROM dossiers d WHERE d.unit_id = s.unit_id AND d.code = s.code
    ) AS status FROM {STAGE} s
), up AS (
    INSERT INTO dossiers AS d (unit_id, {_COLS}, row_hash, raw_digest, updated_at)
    SELECT unit_id, {_COLS}, row_hash, raw_digest, $2 FROM {STAGE} ORDER BY seq
    ON CONFLICT (unit_id, code) DO UPDATE SET {_SET}
    WHERE d.row_hash <> EXCLUDED.row_hash
    RETURNING d.id, d.unit_id, d.code, d.status, d.status_at, (d.xmax = 0) AS fresh
), events AS (
    INSERT INTO status_events (dossier_id, unit_id, old_status, new_status, status_at,
                               import_run_id, recorded_at)
    SELECT up.id, up.unit_id, old.status, up.status, up.status_at, $1, $2
    FROM up JOIN old ON old.unit_id = up.unit_id AND old.code = up.code
    WHERE up.fresh OR old.status <> up.status
    ORDER BY up.fresh DESC, up.id
    RETURNING old_status
)
SELECT (SELECT COUNT(*) FROM up WHERE fresh) AS inserted,
       (SELECT COUNT(*) FROM up WHERE NOT fresh) AS updated,
       (SELECT COUNT(*) FROM events WHERE old_status IS NOT NULL) AS changes,
       (SELECT COUNT(*) FROM {STAGE}) AS staged
"""
# Units that held no dossier when the import began (a first load): every staged record is new
# (the parser dropped the file's own repeats), so there is nothing to compare: a plain insert
# and the first status events, as SQLite's writer does for such units.
_INSERT_NEW = f"""
WITH up AS (
    INSERT INTO dossiers (unit_id, {_COLS}, row_hash, raw_digest, updated_at)
    SELECT unit_id, {_COLS}, row_hash, raw_digest, $2 FROM {STAGE} ORDER BY seq
    RETURNING id, unit_id, status, status_at
), events AS (
    INSERT INTO status_events (dossier_id, unit_id, old_status, new_status, status_at,
                               import_run_id, recorded_at)
    SELECT id, unit_id, NULL, status, status_at, $1, $2 FROM up ORDER BY id
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM up) AS inserted, 0 AS updated, 0 AS changes,
       (SELECT COUNT(*) FROM events) AS staged
"""
_HAS_DOSSIERS = "SELECT EXISTS (SELECT 1 FROM dossiers WHERE unit_id = $1)"
_STORED_PROCEDURES = (
    f"SELECT id, {', '.join(PROCEDURE_FIELDS)} FROM procedures"
    " WHERE unit_id = $1 AND code = ANY($2::TEXT[])"
)
_INSERT_PROCEDURE = "INSERT INTO procedures (unit_id, {}, updated_at) VALUES ({})".format(
    ", ".join(PROCEDURE_FIELDS), ", ".join(f"${i}" for i in range(1, len(PROCEDURE_FIELDS) + 3))
)
_UPDATE_PROCEDURE = "UPDATE procedures SET {} WHERE unit_id = ${} AND id = ${}".format(
    ", ".join(f"{f} = ${i}" for i, f in enumerate((*PROCEDURE_FIELDS[1:], "updated_at"), 1)),
    len(PROCEDURE_FIELDS) + 1,
    len(PROCEDURE_FIELDS) + 2,
)


class Tally(Protocol):
    """What the writer reads and adds to: the run's id and the import's counts."""

    run_id: int
    inserted: int
    updated: int
    unchanged: int
    status_changes: int


class PgWriter(OneAhead):
    """Writes an import's chunks on the transaction's connection, one chunk behind the parsing."""

    def __init__(self, raw: asyncpg.Connection, kind: str, tally: Tally) -> None:
        self.raw = raw
        self.kind = kind
        self.tally = tally
        self.units: dict[str, int] = {}
        self.empty_units: set[int] = set()  # held no dossier when the import began
        self.group_units: set[int] = set()  # the units of the staged records not merged yet
        self.staged = 0  # dossier records copied into the staging table so far
        self.waiting = 0  # of which not merged yet

    async def __aenter__(self) -> PgWriter:
        return self

    def _start(self, records: Batch) -> Awaitable[None]:
        """One chunk on the transaction's connection."""
        return self._write(records)

    async def close(self) -> None:
        """After the last chunk: merge the staged dossiers into the store, add up the counts."""
        await self.finish()
        if self.waiting:
            await self._merge()

    async def _merge(self) -> None:
        """Merge the staged dossiers into the store and empty the staging table."""
        first_load = self.group_units <= self.empty_units
        self._add(await merge(self.raw, self.tally.run_id, first_load))
        self.waiting = 0
        self.group_units = set()

    def _add(self, counts: Counts) -> None:
        """Add one write's counts to the import's."""
        self.tally.inserted += counts.inserted
        self.tally.updated += counts.updated
        self.tally.unchanged += counts.unchanged
        self.tally.status_changes += counts.status_changes

    async def _unit(self, name: str) -> int:
        """The unit's id, created on first sight (remembered for the rest of the import)."""
        if name not in self.units:
            unit = self.units[name] = await ensure_unit_in(PgConn(self.raw), name)
            if self.kind == "dossiers" and not await self.raw.fetchval(_HAS_DOSSIERS, unit):
                self.empty_units.add(unit)
        return self.units[name]

    async def _write(self, records: Batch) -> None:
        """One chunk: dossiers into the staging table, catalogue entries upserted at once."""
        by_unit: dict[int, list[tuple[tuple[object, ...], str, int | None]]] = {}
        for name, record, digest, raw in records:
            by_unit.setdefault(await self._unit(name), []).append((record, digest, raw))
        if self.kind != "dossiers":
            for unit, items in by_unit.items():
                self._add(await upsert_procedures(self.raw, unit, items))
            return
        if not self.staged:
            await self.raw.execute(_MAKE_STAGE)
        rows: list[tuple[Any, ...]] = []
        seq = self.staged
        self.group_units.update(by_unit)
        for unit, items in by_unit.items():
            for record, digest, raw in items:
                seq += 1
                rows.append((seq, unit, *record, digest, raw))
        await self.raw.copy_records_to_table(STAGE, records=rows, columns=_STAGE_COLUMNS)
        self.waiting += seq - self.staged
        self.staged = seq
        if self.waiting >= MERGE_ROWS:  # the server merges while the next chunks are parsed
            await self._merge()


async def merge(raw: asyncpg.Connection, run_id: int, first_load: bool = False) -> Counts:
    """Upsert the staged dossiers and record their status events (inside the transaction),
    then empty the staging table. first_load: every staged unit held no dossier when the
    import began (nothing to compare)."""
    now = stamp()
    if not first_load:
        await raw.execute(_LEARN_RAW)
    row = await raw.fetchrow(_INSERT_NEW if first_load else _MERGE, run_id, now)
    assert row is not None
    await raw.execute(f"TRUNCATE {STAGE}")
    inserted, updated = int(row["inserted"]), int(row["updated"])
    return Counts(inserted, updated, int(row["staged"]) - inserted - updated, int(row["changes"]))


async def upsert_procedures(
    raw: asyncpg.Connection, unit: int, items: list[tuple[tuple[object, ...], str, int | None]]
) -> Counts:
    """Insert new catalogue entries and update changed ones (compared by content)."""
    codes = [str(r[0]) for r, _, _ in items]
    stored = {
        str(r["code"]): (int(r["id"]), row_hash(tuple(r)[1:]))
        for r in await raw.fetch(_STORED_PROCEDURES, unit, codes)
    }
    now = stamp()
    counts = Counts()
    inserts, updates = [], []
    for record, digest, _ in items:
        old = stored.get(str(record[0]))
        if old is None:
            inserts.append((unit, *record, now))
        elif old[1] == digest:
            counts.unchanged += 1
        else:
            updates.append((*record[1:], now, unit, old[0]))
    if inserts:
        await raw.executemany(_INSERT_PROCEDURE, inserts)
    if updates:
        await raw.executemany(_UPDATE_PROCEDURE, updates)
    counts.inserted, counts.updated = len(inserts), len(updates)
    return counts
