"""The demo's figures are identical on both engines: the same rows loaded into a SQLite store
and into the PostgreSQL test database give equal Figures objects (every count, rate and
base), equal JSON, equal index estimates and equal officer lists, for every stored quarter."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.context import AppContext
from bot.demo.generate import AS_OF
from bot.demo.load import load_demo
from bot.stats.index_service import compute_index
from bot.stats.periods import Period, month, quarter
from bot.stats.service import bounds_for, compute_figures, figures_to_json, late_counts_by_officer
from bot.workdays import WorkCalendar
from storage import stats as sql
from storage import stats_counters
from storage.db import Database
from storage.engine import open_store
from tests.conftest import TZ
from tests.pg_helpers import pg_test_database
from tests.stats_helpers import copy_rows

NOW = AS_OF.replace(tzinfo=TZ)
PERIODS = [quarter(2025, 4), quarter(2026, 1), quarter(2026, 2), month(2026, 2), month(2026, 6)]


async def _answers(ctx: AppContext, period: Period) -> tuple[object, ...]:
    """Everything the figures of a period are made of, as comparable values."""
    fig = await compute_figures(ctx, period)
    bounds, _ = bounds_for(period, NOW)
    ids = await sql.all_unit_ids(ctx.db)
    return (
        fig, figures_to_json(fig), await compute_index(ctx, period),
        await late_counts_by_officer(ctx, period), await sql.unit_counts_rows(ctx.db, ids, bounds),
        await sql.top_procedures(ctx.db, ids, bounds),
    )  # fmt: skip


async def test_demo_figures_identical_on_both_engines(tmp_path: Path) -> None:
    """Demo rows in SQLite and the same rows in PostgreSQL: every period's answers are equal."""
    lite_settings = Settings(db_path=tmp_path / "demo.db", _env_file=None)  # type: ignore[call-arg]
    lite = await Database.open(lite_settings.db_path)
    pg_settings = Settings(  # type: ignore[call-arg]
        db_path=tmp_path / "unused.db", database_url=pg_test_database(), _env_file=None
    )
    pg = await open_store(pg_settings.store_url)
    try:
        cal = WorkCalendar.from_settings(lite_settings)
        lite_ctx = AppContext(lite_settings, lite, cal, clock=lambda: NOW)
        pg_ctx = AppContext(pg_settings, pg, cal, clock=lambda: NOW)
        await load_demo(lite_ctx)
        assert await copy_rows(lite, pg) > 19_000
        assert await stats_counters.ensure_fresh(pg) == 1  # the triggers marked the unit
        for period in PERIODS:
            on_sqlite, on_pg = await _answers(lite_ctx, period), await _answers(pg_ctx, period)
            assert on_sqlite[0].received.total > 0  # type: ignore[attr-defined]
            for a, b in zip(on_sqlite, on_pg, strict=True):
                assert a == b, period.label()
    finally:
        await lite.close()
        await pg.close()
