"""The outbox: pushes stored before they are sent, their delivery state, and blocked chats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from storage.conn import Conn
from storage.store import Store
from storage.timefmt import to_db

PENDING, SENT, DEAD = "pending", "sent", "dead"
STAFF_KINDS = ("remind", "digest", "quarter")  # pushes for a staff member, dropped on revoke


# --- rows ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    """One push to enqueue: where it goes, what it says, and its idempotency key."""

    channel: str
    chat_id: str
    key: str
    payload: str  # plain data the bot turns back into its message (JSON text)
    kind: str = "other"
    staff_id: int | None = None  # the staff member it is for (not stored once they are revoked)


@dataclass(frozen=True)
class OutboxRow:
    """One stored outbox row, as the delivery worker reads it."""

    id: int
    channel: str
    chat_id: str
    kind: str
    key: str
    payload: str
    attempts: int
    next_attempt_at: str | None


@dataclass(frozen=True)
class OutboxCounts:
    """What `motcua outbox` shows: counts by state and the oldest pending row."""

    pending: int
    sent: int
    dead: int
    blocked_chats: int
    oldest_pending_at: str | None
    oldest_pending_key: str | None
    oldest_pending_error: str | None


def chat_ref(channel: str, chat_id: str) -> str:
    """The recipient as it appears in idempotency keys: '<channel>:<chat_id>'."""
    return f"{channel}:{chat_id}"


async def enqueue(db: Store, items: list[OutboxItem], now: datetime) -> int:
    """Insert the pushes not already present (ON CONFLICT DO NOTHING on the key) nor to blocked
    chats nor for a revoked staff member, in one transaction.

    Returns how many new rows were stored; running the same job twice stores nothing the
    second time.
    """
    if not items:
        return 0
    return await db.write_in_one_hop(enqueue_in, items, to_db(now, _tz(now)))


async def enqueue_in(conn: Conn, items: list[OutboxItem], stamp: str) -> int:
    """`enqueue` inside the caller's transaction; rows added."""
    chats = {(i.channel, i.chat_id) for i in items}
    blocked = {
        (str(r[0]), str(r[1]))
        for r in await conn.execute_fetchall("SELECT channel, chat_id FROM blocked_chats")
    } & chats
    staff_ids = sorted({i.staff_id for i in items if i.staff_id is not None})
    revoked: set[int] = set()
    if staff_ids:
        sql = "SELECT id FROM staff WHERE revoked_at IS NOT NULL AND " + conn.dialect.in_list("id")
        rows_ = await conn.execute_fetchall(sql, (conn.dialect.list_param(staff_ids),))
        revoked = {int(r[0]) for r in rows_}
    rows: dict[str, tuple[object, ...]] = {}
    for i in items:  # in order; the first item of a key wins, as INSERT … DO NOTHING keeps it
        if (i.channel, i.chat_id) not in blocked and i.staff_id not in revoked:
            rows.setdefault(i.key, (i.channel, i.chat_id, i.kind, i.payload, i.key, stamp,
                                    i.staff_id))
    if not rows:
        return 0
    present = await conn.execute_fetchall(
        "SELECT idem_key FROM outbox WHERE " + conn.dialect.in_list("idem_key"),
        (conn.dialect.list_param(sorted(rows)),),
    )
    for r in present:
        rows.pop(str(r[0]), None)
    if rows:
        await conn.executemany(
            "INSERT INTO outbox (channel, chat_id, kind, payload, idem_key, created_at,"
            " staff_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            list(rows.values()),
        )
    return len(rows)


async def drop_staff_pushes(conn: Conn, staff_id: int) -> int:
    """Delete a staff member's pending pushes (inside the revoking transaction, before their
    chats are unlinked); returns how many were dropped.

    Their rows carry staff_id; rows queued before it was recorded are found by the chats still
    linked to them.
    """
    marks = ",".join("?" * len(STAFF_KINDS))
    cur = await conn.execute(
        "DELETE FROM outbox WHERE state = 'pending' AND (staff_id = ? OR (staff_id IS NULL"
        f" AND kind IN ({marks}) AND EXISTS (SELECT 1 FROM staff_links l WHERE l.staff_id = ?"
        " AND l.channel = outbox.channel AND l.chat_id = outbox.chat_id)))",
        (staff_id, *STAFF_KINDS, staff_id),
    )
    return max(cur.rowcount, 0)


async def is_pending(db: Store, row_id: int) -> bool:
    """True while this row is still waiting to be sent (not sent, dead, nor dropped)."""
    sql = "SELECT 1 FROM outbox WHERE id = ? AND state = 'pending'"
    async with db.reader.execute(sql, (row_id,)) as cur:
        return await cur.fetchone() is not None


def _tz(now: datetime) -> ZoneInfo:
    """The tzinfo of an aware datetime as a ZoneInfo (UTC when it is not one)."""
    tz = now.tzinfo
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo("UTC")


async def keys_with_prefix(db: Store, prefix: str) -> int:
    """How many outbox rows have a key starting with prefix (any state)."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    sql = "SELECT COUNT(*) FROM outbox WHERE idem_key LIKE ? ESCAPE '\\'"
    async with db.reader.execute(sql, (pattern,)) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def due_rows(
    db: Store, channel: str, now_text: str, limit: int = 500, after_id: int = 0
) -> list[OutboxRow]:
    """A channel's pending rows due at now_text (local text), in id order, with id > after_id."""
    sql = (
        "SELECT id, channel, chat_id, kind, idem_key, payload, attempts, next_attempt_at"
        " FROM outbox WHERE state = 'pending' AND channel = ? AND id > ?"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT ?"
    )
    async with db.reader.execute(sql, (channel, after_id, now_text, limit)) as cur:
        rows = await cur.fetchall()
    return [_row(r) for r in rows]


async def pending_count(db: Store, channels: list[str]) -> int:
    """Pending rows on these channels."""
    marks = ",".join("?" * len(channels))
    sql = f"SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND channel IN ({marks})"
    async with db.reader.execute(sql, channels) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


# --- claims: one delivery worker per row, across processes -----------------------------------

_FREE = "(claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?)"


async def claim(db: Store, row_id: int, owner: str, now_text: str, until_text: str) -> bool:
    """Claim a pending row for `owner` until until_text; True when it is now ours.

    A row is free when nobody claimed it, its lease ended (now_text, real local time), or it is
    already ours. One conditional UPDATE: on PostgreSQL a concurrent claim of the same row waits
    for the other's commit and then finds the row taken (or sent), so exactly one wins.
    """
    return await db.write_in_one_hop(_claim, row_id, owner, now_text, until_text)


async def _claim(conn: Conn, row_id: int, owner: str, now_text: str, until_text: str) -> bool:
    """claim's statement."""
    cur = await conn.execute(
        "UPDATE outbox SET claimed_by = ?, claimed_until = ?"
        f" WHERE id = ? AND state = 'pending' AND {_FREE}",
        (owner, until_text, row_id, now_text, owner),
    )
    return cur.rowcount == 1


async def renew_claims(db: Store, owner: str, row_ids: list[int], until_text: str) -> int:
    """Extend owner's lease on these rows (sends still in flight); returns rows renewed."""
    if not row_ids:
        return 0
    return await db.write_in_one_hop(_renew, owner, row_ids, until_text)


async def _renew(conn: Conn, owner: str, row_ids: list[int], until_text: str) -> int:
    """renew_claims' statement."""
    cur = await conn.execute(
        "UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND state = 'pending' AND "
        + conn.dialect.in_list("id"),
        (until_text, owner, conn.dialect.list_param(row_ids)),
    )
    return max(cur.rowcount, 0)


async def release_claims(db: Store, owner: str) -> int:
    """Give back every pending row owner still claims (a worker stopping); returns how many."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE outbox SET claimed_by = NULL, claimed_until = NULL"
            " WHERE claimed_by = ? AND state = 'pending'",
            (owner,),
        )
        return max(cur.rowcount, 0)


async def claimed_count(db: Store) -> int:
    """Pending rows under a claim (for tests and `motcua outbox`)."""
    sql = "SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND claimed_by IS NOT NULL"
    async with db.reader.execute(sql) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


def _row(r: object) -> OutboxRow:
    """An OutboxRow from (id, channel, chat_id, kind, idem_key, payload, attempts, next_at)."""
    v = list(r)  # type: ignore[call-overload]
    return OutboxRow(int(v[0]), str(v[1]), str(v[2]), str(v[3]), str(v[4]), str(v[5]),
                     int(v[6]), v[7])


async def mark_sent(db: Store, row_id: int, now_text: str) -> None:
    """Record that the send of this row returned (delivered)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE id = ? AND state = 'pending'",
            (now_text, row_id),
        )


async def mark_sent_many(db: Store, row_ids: list[int], now_text: str) -> None:
    """Record several delivered rows in one transaction (the worker's group commit)."""
    async with db.transaction() as conn:
        await conn.executemany(
            "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,"
            " last_error = NULL WHERE id = ? AND state = 'pending'",
            [(now_text, row_id) for row_id in row_ids],
        )


async def mark_retry(db: Store, row_id: int, next_at: str | None, error: str) -> None:
    """Keep the row pending, counting the attempt, not to be tried before next_at."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?,"
            " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state = 'pending'",
            (next_at, error[:500], row_id),
        )


async def mark_deferred(db: Store, row_id: int, next_at: str | None, error: str) -> None:
    """Keep the row pending without counting an attempt (the platform asked us to wait)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET next_attempt_at = ?, last_error = ?, claimed_by = NULL,"
            " claimed_until = NULL WHERE id = ? AND state = 'pending'",
            (next_at, error[:500], row_id),
        )


async def mark_dead(db: Store, row_id: int, error: str) -> None:
    """Give up on this row for good."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ?"
            " WHERE id = ? AND state = 'pending'",
            (error[:500], row_id),
        )


async def block_chat(db: Store, channel: str, chat_id: str, now_text: str, reason: str) -> int:
    """Record a chat as blocked and kill its pending rows; returns how many rows were killed."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO blocked_chats (channel, chat_id, blocked_at, reason) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, chat_id) DO UPDATE SET blocked_at = excluded.blocked_at,"
            " reason = excluded.reason",
            (channel, chat_id, now_text, reason[:500]),
        )
        cur = await conn.execute(
            "UPDATE outbox SET state = 'dead', last_error = ?"
            " WHERE channel = ? AND chat_id = ? AND state = 'pending'",
            (f"chat blocked: {reason}"[:500], channel, chat_id),
        )
        return max(cur.rowcount, 0)


async def unblock_chat(db: Store, channel: str, chat_id: str) -> bool:
    """Forget a block (the person wrote to the bot again); True when one was recorded."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM blocked_chats WHERE channel = ? AND chat_id = ?", (channel, chat_id)
        )
        return cur.rowcount > 0


async def is_blocked(db: Store, channel: str, chat_id: str) -> bool:
    """True when this chat is recorded as blocked."""
    sql = "SELECT 1 FROM blocked_chats WHERE channel = ? AND chat_id = ?"
    async with db.reader.execute(sql, (channel, chat_id)) as cur:
        return await cur.fetchone() is not None


async def counts(db: Store) -> OutboxCounts:
    """Counts by state, blocked chats, and the oldest pending row."""
    async with db.reader.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state") as cur:
        by_state = {str(r[0]): int(r[1]) for r in await cur.fetchall()}
    async with db.reader.execute("SELECT COUNT(*) FROM blocked_chats") as cur:
        row = await cur.fetchone()
    blocked = 0 if row is None else int(row[0])
    sql = (
        "SELECT created_at, idem_key, last_error FROM outbox WHERE state = 'pending'"
        " ORDER BY id LIMIT 1"
    )
    async with db.reader.execute(sql) as cur:
        oldest = await cur.fetchone()
    return OutboxCounts(
        pending=by_state.get(PENDING, 0),
        sent=by_state.get(SENT, 0),
        dead=by_state.get(DEAD, 0),
        blocked_chats=blocked,
        oldest_pending_at=None if oldest is None else str(oldest[0]),
        oldest_pending_key=None if oldest is None else str(oldest[1]),
        oldest_pending_error=None if oldest is None or oldest[2] is None else str(oldest[2]),
    )


async def rows_by_state(db: Store, state: str) -> list[tuple[str, str, str]]:
    """(channel, chat_id, key) of every row in a state, by id (for tests and the CLI)."""
    sql = "SELECT channel, chat_id, idem_key FROM outbox WHERE state = ? ORDER BY id"
    async with db.reader.execute(sql, (state,)) as cur:
        return [(str(r[0]), str(r[1]), str(r[2])) for r in await cur.fetchall()]
