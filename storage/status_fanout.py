"""Status events not yet fanned out to their followers: the cursor (migration 0012) and one
step of the fan-out, run on the writer's thread inside one write transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storage import outbox
from storage.conn import Conn
from storage.dossiers import Dossier, select_by_ids
from storage.store import Store

CURSOR = "status_events"
SPAN = 5000  # status event ids looked at per transaction (the bot's writes go in between)

_FOLLOWER_EVENTS = (
    "SELECT e.id AS event_id, e.unit_id, e.dossier_id, e.new_status, s.channel, s.chat_id,"
    " EXISTS (SELECT 1 FROM ratings r WHERE r.unit_id = e.unit_id"
    "         AND r.dossier_id = e.dossier_id AND r.channel = s.channel"
    "         AND r.chat_id = s.chat_id) AS rated"
    " FROM status_events e"
    " JOIN subscriptions s ON s.unit_id = e.unit_id AND s.dossier_id = e.dossier_id"
    " WHERE e.id > ? AND e.id <= ? AND e.old_status IS NOT NULL AND e.old_status <> e.new_status"
    " ORDER BY e.id, s.id"
)


@dataclass(frozen=True)
class FollowerEvent:
    """One status change of a followed dossier, for one following chat."""

    event_id: int
    dossier_id: int
    new_status: str
    channel: str
    chat_id: str
    rated: bool  # this chat rated the dossier already


@dataclass(frozen=True)
class Step:
    """What one transaction of the fan-out did."""

    cursor: int  # the last event id now fanned out
    added: int  # outbox rows stored
    done: bool  # no event is left beyond the cursor


# build(events, dossiers by id) → the pushes to store; runs on the writer's thread.
Build = Callable[[list[FollowerEvent], dict[int, Dossier]], list[outbox.OutboxItem]]


async def _cursor(conn: Conn) -> int:
    """The last status event id fanned out (its row locked against other processes)."""
    rows = await conn.execute_fetchall(
        "SELECT last_id FROM push_cursors WHERE name = ?" + conn.dialect.for_update, (CURSOR,))
    return int(rows[0]["last_id"]) if rows else 0


async def _last_event(conn: Conn) -> int:
    """The newest status event id (0 without any)."""
    sql = "SELECT COALESCE(MAX(id), 0) AS last FROM status_events"
    return int((await conn.execute_fetchall(sql))[0]["last"])


async def behind(db: Store) -> bool:
    """True when status events beyond the cursor wait to be fanned out (read-only, cheap)."""
    sql = (
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM status_events) >"
        " COALESCE((SELECT last_id FROM push_cursors WHERE name = ?), 0) AS behind"
    )
    async with db.reader.execute(sql, (CURSOR,)) as cur:
        row = await cur.fetchone()
    return bool(row["behind"])


async def fan_out_step(conn: Conn, build: Build, stamp: str, span: int = SPAN) -> Step:
    """Inside the caller's write transaction: queue the pushes of the next `span` event ids
    beyond the cursor and move the cursor past them (both or neither are committed).

    On PostgreSQL two processes' imports may overlap, and the one holding the smaller event ids
    may commit last: a cursor moved past the larger ids would skip them for ever. A SHARE lock on
    status_events waits for every transaction writing events to commit (and holds new ones off
    until this step commits), so every id up to the newest visible one is committed.
    """
    if conn.dialect.is_postgresql:
        await conn.execute("LOCK TABLE status_events IN SHARE MODE")
    start, last = await _cursor(conn), await _last_event(conn)
    if last <= start:
        return Step(start, 0, True)
    upto = min(last, start + max(span, 1))
    rows = await conn.execute_fetchall(_FOLLOWER_EVENTS, (start, upto))
    events = [
        FollowerEvent(int(r["event_id"]), int(r["dossier_id"]), str(r["new_status"]),
                      str(r["channel"]), str(r["chat_id"]), bool(r["rated"]))
        for r in rows
    ]
    added = 0
    if events:
        units = {int(r["unit_id"]) for r in rows}
        dossiers = await select_by_ids(conn, (e.dossier_id for e in events), units)
        added = await outbox.enqueue_in(conn, build(events, dossiers), stamp)
    await conn.execute(
        "INSERT INTO push_cursors (name, last_id, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id,"
        " updated_at = excluded.updated_at",
        (CURSOR, upto, stamp),
    )
    return Step(upto, added, upto >= last)
