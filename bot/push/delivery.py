"""The delivery worker: drains the outbox through the channels' Senders under rate caps.

One dispatcher per channel reads due pending rows in id order and sends each through the
channel's Sender, keeping to a global rate and a per-chat rate (settings.<channel>_rate_global /
_rate_per_chat; Telegram allows about 30 messages/s overall and 1/s per chat) with the caps of
bot/push/pacing.py. A Sender with its own pacer (Zalo's, which also paces answers and a long
push's parts) paces each message itself; the worker then only reads that pacer to skip chats
that must wait, so every message is paced once. Outcomes:

- send returned → the row is marked sent (only then);
- RetryLater (HTTP 429) → the whole channel pauses for `seconds` (Telegram's limit is global),
  then the row is retried; this does not count as a failed attempt;
- TransientError (network, time-out, 5xx) → exponential backoff with jitter, capped
  (bot/push/backoff.py); the row stays pending (a timed-out send may have been delivered: the
  outbox key keeps our own records to one row, the platform may still show a second copy);
- RecipientBlocked (HTTP 403) → the row and every pending row to that chat are dead and the chat
  is recorded as blocked, so no further push is enqueued for it;
- PermanentError → the row is dead.

Several processes may drain one store (PostgreSQL): before a row is sent the worker claims it in
the store (outbox.claim: a lease of settings.outbox_lease_seconds, renewed while the send is in
flight), so no two workers send one push; a killed worker's claimed rows (at most its sends in
flight) return to the queue when their lease ends. A stopping worker gives its claims back.

Everything pending is in the store, so it survives a restart. Retry times are real wall-clock
time (not ctx.now(), which tests and the demo may fix), stored as local text for restarts and
kept precisely in memory while running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.channels.base import (
    PermanentError,
    RecipientBlocked,
    RetryLater,
    Sender,
    TransientError,
)
from bot.context import AppContext
from bot.push.backoff import backoff
from bot.push.pacing import ChannelPacer, PacedSender
from bot.push.payload import from_payload
from storage import outbox
from storage.timefmt import to_db

log = logging.getLogger(__name__)

RECENT_SECONDS = 120.0


def wake_worker(ctx: AppContext) -> None:
    """Tell a running delivery worker (if any in this process) that rows were enqueued."""
    if ctx.outbox_wake is not None:
        ctx.outbox_wake()


def worker_owner() -> str:
    """A name for this worker's claims, unique across processes and machines: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def _log_failure(task: asyncio.Task) -> None:
    """Done callback: log a task's exception, so none is left unretrieved."""
    if not task.cancelled() and task.exception() is not None:
        log.error("task %s failed", task.get_name(), exc_info=task.exception())


@dataclass
class DeliveryStats:
    """Counters of one worker's life (for logs, tests and the benchmark)."""

    sent: int = 0
    retry_later: int = 0
    transient: int = 0
    blocked: int = 0
    dead: int = 0
    by_error: dict[str, int] = field(default_factory=dict)


@dataclass
class _Channel:
    """One channel's dispatch state: its sender, caps, pause, rows in flight."""

    sender: Sender
    pacer: ChannelPacer
    paces_itself: bool = False  # the sender counts its messages on `pacer` (PacedSender)
    paused_until: float = 0.0
    busy_chats: set[str] = field(default_factory=set)
    blocked: set[str] = field(default_factory=set)
    inflight: set[int] = field(default_factory=set)
    elsewhere: set[str] = field(default_factory=set)  # chats another worker sends to (a round)
    not_before: dict[int, float] = field(default_factory=dict)
    # Rows finished (sent/dead) recently: a due-rows query that started before their commit
    # may still return them as pending; kept RECENT_SECONDS, then forgotten.
    finished: dict[int, float] = field(default_factory=dict)


class DeliveryWorker:
    """Drains the outbox through `senders` (channel name → Sender) until stopped."""

    def __init__(
        self,
        ctx: AppContext,
        senders: dict[str, Sender],
        *,
        poll_seconds: float = 2.0,
        concurrency: int = 16,
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        max_attempts: int = 100,
        batch: int = 500,
        wall_clock: Callable[[], datetime] | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        self.ctx = ctx
        self.senders = dict(senders)
        self.poll_seconds = poll_seconds
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts
        self.batch = batch
        self.stats = DeliveryStats()
        self.owner = worker_owner()
        self.lease_seconds = float(
            lease_seconds if lease_seconds is not None else ctx.settings.outbox_lease_seconds
        )
        self._renewer: asyncio.Task | None = None
        self._wall = wall_clock or (lambda: datetime.now(ctx.settings.tz))
        self._sem = asyncio.Semaphore(concurrency)
        self._wakes = {name: asyncio.Event() for name in self.senders}
        self._stopping = False
        self._tasks: list[asyncio.Task] = []
        self._sends: set[asyncio.Task] = set()
        self._channels = {name: self._channel_state(name, s) for name, s in self.senders.items()}
        self._sent_queue: list[tuple[int, asyncio.Future[None]]] = []
        self._flushing = False
        self._flush_task: asyncio.Task | None = None

    def _channel_state(self, name: str, sender: Sender) -> _Channel:
        """A channel's state; its caps are the sender's own pacer when it has one (Zalo's: the
        sender paces each message, so it is paced once), else built from the settings
        (telegram_*, zalo_*; others: Telegram's).
        """
        if isinstance(sender, PacedSender):
            return _Channel(sender=sender, pacer=sender.pacer, paces_itself=True)
        settings = self.ctx.settings
        prefix = name if name in ("telegram", "zalo") else "telegram"
        rate_global = float(getattr(settings, f"{prefix}_rate_global"))
        rate_chat = float(getattr(settings, f"{prefix}_rate_per_chat"))
        return _Channel(sender=sender, pacer=ChannelPacer(rate_global, rate_chat))

    # --- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start one dispatcher task per channel."""
        self._stopping = False
        for name in self._channels:
            self._tasks.append(asyncio.create_task(self._run(name), name=f"delivery-{name}"))
        self._renewer = asyncio.create_task(self._renew_loop(), name="delivery-leases")

    def wake(self) -> None:
        """Wake the dispatchers now (rows were enqueued)."""
        for event in self._wakes.values():
            event.set()

    async def stop(self, grace: float = 10.0) -> None:
        """Stop dispatching, let sends in flight finish (up to grace seconds), then return."""
        self._stopping = True
        self.wake()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._sends:
            _done, pending = await asyncio.wait(set(self._sends), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
        if self._renewer is not None:
            self._renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewer
            self._renewer = None
        try:  # rows claimed but not sent (a cancelled send) go back to the queue at once
            await outbox.release_claims(self.ctx.db, self.owner)
        except Exception as exc:  # the store is closing: their leases end by themselves
            log.warning("giving back the outbox claims failed: %s", exc)

    async def _renew_loop(self) -> None:
        """Every third of the lease, extend the claims of the sends in flight."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            ids = sorted({i for ch in self._channels.values() for i in ch.inflight})
            try:
                await outbox.renew_claims(self.ctx.db, self.owner, ids, self._lease_text())
            except Exception as exc:  # busy store: the next renewal comes before the lease ends
                log.warning("renewing %d outbox claim(s) failed: %s", len(ids), exc)

    def _lease_text(self) -> str:
        """The end of a claim made or renewed now, as stored text."""
        return self._wall_text(self.lease_seconds)

    async def _claim(self, row: outbox.OutboxRow) -> bool:
        """Claim a row for this worker (False: another worker holds it, or it left pending)."""
        return await outbox.claim(
            self.ctx.db, row.id, self.owner, self._wall_text(), self._lease_text()
        )

    async def drain(self, timeout: float = 60.0) -> int:
        """Send until nothing is due or waiting for a retry, or timeout; returns rows pending."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name in self._channels:
                await self._round(name)
            if self._sends:
                await asyncio.wait(set(self._sends), timeout=0.05)
                continue
            left = await self._pending_count()
            if left == 0:
                return 0
            await asyncio.sleep(min(0.05, max(deadline - time.monotonic(), 0)))
        return await self._pending_count()

    async def _pending_count(self) -> int:
        """Pending rows on the channels this worker serves."""
        return await outbox.pending_count(self.ctx.db, list(self._channels))

    # --- dispatch --------------------------------------------------------------------------------

    async def _run(self, name: str) -> None:
        """A channel's dispatcher: rounds over due rows, sleeping until woken or polled."""
        while not self._stopping:
            wake = self._wakes[name]
            wake.clear()  # before the round: a wake during it makes the wait below return
            try:
                wait = await self._round(name)
            except asyncio.CancelledError:
                raise
            except Exception:  # the store was busy, a bug: log, wait, go on
                log.exception("delivery round failed on %s", name)
                wait = self.poll_seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), timeout=max(wait, 0.005))

    def _wall_text(self, ahead: float = 0.0) -> str:
        """Real local time (+ahead seconds) as stored text."""
        now = self._wall() + timedelta(seconds=ahead)
        return to_db(now, self.ctx.settings.tz)

    async def _round(self, name: str) -> float:
        """Dispatch every due row of a channel once; returns seconds until the next look."""
        ch = self._channels[name]
        ch.blocked.clear()  # blocked chats' rows are dead in the store; this only covers a round
        ch.elsewhere.clear()
        old = time.monotonic() - RECENT_SECONDS
        for row_id in [i for i, t in ch.finished.items() if t < old]:
            del ch.finished[row_id]
        next_look = self.poll_seconds
        after = 0
        while not self._stopping:
            # +1 s: stored retry times have whole seconds; the precise time is kept in memory.
            rows = await outbox.due_rows(self.ctx.db, name, self._wall_text(1.0), self.batch, after)
            if not rows:
                break
            after = rows[-1].id
            for row in rows:
                wait = await self._dispatch(ch, row)
                if wait is not None:
                    next_look = min(next_look, wait)
            if len(rows) < self.batch:
                break
        return next_look

    async def _dispatch(self, ch: _Channel, row: outbox.OutboxRow) -> float | None:
        """Start sending one row, or return how long until it may be tried (None: skipped)."""
        wait = self._wait_for(ch, row)
        if wait != 0.0:
            return wait
        # The send slot first, then the pause and caps: a 429 met by another send while this
        # one waited for a slot pauses this one too.
        await self._sem.acquire()
        try:
            await self._pace(ch)
        except BaseException:  # cancelled while waiting: give the slot back
            self._sem.release()
            raise
        # Another round (drain() beside the running dispatcher) may have taken the row or
        # its chat while this one waited for a slot or the global cap: look again.
        wait = None if self._stopping else self._wait_for(ch, row)
        if wait != 0.0:
            self._sem.release()
            return wait
        ch.busy_chats.add(row.chat_id)  # while claiming: no other round takes the chat
        try:
            mine = await self._claim(row)
        except BaseException:
            ch.busy_chats.discard(row.chat_id)
            self._sem.release()
            raise
        if not mine:  # another worker sends it (or it was sent since it was read)
            ch.busy_chats.discard(row.chat_id)
            ch.elsewhere.add(row.chat_id)
            self._sem.release()
            return None
        if not ch.paces_itself:
            ch.pacer.take(row.chat_id)
        ch.inflight.add(row.id)
        ch.busy_chats.add(row.chat_id)
        task = asyncio.create_task(self._send(ch, row))
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)
        task.add_done_callback(_log_failure)
        return None

    def _wait_for(self, ch: _Channel, row: outbox.OutboxRow) -> float | None:
        """0.0 when the row may be sent now, else seconds to wait (None: skip it)."""
        if row.id in ch.inflight or row.id in ch.finished or row.chat_id in ch.blocked:
            return None
        if row.chat_id in ch.elsewhere:  # keep a chat's later rows behind the one sent elsewhere
            return None
        if row.chat_id in ch.busy_chats:
            return 0.05
        hold = ch.not_before.get(row.id, 0.0) - time.monotonic()
        if hold > 0:
            return hold
        chat_wait = ch.pacer.chat_delay(row.chat_id)
        return chat_wait if chat_wait > 0 else 0.0

    async def _pace(self, ch: _Channel) -> None:
        """Wait for the channel's pause to end and (unless the sender paces itself) for a global
        token and window slot."""
        while not self._stopping:
            caps = 0.0 if ch.paces_itself else ch.pacer.global_delay()
            wait = max(ch.paused_until - time.monotonic(), caps)
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def _send(self, ch: _Channel, row: outbox.OutboxRow) -> None:
        """Send one row and record the outcome in the store."""
        try:
            if row.kind in outbox.STAFF_KINDS and not await outbox.is_pending(self.ctx.db, row.id):
                return  # dropped since it was read (the staff member's access was revoked)
            try:
                await ch.sender.send(row.chat_id, from_payload(row.payload))
            except asyncio.CancelledError:
                raise
            except RetryLater as exc:
                await self._retry_later(ch, row, exc)
            except RecipientBlocked as exc:
                await self._blocked(ch, row, exc)
            except PermanentError as exc:
                self._count("permanent")
                self.stats.dead += 1
                log.warning("push %s dead: %s", row.key, exc)
                await outbox.mark_dead(self.ctx.db, row.id, f"permanent: {exc}")
            except TransientError as exc:
                await self._transient(ch, row, f"transient: {exc}")
            except Exception as exc:  # a sender bug must not lose the row: retry with backoff
                log.exception("sender %s raised an unexpected error", ch.sender.name)
                await self._transient(ch, row, f"unexpected {type(exc).__name__}: {exc}")
            else:
                await self._mark_sent(row.id)
                ch.not_before.pop(row.id, None)
                self.stats.sent += 1
        finally:
            if row.id not in ch.not_before:  # sent or dead (a retry keeps its not_before)
                ch.finished[row.id] = time.monotonic()
            ch.inflight.discard(row.id)
            ch.busy_chats.discard(row.chat_id)
            self._sem.release()
            self._wakes[row.channel].set()

    async def _mark_sent(self, row_id: int) -> None:
        """Mark a row sent; rows delivered while a commit is running share the next one."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sent_queue.append((row_id, done))
        if not self._flushing:
            self._flushing = True
            self._flush_task = asyncio.create_task(self._flush_sent())
            self._flush_task.add_done_callback(_log_failure)
        await done

    async def _flush_sent(self) -> None:
        """Commit the queued sent marks, batch after batch, until none is left."""
        try:
            while self._sent_queue:
                batch, self._sent_queue = self._sent_queue, []
                try:
                    await outbox.mark_sent_many(
                        self.ctx.db, [row_id for row_id, _ in batch], self._wall_text()
                    )
                except Exception as exc:
                    if not self._stopping:  # the row was delivered: never send it again
                        log.warning("marking %d push(es) sent failed (%s); again", len(batch), exc)
                        self._sent_queue[:0] = batch
                        await asyncio.sleep(1.0)
                        continue
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
        finally:
            self._flushing = False

    def _count(self, kind: str) -> None:
        """Count one error kind."""
        self.stats.by_error[kind] = self.stats.by_error.get(kind, 0) + 1

    async def _retry_later(self, ch: _Channel, row: outbox.OutboxRow, exc: RetryLater) -> None:
        """429: pause the whole channel for the asked time and keep the row pending."""
        self.stats.retry_later += 1
        self._count("retry_later")
        seconds = exc.seconds if exc.seconds is not None else self._backoff(row.attempts)
        seconds = max(float(seconds), 0.0)
        until = time.monotonic() + seconds
        ch.paused_until = max(ch.paused_until, until)
        ch.not_before[row.id] = until
        log.info("%s asked to wait %.1fs (%s)", ch.sender.name, seconds, row.key)
        await outbox.mark_deferred(
            self.ctx.db, row.id, self._wall_text(seconds), f"retry after {seconds:g}s"
        )

    async def _transient(self, ch: _Channel, row: outbox.OutboxRow, error: str) -> None:
        """Network/5xx: back off (exponential, jitter, cap) or give up after max_attempts."""
        self.stats.transient += 1
        self._count("transient")
        if row.attempts + 1 >= self.max_attempts:
            self.stats.dead += 1
            await outbox.mark_dead(self.ctx.db, row.id, f"gave up: {error}")
            return
        delay = self._backoff(row.attempts)
        until = time.monotonic() + delay
        ch.not_before[row.id] = until
        ch.pacer.hold_chat(row.chat_id, until)  # keep the chat's later rows behind this one
        await outbox.mark_retry(self.ctx.db, row.id, self._wall_text(delay), error)

    def _backoff(self, attempts: int) -> float:
        """Exponential backoff with equal jitter, capped: base·2^attempts, half of it random."""
        return backoff(attempts, self.backoff_base, self.backoff_cap, least=0.5)

    async def _blocked(self, ch: _Channel, row: outbox.OutboxRow, exc: RecipientBlocked) -> None:
        """403: the person blocked the bot: this row and the chat's pending rows are dead."""
        self.stats.blocked += 1
        self.stats.dead += 1
        self._count("blocked")
        ch.blocked.add(row.chat_id)
        log.info("chat %s:%s blocked the bot", row.channel, row.chat_id)
        await outbox.mark_dead(self.ctx.db, row.id, f"blocked: {exc}")
        await outbox.block_chat(
            self.ctx.db, row.channel, row.chat_id, self._wall_text(), str(exc) or "blocked"
        )
