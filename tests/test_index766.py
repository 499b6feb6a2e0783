"""The service-index estimate (Bộ chỉ số 766): the demo's Q1 2026 worked example, the rules'
arithmetic, the late list of 2.1, a month without data, /chiso and `motcua stats --index`."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.context import AppContext
from bot.core.router import Core
from bot.stats.index766 import MAX_ESTIMABLE, RULE_BY_ID, RULES
from bot.stats.index_service import compute_index
from bot.stats.periods import month
from bot.stats.render_index import index_json, index_text
from storage.db import Database
from tests.conftest import TZ
from tests.core_helpers import add_staff
from tests.core_helpers import ask as ask_replies
from tests.stats_helpers import D, insert_store, q1
from tests.test_stats_demo import demo_ctx  # noqa: F401  (the fixture)

pytestmark = pytest.mark.engines


async def test_demo_q1_2026_matches_the_worked_example(demo_ctx: AppContext) -> None:  # noqa: F811
    """index766.md's worked example: 2.1 → 19,99, 3.3, 3.6, 4.3, 5.4 → full, subtotal 51,99."""
    est = await compute_index(demo_ctx, q1())
    expected = {"2.1": (99.94, "19.99"), "3.3": (99.94, "6.00"), "3.6": (100.0, "6.00"),
                "4.1": (100.0, "6.00"), "4.2": (100.0, "4.00"), "4.3": (95.8, "2.00"),
                "5.4": (99.94, "6.00"), "3.5b": (100.0, "2.00")}  # fmt: skip
    for rule_id, (rate_, points) in expected.items():
        ind = est.by_id(rule_id)
        assert (ind.rate, ind.points) == (rate_, Decimal(points)), rule_id
    assert (est.by_id("2.1").num, est.by_id("2.1").den) == (3472, 3474)
    assert est.subtotal == Decimal("51.99") and est.subtotal_max == MAX_ESTIMABLE == 52
    assert len(est.late) == 2 and not est.soon
    text = index_text(est)
    assert "Tạm tính: 51,99/52 điểm" in text and "ước tính" in text.lower()
    assert "2.1 Tiến độ giải quyết: 99,94% → 19,99/20 điểm" in text
    assert "Chưa tính được (48 điểm)" in text and "PAKN" in text
    data = index_json(est)
    assert data["subtotal"] == 51.99 and data["indicators"][0]["points"] == 19.99


def test_rules_table_points() -> None:
    """Linear and threshold rules compute from the exact ratio, half-up to 2 decimals."""
    assert sum(r.max_points for r in RULES) == 52
    assert all(r.source for r in RULES)
    assert RULE_BY_ID["2.1"].points(3472, 3474) == Decimal("19.99")
    assert RULE_BY_ID["3.3"].points(1, 2) == Decimal("6.00")
    assert RULE_BY_ID["3.3"].points(1, 4) == Decimal("3.00")
    assert RULE_BY_ID["5.4"].points(8, 10) == Decimal("5.33")
    assert RULE_BY_ID["3.6"].points(0, 0) is None


NOW = datetime(2026, 4, 15, 9, 0, tzinfo=TZ)
ROWS = [
    # late result (2 days), result on time, refused (on time), pending past due (late 5 days)
    D("2026-04-01T08:00:00", due="2026-04-03T17:00:00", status="result",
      finished="2026-04-05T08:00:00", officer="CB01"),
    D("2026-04-01T08:00:00", due="2026-04-03T17:00:00", status="result",
      finished="2026-04-03T16:00:00"),
    D("2026-04-02T08:00:00", due="2026-04-03T17:00:00", status="rejected",
      finished="2026-04-09T08:00:00"),
    D("2026-04-02T08:00:00", due="2026-04-10T17:00:00", officer="CB02"),
    # supplement asked once before due (on time) / twice (late) / once after due (late)
    D("2026-04-06T08:00:00", due="2026-04-10T17:00:00", status="supplement",
      events=[("supplement", "2026-04-08T08:00:00")]),
    D("2026-04-06T08:00:00", due="2026-04-30T17:00:00", status="supplement",
      events=[("supplement", "2026-04-07T08:00:00"), ("processing", "2026-04-08T08:00:00"),
              ("supplement", "2026-04-09T08:00:00")]),
    D("2026-04-06T08:00:00", due="2026-04-08T17:00:00", status="supplement",
      events=[("supplement", "2026-04-10T08:00:00")]),
    # pending, due 20/04: turns late before the month ends; fee not paid online
    D("2026-04-10T08:00:00", due="2026-04-20T17:00:00", fee=20000, procedure="P-FULL"),
]


async def test_late_list_and_soon(ctx: AppContext) -> None:
    """2.1's late dossiers (results, pending, supplements) and the ones turning late soon."""
    await insert_store(ctx.db, ROWS)
    est = await compute_index(ctx, month(2026, 4))
    assert [(d.code, d.days_late, d.supplements) for d in est.late] == [
        ("HS000006", 0, 2), ("HS000001", 2, 0), ("HS000004", 5, 0), ("HS000007", 7, 1)]
    assert [d.code for d in est.soon] == ["HS000008"]
    assert (est.by_id("2.1").num, est.by_id("2.1").den) == (4, 8)
    assert [d.code for d in est.unpaid] == ["HS000008"]
    text = index_text(est)
    assert "HS000001 — Thủ tục P-PART — cán bộ CB01 — trễ 2 ngày" in text
    assert "yêu cầu bổ sung 02 lần" in text or "yêu cầu bổ sung 2 lần" in text
    assert "Sẽ trễ hạn trước cuối tháng" in text and "hạn 20/04/2026" in text
    assert "Hồ sơ có phí, lệ phí chưa thanh toán trực tuyến (01)" in text
    assert "Còn 07 hồ sơ chưa số hóa đầu vào." in text  # 4.2: 7 in scope, none digitized


async def test_month_without_data_says_so(ctx: AppContext) -> None:
    """A month with no dossier says so instead of printing zeros."""
    await insert_store(ctx.db, [])
    est = await compute_index(ctx, month(2026, 3))
    text = index_text(est)
    assert not est.has_data and "chưa có hồ sơ nào" in text and "0/0" not in text
    assert index_json(est)["subtotal"] is None


async def ask(core: Core, body: str, user: str) -> str:
    """One message's replies' texts, joined."""
    return "\n".join(r.text for r in await ask_replies(core, body, user))


async def test_chiso_command(ctx: AppContext) -> None:
    """/chiso answers leaders (current month by default); citizens and bad periods are refused."""
    await insert_store(ctx.db, ROWS)
    core = Core(ctx)
    await add_staff(ctx, "leader", "Lãnh Đạo Một", unit_id=1, user_id="lead")
    answer = await ask(core, "/chiso", user="lead")
    assert "Tháng 4 năm 2026" in answer and "(tính đến ngày 15/04/2026)" in answer
    assert "Tạm tính:" in answer
    assert "Quý I năm 2026" in await ask(core, "/chiso quý 1 2026", user="lead")
    bad = await ask(core, "/chiso tháng 13", user="lead")
    assert "Ví dụ: /chiso" in bad and "Error" not in bad
    future = await ask(core, "/chiso thang 12/2026", user="lead")
    assert "Tạm tính" not in future and "Error" not in future
    assert "Tạm tính" not in await ask(core, "/chiso", user="someone")


def test_cli_stats_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """`motcua stats --index` prints the estimate (default: this month), --json its JSON."""
    import asyncio

    path = tmp_path / "cli.db"
    monkeypatch.setenv("MOTCUA_DB_PATH", str(path))
    monkeypatch.setattr(AppContext, "now", lambda self: NOW)

    async def build() -> None:
        """Fill the CLI's store."""
        db = await Database.open(path)
        await insert_store(db, ROWS)
        await db.close()

    asyncio.run(build())
    assert main(["stats", "--index"]) == 0
    out = capsys.readouterr().out
    assert "Tháng 4 năm 2026" in out and "2.1 Tiến độ giải quyết: 50%" in out
    assert main(["stats", "--index", "--json", "--month", "4", "--year", "2026"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["estimate"] is True and data["period"]["from"] == "2026-04-01"
    assert data["indicators"][0] == {
        "id": "2.1", "name": "Tiến độ giải quyết", "rate": 50.0, "points": 10.0, "max": 20,
        "rule": "điểm = tối đa × tỷ lệ", "source": RULE_BY_ID["2.1"].source,
        "numerator": 4, "denominator": 8}  # fmt: skip
