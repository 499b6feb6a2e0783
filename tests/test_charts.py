"""Every chart renders in the house style (bot/stats/style.py): a 2× PNG of the expected size,
not blank, the palette's colours drawn, small values visible."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.stats import style
from bot.stats.chart import render_chart
from bot.stats.periods import quarter
from bot.stats.ranking import METRICS, Ranked, Ranking, ranking_chart
from tests.stats_helpers import reference_figures

OUT = Path("/tmp/lead")


def _image(png: bytes, name: str) -> Image.Image:
    """The PNG decoded (and kept in /tmp/lead for a look)."""
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_bytes(png)
    return Image.open(io.BytesIO(png)).convert("RGB")


def _has_colour(img: Image.Image, hex_colour: str) -> bool:
    """True when some pixel is (nearly) this colour."""
    want = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    colours = img.getcolors(maxcolors=1 << 22) or []
    return any(all(abs(c[1][k] - want[k]) <= 6 for k in range(3)) for c in colours)


def test_quarterly_chart_style() -> None:
    """The quarterly chart: 1200×1800, palette colours, the 'trực tiếp' bar of 3 is drawn."""
    fig = reference_figures()
    img = _image(render_chart(fig, [("T1/2026", fig)]), "quarterly.png")
    assert img.size == (1200, 1800)
    assert len(img.getcolors(maxcolors=1 << 22) or []) > 50
    for colour in (style.PALETTE["green"], style.PALETTE["blue"], style.PALETTE["orange"],
                   style.PALETTE["vermillion"]):
        assert _has_colour(img, colour), colour  # orange: the 3 direct dossiers' bar


def test_ranking_chart_style() -> None:
    """The ranking chart: sorted bars, the leader's unit in the highlight colour."""
    metric = next(m for m in METRICS if m.key == "chiso")
    rows = [Ranked(u, f"Xã số {u:02d}", u, 52 - u * 1.5) for u in range(1, 13)]
    img = _image(ranking_chart(Ranking(quarter(2026, 1), metric, rows, {4})), "ranking12.png")
    assert img.width == 1300 and img.height >= 600
    assert _has_colour(img, style.HIGHLIGHT) and _has_colour(img, style.PALETTE["blue"])


def test_label_values_use_a_decimal_comma() -> None:
    """Values on bars print with a decimal comma."""
    assert style.fmt_value(99.944, 2) == "99,94" and style.fmt_value(3436) == "3436"
