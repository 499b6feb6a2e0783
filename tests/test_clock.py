"""No test depends on the wall clock: MOTCUA_NOW fixes the bot's clock (issue 14.13)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.config import SettingsError, load_settings
from bot.context import AppContext, system_clock
from bot.push import scheduler
from tests.conftest import TZ
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import (
    E2E_NOW,
    LEADER_USER,
    OFFICER_USER,
    BotProcess,
    run_motcua,
    seed_store,
)


async def test_motcua_now_fixes_the_context_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MOTCUA_NOW (no offset) is a moment in the settings' timezone, and it does not move."""
    monkeypatch.setenv("MOTCUA_NOW", "2026-05-20 07:45")
    settings = load_settings(db_path=tmp_path / "m.db", _env_file=None)
    ctx = await AppContext.open(settings)
    try:
        assert ctx.now() == datetime(2026, 5, 20, 7, 45, tzinfo=TZ)
        assert ctx.now() == ctx.now()
        assert not ctx.clock_is_real()
    finally:
        await ctx.close()


async def test_without_motcua_now_the_clock_is_real(tmp_path: Path) -> None:
    """Unset or empty MOTCUA_NOW leaves the real clock."""
    settings = load_settings(db_path=tmp_path / "m.db", now="", _env_file=None)
    ctx = await AppContext.open(settings)
    try:
        assert ctx.clock_is_real()
    finally:
        await ctx.close()


def test_bad_motcua_now_is_one_vietnamese_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """A MOTCUA_NOW that is not a moment is refused in one Vietnamese line."""
    monkeypatch.setenv("MOTCUA_NOW", "sáng mai")
    with pytest.raises(SettingsError) as err:
        load_settings(_env_file=None)
    assert "MOTCUA_NOW" in str(err.value) and "YYYY-MM-DD HH:MM" in str(err.value)


async def test_cron_triggers_only_under_the_real_clock(ctx: AppContext) -> None:
    """Cron triggers follow the wall clock, so a context with another clock gets none of them."""
    fixed = scheduler.start_scheduler(ctx)
    try:
        assert not [j for j in fixed.get_jobs() if isinstance(j.trigger, CronTrigger)]
    finally:
        fixed.shutdown(wait=False)
    ctx.clock = system_clock
    real = scheduler.start_scheduler(ctx)
    try:
        cron = {j.id for j in real.get_jobs() if isinstance(j.trigger, CronTrigger)}
    finally:
        real.shutdown(wait=False)
    assert cron == {
        scheduler.DAILY_JOB, scheduler.QUARTERLY_JOB, scheduler.INDEX_JOB, scheduler.PRUNE_JOB
    }


async def test_bot_process_runs_the_daily_job_at_the_time_the_test_sets(tmp_path: Path) -> None:
    """A real `motcua run` at MOTCUA_NOW 07:45 on a working day catches up the 07:30 run: the
    officer's reminder and the leader's digest arrive, dated that day, whatever the wall clock."""
    await seed_store(tmp_path / "m.db", tmp_path, E2E_NOW.date())
    async with FakeTelegram() as fake:
        env = {**fake.env(), "MOTCUA_DB_PATH": str(tmp_path / "m.db"),
               "MOTCUA_NOW": E2E_NOW.replace(hour=7, minute=45).isoformat()}
        bot = BotProcess(env, tmp_path)
        await bot.start(lambda: fake.wait_for_call("getUpdates", 1, timeout=30))
        try:
            [digest] = await fake.wait_for_messages(LEADER_USER, 1, timeout=30)
            [reminder] = await fake.wait_for_messages(OFFICER_USER, 1, timeout=30)
        finally:
            assert await bot.stop() == 0, bot.stderr()
    assert f"{E2E_NOW:%d/%m/%Y}" in digest.plain
    assert "quá hạn" in reminder.plain.lower()


async def test_check_says_the_clock_is_fixed(tmp_path: Path) -> None:
    """`motcua check` warns when MOTCUA_NOW holds the clock (a test setting left in production)."""
    code, out, _ = await run_motcua(["check"], {"MOTCUA_DB_PATH": str(tmp_path / "m.db")},
                                    tmp_path)
    assert code == 0, out
    assert f"! MOTCUA_NOW giữ đồng hồ của bot cố định ở 10:00 {E2E_NOW:%d/%m/%Y}" in out
