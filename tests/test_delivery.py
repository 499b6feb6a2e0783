"""The delivery worker against an in-process fake Sender: caps, 429, transient errors, blocks."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
import time
from collections import Counter

import pytest

from bot.channels.base import PermanentError, RecipientBlocked, RetryLater, TransientError
from bot.context import AppContext
from bot.core.types import Button, Reply
from bot.push.delivery import DeliveryWorker
from bot.push.pacing import TokenBucket, WindowCap
from bot.push.payload import from_payload, push_item, to_payload
from storage import outbox

pytestmark = pytest.mark.engines


class FakeSender:
    """A Sender that records deliveries and raises scripted errors."""

    name = "telegram"
    max_text = 4096

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []
        self.calls: list[float] = []
        self.retry_later_left = 0
        self.transient_every = 0
        self.blocked: set[str] = set()
        self.permanent: set[str] = set()
        self._n = 0

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver, or raise the next scripted error."""
        self._n += 1
        self.calls.append(time.monotonic())
        await asyncio.sleep(0.001)
        if self.retry_later_left > 0:
            self.retry_later_left -= 1
            raise RetryLater(0.2)
        if chat_id in self.blocked:
            raise RecipientBlocked("Forbidden: bot was blocked by the user")
        if reply.text in self.permanent:
            raise PermanentError("Bad Request")
        if self.transient_every and self._n % self.transient_every == 0:
            raise TransientError("connection reset")
        self.delivered.append((chat_id, reply.text))


def fast(ctx: AppContext, **caps: float) -> AppContext:
    """The context with high rate caps, so tests run quickly."""
    values = {"telegram_rate_global": 500.0, "telegram_rate_per_chat": 100.0, **caps}
    ctx.settings = ctx.settings.model_copy(update=values)
    return ctx


def items(n: int, chats: int, prefix: str = "m") -> list[outbox.OutboxItem]:
    """n distinct text pushes spread over `chats` chats."""
    return [
        push_item("telegram", f"{100 + i % chats}", f"{prefix}:{i}", Reply(f"{prefix} {i}"))
        for i in range(n)
    ]


async def test_payload_round_trip() -> None:
    """A Reply with bytes and buttons survives the JSON payload."""
    reply = Reply(
        "Báo cáo quý",
        document=b"\x00docx",
        filename="bao-cao.docx",
        buttons=((Button("Rất hài lòng", "rate:1:1"), Button("Hài lòng", "rate:1:2")),),
    )
    assert from_payload(to_payload(reply)) == reply


async def test_enqueue_twice_stores_once(ctx: AppContext) -> None:
    """INSERT OR IGNORE on the key: the second enqueue of the same keys adds nothing."""
    assert await outbox.enqueue(ctx.db, items(5, 5), ctx.now()) == 5
    assert await outbox.enqueue(ctx.db, items(5, 5), ctx.now()) == 0
    assert (await outbox.counts(ctx.db)).pending == 5


async def test_faults_deliver_exactly_once_except_blocked(ctx: AppContext) -> None:
    """429s, transient errors and a blocked chat: all others delivered exactly once."""
    fast(ctx)
    sender = FakeSender()
    sender.retry_later_left = 3
    sender.transient_every = 7
    sender.blocked = {"103"}
    await outbox.enqueue(ctx.db, items(200, 20), ctx.now())
    worker = DeliveryWorker(ctx, {"telegram": sender}, backoff_base=0.02, backoff_cap=0.1)
    left = await worker.drain(timeout=60)
    assert left == 0
    texts = Counter(t for _, t in sender.delivered)
    expected = {f"m {i}" for i in range(200) if 100 + i % 20 != 103}
    assert set(texts) == expected and max(texts.values()) == 1
    counts = await outbox.counts(ctx.db)
    assert (counts.sent, counts.dead, counts.pending, counts.blocked_chats) == (190, 10, 0, 1)
    assert worker.stats.retry_later == 3 and worker.stats.blocked == 1
    assert await outbox.is_blocked(ctx.db, "telegram", "103")
    # Pushes to the blocked chat are no longer enqueued.
    more = [push_item("telegram", "103", "late:1", Reply("x"))]
    assert await outbox.enqueue(ctx.db, more, ctx.now()) == 0


async def test_permanent_error_is_dead(ctx: AppContext) -> None:
    """A refused message is dead, the others go on."""
    fast(ctx)
    sender = FakeSender()
    sender.permanent = {"m 1"}
    await outbox.enqueue(ctx.db, items(3, 3), ctx.now())
    await DeliveryWorker(ctx, {"telegram": sender}).drain(timeout=10)
    counts = await outbox.counts(ctx.db)
    assert (counts.sent, counts.dead) == (2, 1)
    assert counts.blocked_chats == 0


async def test_retry_later_pauses_the_channel(ctx: AppContext) -> None:
    """After a 429 asking for 0.2 s no send happens for 0.2 s."""
    fast(ctx, telegram_rate_global=40.0)  # no burst: one send in flight at a time
    sender = FakeSender()
    sender.retry_later_left = 1
    await outbox.enqueue(ctx.db, items(10, 10), ctx.now())
    await DeliveryWorker(ctx, {"telegram": sender}).drain(timeout=10)
    assert len(sender.delivered) == 10
    gap = sender.calls[1] - sender.calls[0]
    assert gap >= 0.19


async def test_rate_caps_hold(ctx: AppContext) -> None:
    """Global 50/s and 1 message per 0.2 s per chat are kept."""
    fast(ctx, telegram_rate_global=50.0, telegram_rate_per_chat=5.0)
    sender = FakeSender()
    await outbox.enqueue(ctx.db, items(60, 3), ctx.now())
    start = time.monotonic()
    await DeliveryWorker(ctx, {"telegram": sender}).drain(timeout=30)
    took = time.monotonic() - start
    assert len(sender.delivered) == 60
    # 60 messages to 3 chats at 5/s per chat: at least (20 - 1) / 5 s.
    assert took >= 19 / 5 - 0.1
    for i, t in enumerate(sender.calls):  # never more than 50 in a second
        assert sum(1 for u in sender.calls[i:] if u - t < 1.0) <= 50


async def test_per_chat_order_kept(ctx: AppContext) -> None:
    """One chat's pushes go out in the order they were enqueued, even after a retry."""
    fast(ctx)
    sender = FakeSender()
    sender.transient_every = 3
    await outbox.enqueue(ctx.db, items(12, 1), ctx.now())
    await DeliveryWorker(ctx, {"telegram": sender}, backoff_base=0.02).drain(timeout=20)
    assert [t for _, t in sender.delivered] == [f"m {i}" for i in range(12)]


async def test_pending_survives_and_running_worker_wakes(ctx: AppContext) -> None:
    """A started worker sends what is enqueued after a wake; a second worker finds the rest."""
    fast(ctx)
    sender = FakeSender()
    worker = DeliveryWorker(ctx, {"telegram": sender}, poll_seconds=30)
    await worker.start()
    await outbox.enqueue(ctx.db, items(5, 5), ctx.now())
    worker.wake()
    for _ in range(200):
        if len(sender.delivered) == 5:
            break
        await asyncio.sleep(0.01)
    await worker.stop()
    assert len(sender.delivered) == 5
    # Rows for a channel with no sender stay pending across workers.
    await outbox.enqueue(ctx.db, [push_item("zalo", "z1", "z:1", Reply("z"))], ctx.now())
    await DeliveryWorker(ctx, {"telegram": sender}).drain(timeout=2)
    assert (await outbox.counts(ctx.db)).pending == 1


async def delivered(sender: FakeSender, n: int, timeout: float = 5.0) -> None:
    """Wait until the sender has delivered n messages (or the timeout)."""
    for _ in range(int(timeout / 0.01)):
        if len(sender.delivered) >= n:
            return
        await asyncio.sleep(0.01)


async def test_drain_beside_the_running_dispatcher_sends_each_row_once(ctx: AppContext) -> None:
    """drain() while the started dispatcher waits for the global cap: both rounds hold the same
    row in memory; it is sent once (before, both sent it after the wait)."""
    fast(ctx, telegram_rate_global=2.0)
    await outbox.enqueue(ctx.db, items(3, 3), ctx.now())
    sender = FakeSender()
    worker = DeliveryWorker(ctx, {"telegram": sender}, poll_seconds=0.05)
    await worker.start()
    try:
        await delivered(sender, 2)
        assert await worker.drain(timeout=10) == 0  # the third row waits ~1 s for the cap
        await asyncio.sleep(0.2)
    finally:
        await worker.stop()
    assert Counter(t for _, t in sender.delivered) == {"m 0": 1, "m 1": 1, "m 2": 1}


def test_token_bucket_and_window() -> None:
    """The bucket spaces tokens at 1/rate; the window allows `limit` per window."""
    now = [0.0]
    bucket = TokenBucket(10.0, clock=lambda: now[0])
    assert bucket.delay() == 0
    bucket.take()
    assert abs(bucket.delay() - 0.1) < 1e-9
    now[0] = 0.1
    assert bucket.delay() == 0
    window = WindowCap(2, clock=lambda: now[0])
    window.take()
    window.take()
    assert abs(window.delay() - 1.0) < 1e-9


async def test_a_failing_mark_is_logged_not_left_unretrieved(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The store refuses to record a dead row: the send task's exception is logged by the
    worker, and asyncio never reports 'Task exception was never retrieved'."""

    async def refuse(*args: object) -> None:
        """The store is locked for good."""
        raise sqlite3.OperationalError("database is locked")

    fast(ctx)
    await outbox.enqueue(ctx.db, items(1, 1), ctx.now())
    sender = FakeSender()
    sender.permanent.add("m 0")
    monkeypatch.setattr(outbox, "mark_dead", refuse)
    caplog.set_level(logging.ERROR)
    worker = DeliveryWorker(ctx, {"telegram": sender})
    await worker._round("telegram")
    await asyncio.wait(set(worker._sends), timeout=5)
    await asyncio.sleep(0)
    gc.collect()
    await asyncio.sleep(0)
    messages = [r.getMessage() for r in caplog.records]
    assert not any("never retrieved" in m for m in messages), messages
    assert any(m.startswith("task ") and m.endswith(" failed") for m in messages), messages


class PausingSender(FakeSender):
    """The first send is slow and answers 429 (pause 0.5 s); it records when it did."""

    def __init__(self) -> None:
        super().__init__()
        self.paused_at: float | None = None

    async def send(self, chat_id: str, reply: Reply) -> None:
        """A slow 429 first, then deliveries."""
        if self.paused_at is None:
            await asyncio.sleep(0.1)
            self.paused_at = time.monotonic()
            raise RetryLater(0.5)
        await super().send(chat_id, reply)


async def test_a_send_waiting_for_a_slot_honours_a_pause_begun_meanwhile(ctx: AppContext) -> None:
    """A row that waits for a free send slot while another send gets a 429 must not go out
    when the slot frees: the channel's pause is checked after the slot is taken."""
    fast(ctx)
    sender = PausingSender()
    await outbox.enqueue(ctx.db, items(2, 2), ctx.now())
    await DeliveryWorker(ctx, {"telegram": sender}, concurrency=1).drain(timeout=10)
    assert sender.paused_at is not None and len(sender.delivered) == 2
    assert min(sender.calls) >= sender.paused_at + 0.45, "a row went out during the pause"
