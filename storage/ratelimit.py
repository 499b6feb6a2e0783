"""Per-user lookup limits in fixed windows (a minute and a day), kept in the store."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.db import Database


@dataclass(frozen=True)
class Limit:
    """Whether a person may look up now; when not, the time they may try again."""

    allowed: bool
    retry_at: datetime | None = None
    per_day: bool = False  # True when the day's limit was reached


def _windows(now: datetime) -> tuple[str, str]:
    """The minute and day window keys of a local time."""
    return f"m:{now:%Y-%m-%dT%H:%M}", f"d:{now:%Y-%m-%d}"


async def check(
    db: Database, channel: str, user_id: str, bucket: str, now: datetime,
    per_minute: int, per_day: int,
) -> Limit:
    """Whether this person is still under both limits (reads only)."""
    minute, day = _windows(now)
    async with db.reader.execute(
        "SELECT window, used FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        " AND window IN (?, ?)",
        (channel, user_id, bucket, minute, day),
    ) as cur:
        used = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
    if used.get(day, 0) >= per_day:
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return Limit(False, tomorrow, per_day=True)
    if used.get(minute, 0) >= per_minute:
        return Limit(False, now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    return Limit(True)


async def spend(db: Database, channel: str, user_id: str, bucket: str, now: datetime,
                cost: int = 1) -> None:
    """Count `cost` lookups in both windows; drops this person's windows of earlier days."""
    minute, day = _windows(now)
    await db.write_in_one_hop(_spend, channel, user_id, bucket, minute, day, cost)


def _spend(conn: sqlite3.Connection, channel: str, user_id: str, bucket: str, minute: str,
           day: str, cost: int) -> None:
    """spend's statements, run on the writer thread inside its transaction."""
    for window in (minute, day):
        conn.execute(
            "INSERT INTO rate_limits (channel, user_id, bucket, window, used)"
            " VALUES (?,?,?,?,?)"
            " ON CONFLICT (channel, user_id, bucket, window) DO UPDATE SET used = used + ?",
            (channel, user_id, bucket, window, cost, cost),
        )
    conn.execute(
        "DELETE FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        " AND window NOT IN (?, ?)",
        (channel, user_id, bucket, minute, day),
    )


async def prune(db: Database, now: datetime) -> int:
    """Delete every window older than today (housekeeping); returns rows deleted."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM rate_limits WHERE (window LIKE 'm:%' AND window < ?)"
            " OR (window LIKE 'd:%' AND window < ?)",
            (f"m:{now:%Y-%m-%d}", f"d:{now:%Y-%m-%d}"),
        )
        return cur.rowcount
