"""Status events not yet fanned out to their followers: the cursor (migration 0012) and one
step of the fan-out, run on the writer's thread inside one write transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from storage import outbox
from storage.db import Database
from storage.dossiers import _SELECT as _DOSSIER_SELECT  # the chat's dossier query, reused
from storage.dossiers import Dossier
from storage.dossiers import _dossier as _dossier_of_row

CURSOR = "status_events"
SPAN = 5000  # status event ids looked at per transaction (the bot's writes go in between)

_FOLLOWER_EVENTS = (
    "SELECT e.id, e.dossier_id, e.new_status, s.channel, s.chat_id,"
    " EXISTS (SELECT 1 FROM ratings r WHERE r.dossier_id = e.dossier_id"
    "         AND r.channel = s.channel AND r.chat_id = s.chat_id)"
    " FROM status_events e JOIN subscriptions s ON s.dossier_id = e.dossier_id"
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


def _cursor(conn: sqlite3.Connection) -> int:
    """The last status event id fanned out."""
    row = conn.execute("SELECT last_id FROM push_cursors WHERE name = ?", (CURSOR,)).fetchone()
    return 0 if row is None else int(row[0])


def _last_event(conn: sqlite3.Connection) -> int:
    """The newest status event id (0 without any)."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM status_events").fetchone()[0])


async def behind(db: Database) -> bool:
    """True when status events beyond the cursor wait to be fanned out (read-only, cheap)."""
    sql = (
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM status_events) >"
        " COALESCE((SELECT last_id FROM push_cursors WHERE name = ?), 0)"
    )
    async with db.reader.execute(sql, (CURSOR,)) as cur:
        row = await cur.fetchone()
    assert row is not None  # an aggregate query always returns one row
    return bool(row[0])


def fan_out_step(conn: sqlite3.Connection, build: Build, stamp: str, span: int = SPAN) -> Step:
    """Inside the caller's write transaction: queue the pushes of the next `span` event ids
    beyond the cursor and move the cursor past them (both or neither are committed)."""
    start, last = _cursor(conn), _last_event(conn)
    if last <= start:
        return Step(start, 0, True)
    upto = min(last, start + max(span, 1))
    events = [
        FollowerEvent(int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5]))
        for r in conn.execute(_FOLLOWER_EVENTS, (start, upto))
    ]
    added = 0
    if events:
        ids = sorted({e.dossier_id for e in events})
        sql = _DOSSIER_SELECT + " WHERE d.id IN (SELECT value FROM json_each(?))"
        dossiers = {
            d.id: d for d in map(_dossier_of_row, conn.execute(sql, (json.dumps(ids),)))
        }
        added = outbox.enqueue_in(conn, build(events, dossiers), stamp)
    conn.execute(
        "INSERT INTO push_cursors (name, last_id, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id,"
        " updated_at = excluded.updated_at",
        (CURSOR, upto, stamp),
    )
    return Step(upto, added, upto >= last)
