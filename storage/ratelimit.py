"""Per-person lookup limits in fixed windows (a minute and a day), checked and spent atomically."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from storage.db import Database

T = TypeVar("T")


@dataclass(frozen=True)
class Limit:
    """Whether a person may look up now; when not, the time they may try again."""

    allowed: bool
    retry_at: datetime | None = None
    per_day: bool = False  # True when the day's limit was reached


def _windows(now: datetime) -> tuple[str, str]:
    """The minute and day window keys of a local time ('m:YYYY-MM-DDTHH:MM', 'd:YYYY-MM-DD')."""
    stamp = now.isoformat()
    return f"m:{stamp[:16]}", f"d:{stamp[:10]}"


def _refusal(now: datetime, per_day: bool) -> Limit:
    """The Limit refusing a person until the next day or the next minute."""
    if per_day:
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return Limit(False, tomorrow, per_day=True)
    return Limit(False, now.replace(second=0, microsecond=0) + timedelta(minutes=1))


async def take(
    db: Database, channel: str, user_id: str, bucket: str, now: datetime,
    per_minute: int, per_day: int, cost: int = 1,
) -> Limit:
    """Check both limits and spend `cost` in ONE write transaction (BEGIN IMMEDIATE).

    Refused (nothing spent) when the person already used their minute's or day's lookups.
    Concurrent calls are serialised by SQLite's write lock, so at most the limit get through,
    whatever the number of chats, tasks or processes asking at once.
    """
    minute, day = _windows(now)
    refused = await db.write_in_one_hop(
        _take, channel, user_id, bucket, minute, day, cost, per_minute, per_day
    )
    return Limit(True) if refused is None else _refusal(now, refused == "day")


async def take_and_read(
    db: Database, channel: str, user_id: str, bucket: str, now: datetime,
    per_minute: int, per_day: int, read: Callable[[sqlite3.Connection], T],
    misses: Callable[[T], int],
) -> tuple[Limit, T | None]:
    """take, then (when allowed) read(conn) and spend misses(result) lookups more, all in ONE
    write transaction on the writer's thread: one hop for a whole citizen's lookup.

    Refused: nothing is spent and nothing read (the result is None)."""
    minute, day = _windows(now)

    def run(conn: sqlite3.Connection) -> tuple[str | None, T | None]:
        """The transaction's body on the writer thread."""
        refused = _take(conn, channel, user_id, bucket, minute, day, 1, per_minute, per_day)
        if refused is not None:
            return refused, None
        result = read(conn)
        extra = misses(result)
        if extra:
            _spend(conn, channel, user_id, bucket, minute, day, extra)
        return None, result

    refused, result = await db.write_in_one_hop(run)
    return (Limit(True) if refused is None else _refusal(now, refused == "day")), result


def _take(conn: sqlite3.Connection, channel: str, user_id: str, bucket: str, minute: str,
          day: str, cost: int, per_minute: int, per_day: int) -> str | None:
    """take's statements on the writer thread: 'day' or 'minute' when refused, else None."""
    rows = conn.execute(
        "SELECT window, used FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        " AND window IN (?, ?)",
        (channel, user_id, bucket, minute, day),
    ).fetchall()
    used = {str(r["window"]): int(r["used"]) for r in rows}
    if used.get(day, 0) >= per_day:
        return "day"
    if used.get(minute, 0) >= per_minute:
        return "minute"
    _spend(conn, channel, user_id, bucket, minute, day, cost)
    return None


async def spend(db: Database, channel: str, user_id: str, bucket: str, now: datetime,
                cost: int = 1) -> None:
    """Count `cost` more lookups in both windows (a miss's extra cost, after take)."""
    minute, day = _windows(now)
    await db.write_in_one_hop(_spend, channel, user_id, bucket, minute, day, cost)


def _spend(conn: sqlite3.Connection, channel: str, user_id: str, bucket: str, minute: str,
           day: str, cost: int) -> None:
    """Add cost to both windows; drops this person's windows of earlier minutes and days."""
    conn.execute(
        "INSERT INTO rate_limits (channel, user_id, bucket, window, used)"
        " VALUES (?,?,?,?,?), (?,?,?,?,?)"
        " ON CONFLICT (channel, user_id, bucket, window) DO UPDATE SET used = used + ?",
        (channel, user_id, bucket, minute, cost, channel, user_id, bucket, day, cost, cost),
    )
    conn.execute(
        "DELETE FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        " AND window NOT IN (?, ?)",
        (channel, user_id, bucket, minute, day),
    )


async def used(db: Database, channel: str, user_id: str, bucket: str, now: datetime) -> int:
    """Lookups counted today for this person and bucket (for tests and the benchmark)."""
    _, day = _windows(now)
    async with db.reader.execute(
        "SELECT used FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        " AND window = ?",
        (channel, user_id, bucket, day),
    ) as cur:
        row = await cur.fetchone()
    return int(row["used"]) if row else 0


async def prune(db: Database, now: datetime) -> int:
    """Delete every window older than today (housekeeping); returns rows deleted."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM rate_limits WHERE (window LIKE 'm:%' AND window < ?)"
            " OR (window LIKE 'd:%' AND window < ?)",
            (f"m:{now:%Y-%m-%d}", f"d:{now:%Y-%m-%d}"),
        )
        return cur.rowcount
