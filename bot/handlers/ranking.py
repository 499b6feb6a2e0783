"""Leaders' /xephang [kỳ] [chỉ tiêu]: their units ranked, with a bar chart of every unit."""

from __future__ import annotations

from bot.core.registry import Request, Router
from bot.core.types import Reply
from bot.handlers.common import text
from bot.handlers.scope import leader_units
from bot.stats import periods
from bot.stats.ranking import (
    METRIC_WORDS,
    METRICS,
    find_metric,
    rank_units,
    ranking_chart,
    ranking_text,
)

router = Router()

LEADERS = {"leader", "admin"}
USAGE = (f"Gửi /xephang [kỳ] [chỉ tiêu], chỉ tiêu là {METRIC_WORDS}. "
         "Ví dụ: /xephang, /xephang quy 1 2026 dunghan, /xephang thang 5/2026 quahan")


def split_metric(req: Request) -> tuple[list[str], str | None]:
    """The period's words and the metric's key (the last word when it names one)."""
    args = list(req.args)
    for n in (2, 1):  # 'quá hạn' or 'quahan'
        metric = find_metric(" ".join(args[-n:])) if len(args) >= n else None
        if metric is not None:
            return args[:-n], metric.key
    return args, None


@router.command("xephang", "xep_hang", roles=LEADERS,
                help="[kỳ] [chỉ tiêu] — Xếp hạng các đơn vị (lãnh đạo nhiều đơn vị)")
async def xephang(req: Request) -> list[Reply]:
    """Rank the leader's units by the index estimate (default) or one figure."""
    units = await leader_units(req)
    if units is not None and len(units) < 2:
        return text("Xếp hạng dành cho lãnh đạo phụ trách nhiều đơn vị; bạn đang xem số liệu của "
                    "một đơn vị. Xin dùng /chiso để xem chỉ số của đơn vị.")
    words, key = split_metric(req)
    metric = next(m for m in METRICS if m.key == (key or "chiso"))
    today = req.ctx.now().date()
    try:
        period = (periods.parse_period(" ".join(words)[:100], today, req.ctx.settings.period_rule)
                  if words else periods.current_month(today))
        home = [req.staff.unit_id] if req.staff is not None else []
        ranking = await rank_units(req.ctx, period, units, metric, home)
    except periods.PeriodError as exc:
        return text(f"{exc}\n{USAGE}")
    body = ranking_text(ranking)
    if not ranking.ranked:
        return text(body)
    slug = f"xep-hang-{metric.key}-{period.start:%Y-%m}"
    return [Reply(text=body),
            Reply(text=f"Biểu đồ xếp hạng — {metric.label}", image=ranking_chart(ranking),
                  filename=f"{slug}.png", fallback=body)]
