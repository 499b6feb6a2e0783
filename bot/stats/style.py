"""One look for every chart: DejaVu Sans (every Vietnamese glyph), the Okabe–Ito colour-blind-safe
palette, values written on the bars (small ones outside, so none is invisible), 2× resolution."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure as MplFigure  # no pyplot: PNG is drawn by the Agg canvas

FONT = "DejaVu Sans"
DPI = 200  # 2× a phone's 100 px per "inch" of figure: sharp on high-density screens
# Okabe & Ito (2008), safe for the common colour-vision deficiencies.
PALETTE = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "grey": "#999999",
    "black": "#000000",
}  # fmt: skip
GOOD, BAD, NEUTRAL, HIGHLIGHT = PALETTE["green"], PALETTE["vermillion"], PALETTE["sky"], \
    PALETTE["orange"]
SERIES = (PALETTE["blue"], PALETTE["orange"], PALETTE["green"], PALETTE["purple"],
          PALETTE["vermillion"], PALETTE["sky"])


def new_figure(width: float, height: float) -> MplFigure:
    """A figure of width × height "inches" at DPI, constrained layout, the house font."""
    canvas = MplFigure(figsize=(width, height), dpi=DPI)
    canvas.set_layout_engine("constrained")
    return canvas


def fmt_value(value: float, decimals: int = 0, suffix: str = "") -> str:
    """A number with a decimal comma: '3436', '99,94', '95,8%'."""
    if decimals == 0:
        return f"{round(value)}{suffix}"
    return f"{value:.{decimals}f}".replace(".", ",") + suffix


def label_bars(ax: Axes, bars: BarContainer, labels: Sequence[str], horizontal: bool = True,
               fontsize: float = 8) -> None:
    """Write each bar's value at its end, outside the bar, so a bar of 3 next to 3436 still
    shows its value; and give every non-zero bar a minimum visible length."""
    ax.bar_label(bars, labels=list(labels), padding=3, fontsize=fontsize, fontfamily=FONT)
    values = [abs(b.get_width() if horizontal else b.get_height()) for b in bars]
    top = max([*values, 1.0])
    for bar, value in zip(bars, values, strict=True):
        if 0 < value < top * 0.006:  # under ~1 px at this size: draw it as a visible stub
            if horizontal:
                bar.set_width(top * 0.006)
            else:
                bar.set_height(top * 0.006)
    limit = (0, top * 1.25)
    ax.set_xlim(*limit) if horizontal else ax.set_ylim(*limit)


def finish_axes(ax: Axes, fontsize: float = 8) -> None:
    """Tick labels in the house font and size, no top/right frame."""
    ax.tick_params(labelsize=fontsize)
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
        label.set_fontfamily(FONT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def to_png(canvas: MplFigure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    canvas.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()
