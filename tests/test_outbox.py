"""The outbox store and `motcua outbox`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.cli.outbox import render
from bot.context import AppContext
from bot.core.types import Reply
from bot.push.payload import push_item
from storage import outbox


def item(key: str, chat: str = "1") -> outbox.OutboxItem:
    """One text push."""
    return push_item("telegram", chat, key, Reply(f"tin {key}"))


async def test_states_counts_and_blocking(ctx: AppContext) -> None:
    """Sent / dead / pending counts, the oldest pending row, and a blocked chat's rows."""
    await outbox.enqueue(ctx.db, [item("a"), item("b"), item("c", "2"), item("d", "2")], ctx.now())
    rows = await outbox.due_rows(ctx.db, "telegram", "2099-01-01T00:00:00")
    assert [r.key for r in rows] == ["a", "b", "c", "d"]
    await outbox.mark_sent(ctx.db, rows[0].id, "2026-04-15T09:00:01")
    await outbox.mark_retry(ctx.db, rows[1].id, "2026-04-15T09:05:00", "transient: 502")
    assert [r.key for r in await outbox.due_rows(ctx.db, "telegram", "2026-04-15T09:01:00")] == [
        "c",
        "d",
    ]
    assert await outbox.block_chat(ctx.db, "telegram", "2", "2026-04-15T09:00:02", "403") == 2
    counts = await outbox.counts(ctx.db)
    assert (counts.pending, counts.sent, counts.dead, counts.blocked_chats) == (1, 1, 2, 1)
    assert counts.oldest_pending_key == "b" and counts.oldest_pending_error == "transient: 502"
    assert await outbox.keys_with_prefix(ctx.db, "c") == 1
    assert await outbox.keys_with_prefix(ctx.db, "_") == 0  # LIKE wildcards are escaped
    assert await outbox.unblock_chat(ctx.db, "telegram", "2")
    assert await outbox.enqueue(ctx.db, [item("e", "2")], ctx.now()) == 1
    text = render(await outbox.counts(ctx.db))
    assert "Chờ gửi: 2" in text and "Đã gửi: 1" in text and "Không gửi được (bỏ): 2" in text
    assert "b (tạo lúc 2026-04-15 09:00:00)" in text


async def test_cli(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """`motcua outbox` prints the counts of the store named by MOTCUA_DB_PATH."""
    await outbox.enqueue(ctx.db, [item("a")], ctx.now())
    monkeypatch.setenv("MOTCUA_DB_PATH", str(Path(ctx.settings.db_path)))
    import asyncio

    code = await asyncio.to_thread(main, ["outbox"])
    assert code == 0
    assert "Chờ gửi: 1" in capsys.readouterr().out


async def test_a_blocked_person_writing_again_is_unblocked(ctx: AppContext) -> None:
    """After a 403 the chat gets no pushes; when the person writes again, pushes flow again."""
    from bot.core.router import Core
    from bot.core.types import Incoming

    await outbox.block_chat(ctx.db, "telegram", "77", "2026-04-15T09:00:00", "403")
    assert await outbox.enqueue(ctx.db, [item("x", "77")], ctx.now()) == 0
    await Core(ctx).handle(Incoming("telegram", "77", "77", "/start"))
    assert not await outbox.is_blocked(ctx.db, "telegram", "77")
    assert await outbox.enqueue(ctx.db, [item("y", "77")], ctx.now()) == 1
