"""Staff members' push preferences: reminders, daily digest, quarterly summary (default on)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.store import Store
from storage.timefmt import FORMAT

KINDS = ("reminders", "digest", "quarterly")


@dataclass(frozen=True)
class PushPrefs:
    """Which scheduled pushes one staff member receives."""

    reminders: bool = True
    digest: bool = True
    quarterly: bool = True
    channel: str | None = None  # only this channel's chats; None: every linked chat

    def wants(self, kind: str) -> bool:
        """True when this kind of push is on."""
        return bool(getattr(self, kind))


async def get_prefs(db: Store, staff_id: int) -> PushPrefs:
    """A staff member's preferences (defaults when never changed)."""
    sql = "SELECT reminders, digest, quarterly, channel FROM push_prefs WHERE staff_id = ?"
    async with db.reader.execute(sql, (staff_id,)) as cur:
        row = await cur.fetchone()
    if row is None:
        return PushPrefs()
    return PushPrefs(bool(row[0]), bool(row[1]), bool(row[2]), row[3])


async def set_pref(db: Store, staff_id: int, kind: str, on: bool, now: datetime) -> PushPrefs:
    """Turn one kind of push on or off for a staff member; returns the new preferences."""
    if kind not in KINDS:
        raise ValueError(f"unknown push kind: {kind}")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO push_prefs (staff_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (staff_id, now.strftime(FORMAT)),
        )
        await conn.execute(
            f"UPDATE push_prefs SET {kind} = ?, updated_at = ? WHERE staff_id = ?",
            (int(on), now.strftime(FORMAT), staff_id),
        )
    return await get_prefs(db, staff_id)


async def staff_without(db: Store, kind: str) -> set[int]:
    """Ids of staff members who turned this kind of push off."""
    if kind not in KINDS:
        raise ValueError(f"unknown push kind: {kind}")
    async with db.reader.execute(f"SELECT staff_id FROM push_prefs WHERE {kind} = 0") as cur:
        return {int(r[0]) for r in await cur.fetchall()}


async def set_channel(db: Store, staff_id: int, channel: str | None, now: datetime) -> PushPrefs:
    """Receive pushes on one channel only (None: on every linked chat)."""
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO push_prefs (staff_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (staff_id, now.strftime(FORMAT)),
        )
        await conn.execute(
            "UPDATE push_prefs SET channel = ?, updated_at = ? WHERE staff_id = ?",
            (channel, now.strftime(FORMAT), staff_id),
        )
    return await get_prefs(db, staff_id)


async def push_chats(
    db: Store, staff_id: int, chats: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The chats (of `chats`, a staff member's linked ones) their pushes go to."""
    chosen = (await get_prefs(db, staff_id)).channel
    if chosen is None:
        return chats
    only = [c for c in chats if c[0] == chosen]
    return only or chats
