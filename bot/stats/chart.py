"""The quarterly chart (matplotlib, Agg, PNG sized for a phone, in the house style of
bot/stats/style.py): outcomes, channels, month by month.

DejaVu Sans ships with matplotlib and has every Vietnamese glyph, so no font is bundled.
"""

from __future__ import annotations

from matplotlib.ticker import MaxNLocator

from bot.stats import style
from bot.stats.figures import Figures
from bot.stats.periods import fmt_day

FONT = style.FONT
P = style.PALETTE
COLORS = {
    "early": P["green"],
    "on_time": P["sky"],
    "late": P["vermillion"],
    "rejected": P["purple"],
    "withdrawn": P["grey"],
    "pending": P["blue"],
    "online": P["blue"],
    "direct": P["orange"],
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
    """A PNG (1200×1800 px: 2× a 600×900 phone view) of the period's figures; months:
    ('T1/2026', figures) in order."""
    months = months or []
    canvas = style.new_figure(6, 9)
    axes = canvas.subplots(3, 1, height_ratios=[1.2, 0.6, 1.2])
    title = f"{fig.period.label()} ({fmt_day(fig.period.start)}–{fmt_day(fig.period.end)})"
    if fig.as_of is not None:
        title += f"\ntính đến ngày {fmt_day(fig.as_of.date())}"
    canvas.suptitle(title, fontsize=11, fontfamily=FONT)

    ax = axes[0]
    rows = _outcomes(fig)[::-1]
    bars = ax.barh([r[0] for r in rows], [r[1] for r in rows], color=[r[2] for r in rows])
    style.label_bars(ax, bars, [str(r[1]) for r in rows])
    ax.set_title(f"Kết quả giải quyết (tổng số {fig.total} hồ sơ)", fontsize=10)

    ax = axes[1]
    online, direct = fig.received.online, fig.received.direct + fig.received.postal
    bars = ax.barh(["Trực tiếp", "Trực tuyến"], [direct, online],
                   color=[COLORS["direct"], COLORS["online"]])
    style.label_bars(ax, bars, [str(direct), str(online)])
    ax.set_title(f"Tiếp nhận trong kỳ: {fig.received.total} hồ sơ", fontsize=10)

    ax = axes[2]
    names = [m[0] for m in months]
    xs = list(range(len(months)))
    width = 0.38
    online_m = [m[1].received.online for m in months]
    direct_m = [m[1].received.direct + m[1].received.postal for m in months]
    for shift, values, label, colour in ((-width / 2, online_m, "Tiếp nhận trực tuyến",
                                          COLORS["online"]),
                                         (width / 2, direct_m, "Tiếp nhận trực tiếp",
                                          COLORS["direct"])):
        bars = ax.bar([x + shift for x in xs], values, width, label=label, color=colour)
        style.label_bars(ax, bars, [str(v) for v in values], horizontal=False, fontsize=6.5)
    ax.plot(xs, [m[1].resolved.total for m in months], "o-", color=COLORS["early"],
            label="Đã giải quyết")
    ax.set_ylim(0, max([*online_m, *direct_m, *(m[1].resolved.total for m in months), 1]) * 1.25)
    ax.set_xticks(xs, names)
    ax.set_title("Theo tháng", fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False,
              prop={"family": FONT, "size": 7})
    for a, axis in ((axes[0], "x"), (axes[1], "x"), (axes[2], "y")):
        getattr(a, f"{axis}axis").set_major_locator(MaxNLocator(integer=True))
    for a in axes:
        style.finish_axes(a)
    return style.to_png(canvas)
