"""The per-day counters (storage/stats_counters.py): on random stores every count from the
counters equals the row path's, before and after rows change; an import updates them."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.context import AppContext
from bot.import_service import run_import
from bot.stats.figures import COUNT_KEYS
from bot.stats.index_service import index_inputs
from bot.stats.periods import Period, month
from bot.stats.service import compute_figures
from bot.workdays import WorkCalendar
from storage import index766 as isql
from storage import stats as sql
from storage.stats_counters import month_split
from storage.store import Store
from tests.conftest import TZ
from tests.import_helpers import import_dossiers
from tests.stats_helpers import D, insert_ratings, insert_store, scratch_store
from tests.test_importer import row, write_csv
from tests.test_stats_property import dossiers

pytestmark = pytest.mark.engines

LATER = datetime(2027, 1, 10, 9, 0, tzinfo=TZ)
FIRST_DAY = date(2025, 11, 1)


@st.composite
def store_rows(draw: st.DrawFn) -> D:
    """A random dossier, sometimes finished before it was received (inconsistent data)."""
    d = draw(dossiers())
    if d.finished is not None and draw(st.integers(0, 5)) == 0:
        early = datetime.fromisoformat(d.received) - timedelta(hours=draw(st.integers(1, 400)))
        d = replace(d, finished=early.strftime("%Y-%m-%dT%H:%M:%S"))
    return d


@st.composite
def periods(draw: st.DrawFn) -> Period:
    """A period of whole days within the rows' span (often whole months)."""
    start = FIRST_DAY + timedelta(days=draw(st.integers(0, 260)))
    if draw(st.booleans()):
        start = start.replace(day=1)
    end = start + timedelta(days=draw(st.integers(0, 120)))
    if draw(st.booleans()):  # to the end of a month
        end = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(start, end, "range")


async def _compare(ctx: AppContext, period: Period) -> None:
    """Counters == rows for the report's counts, the 2.1 late counts, 3.5b and the index."""
    db, ids = ctx.db, [1, 2]
    for end in ("23:59:59", "09:00:00"):  # a period that ended; one that runs until now
        await _compare_counts(db, ids, sql.Bounds(f"{period.start}T00:00:00",
                                                  f"{period.end}T{end}", period.end.isoformat()))
    full = await index_inputs(ctx, period, ids, lists=True)
    only_counted = await index_inputs(ctx, period, ids, lists=False)
    for units in ([1], [2], ids):
        a, b = full.estimate_for(units, ""), only_counted.estimate_for(units, "")
        assert [(i.num, i.den) for i in a.indicators] == [(i.num, i.den) for i in b.indicators]
        assert a.late_total == b.late_total


async def _compare_counts(db: Store, ids: list[int], bounds: sql.Bounds) -> None:
    """Counters (when they can answer) == rows for these bounds."""
    counted, rows = (await sql.unit_counts(db, ids, bounds),
                     await sql.unit_counts_rows(db, ids, bounds))
    for u in ids:
        assert {k: counted[u].get(k, 0) for k in COUNT_KEYS} == {
            k: rows[u].get(k, 0) for k in COUNT_KEYS}
    late = await isql.late_dossiers(db, ids, bounds, bounds.end_day)
    assert await isql.late_counts(db, ids, bounds) in (None, {
        u: sum(1 for d in late if d.unit_id == u and not d.soon) for u in ids})
    assert (await isql.fee_procedures(db, ids, bounds)
            == await isql.fee_procedures_rows(db, ids, bounds))


async def _check(engine: str, rows: list[D], changes: list[tuple[int, str, str]],
                 period: Period, rated: list[int]) -> None:
    """Build a store, compare; change rows (status, finish, events, ratings), compare again."""
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_store(engine, Path(tmp)) as (conf, db):
            ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: LATER)
            await insert_store(db, rows, units=("A", "B"), catalogue_units=(1, 2))
            await insert_ratings(db, [(i, 3, "2026-02-01T08:00:00") for i in rated
                                      if i <= len(rows)])
            await _compare(ctx, period)
            async with db.transaction() as conn:
                for index, status, at in changes:
                    if index > len(rows):
                        continue
                    await conn.execute(
                        "UPDATE dossiers SET status = ?, status_at = ?, finished_at = CASE WHEN"
                        " ? IN ('result', 'returned', 'rejected') THEN ? END WHERE id = ?",
                        (status, at, status, at, index))
                    await conn.execute(
                        "INSERT INTO status_events (dossier_id, new_status, status_at,"
                        " recorded_at) VALUES (?, ?, ?, ?)", (index, status, at, at))
            ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: LATER)
            await _compare(ctx, period)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(store_rows(), max_size=40),
    changes=st.lists(st.tuples(
        st.integers(1, 40), st.sampled_from(["supplement", "payment", "returned", "rejected"]),
        st.sampled_from(["2025-12-20T10:00:00", "2026-02-10T16:30:00", "2026-03-31T23:59:59",
                         "2026-04-01T00:00:00"])), max_size=5),
    period=periods(),
    rated=st.lists(st.integers(1, 40), max_size=5),
)
def test_counters_equal_the_row_path(engine: str, rows: list[D],
                                     changes: list[tuple[int, str, str]], period: Period,
                                     rated: list[int]) -> None:
    """Every count from the counters equals the row path's, also after rows change (on each
    engine)."""
    asyncio.run(_check(engine, rows, changes, period, rated))


def test_month_split() -> None:
    """Whole months are read from the month rows, the rest day by day."""
    assert month_split("2026-01-01", "2026-03-31") == (["2026-01", "2026-02", "2026-03"], [])
    assert month_split("2026-01-15", "2026-04-14") == (
        ["2026-02", "2026-03"], [("2026-01-15", "2026-01-31"), ("2026-04-01", "2026-04-14")])
    assert month_split("2026-02-03", "2026-02-03") == ([], [("2026-02-03", "2026-02-03")])


async def test_an_import_updates_the_figures(ctx: AppContext, tmp_path: Path) -> None:
    """A dossier resolved by a later import moves from pending to resolved in January."""
    january = month(2026, 1)
    pending = row(1, **{"Trạng thái": "Đang xử lý", "Ngày kết thúc xử lý": ""})
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [pending, row(2)]))
    before = await compute_figures(ctx, january)
    assert (before.resolved.total, before.pending.total) == (1, 1)
    await import_dossiers(ctx, write_csv(tmp_path / "b.csv", [row(1), row(2)]))
    after = await compute_figures(ctx, january)
    assert (after.resolved.total, after.pending.total) == (2, 0)
    async with ctx.db.reader.execute("SELECT COUNT(*) FROM stats_dirty") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_run_import_leaves_the_counters_fresh(ctx: AppContext, tmp_path: Path) -> None:
    """After bot.import_service.run_import no unit is left to rebuild, and the counters hold it."""
    await run_import(ctx, write_csv(tmp_path / "a.csv", [row(1), row(2)]), "dossiers")
    async with ctx.db.reader.execute(
        "SELECT (SELECT COUNT(*) FROM stats_dirty), (SELECT SUM(r_n) FROM stats_days)"
    ) as cur:
        assert tuple(await cur.fetchone()) == (0, 2)


async def test_figures_of_an_empty_store(db: Store, settings: Settings) -> None:
    """A store with no unit yet: no forced-index query without a plan, the figures are zero."""
    assert await sql.inconsistent_ids(db, []) == []
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings))
    fig = await compute_figures(ctx, month(2026, 1), None)
    assert fig.total == 0 and not fig.has_data
