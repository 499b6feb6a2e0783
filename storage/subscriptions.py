"""Citizens following dossiers (/theodoi): add, remove, list, and a dossier's followers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.store import Store
from storage.timefmt import FORMAT

MAX_PER_USER = 20


@dataclass
class Followed:
    """A dossier one person follows, with its current status."""

    dossier_id: int
    code: str
    status: str
    unit_id: int


def _of_unit(unit_id: int | None, params: list[object]) -> str:
    """' AND unit_id = ?' when the dossier's unit is known (the key on a store spread by unit)."""
    if unit_id is None:
        return ""
    params.append(unit_id)
    return " AND unit_id = ?"


async def follow(
    db: Store, dossier_id: int, channel: str, user_id: str, chat_id: str, now: datetime,
    unit_id: int | None = None,
) -> bool:
    """Follow a dossier (unit_id: its unit, else taken from the dossier by the store's
    trigger); False when already followed (the chat is refreshed)."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO subscriptions (unit_id, dossier_id, channel, user_id, chat_id, created_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
            (unit_id, dossier_id, channel, user_id, chat_id, now.strftime(FORMAT)),
        )
        if cur.rowcount == 0:
            params: list[object] = [chat_id, dossier_id, channel, user_id]
            await conn.execute(
                "UPDATE subscriptions SET chat_id = ? WHERE dossier_id = ? AND channel = ?"
                " AND user_id = ?" + _of_unit(unit_id, params), params,
            )
            return False
    return True


async def unfollow(db: Store, unit_id: int, dossier_id: int, channel: str,
                   user_id: str) -> bool:
    """Stop following a dossier (of this unit, see followed_by); False when not followed."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM subscriptions WHERE unit_id = ? AND dossier_id = ? AND channel = ?"
            " AND user_id = ?",
            (unit_id, dossier_id, channel, user_id),
        )
        return cur.rowcount > 0


async def followed_by(db: Store, channel: str, user_id: str) -> list[Followed]:
    """The dossiers this person follows, by code."""
    async with db.reader.execute(
        "SELECT d.id, d.code, d.status, d.unit_id FROM subscriptions s"
        " JOIN dossiers d ON d.unit_id = s.unit_id AND d.id = s.dossier_id"
        " WHERE s.channel = ? AND s.user_id = ? ORDER BY d.code, d.unit_id",
        (channel, user_id),
    ) as cur:
        return [Followed(int(r[0]), str(r[1]), str(r[2]), int(r[3]))
                for r in await cur.fetchall()]


async def count_followed(db: Store, channel: str, user_id: str) -> int:
    """How many dossiers this person follows."""
    async with db.reader.execute(
        "SELECT COUNT(*) FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
    ) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def followers(
    db: Store, dossier_id: int, unit_id: int | None = None
) -> list[tuple[str, str]]:
    """Every chat following this dossier (of this unit when given): (channel, chat_id)."""
    params: list[object] = [dossier_id]
    async with db.reader.execute(
        "SELECT channel, chat_id FROM subscriptions WHERE dossier_id = ?"
        + _of_unit(unit_id, params) + " ORDER BY id", params,
    ) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]
