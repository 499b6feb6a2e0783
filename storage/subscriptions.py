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


async def follow(
    db: Store, dossier_id: int, channel: str, user_id: str, chat_id: str, now: datetime
) -> bool:
    """Follow a dossier; False when already followed (the chat is refreshed)."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO subscriptions"
            " (dossier_id, channel, user_id, chat_id, created_at) VALUES (?,?,?,?,?)",
            (dossier_id, channel, user_id, chat_id, now.strftime(FORMAT)),
        )
        if cur.rowcount == 0:
            await conn.execute(
                "UPDATE subscriptions SET chat_id = ? WHERE dossier_id = ? AND channel = ?"
                " AND user_id = ?",
                (chat_id, dossier_id, channel, user_id),
            )
            return False
    return True


async def unfollow_code(db: Store, code: str, channel: str, user_id: str) -> bool:
    """Stop following the dossier(s) with this code; False when none was followed."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM subscriptions WHERE channel = ? AND user_id = ? AND dossier_id IN"
            " (SELECT id FROM dossiers WHERE code = ?)",
            (channel, user_id, code),
        )
        return cur.rowcount > 0


async def followed_by(db: Store, channel: str, user_id: str) -> list[Followed]:
    """The dossiers this person follows, by code."""
    async with db.reader.execute(
        "SELECT d.id, d.code, d.status FROM subscriptions s JOIN dossiers d ON d.id = s.dossier_id"
        " WHERE s.channel = ? AND s.user_id = ? ORDER BY d.code",
        (channel, user_id),
    ) as cur:
        return [Followed(int(r[0]), str(r[1]), str(r[2])) for r in await cur.fetchall()]


async def count_followed(db: Store, channel: str, user_id: str) -> int:
    """How many dossiers this person follows."""
    async with db.reader.execute(
        "SELECT COUNT(*) FROM subscriptions WHERE channel = ? AND user_id = ?", (channel, user_id)
    ) as cur:
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def followers(db: Store, dossier_id: int) -> list[tuple[str, str]]:
    """Every chat following this dossier: (channel, chat_id)."""
    async with db.reader.execute(
        "SELECT channel, chat_id FROM subscriptions WHERE dossier_id = ? ORDER BY id",
        (dossier_id,),
    ) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]
