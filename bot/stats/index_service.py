"""The service-index estimate of a period for a set of units, from the store (cached by the
data's version like the leaders' summaries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.context import AppContext
from bot.stats.figures import sum_counts
from bot.stats.index766 import IndexEstimate, estimate
from bot.stats.periods import Period, month
from bot.stats.service import bounds_for
from storage import index766 as isql
from storage import stats as sql


def month_end_day(period: Period, as_of: date | None) -> str:
    """The day by which pending dossiers turn late for the 'soon' list: the end of the running
    month when the period has not ended, else the period's end (no 'soon' list)."""
    if as_of is None:
        return period.end.isoformat()
    return min(month(as_of.year, as_of.month).end, period.end).isoformat()


async def units_label(ctx: AppContext, unit_ids: Sequence[int] | None) -> tuple[list[int], str]:
    """The unit ids (None: every unit) and the name shown for them."""
    names = await sql.unit_names(ctx.db)
    ids = list(names) if unit_ids is None else [int(u) for u in unit_ids]
    if len(ids) == 1:
        return ids, names.get(ids[0], str(ids[0]))
    if unit_ids is None or set(ids) == set(names):
        return ids, f"Tất cả đơn vị ({len(ids)})"
    return ids, f"{len(ids)} đơn vị: " + ", ".join(names.get(u, str(u)) for u in ids[:5]) + (
        ", …" if len(ids) > 5 else "")


async def compute_index(
    ctx: AppContext, period: Period, unit_ids: Sequence[int] | None = None
) -> IndexEstimate:
    """The estimate for the period and the units (None: all); PeriodError for a future one."""
    ids, label = await units_label(ctx, unit_ids)
    key = ("index766", period, tuple(ids), ctx.now().date(), await sql.data_version(ctx.db))
    cached = ctx.cache.get(key)
    if isinstance(cached, IndexEstimate):
        return cached
    bounds, as_of = bounds_for(period, ctx.now())
    day = as_of.date() if as_of is not None else None
    counts = sum_counts(list((await sql.unit_counts(ctx.db, ids, bounds)).values()))
    rows = await isql.late_dossiers(ctx.db, ids, bounds, month_end_day(period, day))
    result = estimate(
        period, label, day, counts,
        [d for d in rows if not d.soon], [d for d in rows if d.soon],
        await isql.fee_procedures(ctx.db, ids, bounds),
        await isql.unpaid_fees(ctx.db, ids, bounds),
        await isql.unsatisfied(ctx.db, ids, bounds),
    )  # fmt: skip
    ctx.remember(key, result)
    return result
