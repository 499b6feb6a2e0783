"""Property test: on random stores the SQL figures equal a plain-Python recomputation of
figures.md, and the identities of figures.md hold."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.context import AppContext
from bot.stats.figures import Figures, figures_from_counts
from bot.stats.periods import Period, month, quarter
from bot.stats.render_json import figures_to_json
from bot.stats.service import bounds_for, compute_figures
from bot.workdays import WorkCalendar
from tests.conftest import TZ
from tests.stats_helpers import CATALOGUE, D, insert_store, python_counts, scratch_store

BASE = datetime(2025, 11, 1)
FMT = "%Y-%m-%dT%H:%M:%S"
STATUSES = ["received", "processing", "supplement", "payment", "result", "returned", "rejected",
            "stopped", "withdrawn"]  # fmt: skip
FINAL = {"result", "returned", "rejected", "stopped", "withdrawn"}
PROCEDURES = [*CATALOGUE, "X-OUT"]
PERIODS = [quarter(2026, 1), quarter(2026, 1, "cutoff15"), month(2026, 2), quarter(2026, 2),
           Period(datetime(2026, 1, 10).date(), datetime(2026, 1, 20).date(), "range")]
NOW = datetime(2026, 4, 15, 9, 0, tzinfo=TZ)

pytestmark = pytest.mark.engines


def _t(seconds: int) -> str:
    """BASE plus seconds as stored text."""
    return (BASE + timedelta(seconds=seconds)).strftime(FMT)


@st.composite
def dossiers(draw: st.DrawFn) -> D:
    """One random dossier, consistent: final status iff finished_at."""
    day = 86400
    rec = draw(st.integers(0, 200 * day))
    status = draw(st.sampled_from(STATUSES))
    finished = rec + draw(st.integers(0, 60 * day)) if status in FINAL else None
    events = [
        (draw(st.sampled_from(STATUSES)), _t(rec + draw(st.integers(0, 90 * day))))
        for _ in range(draw(st.integers(0, 3)))
    ]
    status_at = None if draw(st.booleans()) else _t(rec + draw(st.integers(0, 90 * day)))
    flag = st.integers(0, 1)
    return D(
        received=_t(rec), due=_t(rec + draw(st.integers(0, 30 * day))), status=status,
        finished=_t(finished) if finished is not None else None, status_at=status_at,
        channel=draw(st.sampled_from(["truc_tiep", "truc_tuyen", "buu_chinh"])),
        procedure=draw(st.sampled_from(PROCEDURES)), unit=draw(st.sampled_from([1, 2])),
        officer=draw(st.sampled_from([None, "CB01", "CB02"])), fully_online=draw(flag),
        digitized_input=draw(flag), digitized_output=draw(flag), stored=draw(flag),
        reused=draw(flag), fee=draw(st.sampled_from([0, 0, 20000])), paid_online=draw(flag),
        events=events,
    )  # fmt: skip


def check_identities(f: Figures) -> None:
    """The checks figures.md says always hold."""
    r, p = f.resolved, f.pending
    assert f.total == r.total + p.total == f.received.total + f.carried_over
    assert r.total == r.early + r.on_time + r.late + r.rejected + r.withdrawn
    assert p.total == p.supplement + p.payment + p.on_track + p.late
    assert f.received.total == f.received.direct + f.received.online + f.received.postal
    s = f.services
    assert s.procedures == s.none.procedures + s.partial.procedures + s.full.procedures
    assert s.partial.dossiers == s.partial.online + s.partial.direct
    assert s.full.dossiers == s.full.online + s.full.direct >= s.full.fully_online
    assert s.partial.active <= s.partial.procedures and s.full.active <= s.full.procedures
    assert s.none.dossiers + s.partial.dossiers + s.full.dossiers <= f.received.total
    assert f.fees.paid_online <= f.fees.charged <= f.received.total
    for value in (r.on_time_rate, s.active_rate, s.online_rate, f.digitization.reuse_rate):
        assert value is None or 0 <= value <= 100


async def _check(engine: str, rows: list[D], period: Period, unit: int | None,
                 catalogue_units: tuple) -> None:
    """Build a store, compute in SQL and in Python, compare."""
    with tempfile.TemporaryDirectory() as tmp:
        async with scratch_store(engine, Path(tmp)) as (conf, db):
            ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: NOW)
            await insert_store(db, rows, units=("A", "B"), catalogue_units=catalogue_units)
            fig = await compute_figures(ctx, period, unit)
            bounds, as_of = bounds_for(period, NOW)
            units = (1, 2) if unit is None else (unit,)
            counts = python_counts(rows, CATALOGUE, bounds.start, bounds.end, bounds.end_day,
                                   units, catalogue_units)
            expected = figures_from_counts(period, counts, unit, fig.unit_name, as_of)
            assert figures_to_json(fig) == figures_to_json(expected)
            assert fig.base == expected.base
            check_identities(fig)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(dossiers(), max_size=40),
    period=st.sampled_from(PERIODS),
    unit=st.sampled_from([None, 1, 2]),
    catalogue_units=st.sampled_from([(1,), (1, 2)]),
)
def test_sql_equals_python(engine: str, rows: list[D], period: Period, unit: int | None,
                           catalogue_units: tuple) -> None:
    """SQL figures == plain-Python figures, identities hold (on each engine)."""
    asyncio.run(_check(engine, rows, period, unit, catalogue_units))
