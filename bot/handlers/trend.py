"""Leaders' /xuhuong [chỉ tiêu] [thang]: one figure over the last 8 quarters (or 12 months)."""

from __future__ import annotations

from bot.core.registry import Request, Router
from bot.core.text import fold
from bot.core.types import Reply
from bot.handlers.common import text
from bot.handlers.scope import leader_units
from bot.stats import periods
from bot.stats.ranking import METRIC_WORDS, METRICS, find_metric
from bot.stats.trend import trend, trend_chart, trend_text

router = Router()

LEADERS = {"leader", "admin"}
USAGE = (f"Gửi /xuhuong [chỉ tiêu] [thang], chỉ tiêu là {METRIC_WORDS}; thêm «thang» để xem "
         "12 tháng thay cho 8 quý. Ví dụ: /xuhuong, /xuhuong dunghan, /xuhuong quahan thang")


@router.command("xuhuong", "xu_huong", roles=LEADERS,
                help="[chỉ tiêu] [thang] — Xu hướng 8 quý (hoặc 12 tháng) của một chỉ tiêu")
async def xuhuong(req: Request) -> list[Reply]:
    """The trend of one metric for the leader's units, as text and a line chart."""
    words = [fold(a) for a in req.args]
    months = bool(words) and words[-1] in ("thang", "month")
    rest = req.args[:-1] if months else req.args
    metric = find_metric(" ".join(rest)) if rest else METRICS[0]
    if metric is None:
        return text(f"Không rõ chỉ tiêu «{' '.join(rest)[:40]}». {USAGE}")
    try:
        result = await trend(req.ctx, metric, await leader_units(req), months)
    except periods.PeriodError as exc:
        return text(f"{exc}\n{USAGE}")
    body = trend_text(result)
    if all(v is None for _, v in result.points):
        return text(body)
    slug = f"xu-huong-{metric.key}"
    return [Reply(text=body),
            Reply(text=f"Biểu đồ xu hướng — {metric.label}", image=trend_chart(result),
                  filename=f"{slug}.png", fallback=body)]
