"""Background services of the bot process: the scheduler and the outbox delivery worker."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels.base import Sender
from bot.context import AppContext
from bot.delivery import WAKE_ATTR, DeliveryWorker
from bot.scheduler import start_scheduler

log = logging.getLogger(__name__)


@dataclass
class Services:
    """The running scheduler and delivery worker; stop() shuts both down."""

    ctx: AppContext
    scheduler: AsyncIOScheduler
    worker: DeliveryWorker

    async def stop(self) -> None:
        """Stop scheduling, let sends in flight finish, and detach from the context."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.worker.stop()
        if getattr(self.ctx, WAKE_ATTR, None) == self.worker.wake:
            setattr(self.ctx, WAKE_ATTR, None)
        log.info("services stopped")


async def start_services(
    ctx: AppContext, senders: dict[str, Sender], *, scheduler: bool = True, **worker_options: object
) -> Services:
    """Start the delivery worker over `senders` and (unless scheduler=False) the scheduler.

    The worker's wake() is attached to ctx (attribute `outbox_wake`), so pushes enqueued in this
    process (bot.pushes) are sent at once; rows enqueued by another process are found by polling.
    """
    worker = DeliveryWorker(ctx, senders, **worker_options)  # type: ignore[arg-type]
    await worker.start()
    setattr(ctx, WAKE_ATTR, worker.wake)
    sched = start_scheduler(ctx) if scheduler else AsyncIOScheduler(timezone=ctx.settings.tz)
    log.info("services started: delivery over %s", ", ".join(sorted(senders)) or "no channel")
    return Services(ctx, sched, worker)
