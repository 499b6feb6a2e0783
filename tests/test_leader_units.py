"""Leaders of several units: scopes from the CLI and /moi, /quy1, /chiso, /quahan over their
units together, /xephang ranking (text and chart); a one-unit leader sees only their unit."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from bot.cli.main import main
from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Reply
from bot.stats.periods import month, quarter
from bot.stats.ranking import METRICS, rank_units, ranking_chart
from bot.stats.service import leader_summary
from storage import staff as staff_store
from storage.db import Database
from storage.staff_scope import scope_of, set_scope
from tests.conftest import TZ
from tests.core_helpers import add_staff, ask
from tests.stats_helpers import D, insert_store

pytestmark = pytest.mark.engines

UNITS = tuple(f"Trung tâm PVHCC xã số {i:02d}" for i in range(1, 13))


def rows_for(units: int) -> list[D]:
    """Unit u gets 10 dossiers in March 2026, u - 1 of them (at most 10) finished late; units 5
    and 12 also have open overdue dossiers (one, two)."""
    out = []
    for u in range(1, units + 1):
        for k in range(10):
            late = k < u - 1
            out.append(D(f"2026-03-{k + 2:02d}T08:00:00", due=f"2026-03-{k + 4:02d}T17:00:00",
                         status="result", unit=u, officer=f"CB{u:02d}",
                         finished=f"2026-03-{k + (6 if late else 3):02d}T08:00:00"))
    out += [D("2026-03-20T08:00:00", due="2026-03-25T17:00:00", unit=u, officer="CB99")
            for u in (5, 12, 12)]
    return out


async def world(ctx: AppContext) -> Core:
    """12 units; leaders 'one' (unit 3), 'two' (units 2 and 5), 'all' (every unit)."""
    await insert_store(ctx.db, rows_for(12), units=UNITS)
    await add_staff(ctx, "leader", "Lãnh Đạo Một", unit_id=3, user_id="one")
    two = await add_staff(ctx, "leader", "Lãnh Đạo Hai", unit_id=2, user_id="two")
    await set_scope(ctx.db, two.id, [2, 5])
    every = await add_staff(ctx, "leader", "Lãnh Đạo Tỉnh", unit_id=1, user_id="all")
    await set_scope(ctx.db, every.id, None)
    return Core(ctx)


def texts(replies: list[Reply]) -> str:
    """The replies' texts joined."""
    return "\n".join(r.text for r in replies)


async def test_ranking_scopes(ctx: AppContext) -> None:
    """All-units and two-unit leaders see exactly their units; a one-unit leader none."""
    core = await world(ctx)
    replies = await ask(core, "/xephang thang 3/2026 quahan", user="all")
    body = replies[0].text
    assert "XẾP HẠNG 12 ĐƠN VỊ" in body and "Cao nhất (5):" in body and "Thấp nhất (5):" in body
    assert "1. Trung tâm PVHCC xã số 01: 0  ◀ đơn vị của bạn" in body
    assert "12. Trung tâm PVHCC xã số 12: 12" in body
    assert replies[1].image is not None and replies[1].image[:4] == b"\x89PNG"
    two = texts(await ask(core, "/xephang tháng 3/2026 quá hạn", user="two"))
    assert "XẾP HẠNG 2 ĐƠN VỊ" in two and "xã số 02" in two and "xã số 05" in two
    assert "xã số 01" not in two and "xã số 03" not in two
    one = texts(await ask(core, "/xephang thang 3/2026", user="one"))
    assert "nhiều đơn vị" in one and "xã số" not in one
    default = texts(await ask(core, "/xephang thang 3/2026", user="all"))
    assert "Chỉ số 766 ước tính" in default and "\n1. Trung tâm PVHCC xã số 01: " in default


async def test_scoped_summaries(ctx: AppContext) -> None:
    """/quy1, /chiso and /quahan of a two-unit leader cover both units, nothing else."""
    core = await world(ctx)
    q1 = texts(await ask(core, "/quy1 2026", user="two"))
    assert q1 == await leader_summary(ctx, quarter(2026, 1), [2, 5])
    chiso = texts(await ask(core, "/chiso thang 3/2026", user="two"))
    assert "2 đơn vị: Trung tâm PVHCC xã số 02, Trung tâm PVHCC xã số 05" in chiso
    assert "(06):" in chiso  # 1 + 4 + 1 late dossiers
    one = texts(await ask(core, "/chiso thang 3/2026", user="one"))
    assert "Đơn vị: Trung tâm PVHCC xã số 03" in one and "(02):" in one
    overdue = texts(await ask(core, "/quahan", user="two"))
    assert "Hồ sơ quá hạn của đơn vị: 1 hồ sơ" in overdue and "CB99" in overdue
    assert "Hồ sơ quá hạn của đơn vị: 3 hồ sơ" in texts(await ask(core, "/quahan", user="all"))
    assert "không có hồ sơ quá hạn" in texts(await ask(core, "/quahan", user="one"))


async def test_moi_with_scope(ctx: AppContext) -> None:
    """/moi lanhdao … donvi:1,2 and donvi:tatca scope the new leader; wrong input changes
    nothing."""
    core = await world(ctx)
    await add_staff(ctx, "admin", "Quản Trị", unit_id=1, user_id="adm")
    before = len(await staff_store.list_staff(ctx.db))
    reply = texts(await ask(core, "/moi lanhdao Trần Văn Ba donvi:1,4", user="adm"))
    assert "xem 2 đơn vị" in reply
    new = (await staff_store.list_staff(ctx.db))[-1]
    assert await scope_of(ctx.db, new.id, new.unit_id) == [1, 4]
    reply = texts(await ask(core, "/moi lanhdao Trần Văn Tư donvi:tatca", user="adm"))
    new = (await staff_store.list_staff(ctx.db))[-1]
    assert "xem mọi đơn vị" in reply and await scope_of(ctx.db, new.id, new.unit_id) is None
    count = len(await staff_store.list_staff(ctx.db))
    assert count == before + 2
    for bad in ("/moi lanhdao Trần Văn Năm donvi:99", "/moi canbo Trần Văn Sáu donvi:1,2",
                "/moi lanhdao Trần Văn Bảy donvi:abc"):
        answer = texts(await ask(core, bad, user="adm"))
        assert "đơn vị" in answer and "Error" not in answer
    assert len(await staff_store.list_staff(ctx.db)) == count


def test_cli_invite_scopes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    """motcua staff invite --role leader --unit A --unit B / --all-units scope the leader."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("MOTCUA_DB_PATH", str(path))
    monkeypatch.setattr(AppContext, "now", lambda self: datetime(2026, 4, 15, 9, tzinfo=TZ))

    async def build() -> None:
        """Three units, no dossiers."""
        db = await Database.open(path)
        await insert_store(db, [], units=UNITS[:3])
        await db.close()

    asyncio.run(build())
    assert main(["staff", "invite", "--role", "leader", "--name", "Lê Thị Hoa", "--unit", "1",
                 "--unit", "3"]) == 0
    assert "Phạm vi: 2 đơn vị." in capsys.readouterr().out
    assert main(["staff", "invite", "--role", "leader", "--name", "Lê Văn Nam",
                 "--all-units"]) == 0
    assert "mọi đơn vị" in capsys.readouterr().out
    assert main(["staff", "invite", "--role", "officer", "--name", "Lê Văn Bốn", "--unit", "1",
                 "--unit", "2"]) != 0

    async def check() -> None:
        """The two leaders' scopes; the refused officer was not created."""
        db = await Database.open(path)
        members = await staff_store.list_staff(db)
        assert await scope_of(db, members[0].id, members[0].unit_id) == [1, 3]
        assert await scope_of(db, members[1].id, members[1].unit_id) is None
        assert len(members) == 2
        await db.close()

    asyncio.run(check())


async def test_ranking_chart_150_units(ctx: AppContext) -> None:
    """The ranking chart of 150 units is a tall 2× PNG, not blank, own unit highlighted."""
    names = tuple(f"Phường {i:03d}" for i in range(1, 151))
    rows = [D("2026-03-02T08:00:00", due="2026-03-10T17:00:00", status="result",
              finished=f"2026-03-{9 + 2 * (i // 150 < (i % 150) % 5):02d}T08:00:00",
              unit=1 + i % 150)
            for i in range(600)]  # unit u: (u - 1) % 5 of its 4 dossiers late (capped at 4)
    await insert_store(ctx.db, rows, units=names)
    metric = next(m for m in METRICS if m.key == "dunghan")
    ranking = await rank_units(ctx, month(2026, 3), None, metric, home=[7])
    assert len(ranking.ranked) == 150
    png = ranking_chart(ranking)
    Path("/tmp/lead").mkdir(exist_ok=True)
    Path("/tmp/lead/ranking150.png").write_bytes(png)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width >= 1200 and img.height >= 150 * 30
    colours = img.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 10  # text, bars, highlight: not blank
    assert any(abs(c[1][0] - 0xE6) < 8 and abs(c[1][1] - 0x9F) < 8 and c[1][2] < 20
               for c in colours)  # the orange highlight is drawn


async def test_report_appendix_with_ranking(ctx: AppContext) -> None:
    """The Word report gains the index appendix; for several units also the ranking table."""
    import docx as python_docx

    from bot.stats.service import report_files

    await insert_store(ctx.db, rows_for(12), units=UNITS)

    def words(data: bytes) -> str:
        """Every paragraph and table cell of the document."""
        doc = python_docx.Document(io.BytesIO(data))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)

    several = words((await report_files(ctx, month(2026, 3), [2, 5]))[0])
    assert "PHỤ LỤC" in several and "Tạm tính" in several and "Tiến độ giải quyết" in several
    assert "Xếp hạng các đơn vị" in several and "Trung tâm PVHCC xã số 05" in several
    one = words((await report_files(ctx, month(2026, 3), 3))[0])
    assert "PHỤ LỤC" in one and "Xếp hạng các đơn vị" not in one
