"""The scheduler: APScheduler 3.11 jobs (settings' timezone) that put pushes into the outbox.

Jobs are rebuilt in a memory job store at every start from the settings; what must survive a
restart is the outbox, not the job store. APScheduler 3.x's `misfire_grace_time` defaults to 1 s,
so a run delayed by a busy loop or a suspended machine would be dropped silently: the daily job
gets about an hour, the quarterly one no limit, both with `coalesce=True` (one run, never two).
A job missed while the bot was down is not in a memory store, so `catch_up` runs it once at
start: the daily one when today's run time passed within the hour, the quarterly one up to
messages.QUARTERLY_CATCH_UP_DAYS after its day. The outbox keys make a run that already happened
store nothing. A nightly housekeeping job deletes the lookup rate-limit windows of earlier days.

Several `motcua run` processes on one store each run this scheduler; a job runs once per
occasion (its name and the local date of ctx.now()) across them: the process that records the
occasion first in job_runs runs it, the others log that it was taken and skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.context import AppContext
from bot.push import index as index_pushes
from bot.push import messages as pushes
from bot.push.delivery import worker_owner
from storage import job_runs, ratelimit
from storage.timefmt import to_db

log = logging.getLogger(__name__)

DAILY_GRACE_SECONDS = 3600
DAILY_JOB = "daily"
QUARTERLY_JOB = "quarterly"
INDEX_JOB = "index766"
PRUNE_JOB = "prune"
PRUNE_TIME = (0, 20)  # hour, minute: the housekeeping job, after the day's rate-limit windows close
JOB_LEASE_SECONDS = 600.0  # a run not finished by then (its process died) may be taken over
OWNER = worker_owner()  # this process, in job_runs


async def daily_job(ctx: AppContext, now: datetime) -> int:
    """Officers' reminders and leaders' digest (working days only); returns rows enqueued."""
    if not ctx.calendar.is_working_day(now.date()):
        return 0
    added = await pushes.officer_reminders(ctx, now)
    added += await pushes.leader_digests(ctx, now)
    return added


async def quarterly_job(ctx: AppContext, now: datetime) -> int:
    """The closed quarter's summary to leaders when due today; returns rows enqueued."""
    return await pushes.quarterly_summaries(ctx, now)


async def quarterly_catch_up_job(ctx: AppContext, now: datetime) -> int:
    """The closed quarter's summary when its day passed while the bot was down."""
    return await pushes.quarterly_summaries(ctx, now, catch_up=True)


async def prune_job(ctx: AppContext, now: datetime) -> int:
    """Housekeeping: drop the lookup rate-limit windows of earlier days; returns rows deleted."""
    return await ratelimit.prune(ctx.db, now)


def _runner(
    ctx: AppContext, job: Callable[[AppContext, datetime], Awaitable[int]], name: str,
    counted: str = "push(es) enqueued",
) -> Callable[[], Awaitable[None]]:
    """A no-argument coroutine function that runs `job` at ctx.now() and logs failures."""

    async def run() -> None:
        """Run the job now, unless another process has run (or is running) this occasion."""
        now = ctx.now()
        occasion = now.date().isoformat()
        try:
            if not await _begin(ctx, name, occasion):
                log.info("job %s (%s): run by another process; skipped", name, occasion)
                return
        except Exception:
            log.exception("job %s (%s): could not record the run; skipped", name, occasion)
            return
        try:
            added = await job(ctx, now)
        except Exception:
            log.exception("job %s failed", name)
            await _quiet(job_runs.abandon(ctx.db, name, occasion, OWNER))
            return
        log.info("job %s: %d %s", name, added, counted)
        await _quiet(job_runs.finish(ctx.db, name, occasion, OWNER, _wall(ctx), added))

    return run


def _wall(ctx: AppContext, ahead: float = 0.0) -> str:
    """Real local time (+ahead seconds) as stored text: leases are kept in real time."""
    return to_db(datetime.now(ctx.settings.tz) + timedelta(seconds=ahead), ctx.settings.tz)


async def _begin(ctx: AppContext, name: str, occasion: str) -> bool:
    """Record this process's run of (name, occasion); False when another process has it."""
    return await job_runs.begin(
        ctx.db, name, occasion, OWNER, _wall(ctx), _wall(ctx, JOB_LEASE_SECONDS)
    )


async def _quiet(step: Awaitable[None]) -> None:
    """Await a bookkeeping step, logging (never raising) its failure."""
    try:
        await step
    except Exception:
        log.exception("recording a job run failed")


def build_scheduler(ctx: AppContext) -> AsyncIOScheduler:
    """A scheduler (not started) with the daily and quarterly jobs from the settings."""
    settings = ctx.settings
    tz = settings.tz
    scheduler = AsyncIOScheduler(timezone=tz)
    daily = settings.reminder_time
    scheduler.add_job(
        _runner(ctx, daily_job, DAILY_JOB),
        CronTrigger(hour=daily.hour, minute=daily.minute, timezone=tz),
        id=DAILY_JOB,
        name="nhắc việc và tình hình hồ sơ hằng ngày",
        coalesce=True,
        misfire_grace_time=DAILY_GRACE_SECONDS,
        max_instances=1,
        replace_existing=True,
    )
    # Every day at quarterly_time; the job itself only acts on the first working day after a
    # quarter closes (or later, catching up), so holidays and the cut-off-15 rule need no cron.
    quarterly = settings.quarterly_time
    scheduler.add_job(
        _runner(ctx, quarterly_job, QUARTERLY_JOB),
        CronTrigger(hour=quarterly.hour, minute=quarterly.minute, timezone=tz),
        id=QUARTERLY_JOB,
        name="báo cáo quý cho lãnh đạo",
        coalesce=True,
        misfire_grace_time=None,
        max_instances=1,
        replace_existing=True,
    )
    # Issue 17: the monthly index push, daily at quarterly_time; it acts from MOTCUA_INDEX_DAY
    # to the month's end (its keys make it once a month, and a missed day is caught up).
    scheduler.add_job(
        _runner(ctx, index_pushes.monthly_index, INDEX_JOB),
        CronTrigger(hour=quarterly.hour, minute=quarterly.minute, timezone=tz),
        id=INDEX_JOB, name="chỉ số phục vụ hằng tháng cho lãnh đạo", coalesce=True,
        misfire_grace_time=None, max_instances=1, replace_existing=True,
    )
    # Rate-limit rows of people who looked up once would otherwise stay for ever.
    scheduler.add_job(
        _runner(ctx, prune_job, PRUNE_JOB, "rate-limit row(s) pruned"),
        CronTrigger(hour=PRUNE_TIME[0], minute=PRUNE_TIME[1], timezone=tz),
        id=PRUNE_JOB, name="dọn bộ đếm tra cứu của những ngày trước", coalesce=True,
        misfire_grace_time=None, max_instances=1, replace_existing=True,
    )
    return scheduler


def missed_at_start(ctx: AppContext, now: datetime) -> list[str]:
    """The jobs whose run time today has passed while the bot was down (within their grace)."""
    missed = []
    daily_at = datetime.combine(now.date(), ctx.settings.reminder_time, tzinfo=now.tzinfo)
    if daily_at <= now <= daily_at + timedelta(seconds=DAILY_GRACE_SECONDS):
        missed.append(DAILY_JOB)
    if pushes.quarter_due(ctx, now, catch_up=True) is not None:
        missed.append(QUARTERLY_JOB)
    return missed


def catch_up(ctx: AppContext, scheduler: AsyncIOScheduler) -> list[str]:
    """Schedule one immediate run of each job missed while down; returns their ids."""
    now = ctx.now()
    jobs = {DAILY_JOB: daily_job, QUARTERLY_JOB: quarterly_catch_up_job}
    missed = missed_at_start(ctx, now)
    for name in missed:
        scheduler.add_job(
            _runner(ctx, jobs[name], name),
            DateTrigger(run_date=datetime.now(ctx.settings.tz)),
            id=f"{name}-catch-up",
            coalesce=True,
            misfire_grace_time=None,
            replace_existing=True,
        )
    return missed


def start_scheduler(ctx: AppContext) -> AsyncIOScheduler:
    """Build, start (on the running loop) and catch up the scheduler."""
    scheduler = build_scheduler(ctx)
    if not ctx.clock_is_real():
        # The cron triggers fire on the real clock; under another clock (a test's, the demo's,
        # MOTCUA_NOW) only the start-up catch-up runs, at ctx.now(), so no run depends on when.
        scheduler.remove_all_jobs()
    scheduler.start()
    missed = catch_up(ctx, scheduler)
    if missed:
        log.info("catching up missed job(s): %s", ", ".join(missed))
    return scheduler
