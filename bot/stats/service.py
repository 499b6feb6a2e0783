"""The stats service: figures for a period and a unit from the store, leader summaries, files.

`late_counts_by_officer(ctx, period=None, unit_id=None) -> list[OfficerLate]` (the "late by
officer" lines of leaders' summaries and reports, /quy1 … /baocao; /quahan lists dossiers with
storage.dossiers.unit_overdue instead): per officer code (None: no officer recorded), how many
dossiers were resolved late within the period and how many are still pending and past their due
day at its end (or now, for a running period), most late first. Without a period it uses the
current quarter under `period_rule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.context import AppContext
from bot.stats.compare import comparison_lines
from bot.stats.figures import Figures, figures_from_counts, sum_counts
from bot.stats.periods import Period, PeriodError, check_not_future, current_quarter
from bot.stats.render_json import figures_to_json
from bot.stats.render_text import Extras, no_data_text, summary_text
from storage import stats as sql
from storage.ratings import rating_counts
from storage.timefmt import FORMAT, day_start

__all__ = [
    "OfficerLate",
    "compute_by_unit",
    "compute_figures",
    "figures_to_json",
    "late_counts_by_officer",
    "leader_summary",
    "monthly_figures",
    "report_files",
]

# The units a figure covers: one unit, several (a leader of several units), or None (all units).
Units = int | Sequence[int] | None


def _one(unit_id: Units) -> int | None:
    """The single unit of a scope, else None (several or all units)."""
    if isinstance(unit_id, int):
        return unit_id
    if unit_id is not None and len(unit_id) == 1:
        return int(unit_id[0])
    return None


def _key(unit_id: Units) -> object:
    """A hashable form of a scope, for cache keys."""
    return unit_id if unit_id is None or isinstance(unit_id, int) else tuple(unit_id)


@dataclass(frozen=True)
class OfficerLate:
    """One officer's late dossiers: resolved late in the period, pending late at its end."""

    officer: str | None
    resolved_late: int
    pending_late: int

    @property
    def total(self) -> int:
        """Both kinds together."""
        return self.resolved_late + self.pending_late


def bounds_for(period: Period, now: datetime) -> tuple[sql.Bounds, datetime | None]:
    """The stored-text bounds of a period and, when it has not ended, the 'as of' time (now)."""
    check_not_future(period, now.date())
    local_now = now.replace(tzinfo=None)
    last = datetime.combine(period.end, time(23, 59, 59))
    if local_now < last:
        return sql.Bounds(day_start(period.start), local_now.strftime(FORMAT),
                          local_now.date().isoformat()), now
    return sql.Bounds(day_start(period.start), last.strftime(FORMAT), period.end.isoformat()), None


async def _unit_ids(ctx: AppContext, unit_id: Units) -> list[int]:
    """The units a figure covers: one, several, or all of them."""
    if unit_id is None:
        return await sql.all_unit_ids(ctx.db)
    return [unit_id] if isinstance(unit_id, int) else [int(u) for u in unit_id]


async def _unit_name(ctx: AppContext, unit_id: Units, names: dict[int, str]) -> str | None:
    """The name shown for a unit, for several, or for all units (the single unit's name if there
    is one)."""
    one = _one(unit_id)
    if one is not None:
        return names.get(one)
    if unit_id is not None and not isinstance(unit_id, int):  # (an int is _one's)
        return f"{len(unit_id)} đơn vị"
    if len(names) == 1:
        return next(iter(names.values()))
    return f"Tất cả đơn vị ({len(names)})" if names else None


async def compute_by_unit(
    ctx: AppContext, period: Period, unit_id: Units = None
) -> tuple[Figures, list[tuple[str, Figures]]]:
    """The figures for the unit (None: all units) and, per unit, (name, figures)."""
    bounds, as_of = bounds_for(period, ctx.now())
    names = await sql.unit_names(ctx.db)
    ids = await _unit_ids(ctx, unit_id)
    counts = await sql.unit_counts(ctx.db, ids, bounds)
    per_unit = [
        (names.get(u, str(u)), figures_from_counts(period, c, u, names.get(u), as_of))
        for u, c in counts.items()
    ]
    total = figures_from_counts(
        period, sum_counts(list(counts.values())), _one(unit_id),
        await _unit_name(ctx, unit_id, names), as_of,
    )  # fmt: skip
    return total, per_unit


async def compute_figures(ctx: AppContext, period: Period, unit_id: Units = None) -> Figures:
    """Every figure of figures.md for the period and the unit (None: all units).

    A period not over yet is computed up to ctx.now() (Figures.as_of is then set); a period
    that starts after today raises PeriodError.
    """
    fig, _ = await compute_by_unit(ctx, period, unit_id)
    return fig


async def late_counts_by_officer(
    ctx: AppContext, period: Period | None = None, unit_id: Units = None
) -> list[OfficerLate]:
    """How many dossiers each officer resolved late or holds past due (see the module docstring)."""
    if period is None:
        period = current_quarter(ctx.now().date(), ctx.settings.period_rule)
    bounds, _ = bounds_for(period, ctx.now())
    rows = await sql.late_counts_by_officer(ctx.db, await _unit_ids(ctx, unit_id), bounds)
    return [OfficerLate(o, r, p) for o, r, p in rows]


async def top_procedures(
    ctx: AppContext, period: Period, unit_id: Units = None, limit: int = 5
) -> list[tuple[str, str, int]]:
    """The procedures with the most dossiers received in the period: (code, name, count)."""
    bounds, _ = bounds_for(period, ctx.now())
    return await sql.top_procedures(ctx.db, await _unit_ids(ctx, unit_id), bounds, limit)


def months_of(period: Period, today: date) -> list[Period]:
    """The calendar months (clipped to the period, up to today) inside the period."""
    out = []
    day = period.start
    while day <= min(period.end, today):
        nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append(Period(day, min(nxt - timedelta(days=1), period.end), "range"))
        day = nxt
    return out


async def monthly_figures(
    ctx: AppContext, period: Period, unit_id: Units = None
) -> list[tuple[str, Figures]]:
    """Month by month inside the period: ('T1/2026', figures of that part of the month)."""
    result = []
    for part in months_of(period, ctx.now().date()):
        fig = await compute_figures(ctx, part, unit_id)
        result.append((f"T{part.start.month}/{part.start.year}", fig))
    return result


async def _previous(ctx: AppContext, period: Period, unit_id: Units) -> Figures | None:
    """Figures of a past period, or None when it cannot be computed."""
    try:
        return await compute_figures(ctx, period, unit_id)
    except PeriodError:
        return None


async def leader_extras(
    ctx: AppContext, fig: Figures, per_unit: list[tuple[str, Figures]], scope: Units = None
) -> Extras:
    """Comparisons, top procedures, late dossiers by officer and (several units) unit lines."""
    period, unit_id = fig.period, scope if scope is not None else fig.unit_id
    before, year_ago = period.previous(), period.year_before()
    if fig.as_of is not None:  # a running period: compare the same number of elapsed days
        elapsed = fig.as_of.date() - period.start
        before = Period(before.start, min(before.start + elapsed, before.end), before.kind,
                        before.year, before.number)
        year_ago = Period(year_ago.start, min(year_ago.start + elapsed, year_ago.end),
                          year_ago.kind, year_ago.year, year_ago.number)
    previous = await _previous(ctx, before, unit_id)
    year_before = await _previous(ctx, year_ago, unit_id)
    officers = await late_counts_by_officer(ctx, period, unit_id)
    until = min(period.end, ctx.now().date())
    votes = await rating_counts(ctx.db, period.start, until, unit_id)
    return Extras(
        ratings=(votes.very_satisfied, votes.satisfied, votes.unsatisfied),
        comparisons=comparison_lines(fig, previous, year_before),
        top_procedures=await top_procedures(ctx, period, unit_id),
        officers=[(o.officer, o.resolved_late, o.pending_late) for o in officers],
        units=per_unit if _one(unit_id) is None and len(per_unit) > 1 else [],
    )


async def leader_summary(ctx: AppContext, period: Period, unit_id: Units = None) -> str:
    """The leader's chat summary (≤ 4096 characters): figures, comparisons and extras.

    Remembered until the data changes (an import, a rating) or the day turns, so leaders
    asking again, or many leaders asking at once, do not recompute it.
    """
    key = ("leader_summary", period, _key(unit_id), ctx.now().date(),
           await sql.data_version(ctx.db))
    cached = ctx.cache.get(key)
    if isinstance(cached, str):
        return cached
    fig, per_unit = await compute_by_unit(ctx, period, unit_id)
    text = await no_data_note(ctx, fig)  # no page of zeros for a period the data misses
    if text is None:
        text = summary_text(fig, await leader_extras(ctx, fig, per_unit, unit_id))
    ctx.remember(key, text)
    return text


async def no_data_note(ctx: AppContext, fig: Figures) -> str | None:
    """What to say instead of the figures when the period holds no dossier, or lies wholly
    before the first or after the last day the store's dossiers were received; else None."""
    if fig.received.total > 0:  # dossiers received in P: the data covers it
        return None
    span = await sql.received_span(ctx.db, fig.unit_id)
    start, end = fig.period.start.isoformat(), fig.period.end.isoformat()
    outside = span is None or end < span[0] or start > span[1]
    if fig.has_data and not outside:
        return None
    return no_data_text(fig, span)


async def report_files(
    ctx: AppContext, period: Period, unit_id: Units = None
) -> tuple[bytes, bytes]:
    """The Word report (.docx) and the chart (.png) for the period and the unit."""
    from bot.stats.chart import render_chart
    from bot.stats.report_docx import render_docx

    fig = await compute_figures(ctx, period, unit_id)
    months = await monthly_figures(ctx, period, unit_id)
    png = render_chart(fig, months)
    docx = render_docx(fig, ctx.now().date(), chart=png, issuer=ctx.settings.unit)
    return await _with_index(ctx, period, unit_id, docx), png


async def _with_index(ctx: AppContext, period: Period, unit_id: Units, docx: bytes) -> bytes:
    """The report with the index appendix (issue 17), and the ranking for several units."""
    from bot.stats.index_service import compute_index
    from bot.stats.ranking import METRICS, rank_units
    from bot.stats.report_index import add_index_appendix

    units = None if unit_id is None else [unit_id] if isinstance(unit_id, int) else unit_id
    est = await compute_index(ctx, period, units)
    several = units is None or len(units) > 1
    ranking = await rank_units(ctx, period, units, METRICS[0]) if several else None
    if ranking is not None and len(ranking.rows) < 2:
        ranking = None
    return add_index_appendix(docx, est, ranking)
