"""Per-person lookup limits in fixed windows (a minute and a day), checked and spent atomically."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from storage.conn import Conn
from storage.store import Store

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


class _Refused(Exception):
    """Over a limit: raised inside the write so that it rolls back (nothing spent)."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


async def take(
    db: Store, channel: str, user_id: str, bucket: str, now: datetime,
    per_minute: int, per_day: int, cost: int = 1,
) -> Limit:
    """Check both limits and spend `cost` in ONE write transaction.

    Refused (nothing spent) when the person already used their minute's or day's lookups.
    The counters are bumped first and checked after, the bump's row locks (PostgreSQL) or the
    single writer (SQLite) serialising concurrent takes: at most the limit get through,
    whatever the number of chats, tasks or processes asking at once.
    """
    minute, day = _windows(now)
    try:
        await db.write_in_one_hop(
            _take, channel, user_id, bucket, minute, day, cost, per_minute, per_day
        )
    except _Refused as refused:
        return _refusal(now, refused.which == "day")
    return Limit(True)


async def take_and_read(
    db: Store, channel: str, user_id: str, bucket: str, now: datetime,
    per_minute: int, per_day: int, read: Callable[[Conn], Coroutine[Any, Any, T]],
    misses: Callable[[T], int],
) -> tuple[Limit, T | None]:
    """take, then (when allowed) read(conn) and spend misses(result) lookups more, all in ONE
    write transaction: one hop for a whole citizen's lookup.

    Refused: nothing is spent and nothing read (the result is None)."""
    minute, day = _windows(now)

    async def run(conn: Conn) -> T:
        """The transaction's body."""
        await _take(conn, channel, user_id, bucket, minute, day, 1, per_minute, per_day)
        result = await read(conn)
        extra = misses(result)
        if extra:
            await _spend(conn, channel, user_id, bucket, minute, day, extra)
        return result

    try:
        result = await db.write_in_one_hop(run)
    except _Refused as refused:
        return _refusal(now, refused.which == "day"), None
    return Limit(True), result


async def _take(conn: Conn, channel: str, user_id: str, bucket: str, minute: str,
                day: str, cost: int, per_minute: int, per_day: int) -> None:
    """take's statements: spend, then raise _Refused ('day' or 'minute') when the person had
    already used their limit before this spend."""
    used = await _spend(conn, channel, user_id, bucket, minute, day, cost)
    if used.get(day, 0) - cost >= per_day:
        raise _Refused("day")
    if used.get(minute, 0) - cost >= per_minute:
        raise _Refused("minute")


async def spend(db: Store, channel: str, user_id: str, bucket: str, now: datetime,
                cost: int = 1) -> None:
    """Count `cost` more lookups in both windows (a miss's extra cost, after take)."""
    minute, day = _windows(now)
    await db.write_in_one_hop(_spend, channel, user_id, bucket, minute, day, cost)


async def _spend(conn: Conn, channel: str, user_id: str, bucket: str, minute: str,
                 day: str, cost: int) -> dict[str, int]:
    """Add cost to both windows and return their new counts; drops this person's windows of
    earlier minutes and days."""
    rows = await conn.execute_fetchall(
        'INSERT INTO rate_limits (channel, user_id, bucket, "window", used)'
        " VALUES (?,?,?,?,?), (?,?,?,?,?)"
        ' ON CONFLICT (channel, user_id, bucket, "window") DO UPDATE'
        " SET used = rate_limits.used + excluded.used"
        ' RETURNING "window", used',
        (channel, user_id, bucket, minute, cost, channel, user_id, bucket, day, cost),
    )
    await conn.execute(
        "DELETE FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        ' AND "window" NOT IN (?, ?)',
        (channel, user_id, bucket, minute, day),
    )
    return {str(r[0]): int(r[1]) for r in rows}


async def used(db: Store, channel: str, user_id: str, bucket: str, now: datetime) -> int:
    """Lookups counted today for this person and bucket (for tests and the benchmark)."""
    _, day = _windows(now)
    async with db.reader.execute(
        "SELECT used FROM rate_limits WHERE channel = ? AND user_id = ? AND bucket = ?"
        ' AND "window" = ?',
        (channel, user_id, bucket, day),
    ) as cur:
        row = await cur.fetchone()
    return int(row["used"]) if row else 0


async def prune(db: Store, now: datetime) -> int:
    """Delete every window older than today (housekeeping); returns rows deleted."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            """DELETE FROM rate_limits WHERE ("window" LIKE 'm:%' AND "window" < ?)"""
            """ OR ("window" LIKE 'd:%' AND "window" < ?)""",
            (f"m:{now:%Y-%m-%d}", f"d:{now:%Y-%m-%d}"),
        )
        return cur.rowcount
