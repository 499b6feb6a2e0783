"""Another process holds the store's write lock longer than the busy timeout (a long import):
the bot's own writes wait their turn — a lookup is answered, a delivered push is marked sent
once — with no error, no duplicate, and the event loop free meanwhile."""

from __future__ import annotations

import asyncio
import gc
import logging
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Reply
from bot.push.delivery import DeliveryWorker
from bot.push.payload import push_item
from bot.workdays import WorkCalendar
from storage import outbox, subscriptions
from storage.db import Database
from tests.core_helpers import D_OK, ask, joined, sample_world
from tests.test_delivery import FakeSender

BUSY_MS = 100  # the busy timeout of this test's store (10 s in production)
HOLD_SECONDS = 1.5  # how long the other process holds the write lock: 15 busy timeouts

LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO import_runs (kind, file_name, started_at)"
             " VALUES ('dossiers', 'lon.csv', '2026-04-15T08:00:00')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@pytest.fixture
async def slow_ctx(settings: Settings, fixed_now: datetime) -> AsyncIterator[AppContext]:
    """An app context whose store gives up a busy wait after BUSY_MS (the bot's writes retry)."""
    db = await Database.open(settings.db_path, busy_timeout_ms=BUSY_MS, write_wait_seconds=60)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: fixed_now)
    ctx.settings = ctx.settings.model_copy(
        update={"telegram_rate_global": 500.0, "telegram_rate_per_chat": 100.0}
    )
    yield ctx
    await db.close()


async def hold_write_lock(path: Path, seconds: float) -> asyncio.subprocess.Process:
    """A plain sqlite3 connection in another process holding BEGIN IMMEDIATE for `seconds`."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOCKER, str(path), str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    assert (await proc.stdout.readline()).strip() == b"locked"
    return proc


async def heartbeat(gaps: list[float], stop: asyncio.Event) -> None:
    """Record the longest pause of the event loop while the writes wait."""
    last = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.01)
        now = time.monotonic()
        gaps.append(now - last)
        last = now


async def test_bot_writes_wait_for_another_process_holding_the_lock(
    slow_ctx: AppContext, caplog: pytest.LogCaptureFixture
) -> None:
    """Lookup (rate-limit write), /theodoi and a push's sent mark, all during a 1.5 s lock."""
    ctx = slow_ctx
    world = await sample_world(ctx)
    core = Core(ctx)
    await outbox.enqueue(
        ctx.db, [push_item("telegram", "700", "t:1", Reply("Thông báo thử"))], ctx.now()
    )
    sender = FakeSender()
    worker = DeliveryWorker(ctx, {"telegram": sender}, poll_seconds=0.05)
    gaps: list[float] = []
    stop = asyncio.Event()
    caplog.set_level(logging.WARNING)

    locker = await hold_write_lock(ctx.settings.db_path, HOLD_SECONDS)
    started = time.monotonic()
    beat = asyncio.create_task(heartbeat(gaps, stop))
    await worker.start()
    try:
        replies, followed = await asyncio.gather(
            ask(core, f"/tracuu {D_OK}"),
            subscriptions.follow(
                ctx.db, world.dossier_ids[D_OK], "telegram", "701", "701", ctx.now()
            ),
        )
        waited = time.monotonic() - started
        assert await worker.drain(timeout=30) == 0
    finally:
        await worker.stop()
        stop.set()
        await beat
    assert await locker.wait() == 0

    assert waited >= HOLD_SECONDS * 0.8  # the writes really waited for the other process
    text = joined(replies)
    assert "Đang xử lý" in text, text  # answered, not the crash apology
    assert followed is True
    assert sender.delivered == [("700", "Thông báo thử")]  # once
    assert await outbox.rows_by_state(ctx.db, "sent") == [("telegram", "700", "t:1")]
    assert max(gaps) < 0.5  # the event loop was never blocked by the waiting writes
    gc.collect()  # a task whose exception was never retrieved is reported when collected
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def test_a_write_still_fails_after_its_deadline(settings: Settings) -> None:
    """The wait is bounded: past write_wait_seconds the busy error is raised as before."""
    db = await Database.open(settings.db_path, busy_timeout_ms=50, write_wait_seconds=0.3)
    locker = await hold_write_lock(settings.db_path, 1.5)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            async with db.transaction() as conn:
                await conn.execute("DELETE FROM blocked_chats")
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await db.write_in_one_hop(lambda conn: conn.execute("DELETE FROM blocked_chats"))
    finally:
        await locker.wait()
        await db.close()
