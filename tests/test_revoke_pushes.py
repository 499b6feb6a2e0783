"""Revoking a staff member's access drops their pending pushes (reminders carry citizens' full
names): the queued rows, one built just before the revoke, and one the worker already read."""

from __future__ import annotations

import asyncio

import pytest

from bot.context import AppContext
from bot.core.types import Reply
from bot.push import messages as pushes
from bot.push.delivery import DeliveryWorker
from bot.push.payload import push_item
from storage import outbox
from storage import staff as staff_store
from tests import pushes_helpers as h
from tests.test_delivery import FakeSender, delivered
from tests.test_scheduler import officers

pytestmark = pytest.mark.engines


async def pending_keys(ctx: AppContext) -> list[str]:
    """The keys of the pending rows."""
    return [key for _, _, key in await outbox.rows_by_state(ctx.db, "pending")]


async def test_revoking_an_officer_drops_their_queued_reminder(ctx: AppContext) -> None:
    """CB01's reminder goes; a leader's digest and a citizen's push to CB01's chat stay."""
    unit_id, cb01, _ = await officers(ctx)
    await h.staff(ctx, unit_id, "Phạm Minh Đức", "leader", None, [("telegram", "900")])
    now = h.at(ctx, "2026-04-15 07:30")
    assert await pushes.officer_reminders(ctx, now) == 1
    assert await pushes.leader_digests(ctx, now) == 1
    citizen = push_item("telegram", "501", "status:1:telegram:501", Reply("Hồ sơ …"),
                                "status")
    assert await outbox.enqueue(ctx.db, [citizen], now) == 1
    before = await pending_keys(ctx)
    assert "remind:CB01:2026-04-15:telegram:501" in before

    assert await staff_store.revoke(ctx.db, cb01.id, ctx.now()) is True
    after = await pending_keys(ctx)
    assert after == [k for k in before if not k.startswith("remind:CB01:")]
    assert "status:1:telegram:501" in after and any(k.startswith("digest:") for k in after)
    async with ctx.db.reader.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'remind'") as cur:
        assert (await cur.fetchone())[0] == 0  # deleted, names and all
    # The next day's job finds no such officer any more.
    assert await pushes.officer_reminders(ctx, h.at(ctx, "2026-04-16 07:30")) == 0


async def test_a_reminder_built_before_the_revoke_is_not_stored_after_it(ctx: AppContext) -> None:
    """A job that read the staff list before the revoke and enqueues after it stores nothing."""
    _, cb01, _ = await officers(ctx)
    late = push_item("telegram", "501", "remind:CB01:2026-04-15:telegram:501",
                             Reply("☀️ Chào Trần Thị Bình"), "remind", cb01.id)
    await staff_store.revoke(ctx.db, cb01.id, ctx.now())
    assert await outbox.enqueue(ctx.db, [late], ctx.now()) == 0
    assert await pending_keys(ctx) == []


async def test_a_row_the_worker_already_read_is_not_sent_after_the_revoke(
    ctx: AppContext,
) -> None:
    """The worker holds the reminder in memory, waiting for the global cap; the revoke comes
    meanwhile: the reminder is not sent."""
    _, cb01, _ = await officers(ctx)
    ctx.settings = ctx.settings.model_copy(
        update={"telegram_rate_global": 2.0, "telegram_rate_per_chat": 100.0}
    )
    others = [push_item("telegram", f"80{i}", f"o:{i}", Reply(f"tin {i}")) for i in (1, 2)]
    reminder = push_item("telegram", "501", "remind:CB01:2026-04-15:telegram:501",
                                 Reply("☀️ Chào Trần Thị Bình"), "remind", cb01.id)
    await outbox.enqueue(ctx.db, [*others, reminder], ctx.now())
    sender = FakeSender()
    worker = DeliveryWorker(ctx, {"telegram": sender}, poll_seconds=0.05)
    await worker.start()
    try:
        await delivered(sender, 2)
        assert [c for c, _ in sender.delivered] == ["801", "802"]  # the 3rd waits ~1 s
        assert await staff_store.revoke(ctx.db, cb01.id, ctx.now()) is True
        await asyncio.sleep(1.5)
        assert await worker.drain(timeout=10) == 0
    finally:
        await worker.stop()
    assert [c for c, _ in sender.delivered] == ["801", "802"]
