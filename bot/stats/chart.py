"""The chart (matplotlib, Agg, PNG sized for a phone): outcomes, channels, month by month.

DejaVu Sans ships with matplotlib and has every Vietnamese glyph, so no font is bundled.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure as MplFigure  # no pyplot: PNG is drawn by the Agg canvas
from matplotlib.ticker import MaxNLocator

from bot.stats.figures import Figures
from bot.stats.periods import fmt_day

FONT = "DejaVu Sans"
COLORS = {
    "early": "#2e7d32",
    "on_time": "#66bb6a",
    "late": "#c62828",
    "rejected": "#8d6e63",
    "withdrawn": "#9e9e9e",
    "pending": "#1565c0",
    "online": "#0277bd",
    "direct": "#ef6c00",
}


def _outcomes(fig: Figures) -> list[tuple[str, int, str]]:
    """(label, count, color) of the resolved outcomes and the pending dossiers."""
    r = fig.resolved
    return [
        ("Trước hạn", r.early, COLORS["early"]),
        ("Đúng hạn", r.on_time, COLORS["on_time"]),
        ("Quá hạn", r.late, COLORS["late"]),
        ("Từ chối, không giải quyết", r.rejected, COLORS["rejected"]),
        ("Rút hồ sơ", r.withdrawn, COLORS["withdrawn"]),
        ("Đang giải quyết", fig.pending.total, COLORS["pending"]),
    ]


def render_chart(fig: Figures, months: list[tuple[str, Figures]] | None = None) -> bytes:
    """A PNG (900×1350 px) of the period's figures; months: ('T1/2026', figures) in order."""
    months = months or []
    canvas = MplFigure(figsize=(6, 9), dpi=150)
    canvas.set_layout_engine("constrained")
    axes = canvas.subplots(3, 1, height_ratios=[1.2, 0.6, 1.2])
    title = f"{fig.period.label()} ({fmt_day(fig.period.start)}–{fmt_day(fig.period.end)})"
    if fig.as_of is not None:
        title += f"\ntính đến ngày {fmt_day(fig.as_of.date())}"
    canvas.suptitle(title, fontsize=11, fontfamily=FONT)

    ax = axes[0]
    rows = _outcomes(fig)
    labels = [r[0] for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    bars = ax.barh(labels, values, color=[r[2] for r in rows][::-1])
    ax.bar_label(bars, labels=[str(v) for v in values], padding=3, fontsize=8)
    ax.set_title(f"Kết quả giải quyết (tổng số {fig.total} hồ sơ)", fontsize=10)
    ax.tick_params(labelsize=8)
    ax.set_xlim(0, max([*values, 1]) * 1.2)

    ax = axes[1]
    online, direct = fig.received.online, fig.received.direct + fig.received.postal
    bars = ax.barh(["Trực tiếp", "Trực tuyến"], [direct, online],
                   color=[COLORS["direct"], COLORS["online"]])
    ax.bar_label(bars, labels=[str(direct), str(online)], padding=3, fontsize=8)
    ax.set_title(f"Tiếp nhận trong kỳ: {fig.received.total} hồ sơ", fontsize=10)
    ax.tick_params(labelsize=8)
    ax.set_xlim(0, max(online, direct, 1) * 1.2)

    ax = axes[2]
    names = [m[0] for m in months]
    xs = list(range(len(months)))
    width = 0.38
    ax.bar([x - width / 2 for x in xs], [m[1].received.online for m in months], width,
           label="Tiếp nhận trực tuyến", color=COLORS["online"])
    ax.bar([x + width / 2 for x in xs],
           [m[1].received.direct + m[1].received.postal for m in months], width,
           label="Tiếp nhận trực tiếp", color=COLORS["direct"])
    ax.plot(xs, [m[1].resolved.total for m in months], "o-", color=COLORS["early"],
            label="Đã giải quyết")
    ax.set_xticks(xs, names)
    ax.set_title("Theo tháng", fontsize=10)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="best")
    for a, axis in ((axes[0], "x"), (axes[1], "x"), (axes[2], "y")):
        getattr(a, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))
    for a in axes:
        for label in [*a.get_xticklabels(), *a.get_yticklabels()]:
            label.set_fontfamily(FONT)
    buf = io.BytesIO()
    canvas.savefig(buf, format="png")
    return buf.getvalue()
