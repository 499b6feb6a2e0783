"""The outbox store and `motcua outbox`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.cli.outbox import render
from bot.context import AppContext
from bot.core.types import Reply
from bot.push.payload import from_payload, push_item
from storage import outbox

pytestmark = pytest.mark.engines


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
    monkeypatch.setenv("MOTCUA_DATABASE_URL", ctx.settings.store_url)
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


@pytest.mark.parametrize(
    "module", ["outbox", "reminders", "prefs", "subscriptions", "updates_seen", "status_fanout"]
)
def test_the_push_side_of_storage_imports_nothing_from_bot(module: str) -> None:
    """The outbox stores plain data: these storage modules import no module of bot/."""
    path = Path(outbox.__file__).parent / f"{module}.py"
    names = [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node.names[0]])
    ]
    assert not [n for n in names if n == "bot" or n.startswith("bot.")]


async def test_a_stored_payload_is_plain_json_the_bot_reads_back(ctx: AppContext) -> None:
    """The row holds JSON text; bot.push.payload turns it back into the same Reply."""
    reply = Reply("Thông báo", image=b"\x89PNG", filename="a.png")
    await outbox.enqueue(ctx.db, [push_item("telegram", "1", "k", reply)], ctx.now())
    [row] = await outbox.due_rows(ctx.db, "telegram", "9999-12-31 00:00:00")
    assert row.payload.startswith("{") and from_payload(row.payload) == reply
