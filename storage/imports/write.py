"""Write one batch of imported records, synchronously, on the store's writer thread.

The importer hands a whole batch to the writer connection's own thread in one call
(`Database.run_in_writer`), so the next batch is parsed while this one is written.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storage.imports.rows import DOSSIER_FIELDS, PROCEDURE_FIELDS, row_hash
from storage.inline import InlineConn, drive
from storage.units import ensure_unit_in

_STATUS = DOSSIER_FIELDS.index("status")
_STATUS_AT = DOSSIER_FIELDS.index("status_at")
_INSERT_DOSSIER = "INSERT INTO dossiers ({}) VALUES ({})".format(
    ", ".join(("id", "unit_id", *DOSSIER_FIELDS, "row_hash", "raw_digest", "updated_at")),
    ",".join("?" * (len(DOSSIER_FIELDS) + 5)),
)
_UPDATE_DOSSIER = "UPDATE dossiers SET {} WHERE id = ?".format(
    ", ".join(f"{f} = ?" for f in (*DOSSIER_FIELDS[1:], "row_hash", "raw_digest", "updated_at"))
)
_SET_RAW_DIGEST = "UPDATE dossiers SET raw_digest = ? WHERE id = ?"
# The first status event of each dossier just inserted, copied inside SQLite (no binding per row).
_FIRST_EVENTS = (
    "INSERT INTO status_events (dossier_id, unit_id, old_status, new_status, status_at,"
    " import_run_id, recorded_at) SELECT id, unit_id, NULL, status, status_at, ?, ? FROM dossiers"
    " WHERE id >= ? AND id < ? ORDER BY id"
)
_INSERT_EVENT = (
    "INSERT INTO status_events (dossier_id, unit_id, old_status, new_status, status_at,"
    " import_run_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_PROCEDURE = "INSERT INTO procedures ({}) VALUES ({})".format(
    ", ".join(("unit_id", *PROCEDURE_FIELDS, "updated_at")),
    ",".join("?" * (len(PROCEDURE_FIELDS) + 2)),
)
_UPDATE_PROCEDURE = "UPDATE procedures SET {} WHERE id = ?".format(
    ", ".join(f"{f} = ?" for f in (*PROCEDURE_FIELDS[1:], "updated_at"))
)

# (unit name, record, content digest, raw digest of the file's row or None)
Batch = list[tuple[str, tuple[object, ...], str, int | None]]


@dataclass
class Counts:
    """What one batch did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    status_changes: int = 0


def stamp() -> str:
    """Now, UTC ISO (bookkeeping times of the store)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def unit_id(conn: sqlite3.Connection, name: str, cache: dict[str, int]) -> int:
    """The unit's id, created on first sight (remembered for the rest of the import)."""
    if name not in cache:
        cache[name] = drive(ensure_unit_in(InlineConn(conn), name))
    return cache[name]


def _existing(conn: sqlite3.Connection, table: str, unit: int, codes: list[str]) -> dict:
    """code → (id, row_hash, status, raw_digest) of the stored rows (None for procedures)."""
    extra = "row_hash, status, raw_digest" if table == "dossiers" else "NULL, NULL, NULL"
    sql = (
        f"SELECT code, id, {extra} FROM {table} WHERE unit_id = ?"
        " AND code IN (SELECT value FROM json_each(?))"
    )
    return {
        row[0]: (row[1], row[2], row[3], row[4])
        for row in conn.execute(sql, (unit, json.dumps(codes, ensure_ascii=False)))
    }


@dataclass
class WriteState:
    """What the batches of one import share: unit ids, the next dossier id, empty units."""

    units: dict[str, int] = field(default_factory=dict)
    next_id: int | None = None
    empty_units: set[int] = field(default_factory=set)  # had no dossier when the import began
    checked_units: set[int] = field(default_factory=set)
    first_batch: bool = True
    dropped_indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements to redo
    dropped_triggers: list[str] = field(default_factory=list)  # CREATE TRIGGER statements to redo
    touched_units: set[int] = field(default_factory=set)  # units whose dossiers were written


# Loading a big file into an empty store: the secondary indexes of these tables are dropped for
# the load and built once at the end (one sort instead of a B-tree insert per row each: about
# 15 % of the writing time on 200,000 rows). Inside the import's transaction, so a refused or
# failed import gets them back with the rollback.
_BULK_TABLES = ("dossiers", "status_events")
BULK_MIN_ROWS = 1000  # a first chunk of 2,000 rows may hold a few rejected ones


def _drop_indexes_for_a_first_load(conn: sqlite3.Connection, state: WriteState) -> None:
    """Drop the secondary indexes when the store has no dossier yet (remembering them)."""
    if conn.execute("SELECT 1 FROM dossiers LIMIT 1").fetchone() is not None:
        return
    marks = ",".join("?" * len(_BULK_TABLES))
    sql = (
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY name"
    )
    for name, create in conn.execute(sql, _BULK_TABLES).fetchall():
        conn.execute(f'DROP INDEX "{name}"')
        state.dropped_indexes.append(create)


# A big import marks the figures' counters of the units it wrote stale once, at its end, instead
# of per row by the triggers of migration 0022 (about 13 us a row). The triggers on dossiers and
# their status events are dropped for the import and created again before it commits, all inside
# its transaction (which holds the write lock): no other writer runs meanwhile, readers never see
# them missing, and a failed or refused import gets them back with the rollback.
_MARKING_TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN"
    " ('dossiers', 'status_events') AND name LIKE 'stats_dirty_%' ORDER BY name"
)
_MARK_DIRTY = "INSERT OR IGNORE INTO stats_dirty (unit_id) VALUES (?)"


def _suspend_dirty_marking(conn: sqlite3.Connection, state: WriteState) -> None:
    """Drop the per-row marking triggers for this import (remembering them)."""
    for name, create in conn.execute(_MARKING_TRIGGERS).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
        state.dropped_triggers.append(create)


def finish_writes(conn: sqlite3.Connection, state: WriteState) -> None:
    """Build again the indexes dropped for a first load, mark the units written stale once and
    create the marking triggers again (before the import commits)."""
    for create in state.dropped_indexes:
        conn.execute(create)
    state.dropped_indexes.clear()
    if state.dropped_triggers:
        conn.executemany(_MARK_DIRTY, [(unit,) for unit in sorted(state.touched_units)])
        for create in state.dropped_triggers:
            conn.execute(create)
        state.dropped_triggers.clear()


def write_batch(
    conn: sqlite3.Connection, kind: str, batch: Batch, run_id: int, state: WriteState
) -> Counts:
    """Upsert a batch (inside the caller's transaction) and record status events."""
    if state.first_batch:
        state.first_batch = False
        if kind == "dossiers" and len(batch) >= BULK_MIN_ROWS:
            _drop_indexes_for_a_first_load(conn, state)
            _suspend_dirty_marking(conn, state)
    counts = Counts()
    by_unit: dict[int, list[tuple[tuple[object, ...], str, int | None]]] = {}
    for name, record, digest, raw in batch:
        by_unit.setdefault(unit_id(conn, name, state.units), []).append((record, digest, raw))
    for unit, items in by_unit.items():
        if kind == "dossiers":
            _dossiers(conn, unit, items, run_id, counts, state)
        else:
            _procedures(conn, unit, items, counts)
    return counts


def _dossiers(
    conn: sqlite3.Connection, unit: int, items: list, run_id: int, counts: Counts,
    state: WriteState,
) -> None:
    """Insert new dossiers, update changed ones, record status events."""
    if unit not in state.checked_units:
        state.checked_units.add(unit)
        sql = "SELECT 1 FROM dossiers WHERE unit_id = ? LIMIT 1"
        if conn.execute(sql, (unit,)).fetchone() is None:
            state.empty_units.add(unit)
    # A unit with no dossier before this import: every record is new (the parser already
    # dropped the file's own repeats), so there is nothing to look up.
    existing = {} if unit in state.empty_units else _existing(
        conn, "dossiers", unit, [str(r[0]) for r, _, _ in items]
    )
    now = stamp()
    # Ids are given here (the transaction holds the write lock), so the first status events
    # need no lookup of the rows just inserted.
    if state.next_id is None:
        sql = "SELECT COALESCE(MAX(id), 0) FROM dossiers"
        state.next_id = int(conn.execute(sql).fetchone()[0]) + 1
    first_id = next_id = state.next_id
    inserts, updates, events, raws = [], [], [], []
    for record, digest, raw in items:
        old = existing.get(str(record[0]))
        if old is None:
            inserts.append((next_id, unit, *record, digest, raw, now))
            next_id += 1
        elif old[1] == digest:
            counts.unchanged += 1
            if raw is not None and old[3] != raw:  # same content, written differently
                raws.append((raw, old[0]))
        else:
            updates.append((*record[1:], digest, raw, now, old[0]))
            if old[2] != record[_STATUS]:
                events.append(
                    (old[0], unit, old[2], record[_STATUS], record[_STATUS_AT], run_id, now)
                )
                counts.status_changes += 1
    state.next_id = next_id
    if inserts:
        conn.executemany(_INSERT_DOSSIER, inserts)
        conn.execute(_FIRST_EVENTS, (run_id, now, first_id, next_id))
    if updates:
        conn.executemany(_UPDATE_DOSSIER, updates)
    if events:
        conn.executemany(_INSERT_EVENT, events)
    if raws:
        conn.executemany(_SET_RAW_DIGEST, raws)
    if inserts or updates or events:  # what the marking triggers would have fired on
        state.touched_units.add(unit)
    counts.inserted += len(inserts)
    counts.updated += len(updates)


def _procedures(conn: sqlite3.Connection, unit: int, items: list, counts: Counts) -> None:
    """Insert new catalogue entries and update changed ones (compared by content)."""
    codes = [str(r[0]) for r, _, _ in items]
    existing = _existing(conn, "procedures", unit, codes)
    stored: dict[str, str] = {}
    cols = ", ".join(PROCEDURE_FIELDS)
    for i in range(0, len(codes), 900):
        chunk = codes[i : i + 900]
        sql = (
            f"SELECT {cols} FROM procedures WHERE unit_id = ?"
            f" AND code IN ({','.join('?' * len(chunk))})"
        )
        for row in conn.execute(sql, (unit, *chunk)):
            stored[row[0]] = row_hash(tuple(row))
    now = stamp()
    inserts, updates = [], []
    for record, digest, _ in items:
        old = existing.get(str(record[0]))
        if old is None:
            inserts.append((unit, *record, now))
        elif stored.get(str(record[0])) == digest:
            counts.unchanged += 1
        else:
            updates.append((*record[1:], now, old[0]))
    if inserts:
        conn.executemany(_INSERT_PROCEDURE, inserts)
    if updates:
        conn.executemany(_UPDATE_PROCEDURE, updates)
    counts.inserted += len(inserts)
    counts.updated += len(updates)
