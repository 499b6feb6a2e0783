"""The Zalo channel's store: message ids already taken in, and the numbered choices per chat."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from storage import updates_seen
from storage.store import Store
from storage.timefmt import to_db

CHANNEL = "zalo"
CHOICES_VALID = timedelta(days=1)  # "Gửi 1 …" older than this no longer means a choice


async def mark_seen(db: Store, message_id: str, chat_id: str, now: datetime) -> bool:
    """Record a Zalo message id (in updates_seen); True when new, False when already taken in."""
    return await updates_seen.mark_seen(db, CHANNEL, message_id, now)


async def prune_seen(db: Store, older_than: datetime) -> int:
    """Forget Zalo message ids taken in before `older_than`; returns how many were removed."""
    return await updates_seen.prune_seen(db, older_than, CHANNEL)


async def save_choices(db: Store, chat_id: str, choices: list[str], now: datetime) -> None:
    """Remember the numbered choices offered in a chat (an empty list forgets them)."""
    async with db.transaction() as conn:
        if not choices:
            await conn.execute("DELETE FROM zalo_choices WHERE chat_id = ?", (chat_id,))
            return
        await conn.execute(
            "INSERT INTO zalo_choices (chat_id, choices, offered_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET choices = excluded.choices,"
            " offered_at = excluded.offered_at",
            (chat_id, json.dumps(choices, ensure_ascii=False), to_db(now, now.tzinfo)),
        )


async def load_choices(db: Store, chat_id: str, now: datetime) -> list[str]:
    """The choices last offered in a chat, or [] when none or older than CHOICES_VALID."""
    async with db.reader.execute(
        "SELECT choices, offered_at FROM zalo_choices WHERE chat_id = ?", (chat_id,)
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return []
    if row["offered_at"] < to_db(now - CHOICES_VALID, now.tzinfo):
        return []
    return [str(c) for c in json.loads(row["choices"])]
