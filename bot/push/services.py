"""Background services of the bot process: the scheduler, the outbox delivery worker, and the
status-change catch-up (pushes of status events not fanned out yet, e.g. after a killed import)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels.base import Sender
from bot.context import AppContext
from bot.push.delivery import DeliveryWorker
from bot.push.scheduler import start_scheduler
from bot.push.status import catch_up

log = logging.getLogger(__name__)

CATCH_UP_SECONDS = 5.0  # how often the bot looks for status events not fanned out yet


@dataclass
class Services:
    """The running scheduler, delivery worker and catch-up loop; stop() shuts them down."""

    ctx: AppContext
    scheduler: AsyncIOScheduler
    worker: DeliveryWorker
    catch_up_task: asyncio.Task | None = None

    async def stop(self) -> None:
        """Stop scheduling, let sends in flight finish, and detach from the context."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.catch_up_task is not None:
            self.catch_up_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.catch_up_task
        await self.worker.stop()
        if self.ctx.outbox_wake == self.worker.wake:
            self.ctx.outbox_wake = None
        log.info("services stopped")


async def catch_up_once(ctx: AppContext) -> int:
    """Queue the pushes of status events not fanned out yet; logs (never raises) a failure."""
    try:
        return await catch_up(ctx)
    except Exception:
        log.exception("status-change catch-up failed (tried again later)")
        return 0


async def catch_up_loop(ctx: AppContext, seconds: float) -> None:
    """The catch-up at once (the bot's start), then every `seconds`, so pushes committed by
    another process (an import killed after its commit) are not lost."""
    queued = await catch_up_once(ctx)
    if queued:
        log.info("at start: %d status-change push(es) caught up", queued)
    while True:
        await asyncio.sleep(seconds)
        await catch_up_once(ctx)


async def start_services(
    ctx: AppContext,
    senders: dict[str, Sender],
    *,
    scheduler: bool = True,
    catch_up_seconds: float = CATCH_UP_SECONDS,
    **worker_options: Any,
) -> Services:
    """Start the delivery worker over `senders`, (unless scheduler=False) the scheduler, and the
    status-change catch-up: once now, then every `catch_up_seconds`.

    The worker's wake() is set as ctx.outbox_wake, so pushes enqueued in this
    process (bot.push.messages) are sent at once; rows enqueued by another process are found
    by polling.
    """
    worker = DeliveryWorker(ctx, senders, **worker_options)
    await worker.start()
    ctx.outbox_wake = worker.wake
    # Not awaited here: the start must not wait for an import holding the write lock.
    loop = asyncio.create_task(catch_up_loop(ctx, catch_up_seconds), name="status-catch-up")
    sched = start_scheduler(ctx) if scheduler else AsyncIOScheduler(timezone=ctx.settings.tz)
    log.info("services started: delivery over %s", ", ".join(sorted(senders)) or "no channel")
    return Services(ctx, sched, worker, loop)
