"""Units ranked by the index estimate or by one figure (`/xephang`), as text and as a sorted
horizontal bar chart readable at 150 units."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.context import AppContext
from bot.core.text import fold
from bot.stats import style
from bot.stats.figures import Figures, figures_from_counts, fmt_rate
from bot.stats.index766 import IndexEstimate
from bot.stats.index_service import index_inputs
from bot.stats.periods import Period
from storage import stats as sql


@dataclass(frozen=True)
class Metric:
    """A figure units can be ranked by."""

    key: str
    words: tuple[str, ...]  # what a leader may type (folded)
    label: str
    higher_is_better: bool
    value: Callable[[IndexEstimate, Figures], float | None]
    shown: Callable[[float], str]


def _points(est: IndexEstimate, _: Figures) -> float | None:
    """The estimate's points out of 52 (scaled when an indicator had no dossier)."""
    if not est.has_data or est.subtotal_max == 0:
        return None
    return round(float(est.subtotal) * 52 / est.subtotal_max, 2)


METRICS: tuple[Metric, ...] = (
    Metric("chiso", ("chiso", "chi so", "766"), "Chỉ số 766 ước tính (điểm/52)", True, _points,
           lambda v: style.fmt_value(v, 2)),
    Metric("dunghan", ("dunghan", "dung han"), "Tỷ lệ giải quyết đúng hạn", True,
           lambda e, f: f.resolved.on_time_rate, lambda v: fmt_rate(v)),
    Metric("tructuyen", ("tructuyen", "truc tuyen"), "Tỷ lệ hồ sơ trực tuyến", True,
           lambda e, f: f.services.online_rate_all, lambda v: fmt_rate(v)),
    Metric("thanhtoan", ("thanhtoan", "thanh toan"), "Tỷ lệ thanh toán trực tuyến", True,
           lambda e, f: f.fees.online_rate, lambda v: fmt_rate(v)),
    Metric("quahan", ("quahan", "qua han", "trehan", "tre han"), "Số hồ sơ trễ hạn (chỉ số 2.1)",
           False, lambda e, f: float(e.late_total) if e.has_data else None,
           lambda v: str(round(v))),
)  # fmt: skip
METRIC_WORDS = "chiso (mặc định), dunghan, tructuyen, thanhtoan, quahan"


def find_metric(text: str) -> Metric | None:
    """The metric a leader typed (accents optional), or None."""
    wanted = fold(text).strip()
    return next((m for m in METRICS if wanted in m.words), None)


@dataclass(frozen=True)
class Ranked:
    """One unit's place: rank (1 = best; None without data), name and value."""

    unit_id: int
    name: str
    rank: int | None
    value: float | None


@dataclass
class Ranking:
    """Units ranked by one metric for one period."""

    period: Period
    metric: Metric
    rows: list[Ranked]  # best first; units without data last
    home: set[int]  # the leader's own unit(s), highlighted

    @property
    def ranked(self) -> list[Ranked]:
        """The rows with a value."""
        return [r for r in self.rows if r.rank is not None]


async def rank_units(
    ctx: AppContext, period: Period, unit_ids: Sequence[int] | None, metric: Metric,
    home: Sequence[int] = (),
) -> Ranking:
    """Rank the units (None: all) by the metric (ties share a rank, then by name)."""
    names = await sql.unit_names(ctx.db)
    ids = list(names) if unit_ids is None else [int(u) for u in unit_ids]
    inputs = await index_inputs(ctx, period, ids, lists=False)
    by_unit = inputs.by_unit()
    values = []
    for u in ids:
        est = inputs.estimate_for([u], names.get(u, str(u)), by_unit)
        fig = figures_from_counts(period, inputs.counts.get(u, {}), u, names.get(u))
        values.append((u, names.get(u, str(u)), metric.value(est, fig)))
    sign = -1 if metric.higher_is_better else 1
    values.sort(key=lambda t: (t[2] is None, sign * (t[2] or 0), fold(t[1])))
    rows, rank, last = [], 0, object()
    for i, (u, name, value) in enumerate(values, 1):
        if value is not None and value != last:
            rank, last = i, value
        rows.append(Ranked(u, name, rank if value is not None else None, value))
    return Ranking(period, metric, rows, set(home))


def ranking_text(r: Ranking, show: int = 5) -> str:
    """Best and worst first ('show' of each; every unit when few), the leader's units marked."""
    ranked = r.ranked
    lines = [f"XẾP HẠNG {len(r.rows)} ĐƠN VỊ — {r.metric.label}", r.period.label() + (
        " (ước tính)" if r.metric.key == "chiso" else "")]
    if not ranked:
        return "\n".join([*lines, "Kỳ này chưa đơn vị nào có hồ sơ, nên chưa xếp hạng được."])

    def line(x: Ranked) -> str:
        """One unit's line: rank, name, value, and a mark on the leader's own unit."""
        mark = "  ◀ đơn vị của bạn" if x.unit_id in r.home else ""
        return f"{x.rank}. {x.name}: {r.metric.shown(x.value or 0)}{mark}"

    if len(ranked) <= 2 * show:
        lines += ["", *[line(x) for x in ranked]]
    else:
        lines += ["", f"Cao nhất ({show}):", *[line(x) for x in ranked[:show]],
                  "", f"Thấp nhất ({show}):", *[line(x) for x in ranked[-show:]]]
        mine = [x for x in ranked[show:-show] if x.unit_id in r.home]
        if mine:
            lines += ["", *[line(x) for x in mine]]
    empty = len(r.rows) - len(ranked)
    if empty:
        lines.append(f"\n{empty} đơn vị chưa có hồ sơ trong kỳ (không xếp hạng).")
    lines.append("Biểu đồ kèm theo xếp đủ mọi đơn vị.")
    return "\n".join(lines)


def ranking_chart(r: Ranking) -> bytes:
    """A horizontal bar per ranked unit, best at the top, the leader's units highlighted."""
    rows = r.ranked[::-1]  # barh draws bottom-up
    n = max(len(rows), 1)
    # ~34 px a bar at 2×: 150 units stay legible when zoomed; capped so width + height stays
    # under Telegram's 10 000 px for a photo
    height = min(1.4 + 0.17 * n, 40.0)
    canvas = style.new_figure(6.5, height)
    ax = canvas.subplots()
    colours = [style.HIGHLIGHT if x.unit_id in r.home else style.PALETTE["blue"] for x in rows]
    bars = ax.barh([f"{x.rank}. {x.name}" for x in rows], [x.value or 0 for x in rows],
                   color=colours, height=0.7)
    style.label_bars(ax, bars, [r.metric.shown(x.value or 0) for x in rows], fontsize=6.5)
    ax.set_ylim(-0.6, n - 0.4)
    title = f"{r.metric.label}\n{r.period.label()}"
    if r.home:
        title += " — màu cam: đơn vị của bạn"
    ax.set_title(title, fontsize=9, fontfamily=style.FONT)
    style.finish_axes(ax, fontsize=6.5)
    return style.to_png(canvas)
