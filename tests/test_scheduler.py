"""Scheduled pushes with a fixed clock: working days, the quarterly date, runs twice → once."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.context import AppContext
from bot.push import messages as pushes
from bot.push import scheduler
from bot.push.payload import from_payload
from storage import outbox, prefs, ratelimit
from tests import pushes_helpers as h


async def officers(ctx: AppContext) -> tuple[int, object, object]:
    """A unit with officer CB01 (one overdue and one due-soon dossier), CB02 (nothing due)."""
    unit_id = await h.unit(ctx)
    cb01 = await h.staff(ctx, unit_id, "Trần Thị Bình", "officer", "CB01", [("telegram", "501")])
    cb02 = await h.staff(ctx, unit_id, "Lê Văn Cường", "officer", "CB02", [("telegram", "502")])
    await h.dossier(
        ctx,
        unit_id,
        officer="CB01",
        received="2026-01-05",
        due="2026-01-10",
        code="000.00.12.H31-260105-0001",
    )
    await h.dossier(
        ctx,
        unit_id,
        officer="CB01",
        received="2026-04-01",
        due="2026-12-31",
        code="000.00.12.H31-260401-0002",
    )
    await h.dossier(
        ctx,
        unit_id,
        officer="CB02",
        received="2026-04-01",
        due="2026-12-31",
        code="000.00.12.H31-260401-0003",
    )
    return unit_id, cb01, cb02


async def pending(ctx: AppContext) -> list[tuple[str, str, str]]:
    """(channel, chat, key) of the pending rows."""
    return await outbox.rows_by_state(ctx.db, "pending")


async def test_reminder_on_a_working_day_once(ctx: AppContext) -> None:
    """Wed 15/04/2026: CB01 gets one message with the overdue and the due-soon dossier."""
    unit_id, _, _ = await officers(ctx)
    await h.dossier(
        ctx,
        unit_id,
        officer="CB01",
        received="2026-04-10",
        due="2026-04-16",
        code="000.00.12.H31-260410-0004",
    )
    now = h.at(ctx, "2026-04-15 07:30")
    added = await pushes.officer_reminders(ctx, now)
    assert added == 1
    rows = await pending(ctx)
    assert rows == [("telegram", "501", "remind:CB01:2026-04-15:telegram:501")]
    # The same run again stores nothing.
    assert await pushes.officer_reminders(ctx, now) == 0
    assert await scheduler.daily_job(ctx, now) == 0
    async with ctx.db.reader.execute("SELECT payload FROM outbox") as cur:
        text = from_payload((await cur.fetchone())[0]).text
    assert "000.00.12.H31-260105-0001" in text and "000.00.12.H31-260410-0004" in text
    assert "000.00.12.H31-260401-0002" not in text  # due at the end of the year
    assert "Quá hạn: 1 hồ sơ" in text and "16/04/2026" in text


@pytest.mark.parametrize(
    ("day", "why"),
    [("2026-04-19 07:30", "Sunday"), ("2026-02-17 07:30", "Tết"), ("2026-04-30 07:30", "30/4")],
)
async def test_no_reminder_on_days_off(ctx: AppContext, day: str, why: str) -> None:
    """No reminder and no digest on a Sunday, in Tết 2026 or on a public holiday."""
    await officers(ctx)
    assert await scheduler.daily_job(ctx, h.at(ctx, day)) == 0, why


async def test_reminder_on_make_up_saturday(ctx: AppContext) -> None:
    """A Saturday listed in settings.extra_working_days is a working day."""
    await officers(ctx)
    saturday = h.at(ctx, "2026-04-25 07:30")
    assert await scheduler.daily_job(ctx, saturday) == 0
    h.with_settings(ctx, extra_working_days=[date(2026, 4, 25)])
    assert await pushes.officer_reminders(ctx, saturday) == 1


async def test_paused_officer_gets_nothing(ctx: AppContext) -> None:
    """/tatnhacnho stops the reminder; /batnhacnho brings it back."""
    _, cb01, _ = await officers(ctx)
    await prefs.set_pref(ctx.db, cb01.id, "reminders", False, ctx.now())
    assert await pushes.officer_reminders(ctx, h.at(ctx, "2026-04-15 07:30")) == 0
    await prefs.set_pref(ctx.db, cb01.id, "reminders", True, ctx.now())
    assert await pushes.officer_reminders(ctx, h.at(ctx, "2026-04-15 07:30")) == 1


async def test_long_reminder_fits_zalo(ctx: AppContext) -> None:
    """Many overdue dossiers are cut to the channel's limit with a count of the rest."""
    unit_id = await h.unit(ctx)
    await h.staff(ctx, unit_id, "Trần Thị Bình", "officer", "CB01", [("zalo", "z1")])
    for _ in range(120):
        await h.dossier(ctx, unit_id, officer="CB01", received="2026-01-05", due="2026-01-10")
    assert await pushes.officer_reminders(ctx, h.at(ctx, "2026-04-15 07:30")) == 1
    async with ctx.db.reader.execute("SELECT payload FROM outbox") as cur:
        text = from_payload((await cur.fetchone())[0]).text
    assert len(text) <= 2000 and "hồ sơ khác" in text and "Quá hạn: 120 hồ sơ" in text


async def test_leader_digest(ctx: AppContext) -> None:
    """The digest counts overdue (by officer), due today, received and resolved yesterday."""
    unit_id, _, _ = await officers(ctx)
    await h.staff(ctx, unit_id, "Phạm Minh Đức", "leader", None, [("telegram", "900")])
    await h.dossier(ctx, unit_id, officer="CB02", received="2026-04-14", due="2026-04-15")
    await h.dossier(
        ctx,
        unit_id,
        officer="CB02",
        received="2026-04-14",
        due="2026-04-14",
        status="returned",
        finished="2026-04-14",
    )
    assert await pushes.leader_digests(ctx, h.at(ctx, "2026-04-15 07:30")) == 1
    rows = await pending(ctx)
    assert rows == [("telegram", "900", "digest:3:2026-04-15:telegram:900")]
    async with ctx.db.reader.execute("SELECT payload FROM outbox") as cur:
        text = from_payload((await cur.fetchone())[0]).text
    assert "Quá hạn: 1 hồ sơ" in text
    assert "Trần Thị Bình (CB01): 1 hồ sơ" in text
    assert "Đến hạn hôm nay: 1 hồ sơ" in text
    assert "Tiếp nhận hôm qua (14/04/2026): 2 hồ sơ" in text
    assert "Đã giải quyết hôm qua (14/04/2026): 1 hồ sơ" in text
    # On a Monday the digest covers Friday to Sunday.
    assert await pushes.leader_digests(ctx, h.at(ctx, "2026-04-20 07:30")) == 1


def test_first_working_day_after_quarters(ctx: AppContext) -> None:
    """Q1 2026 → Wed 01/04/2026; Q4 2026 → Mon 04/01/2027 (01/01 is a holiday)."""
    period, first = pushes.closed_quarter(ctx, date(2026, 4, 15))
    assert (period.year, period.number, first) == (2026, 1, date(2026, 4, 1))
    period, first = pushes.closed_quarter(ctx, date(2027, 1, 2))
    assert (period.year, period.number, first) == (2026, 4, date(2027, 1, 4))
    assert first.weekday() == 0


@pytest.fixture
def fake_stats(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Replace the stats service's summary and files; records (year, quarter) asked."""
    import bot.stats.service as service

    asked: list[tuple[int, int]] = []

    async def leader_summary(ctx: AppContext, period: object, unit_id: int | None = None) -> str:
        asked.append((period.year, period.number))  # type: ignore[attr-defined]
        return f"Tóm tắt {period.label()}"  # type: ignore[attr-defined]

    async def report_files(ctx: AppContext, period: object, unit_id: int | None = None):
        return b"DOCX", b"PNG"

    monkeypatch.setattr(service, "leader_summary", leader_summary)
    monkeypatch.setattr(service, "report_files", report_files)
    return asked


async def leaders(ctx: AppContext) -> None:
    """Two leaders of the unit, one on two channels."""
    unit_id = await h.unit(ctx)
    await h.staff(ctx, unit_id, "Phạm Minh Đức", "leader", None, [("telegram", "900")])
    await h.staff(
        ctx, unit_id, "Vũ Thị Hà", "leader", None, [("telegram", "901"), ("zalo", "z901")]
    )


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-03-31 08:00", None),
        ("2026-04-01 07:59", None),
        ("2026-04-01 08:00", (2026, 1)),
        ("2026-12-31 08:00", None),
        ("2027-01-01 08:00", None),
        ("2027-01-04 08:00", (2026, 4)),
    ],
)
async def test_quarterly_summary_day(
    ctx: AppContext, fake_stats: list, when: str, expected: tuple[int, int] | None
) -> None:
    """The summary goes out on the first working day after the quarter, at quarterly_time."""
    await leaders(ctx)
    added = await scheduler.quarterly_job(ctx, h.at(ctx, when))
    if expected is None:
        assert added == 0 and fake_stats == []
        return
    assert added == 9  # 3 chats × (text, chart, .docx)
    assert fake_stats == [expected]
    keys = [k for _, _, k in await pending(ctx)]
    label = f"{expected[0]}Q{expected[1]}"
    assert f"quarter:1:{label}:telegram:900" in keys
    assert f"quarter:1:{label}:zalo:z901#docx" in keys
    # Twice (or catching up the next day): nothing more, and the files are not made again.
    assert await scheduler.quarterly_job(ctx, h.at(ctx, when)) == 0
    later = h.at(ctx, when).replace(day=9)
    assert await scheduler.quarterly_catch_up_job(ctx, later) == 0
    assert fake_stats == [expected]


async def test_quarterly_catch_up(ctx: AppContext, fake_stats: list) -> None:
    """Down on 01/04/2026: the catch-up at start on 03/04 sends Q1; the daily run does not."""
    await leaders(ctx)
    assert await scheduler.quarterly_job(ctx, h.at(ctx, "2026-04-03 08:00")) == 0
    assert await scheduler.quarterly_catch_up_job(ctx, h.at(ctx, "2026-04-03 10:00")) == 9
    assert await scheduler.quarterly_catch_up_job(ctx, h.at(ctx, "2026-05-20 10:00")) == 0


async def test_quarterly_prefs(ctx: AppContext, fake_stats: list) -> None:
    """A leader who turned the quarterly summary off (/caidat) gets nothing."""
    await leaders(ctx)
    await prefs.set_pref(ctx.db, 2, "quarterly", False, ctx.now())
    assert await scheduler.quarterly_job(ctx, h.at(ctx, "2026-04-01 08:00")) == 3


def test_scheduler_jobs_from_settings(ctx: AppContext) -> None:
    """Cron times, timezone, coalescing and misfire grace come from the settings."""
    h.with_settings(ctx, reminder_time=time(7, 15), quarterly_time=time(8, 5))
    sched = scheduler.build_scheduler(ctx)
    daily = sched.get_job(scheduler.DAILY_JOB)
    quarterly = sched.get_job(scheduler.QUARTERLY_JOB)
    assert daily.coalesce and quarterly.coalesce
    assert daily.misfire_grace_time == 3600 and quarterly.misfire_grace_time is None
    now = h.at(ctx, "2026-04-15 09:00")
    assert daily.trigger.get_next_fire_time(None, now) == h.at(ctx, "2026-04-16 07:15")
    assert quarterly.trigger.get_next_fire_time(None, now) == h.at(ctx, "2026-04-16 08:05")


def test_missed_at_start(ctx: AppContext) -> None:
    """A daily run missed within the hour is caught up; later it is not."""
    assert scheduler.DAILY_JOB in scheduler.missed_at_start(ctx, h.at(ctx, "2026-04-15 07:50"))
    assert scheduler.DAILY_JOB not in scheduler.missed_at_start(ctx, h.at(ctx, "2026-04-15 09:00"))
    assert scheduler.DAILY_JOB not in scheduler.missed_at_start(ctx, h.at(ctx, "2026-04-15 07:00"))
    assert scheduler.QUARTERLY_JOB in scheduler.missed_at_start(ctx, h.at(ctx, "2026-04-02 10:00"))
    assert scheduler.QUARTERLY_JOB not in scheduler.missed_at_start(ctx, h.at(ctx, "2026-06-02"))


async def test_catch_up_runs_once_at_start(ctx: AppContext) -> None:
    """Started at 07:45 on a working day: the daily job runs once, immediately."""
    await officers(ctx)
    ctx.clock = lambda: h.at(ctx, "2026-04-15 07:45")
    sched = scheduler.start_scheduler(ctx)
    try:
        import asyncio

        for _ in range(100):
            if await pending(ctx):
                break
            await asyncio.sleep(0.02)
    finally:
        sched.shutdown(wait=False)
    assert [k for _, _, k in await pending(ctx)] == ["remind:CB01:2026-04-15:telegram:501"]
    assert isinstance(datetime.now(), datetime)


async def test_services_catch_up_and_deliver(ctx: AppContext) -> None:
    """start_services at 07:45: the missed daily run is enqueued and delivered, then stop()."""
    import asyncio

    from bot.push.services import start_services
    from tests.test_delivery import FakeSender

    await officers(ctx)
    ctx.clock = lambda: h.at(ctx, "2026-04-15 07:45")
    sender = FakeSender()
    services = await start_services(ctx, {"telegram": sender}, poll_seconds=30)
    try:
        for _ in range(250):
            if sender.delivered:
                break
            await asyncio.sleep(0.02)
    finally:
        await services.stop()
    assert [chat for chat, _ in sender.delivered] == ["501"]
    assert (await outbox.counts(ctx.db)).sent == 1
    assert ctx.outbox_wake is None


async def test_long_summary_split_for_zalo(
    ctx: AppContext, fake_stats: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 3,000-character summary is one Telegram message and two Zalo messages."""
    import bot.stats.service as service

    async def long_summary(ctx: AppContext, period: object, unit_id: int | None = None) -> str:
        return "\n".join(f"Dòng {i:03d} " + "x" * 40 for i in range(60))

    monkeypatch.setattr(service, "leader_summary", long_summary)
    await leaders(ctx)
    assert await scheduler.quarterly_job(ctx, h.at(ctx, "2026-04-01 08:00")) == 10
    keys = [k for _, _, k in await pending(ctx)]
    assert "quarter:1:2026Q1:zalo:z901#part2" in keys
    assert "quarter:1:2026Q1:telegram:901#part2" not in keys
    assert await scheduler.quarterly_catch_up_job(ctx, h.at(ctx, "2026-04-02 08:00")) == 0


async def test_prune_job_drops_earlier_days_rate_limits(ctx: AppContext) -> None:
    """The nightly job deletes the lookup counters of earlier days (a one-off user's too)."""
    yesterday, today = h.at(ctx, "2026-04-14 10:00"), h.at(ctx, "2026-04-15 09:00")
    await ratelimit.take(ctx.db, "telegram", "once", "lookup", yesterday, 10, 50)
    await ratelimit.take(ctx.db, "telegram", "daily", "lookup", today, 10, 50)
    assert await scheduler.prune_job(ctx, h.at(ctx, "2026-04-15 09:30")) == 2  # minute + day
    assert await ratelimit.used(ctx.db, "telegram", "once", "lookup", yesterday) == 0
    assert await ratelimit.used(ctx.db, "telegram", "daily", "lookup", today) == 1
    job = scheduler.build_scheduler(ctx).get_job(scheduler.PRUNE_JOB)
    assert job.trigger.get_next_fire_time(None, today) == h.at(ctx, "2026-04-16 00:20")
