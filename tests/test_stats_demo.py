"""The demo data set's Q1 2026 gives exactly the seed report's figures (figures.md reference)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context import AppContext
from bot.demo.generate import AS_OF
from bot.stats.render_text import figures_text
from bot.stats.service import compute_figures, figures_to_json, leader_summary
from tests.conftest import TZ
from tests.stats_helpers import REFERENCE_JSON, SEED_FIGURES, load_demo_rows, q1
from tests.test_stats_render import SEED_LINES

pytestmark = pytest.mark.engines


@pytest.fixture
async def demo_ctx(ctx: AppContext, tmp_path: Path) -> AppContext:
    """The test context with the demo loaded and the clock at the demo's "now"."""
    ctx.clock = lambda: AS_OF.replace(tzinfo=TZ)
    await load_demo_rows(ctx, tmp_path / "demo-source.db")
    return ctx


async def test_demo_q1_2026_json_equals_the_reference(demo_ctx: AppContext) -> None:
    """figures_to_json for Q1 2026 equals figures.md's reference numbers."""
    fig = await compute_figures(demo_ctx, q1())
    data = figures_to_json(fig)
    assert data.pop("rate_bases")["digitization.reuse_rate"] == {
        "numerator": 3285, "denominator": 3429, "of": "hồ sơ thuộc thẩm quyền giải quyết"}
    assert data.pop("period") == {"from": "2026-01-01", "to": "2026-03-31"}
    assert data.pop("unit") == "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"
    assert data == REFERENCE_JSON
    text = figures_text(fig)
    for line in SEED_LINES:
        assert line in text
    for figure in SEED_FIGURES:
        assert figure in text
    summary = await leader_summary(demo_ctx, q1())
    assert len(summary) <= 4096 and "so với quý trước" in summary
