"""Queries behind the scheduled pushes: leaders' digest counts and an import's status events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.db import Database
from storage.timefmt import day_end, day_start

_OPEN_NOT_PAUSED = (
    "finished_at IS NULL AND status NOT IN"
    " ('result','returned','rejected','stopped','withdrawn','supplement','payment')"
)


@dataclass(frozen=True)
class DigestCounts:
    """A unit's figures for the leaders' morning digest."""

    due_today: int
    received: int  # received_at within [since, until]
    resolved: int  # finished_at within [since, until]


@dataclass(frozen=True)
class StatusEvent:
    """One recorded status change of a dossier (from an import run)."""

    id: int
    dossier_id: int
    old_status: str | None
    new_status: str
    status_at: str


async def digest_counts(
    db: Database, unit_id: int, today: date, since: date, until: date
) -> DigestCounts:
    """Due today (open, not waiting for the citizen), received and resolved in [since, until]."""
    sql = (
        "SELECT"
        f" (SELECT COUNT(*) FROM dossiers WHERE unit_id = :u AND {_OPEN_NOT_PAUSED}"
        "   AND due_at >= :t0 AND due_at <= :t1),"
        " (SELECT COUNT(*) FROM dossiers WHERE unit_id = :u AND received_at >= :s0"
        "   AND received_at <= :s1),"
        " (SELECT COUNT(*) FROM dossiers WHERE unit_id = :u AND finished_at >= :s0"
        "   AND finished_at <= :s1)"
    )
    params = {
        "u": unit_id,
        "t0": day_start(today),
        "t1": day_end(today),
        "s0": day_start(since),
        "s1": day_end(until),
    }
    async with db.reader.execute(sql, params) as cur:
        row = await cur.fetchone()
    assert row is not None  # an aggregate query always returns one row
    return DigestCounts(int(row[0]), int(row[1]), int(row[2]))


async def status_events_of_run(db: Database, run_id: int) -> list[StatusEvent]:
    """The status changes an import run recorded (old status known), in id order."""
    sql = (
        "SELECT id, dossier_id, old_status, new_status, status_at FROM status_events"
        " WHERE import_run_id = ? AND old_status IS NOT NULL AND old_status <> new_status"
        " ORDER BY id"
    )
    async with db.reader.execute(sql, (run_id,)) as cur:
        rows = await cur.fetchall()
    return [StatusEvent(int(r[0]), int(r[1]), r[2], str(r[3]), str(r[4])) for r in rows]


async def units_with_staff(db: Database) -> list[int]:
    """Ids of units that have at least one active staff member."""
    sql = "SELECT DISTINCT unit_id FROM staff WHERE revoked_at IS NULL ORDER BY unit_id"
    async with db.reader.execute(sql) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def dossier_code(db: Database, dossier_id: int) -> str | None:
    """The code of the dossier with this id, or None."""
    async with db.reader.execute("SELECT code FROM dossiers WHERE id = ?", (dossier_id,)) as cur:
        row = await cur.fetchone()
    return None if row is None else str(row[0])
