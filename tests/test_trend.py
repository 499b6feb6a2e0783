"""/xuhuong: the last 8 quarters (or 12 months) of a figure with its line chart, and the month
so far against the same point of last month (the demo's data, clock at 30/06/2026)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from PIL import Image

from bot.context import AppContext
from bot.core.router import Core
from bot.stats import style
from bot.stats.periods import quarter
from bot.stats.ranking import METRICS
from bot.stats.trend import last_periods, same_point_last_month, trend, trend_chart
from tests.core_helpers import add_staff, ask
from tests.test_stats_demo import demo_ctx  # noqa: F401  (the fixture)


def test_periods_and_same_point() -> None:
    """8 quarters ending with the current one; this month to date against last month's."""
    qs = last_periods(date(2026, 6, 30), False, "calendar")
    assert len(qs) == 8 and qs[0] == quarter(2024, 3) and qs[-1] == quarter(2026, 2)
    assert len(last_periods(date(2026, 6, 30), True, "calendar")) == 12
    now, before = same_point_last_month(date(2026, 3, 31))
    assert (now.start, now.end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (before.start, before.end) == (date(2026, 2, 1), date(2026, 2, 28))


async def test_trend_of_the_demo(demo_ctx: AppContext) -> None:  # noqa: F811
    """The index over 8 quarters: no data before Q4 2025, Q1 2026 = 51,99; chart drawn."""
    metric = METRICS[0]
    t = await trend(demo_ctx, metric, [1])
    values = [v for _, v in t.points]
    assert values[:5] == [None] * 5 and values[6] == 51.99
    assert t.month_now[1] is not None and t.month_before[1] is not None
    png = trend_chart(t)
    Path("/tmp/lead").mkdir(exist_ok=True)
    Path("/tmp/lead/trend.png").write_bytes(png)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (1300, 800)
    assert len(img.getcolors(maxcolors=1 << 22) or []) > 20
    core = Core(demo_ctx)
    await add_staff(demo_ctx, "leader", "Lãnh Đạo", unit_id=1, user_id="ld")
    replies = await ask(core, "/xuhuong đúng hạn", user="ld")
    assert "XU HƯỚNG — Tỷ lệ giải quyết đúng hạn" in replies[0].text
    assert "Quý I năm 2026: 99,94%" in replies[0].text and "Quý III năm 2024: chưa có hồ sơ" \
        in replies[0].text
    assert "cùng thời điểm tháng trước (đến ngày 30/05)" in replies[0].text
    assert replies[1].image is not None and style.DPI == 200
    months = (await ask(core, "/xuhuong quahan thang", user="ld"))[0].text
    assert "Tháng 7 năm 2025: chưa có hồ sơ" in months and "Tháng 6 năm 2026" in months
    bad = (await ask(core, "/xuhuong abc", user="ld"))[0].text
    assert "Không rõ chỉ tiêu «abc»" in bad
