"""Property test: on random stores each indicator's numerator and denominator from SQL equal a
plain-Python count over the rows (index766.md's rules, one dossier at a time)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.context import AppContext
from bot.stats.index_service import compute_index
from bot.stats.periods import Period
from bot.stats.service import bounds_for
from bot.workdays import WorkCalendar
from tests.stats_helpers import (
    CATALOGUE,
    D,
    _status_at_end,
    insert_store,
    python_counts,
    scratch_store,
)
from tests.test_stats_property import NOW, PERIODS, dossiers

NOT_RESULT = ("rejected", "stopped", "withdrawn")

pytestmark = pytest.mark.engines


def _late(d: D, start: str, end: str, end_day: str) -> bool:
    """2.1: does this dossier of the period count late?"""
    if d.finished is not None and start <= d.finished <= end:
        return d.status not in NOT_RESULT and d.finished[:10] > d.due[:10]
    if _status_at_end(d, end) == "supplement":
        asked = [at for status, at in d.events if status == "supplement" and at <= end]
        when = max(asked) if asked else d.current_status_at()
        return len(asked) > 1 or when[:10] > d.due[:10]
    return d.due[:10] < end_day


def python_index(rows: list[D], unhappy: set[int], start: str, end: str, end_day: str,
                 units: tuple[int, ...]) -> dict[str, tuple[int, int]]:
    """{indicator id: (numerator, denominator)} computed from the rows."""
    c = python_counts(rows, CATALOGUE, start, end, end_day, units, (1, 2))
    in_set = [(i, d) for i, d in enumerate(rows, 1) if d.unit in units and (
        start <= d.received <= end
        or (d.received < start and (d.finished is None or d.finished >= start)))]
    late = {i for i, d in in_set if _late(d, start, end, end_day)}
    bad = late | {i for i, _ in in_set if i in unhappy}
    fee_procs = {(d.unit, d.procedure) for d in rows
                 if d.unit in units and start <= d.received <= end and d.fee > 0}
    paid_procs = {(d.unit, d.procedure) for d in rows if d.unit in units
                  and start <= d.received <= end and d.fee > 0 and d.paid_online}
    online = c["partial_online"] + c["full_online"] + c["none_online"]
    level = c["partial_dossiers"] + c["full_dossiers"] + c["none_dossiers"]
    return {
        "2.1": (len(in_set) - len(late), len(in_set)), "3.3": (online, level),
        "3.5b": (len(paid_procs), len(fee_procs)),
        "3.6": (c["fees_paid_online"], c["fees_charged"]),
        "4.1": (c["digitized_output"], c["results"]), "4.2": (c["digitized_input"], c["in_scope"]),
        "4.3": (c["reused"], c["in_scope"]), "5.4": (len(in_set) - len(bad), len(in_set)),
    }  # fmt: skip


async def _check(engine: str, rows: list[D], rated: list[tuple[int, int, str]],
                 period: Period, unit: int | None) -> None:
    """Build a store with ratings, estimate in SQL and in Python, compare."""
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_store(engine, Path(tmp)) as (conf, db):
            ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: NOW)
            await insert_store(db, rows, units=("A", "B"), catalogue_units=(1, 2))
            bounds, _ = bounds_for(period, NOW)
            unhappy = set()
            async with db.transaction() as conn:
                for k, (index, score, at) in enumerate(rated):
                    if index <= len(rows):
                        await conn.execute(
                            "INSERT INTO ratings (dossier_id, channel, chat_id, score, rated_at)"
                            " VALUES (?, 'test', ?, ?, ?)", (index, str(k), score, at))
                        if score == 3 and at <= bounds.end:
                            unhappy.add(index)
            est = await compute_index(ctx, period, None if unit is None else [unit])
            units = (1, 2) if unit is None else (unit,)
            expected = python_index(rows, unhappy, bounds.start, bounds.end, bounds.end_day,
                                    units)
            got = {i.rule.id: (i.num, i.den) for i in est.indicators}
            assert got == expected


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(dossiers(), max_size=40),
    rated=st.lists(st.tuples(st.integers(1, 40), st.sampled_from([1, 2, 3, 3]),
                             st.sampled_from(["2026-01-15T08:00:00", "2026-03-31T20:00:00",
                                              "2026-04-20T08:00:00"])), max_size=10),
    period=st.sampled_from(PERIODS),
    unit=st.sampled_from([None, 1, 2]),
)
def test_index_sql_equals_python(engine: str, rows: list[D], rated: list[tuple[int, int, str]],
                                 period: Period, unit: int | None) -> None:
    """Every indicator's numerator and denominator: SQL == plain Python (on each engine)."""
    asyncio.run(_check(engine, rows, rated, period, unit))
