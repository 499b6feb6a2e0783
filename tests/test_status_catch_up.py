"""Status-change pushes are derived from the status events beyond a cursor: an import that
committed but died before queuing its pushes (SIGKILL) has them queued by the next import (CLI
or an admin's upload in chat), at the bot's start, or by the running bot; each exactly once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Attachment
from bot.import_service import run_import
from bot.push.payload import from_payload
from bot.push.services import start_services
from bot.push.status import catch_up
from bot.workdays import WorkCalendar
from storage import subscriptions
from storage.db import Database
from tests import pushes_helpers as h
from tests.core_helpers import UNIT, ask, sample_world, staff_world
from tests.import_helpers import import_dossiers
from tests.test_delivery import FakeSender, delivered
from tests.test_pushes import A, B, write

pytestmark = pytest.mark.engines


async def followed_store(ctx: AppContext, tmp_path: Path, unit: str | None = None) -> None:
    """A and B imported (processing); A followed by two chats, B by one."""
    await run_import(ctx, write(tmp_path / "v1.csv", "Đang xử lý"), "dossiers", unit=unit)
    async with ctx.db.reader.execute("SELECT id, code FROM dossiers") as cur:
        ids = {str(r[1]): int(r[0]) for r in await cur.fetchall()}
    for dossier, chat in ((A, "11"), (A, "12"), (B, "13")):
        await subscriptions.follow(ctx.db, ids[dossier], "telegram", chat, chat, ctx.now())


async def killed_after_commit(
    ctx: AppContext, tmp_path: Path, unit: str | None = None, bot_running: bool = False
) -> None:
    """A's status changes in an import that commits and then dies (its pushes never queued)."""
    path = write(tmp_path / "v2.csv", "Yêu cầu bổ sung", note="Bản sao giấy chứng sinh")
    summary = await import_dossiers(ctx, path, unit)  # the store's step alone: no push queued
    assert summary.status_changes == 1
    if not bot_running:  # (a running bot may catch up at any moment)
        assert await status_keys(ctx) == []


async def status_keys(ctx: AppContext) -> list[str]:
    """The keys of every status push in the outbox, sorted."""
    sql = "SELECT idem_key FROM outbox WHERE kind = 'status' ORDER BY idem_key"
    async with ctx.db.reader.execute(sql) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


def keys_for(event_id: int, *chats: str) -> list[str]:
    """The expected keys of one event's pushes to these Telegram chats."""
    return sorted(f"status:{event_id}:telegram:{chat}" for chat in chats)


async def last_event(ctx: AppContext) -> int:
    """The newest status event id."""
    async with ctx.db.reader.execute("SELECT MAX(id) FROM status_events") as cur:
        return int((await cur.fetchone())[0])


async def test_the_next_import_queues_the_pushes_of_one_killed_after_its_commit(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The next `motcua import` (here of an unchanged file: no change of its own) catches up."""
    await followed_store(ctx, tmp_path)
    await killed_after_commit(ctx, tmp_path)
    summary = await run_import(ctx, tmp_path / "v2.csv", "dossiers")
    assert summary.status_changes == 0
    assert await status_keys(ctx) == keys_for(await last_event(ctx), "11", "12")
    await run_import(ctx, tmp_path / "v2.csv", "dossiers")
    assert len(await status_keys(ctx)) == 2  # exactly once


async def test_an_admins_upload_in_chat_catches_up(ctx: AppContext, tmp_path: Path) -> None:
    """An admin's file sent in chat goes through the same import service and catches up."""
    world = await sample_world(ctx)
    await staff_world(ctx, world)
    await followed_store(ctx, tmp_path, UNIT)
    await killed_after_commit(ctx, tmp_path, UNIT)
    data = write(tmp_path / "v3.csv", "Yêu cầu bổ sung", note="Bản sao giấy chứng sinh")
    replies = await ask(Core(ctx), "", user="admin",
                        attachment=Attachment("v3.csv", data.read_bytes(), "text/csv"))
    assert "Nhập hồ sơ" in replies[0].text
    assert await status_keys(ctx) == keys_for(await last_event(ctx), "11", "12")


async def test_the_bot_catches_up_at_start_and_delivers(ctx: AppContext, tmp_path: Path) -> None:
    """start_services queues the missed pushes at once, and they are sent."""
    await followed_store(ctx, tmp_path)
    await killed_after_commit(ctx, tmp_path)
    sender = FakeSender()
    services = await start_services(ctx, {"telegram": sender}, scheduler=False,
                                    poll_seconds=0.05)
    try:
        await delivered(sender, 2)
        assert await status_keys(ctx) == keys_for(await last_event(ctx), "11", "12")
        assert await services.worker.drain(timeout=10) == 0
    finally:
        await services.stop()
    assert sorted(chat for chat, _ in sender.delivered) == ["11", "12"]
    assert all("Yêu cầu bổ sung" in text for _, text in sender.delivered)


async def test_the_running_bot_catches_up_an_import_of_another_process(
    ctx: AppContext, tmp_path: Path
) -> None:
    """With the bot running, an import committed elsewhere without its pushes is caught up by
    the periodic catch-up."""
    await followed_store(ctx, tmp_path)
    sender = FakeSender()
    services = await start_services(ctx, {"telegram": sender}, scheduler=False,
                                    poll_seconds=0.05, catch_up_seconds=0.05)
    try:
        await killed_after_commit(ctx, tmp_path, bot_running=True)
        await delivered(sender, 2)
    finally:
        await services.stop()
    assert sorted(chat for chat, _ in sender.delivered) == ["11", "12"]


async def test_concurrent_catch_ups_in_small_steps_queue_each_push_once(
    ctx: AppContext,
) -> None:
    """Two stores (as two processes would) catch up at once, a few events per transaction:
    every follower of every change gets exactly one push, and first sightings none."""
    unit_id = await h.unit(ctx)
    want = []
    for n in range(30):
        dossier = await h.dossier(ctx, unit_id, officer=None, received="2026-04-01",
                                  due="2026-04-20")
        for chat in (f"{n}a", f"{n}b"):
            await subscriptions.follow(ctx.db, dossier, "zalo", chat, chat, ctx.now())
        await h.status_event(ctx, dossier, None, "received", 1)  # first sight: no push
        event = await h.status_event(ctx, dossier, "received", "processing", 1)
        want += [f"status:{event}:zalo:{n}a", f"status:{event}:zalo:{n}b"]
    other = await Database.open(ctx.settings.db_path)
    try:
        ctx2 = AppContext(ctx.settings, other, WorkCalendar.from_settings(ctx.settings),
                          clock=ctx.now)
        added = await asyncio.gather(catch_up(ctx, span=3), catch_up(ctx2, span=4))
    finally:
        await other.close()
    assert sum(added) == 60
    assert await status_keys(ctx) == sorted(want)
    assert await catch_up(ctx) == 0
    texts = [r.text for _, _, r in await pending_replies(ctx)]
    assert all("đã chuyển sang trạng thái: Đang xử lý" in t for t in texts)


async def pending_replies(ctx: AppContext) -> list[tuple[str, str, object]]:
    """(channel, chat, reply) of each pending row."""
    sql = "SELECT channel, chat_id, payload FROM outbox WHERE state = 'pending' ORDER BY id"
    async with ctx.db.reader.execute(sql) as cur:
        return [(r[0], r[1], from_payload(r[2])) for r in await cur.fetchall()]
