"""Trends (`/xuhuong`): one figure of the leader's units over the last 8 quarters (or 12 months)
as a labelled line chart, and the month so far against the same point of the last month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.context import AppContext
from bot.stats import periods, style
from bot.stats.figures import figures_from_counts, sum_counts
from bot.stats.index_service import index_inputs, units_label
from bot.stats.periods import Period
from bot.stats.ranking import Metric


@dataclass
class Trend:
    """A metric over consecutive periods, with the month-to-date comparison."""

    metric: Metric
    unit_label: str
    points: list[tuple[Period, float | None]]  # oldest first; None: no dossier
    month_now: tuple[Period, float | None]
    month_before: tuple[Period, float | None]


async def metric_value(
    ctx: AppContext, period: Period, ids: Sequence[int], metric: Metric
) -> float | None:
    """The metric of these units together for the period (None without dossiers)."""
    inputs = await index_inputs(ctx, period, ids, lists=False)
    est = inputs.estimate_for(ids, "")
    fig = figures_from_counts(period, sum_counts([inputs.counts.get(u, {}) for u in ids]))
    return metric.value(est, fig) if est.has_data else None


def last_periods(today: date, months: bool, rule: str) -> list[Period]:
    """The last 8 quarters (or 12 months) up to the current one, oldest first."""
    current = periods.current_month(today) if months else periods.current_quarter(today, rule)
    out = [current]
    for _ in range((12 if months else 8) - 1):
        out.append(out[-1].previous())
    return out[::-1]


def same_point_last_month(today: date) -> tuple[Period, Period]:
    """This month up to today, and last month up to the same day (or its end)."""
    now = periods.current_month(today)
    before = now.previous()
    end = min(before.start + (today - now.start), before.end)
    return (Period(now.start, today, "month", now.year, now.number),
            Period(before.start, end, "range"))


async def trend(
    ctx: AppContext, metric: Metric, unit_ids: Sequence[int] | None, months: bool = False
) -> Trend:
    """The metric over the last periods and this month against last month, for the units."""
    ids, label = await units_label(ctx, unit_ids)
    today = ctx.now().date()
    points = [(p, await metric_value(ctx, p, ids, metric))
              for p in last_periods(today, months, ctx.settings.period_rule)]
    now, before = same_point_last_month(today)
    return Trend(metric, label, points, (now, await metric_value(ctx, now, ids, metric)),
                 (before, await metric_value(ctx, before, ids, metric)))


def short_label(p: Period) -> str:
    """'Quý I' over '2026', or 'T3' over '2026' (two lines under the axis)."""
    if p.kind == "quarter":
        return f"Quý {periods.ROMAN_OUT[p.number or 1]}\n{p.year}"
    return f"T{p.number}\n{p.year}"


def trend_text(t: Trend) -> str:
    """The trend as chat text."""
    shown = t.metric.shown
    lines = [f"XU HƯỚNG — {t.metric.label}", f"Đơn vị: {t.unit_label}", ""]
    for p, v in t.points:
        lines.append(f"• {p.label()}: {'chưa có hồ sơ' if v is None else shown(v)}")
    (now_p, now_v), (before_p, before_v) = t.month_now, t.month_before
    lines.append("")
    if now_v is None:
        lines.append("Tháng này chưa có hồ sơ.")
    else:
        line = f"Tháng này (đến ngày {now_p.end:%d/%m}): {shown(now_v)}"
        if before_v is not None:
            change = now_v - before_v
            better = change > 0 if t.metric.higher_is_better else change < 0
            word = "không đổi" if change == 0 else ("tốt hơn" if better else "kém hơn")
            line += (f"; cùng thời điểm tháng trước (đến ngày {before_p.end:%d/%m}): "
                     f"{shown(before_v)} — {word}")
        lines.append(line + ".")
    if t.metric.key == "chiso":
        lines.append("Điểm chỉ số là ước tính từ dữ liệu hồ sơ (Bộ chỉ số 766).")
    return "\n".join(lines)


def trend_chart(t: Trend) -> bytes:
    """A line chart of the metric with every value labelled (gaps where there is no data)."""
    canvas = style.new_figure(6.5, 4)
    ax = canvas.subplots()
    xs = list(range(len(t.points)))
    ys = [v for _, v in t.points]
    ax.plot(xs, [float("nan") if v is None else v for v in ys], "o-", color=style.SERIES[0],
            linewidth=2)
    for x, v in zip(xs, ys, strict=True):
        if v is not None:
            ax.annotate(t.metric.shown(v), (x, v), textcoords="offset points", xytext=(0, 7),
                        ha="center", fontsize=7, fontfamily=style.FONT)
    ax.set_xticks(xs, [short_label(p) for p, _ in t.points])
    known = [v for v in ys if v is not None]
    top = max([*known, 1.0])
    ax.set_ylim(0, top * 1.2)
    ax.set_title(f"{t.metric.label}\n{t.unit_label}", fontsize=9, fontfamily=style.FONT)
    style.finish_axes(ax)
    return style.to_png(canvas)

