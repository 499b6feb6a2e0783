"""The service-index estimate of a period for a set of units, or for each unit (rankings), from
the store; cached by the data's version like the leaders' summaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.context import AppContext
from bot.stats.figures import sum_counts
from bot.stats.index766 import IndexEstimate, estimate
from bot.stats.periods import Period, month
from bot.stats.service import bounds_for
from storage import index766 as isql
from storage import stats as sql
from storage import stats_counters as counters
from storage.index766 import DossierRef, LateDossier


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


@dataclass
class IndexInputs:
    """What the estimate is computed from, per unit: the report's counts and the index's lists."""

    period: Period
    as_of: date | None
    counts: dict[int, dict[str, int]]
    late: list[LateDossier]
    fees: dict[int, tuple[int, int]]
    unpaid: list[DossierRef]
    unsatisfied: list[DossierRef]
    late_n: dict[int, int] | None = None  # counted only (lists=False): late is then empty
    late_rated: set[int] = field(default_factory=set)  # of the unsatisfied, those late

    def by_unit(self) -> dict[int, tuple[list[LateDossier], list[DossierRef], list[DossierRef]]]:
        """The lists split by unit: (late and soon, unpaid, unsatisfied)."""
        out: dict[int, tuple[list[LateDossier], list[DossierRef], list[DossierRef]]] = {}
        for d in self.late:
            out.setdefault(d.unit_id, ([], [], []))[0].append(d)
        for r in self.unpaid:
            out.setdefault(r.unit_id, ([], [], []))[1].append(r)
        for r in self.unsatisfied:
            out.setdefault(r.unit_id, ([], [], []))[2].append(r)
        return out

    def estimate_for(
        self, units: Sequence[int], label: str,
        split: dict[int, tuple[list[LateDossier], list[DossierRef], list[DossierRef]]]
        | None = None,
    ) -> IndexEstimate:
        """The estimate of these units together (split: by_unit(), when asking many times)."""
        split = self.by_unit() if split is None else split
        parts = [split.get(u, ([], [], [])) for u in dict.fromkeys(units)]
        rows = sorted((d for p in parts for d in p[0]),
                      key=lambda d: (d.soon, d.days_late, d.due_day, d.code))
        fees = [self.fees.get(u, (0, 0)) for u in dict.fromkeys(units)]
        late_count = unhappy = None
        if self.late_n is not None:
            late_count = sum(self.late_n.get(u, 0) for u in dict.fromkeys(units))
            unsat = {d.id for p in parts for d in p[2]}
            unhappy = late_count + len(unsat - self.late_rated)
        return estimate(
            self.period, label, self.as_of,
            sum_counts([self.counts.get(u, {}) for u in dict.fromkeys(units)]),
            [d for d in rows if not d.soon], [d for d in rows if d.soon],
            (sum(f[0] for f in fees), sum(f[1] for f in fees)),
            sorted((d for p in parts for d in p[1]), key=lambda d: d.code),
            sorted((d for p in parts for d in p[2]), key=lambda d: d.code),
            late_count, unhappy,
        )  # fmt: skip


async def index_inputs(
    ctx: AppContext, period: Period, ids: Sequence[int], lists: bool = True
) -> IndexInputs:
    """Everything the estimates of these units need, in a few grouped queries. lists=False
    (rankings, trends): the late dossiers only counted, from the per-day counters when the
    period is made of whole days, and no list of unpaid dossiers."""
    key = ("index766", period, tuple(ids), lists, ctx.now().date(),
           await sql.data_version(ctx.db))
    cached = ctx.cache.get(key)
    if isinstance(cached, IndexInputs):
        return cached
    bounds, as_of = bounds_for(period, ctx.now())
    day = as_of.date() if as_of is not None else None
    mday = month_end_day(period, day)
    whole = await counters.whole_days(ctx.db, ids, bounds)
    done = None if whole is None else await sql.counted(ctx.db, ids, whole)
    late_n = None
    if done is not None and not lists:
        late_n = await isql.late_counts(ctx.db, ids, bounds, done)
    unsatisfied = await isql.unsatisfied(ctx.db, ids, bounds)
    late, rated = [], set()
    if late_n is None:
        late = await isql.late_dossiers(ctx.db, ids, bounds, mday)
    elif unsatisfied:
        only = [d.id for d in unsatisfied]
        rated = {d.id for d in await isql.late_dossiers(ctx.db, ids, bounds, mday, only)
                 if not d.soon}
    if done is not None:
        counts, fees = done.counts, isql.fees_counted(done)
    else:
        counts = await sql.unit_counts(ctx.db, ids, bounds)
        fees = await isql.fee_procedures(ctx.db, ids, bounds)
    unpaid = [] if late_n is not None else await isql.unpaid_fees(ctx.db, ids, bounds)
    result = IndexInputs(period, day, counts, late, fees, unpaid, unsatisfied, late_n, rated)
    ctx.remember(key, result)
    return result


async def compute_index(
    ctx: AppContext, period: Period, unit_ids: Sequence[int] | None = None
) -> IndexEstimate:
    """The estimate for the period and the units together (None: all); PeriodError for a
    period that has not begun."""
    ids, label = await units_label(ctx, unit_ids)
    return (await index_inputs(ctx, period, ids)).estimate_for(ids, label)
