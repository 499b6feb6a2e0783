"""The figures of every stored quarter of the copied units, computed on both stores the way the
leaders' /quy reports compute them (bot.stats.service), for `motcua store copy` to compare."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime

from bot.config import Settings
from bot.context import AppContext
from bot.stats.periods import Period, quarter
from bot.stats.service import compute_figures, figures_to_json
from bot.workdays import WorkCalendar
from storage.engine import open_store
from storage.stats import received_span
from storage.units import list_units


def stored_quarters(first: date, last: date, today: date, rule: str) -> list[Period]:
    """The quarters (under the rule) that hold a day of [first, last] and have begun."""
    out = []
    for year in range(first.year - 1, last.year + 2):
        for n in range(1, 5):
            q = quarter(year, n, rule)
            if q.end >= first and q.start <= last and q.start <= today:
                out.append(q)
    return out


async def quarter_figures(
    url: str, names: list[str], settings: Settings, clock: Callable[[], datetime],
) -> dict[tuple[str, str], str]:
    """(unit name, quarter) → the figures as `motcua stats --json` prints them, for each named
    unit of the store at url and each quarter it has dossiers in."""
    db = await open_store(url, migrate=False)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=clock)
    out: dict[tuple[str, str], str] = {}
    try:
        ids = {name: uid for uid, name in await list_units(db)}
        for name in names:
            span = await received_span(db, ids[name]) if name in ids else None
            if span is None:
                continue
            first, last = date.fromisoformat(span[0]), date.fromisoformat(span[1])
            for q in stored_quarters(first, last, ctx.now().date(), settings.period_rule):
                fig = await compute_figures(ctx, q, ids[name])
                out[(name, q.label())] = json.dumps(figures_to_json(fig), ensure_ascii=False,
                                                    sort_keys=True)
    finally:
        await db.close()
    return out
