"""Queries behind the scheduled pushes: leaders' digest counts and a dossier's unit and code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.store import Store
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


async def digest_counts(
    db: Store, unit_id: int, today: date, since: date, until: date
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
    if row is None:  # one row always comes back; this satisfies the type checker
        return DigestCounts(0, 0, 0)
    return DigestCounts(int(row[0]), int(row[1]), int(row[2]))


async def dossier_code(
    db: Store, dossier_id: int, unit_id: int | None = None
) -> tuple[int, str] | None:
    """The unit and code of the dossier with this id (ids are unique across units), or None;
    of that unit only when given (the key on a store spread by unit)."""
    sql, params = "SELECT unit_id, code FROM dossiers WHERE id = ?", [dossier_id]
    if unit_id is not None:
        sql, params = sql + " AND unit_id = ?", [dossier_id, unit_id]
    async with db.reader.execute(sql, params) as cur:
        row = await cur.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))
