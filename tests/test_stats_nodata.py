"""A period the data misses (issue 18, item 6): say so and which days the store holds, in the
CLI and in chat, instead of a page of zeros; the CLI names the store it reads."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.context import AppContext
from bot.core.router import Core
from storage.db import Database
from storage.dossiers_demo import mark_demo
from tests.core_helpers import ask, joined, sample_world, staff_world
from tests.stats_helpers import D, insert_store
from tests.test_stats_cli import _run, store  # noqa: F401  (the fixture)

pytestmark = pytest.mark.engines

SPAN = "từ ngày 05/01/2026 đến ngày 05/04/2026"


def test_cli_period_before_the_data(store: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """`stats --year 2025`: no zeros, the days the store holds; the store is named."""
    code, out, err = _run(capsys, "stats", "--year", "2025")
    assert code == 0
    assert "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025): kho dữ liệu chưa có hồ sơ" in out
    assert SPAN in out and "Tổng số hồ sơ" not in out
    assert f"Kho dữ liệu: {store}" in err
    code, out, _ = _run(capsys, "stats", "--year", "2025", "--plain")
    assert SPAN in out and "Tổng số hồ sơ" not in out
    code, out, err = _run(capsys, "stats", "--year", "2025", "--json")
    assert json.loads(out)["total"] == 0 and SPAN in err
    code, out, err = _run(capsys, "report", "--year", "2025", "--out", "r.docx")
    assert code == 1 and SPAN in err and not Path("r.docx").exists()


def test_cli_without_store_points_at_the_demo_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After `motcua demo`, a bare `motcua stats` says where the demo's store is."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "demo.db").write_bytes(b"")
    code, _, err = _run(capsys, "stats")
    assert code == 1 and "Không tìm thấy kho dữ liệu tại data/motcua.db" in err
    assert "MOTCUA_DB_PATH=data/demo.db" in err


def test_cli_on_the_demo_store_uses_the_demo_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the demo's own store, the current quarter is the demo's (30/06/2026), whatever the
    wall clock says."""
    path = tmp_path / "demo.db"
    monkeypatch.setenv("MOTCUA_DB_PATH", str(path))

    async def build() -> None:
        """A marked store with one dossier of June 2026."""
        db = await Database.open(path)
        await insert_store(db, [D("2026-06-05T08:00:00")])
        await mark_demo(db)
        await db.close()

    asyncio.run(build())
    code, out, err = _run(capsys, "stats", "--plain")
    assert code == 0 and "QUÝ II NĂM 2026" in out and "tính đến ngày 30/06/2026" in out
    assert "kho mẫu" in err


async def test_chat_quarter_without_data(ctx: AppContext) -> None:
    """/quy1 2025 for a leader: no zeros, the days the store holds."""
    world = await sample_world(ctx)
    await staff_world(ctx, world)
    out = joined(await ask(Core(ctx), "/quy1 2025", user="leader"))
    assert "Quý I năm 2025 (từ ngày 01/01/2025 đến ngày 31/03/2025): kho dữ liệu chưa có" in out
    assert "được tiếp nhận từ ngày 01/03/2026 đến ngày 10/04/2026" in out
    assert "Tổng số hồ sơ" not in out


async def test_chat_report_without_data(ctx: AppContext) -> None:
    """/baocao quy1 2025: the same note, and no Word report of zeros."""
    world = await sample_world(ctx)
    await staff_world(ctx, world)
    replies = await ask(Core(ctx), "/baocao quy1 2025", user="leader")
    assert [r.kind for r in replies] == ["text"]
    assert "kho dữ liệu chưa có hồ sơ" in replies[0].text
