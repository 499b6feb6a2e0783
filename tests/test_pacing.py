"""The one rate-cap module and the one backoff formula; a Zalo push is paced once."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.sender import ZaloSender
from bot.context import AppContext
from bot.core.types import Reply
from bot.push.backoff import backoff
from bot.push.delivery import DeliveryWorker
from bot.push.pacing import ChannelPacer, PacedSender, TokenBucket, WindowCap
from bot.push.payload import push_item
from storage import outbox
from tests.fakes.fake_zalo import FakeZalo
from tests.zalo_helpers import running_fake, use_fake


class FakeClock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class CountingPacer(ChannelPacer):
    """A ChannelPacer that records every message it counts."""

    def __init__(self, rate_global: float, rate_chat: float) -> None:
        super().__init__(rate_global, rate_chat)
        self.counted: list[str] = []

    def take(self, chat_id: str) -> None:
        self.counted.append(chat_id)
        super().take(chat_id)


def test_window_cap_is_strict() -> None:
    """Never more than `limit` events in any window; the next one waits for the oldest to age."""
    clock = FakeClock()
    cap = WindowCap(3, 1.0, clock)
    for _ in range(3):
        assert cap.delay() == 0.0
        cap.take()
        clock.now += 0.125
    assert cap.delay() == 0.625
    clock.now += 0.625
    assert cap.delay() == 0.0


def test_token_bucket_rate_and_hold() -> None:
    """One token per 1/rate seconds; hold_until keeps the next token back until then."""
    clock = FakeClock()
    bucket = TokenBucket(2.0, 1.0, clock)
    assert bucket.delay() == 0.0
    bucket.take()
    assert bucket.delay() == pytest.approx(0.5)
    bucket.hold_until(clock.now + 3.0)
    assert bucket.delay() == pytest.approx(3.0)
    clock.now += 3.0
    assert bucket.delay() == 0.0 and bucket.is_full()


def test_channel_pacer_caps_each_chat_and_the_channel() -> None:
    """A chat waits 1/rate_chat after a message; the channel waits once its window is full."""
    clock = FakeClock()
    pacer = ChannelPacer(2.0, 1.0, clock)
    pacer.take("a")
    assert pacer.chat_delay("a") == pytest.approx(1.0)
    assert pacer.chat_delay("b") == 0.0
    pacer.take("b")
    assert pacer.global_delay() > 0  # two sends in the window of a 2/s channel
    clock.now += 1.05
    assert pacer.global_delay() == 0.0 and pacer.chat_delay("a") == 0.0


@pytest.mark.parametrize("attempt", [0, 1, 3, 10, 40])
def test_backoff_bounds(attempt: int) -> None:
    """base·2^attempt capped; `least` is the part always waited (0 full jitter, 1 none)."""
    random.seed(attempt)
    full = min(30.0, 0.5 * 2**attempt)
    for _ in range(50):
        assert 0 <= backoff(attempt, 0.5, 30.0) <= full
        assert full / 2 <= backoff(attempt, 0.5, 30.0, least=0.5) <= full
    assert backoff(attempt, 0.5, 30.0, least=1.0) == full


@pytest.fixture
async def zalo(ctx: AppContext) -> AsyncIterator[tuple[FakeZalo, ZaloSender, CountingPacer]]:
    """A fake Zalo, a ZaloSender calling it, and the sender's pacer (counting)."""
    async with running_fake() as fake:
        use_fake(ctx, fake)
        client = ZaloClient(fake.token, fake.api_url)
        sender = ZaloSender(client, ctx)
        pacer = sender.pacer = CountingPacer(1000.0, 1000.0)
        try:
            yield fake, sender, pacer
        finally:
            await client.aclose()


async def test_a_zalo_push_is_paced_once(
    ctx: AppContext, zalo: tuple[FakeZalo, ZaloSender, CountingPacer]
) -> None:
    """Through the delivery worker, ZaloSender counts each message once on the shared pacer."""
    fake, sender, pacer = zalo
    assert isinstance(sender, PacedSender)
    long_text = "Thông báo dài. " * 200  # 3,000 characters: two Zalo messages
    items = [push_item("zalo", "z1", "a", Reply("Thông báo ngắn")),
             push_item("zalo", "z2", "b", Reply(long_text))]
    await outbox.enqueue(ctx.db, items, ctx.now())
    assert await DeliveryWorker(ctx, {"zalo": sender}).drain(timeout=20) == 0
    assert len(fake.sent["z1"]) == 1 and len(fake.sent["z2"]) == 2
    assert sorted(pacer.counted) == ["z1", "z2", "z2"]  # one count per message sent


async def test_a_zalo_answer_paces_every_message(
    zalo: tuple[FakeZalo, ZaloSender, CountingPacer],
) -> None:
    """An answer (not through the worker) counts each of its messages on the pacer."""
    fake, sender, pacer = zalo
    await sender.send_many("z1", [Reply("Một"), Reply("Hai")])
    assert pacer.counted == ["z1", "z1"] and len(fake.sent["z1"]) == 2
