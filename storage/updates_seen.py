"""Webhook update ids already taken in, per channel: a replayed update is answered once."""

from __future__ import annotations

from datetime import datetime

from storage.conn import Conn
from storage.store import Store
from storage.timefmt import to_db

_MARK = (
    "INSERT INTO updates_seen (channel, update_id, seen_at) VALUES (?, ?, ?)"
    " ON CONFLICT DO NOTHING"
)


async def mark_seen(db: Store, channel: str, update_id: str, now: datetime) -> bool:
    """Record an update id; True when it is new, False when it was already taken in.

    One INSERT … ON CONFLICT DO NOTHING on the key (channel, update_id): of processes taking in
    the same update at once, exactly one inserts it (PostgreSQL makes the others wait for its
    commit, then do nothing). Every webhook update makes it, so it takes the cheapest way: one
    autocommitted statement on PostgreSQL (one round trip, not BEGIN/INSERT/COMMIT), one hop
    to the writer thread on SQLite.
    """
    params = (channel, update_id, to_db(now, now.tzinfo))
    if db.dialect.is_postgresql:
        async with db.writer.execute(_MARK, params) as cur:
            return cur.rowcount == 1
    return await db.write_in_one_hop(_mark, params)


async def _mark(conn: Conn, params: tuple[str, str, str]) -> bool:
    """mark_seen's statement inside a write transaction."""
    cur = await conn.execute(_MARK, params)
    return cur.rowcount == 1


async def prune_seen(db: Store, older_than: datetime, channel: str) -> int:
    """Forget a channel's update ids taken in before `older_than`; returns how many."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM updates_seen WHERE channel = ? AND seen_at < ?",
            (channel, to_db(older_than, older_than.tzinfo)),
        )
        return cur.rowcount
