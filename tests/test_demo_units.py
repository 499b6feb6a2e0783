"""The multi-unit demo (`motcua demo --units N`): the other units load beside Kẻ Sắt, whose Q1
2026 stays the seed report's, and /xephang tells them apart."""

from __future__ import annotations

from decimal import Decimal

from bot.context import AppContext
from bot.demo.generate import AS_OF
from bot.demo.load import load_demo
from bot.demo.units import unit_name
from bot.stats.index_service import compute_index
from bot.stats.ranking import METRICS, rank_units
from tests.conftest import TZ
from tests.stats_helpers import q1


async def test_three_demo_units_rank(ctx: AppContext) -> None:
    """Three units: Kẻ Sắt's estimate unchanged; the others ranked with their own values."""
    ctx.clock = lambda: AS_OF.replace(tzinfo=TZ)
    summary = await load_demo(ctx, units=3)
    assert "Thêm 2 đơn vị mẫu khác" in summary
    assert (await compute_index(ctx, q1(), [1])).subtotal == Decimal("51.99")
    metric = next(m for m in METRICS if m.key == "dunghan")
    ranking = await rank_units(ctx, q1(), None, metric)
    names = {r.name for r in ranking.ranked}
    assert names == {unit_name(1), unit_name(2), unit_name(3)}
    assert len({r.value for r in ranking.ranked}) == 3
