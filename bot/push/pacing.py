"""Rate caps of one channel's sends: a global token bucket, a strict window, per-chat buckets.

One in-house module rather than aiolimiter (installed with python-telegram-bot): aiolimiter's
leaky bucket lets a full burst through and then the steady rate, so a 30/s cap admits about 60
sends in one 1.05 s span (measured), where Telegram counts any 1-second span; and the delivery
worker needs to ask, without waiting, how long a chat must wait, so it can send other chats'
rows meanwhile. The delivery worker and the Zalo sender share one ChannelPacer per channel, so
every message is paced once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol, runtime_checkable

BURST_SECONDS = 0.02  # global burst: 20 ms worth of tokens makes up for sleeps that overshoot
WINDOW_SECONDS = 1.05  # the strict cap's window: 1 s plus a margin for network jitter
MAX_IDLE_CHATS = 10_000  # above this many chat buckets, the full (idle) ones are forgotten


class TokenBucket:
    """A token bucket: `rate` tokens per second, at most `capacity` stored."""

    def __init__(
        self, rate: float, capacity: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start full."""
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self._clock = clock
        self._tokens = self.capacity
        self._stamp = clock()

    def _refill(self) -> None:
        """Add the tokens earned since the last look."""
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def delay(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self._refill()
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self) -> None:
        """Spend one token (may go negative: the next caller waits longer)."""
        self._refill()
        self._tokens -= 1.0

    def hold_until(self, when: float) -> None:
        """Give no token before the clock's time `when`."""
        self._refill()
        wait = when - self._clock()
        if wait > 0:
            self._tokens = min(self._tokens, 1.0 - wait * self.rate)

    def is_full(self) -> bool:
        """True when the bucket has refilled completely (it remembers nothing)."""
        self._refill()
        return self._tokens >= self.capacity


class WindowCap:
    """At most `limit` events in any sliding window of `window` seconds (a strict global cap)."""

    def __init__(
        self, limit: int, window: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Start with no event recorded."""
        self.limit = max(limit, 1)
        self.window = window
        self._clock = clock
        self._events: deque[float] = deque()

    def delay(self) -> float:
        """Seconds until one more event fits in the window."""
        now = self._clock()
        while self._events and self._events[0] <= now - self.window:
            self._events.popleft()
        if len(self._events) < self.limit:
            return 0.0
        return self._events[0] + self.window - now

    def take(self) -> None:
        """Record one event now."""
        self._events.append(self._clock())


class ChannelPacer:
    """One channel's caps: `rate_global` sends per second overall, `rate_chat` per chat."""

    def __init__(
        self, rate_global: float, rate_chat: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Build the global bucket and window and an empty set of chat buckets."""
        self.rate_global = rate_global
        self.rate_chat = rate_chat
        self._clock = clock
        # The small burst makes up for sleeps that overshoot; the sliding window still keeps
        # any 1-second span (as the platform sees it) under the cap.
        self.bucket = TokenBucket(
            rate_global, capacity=max(1.0, rate_global * BURST_SECONDS), clock=clock
        )
        self.window = (
            WindowCap(int(rate_global), WINDOW_SECONDS, clock)
            if rate_global >= 1
            else WindowCap(1, 1 / rate_global, clock)
        )
        self.chats: dict[str, TokenBucket] = {}
        self._prune_at = MAX_IDLE_CHATS
        self._turn = asyncio.Lock()

    def _chat(self, chat_id: str) -> TokenBucket:
        """The chat's bucket (a new, full one for a chat not seen or long idle)."""
        bucket = self.chats.get(chat_id)
        if bucket is None:
            if len(self.chats) >= self._prune_at:  # a full bucket is the same as no bucket
                self.chats = {c: b for c, b in self.chats.items() if not b.is_full()}
                self._prune_at = max(MAX_IDLE_CHATS, 2 * len(self.chats))
            bucket = self.chats[chat_id] = TokenBucket(self.rate_chat, 1.0, self._clock)
        return bucket

    def chat_delay(self, chat_id: str) -> float:
        """Seconds until one more message may go to this chat (0: now)."""
        return self._chat(chat_id).delay()

    def global_delay(self) -> float:
        """Seconds until one more message may go to any chat of the channel (0: now)."""
        return max(self.bucket.delay(), self.window.delay())

    def take(self, chat_id: str) -> None:
        """Count one message to this chat now (against its cap and the channel's)."""
        self._chat(chat_id).take()
        self.bucket.take()
        self.window.take()

    def hold_chat(self, chat_id: str, when: float) -> None:
        """Keep this chat's next message until the clock's time `when` (a retry waits)."""
        bucket = self.chats.get(chat_id)
        if bucket is not None:
            bucket.hold_until(when)

    async def wait(self, chat_id: str) -> None:
        """Sleep until one more message may go to this chat, then count it.

        Waiters for the channel's cap go in turn (first come, first served); a chat's own wait
        is slept outside that turn, so it holds up no other chat.
        """
        while True:
            chat_wait = self.chat_delay(chat_id)
            if chat_wait > 0:
                await asyncio.sleep(chat_wait)
                continue
            async with self._turn:
                delay = self.global_delay()
                while delay > 0:
                    await asyncio.sleep(delay)
                    delay = self.global_delay()
                if self.chat_delay(chat_id) <= 0:
                    self.take(chat_id)
                    return


@runtime_checkable
class PacedSender(Protocol):
    """A channel's Sender that paces each of its messages itself, right before the platform call.

    The delivery worker then only reads this pacer (which chat must wait) and counts nothing.
    """

    pacer: ChannelPacer
