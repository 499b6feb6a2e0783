"""Leaders' /chiso [kỳ]: the estimate of the national service index (Bộ chỉ số 766)."""

from __future__ import annotations

from bot.core.registry import Request, Router
from bot.core.types import Reply
from bot.handlers.common import text
from bot.handlers.scope import leader_units
from bot.stats import periods
from bot.stats.index_service import compute_index
from bot.stats.render_index import index_text

router = Router()

LEADERS = {"leader", "admin"}
USAGE = "Ví dụ: /chiso (tháng này), /chiso thang 5/2026, /chiso quy 1 2026."


def period_arg(req: Request) -> periods.Period:
    """The period typed after the command (default: the current month); PeriodError if wrong."""
    today = req.ctx.now().date()
    if not req.args:
        return periods.current_month(today)
    return periods.parse_period(req.text_args[:100], today, rule=req.ctx.settings.period_rule)


@router.command("chiso", "chi_so", roles=LEADERS,
                help="[kỳ] — Ước tính Chỉ số phục vụ (Bộ chỉ số 766), mặc định tháng này")
async def chiso(req: Request) -> list[Reply]:
    """The index estimate of a period for the leader's units, with what cost points."""
    try:
        period = period_arg(req)
        est = await compute_index(req.ctx, period, await leader_units(req))
    except periods.PeriodError as exc:
        return text(f"{exc} {USAGE}")
    return text(index_text(est))
