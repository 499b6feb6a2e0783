"""Core: officers' lists, leaders' summaries and reports, admins' file imports."""

from __future__ import annotations

import pytest

from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Attachment
from tests.core_helpers import (
    D_LATE,
    D_LATE2,
    D_OK,
    D_SOON,
    D_SUPP,
    UNIT,
    add_dossier,
    ask,
    joined,
)

pytestmark = pytest.mark.engines


async def test_officer_overdue_oldest_first_not_paused(core: Core) -> None:
    text = joined(await ask(core, "/quahan", user="officer"))
    assert D_LATE in text and "Trần Thị Bích Ngọc" in text  # officers see the full name
    assert "quá hạn 3 ngày làm việc" in text and "hẹn 10/04/2026" in text
    assert D_SUPP not in text  # supplement requested: the clock is paused
    assert D_LATE2 not in text  # another officer's
    other = joined(await ask(core, "qua han", user="officer2"))
    assert D_LATE2 in other and D_LATE not in other


async def test_officer_due_soon(core: Core) -> None:
    text = joined(await ask(core, "/sapden", user="officer"))
    assert D_SOON in text and "còn 1 ngày làm việc" in text and D_OK not in text
    text = joined(await ask(core, "/sapden 3", user="officer"))
    assert D_SOON in text and D_OK in text
    assert "Không có hồ sơ nào" in joined(await ask(core, "/sapden 0", user="officer"))
    assert "từ 0 đến 30" in joined(await ask(core, "/sapden abc", user="officer"))


async def test_officer_open_paged_with_buttons(ctx: AppContext, core: Core) -> None:
    unit = (await ctx.db.reader.execute_fetchall("SELECT id FROM units WHERE name = ?", (UNIT,)))
    for i in range(20):
        await add_dossier(ctx, unit[0][0], f"000.00.12.H31-260405-{i + 100:04d}",
                          due="2026-05-20T17:00:00", applicant=f"Người Thứ {i}")
    first = await ask(core, "/hosocuatoi", user="officer")
    assert "24 hồ sơ — trang 1/3" in first[0].text
    assert [b.label for b in first[0].buttons[0]] == ["Trang sau ▶"]
    data = first[0].buttons[0][0].data
    second = await ask(core, data, user="officer", is_button=True)
    assert "trang 2/3" in second[0].text
    labels = [b.label for b in second[0].buttons[0]]
    assert labels == ["◀ Trang trước", "Trang sau ▶"]
    last = await ask(core, "hs:999", user="officer", is_button=True)
    assert "trang 3/3" in last[0].text
    assert "trang 3/3" in (await ask(core, "/hosocuatoi 3", user="officer"))[0].text


async def test_officer_without_code(ctx: AppContext, core: Core) -> None:
    from tests.core_helpers import add_staff

    unit = (await ctx.db.reader.execute_fetchall("SELECT id FROM units WHERE name = ?", (UNIT,)))
    await add_staff(ctx, "officer", "Chưa Có Mã", unit_id=unit[0][0], user_id="nocode")
    assert "chưa gắn mã cán bộ" in joined(await ask(core, "/quahan", user="nocode"))


async def test_leader_unit_overdue_grouped_by_officer(core: Core) -> None:
    text = joined(await ask(core, "/quahan", user="leader"))
    assert "CB01 — Nguyễn Thị Hoa: 1 hồ sơ" in text
    assert "CB02 — Trần Văn Hải: 1 hồ sơ" in text
    assert D_LATE in text and D_LATE2 in text and D_SUPP not in text


async def test_leader_quarter_summary_with_step_buttons(core: Core) -> None:
    replies = await ask(core, "/quy1 2026", user="leader")
    assert "QUÝ I NĂM 2026" in replies[0].text.upper()
    buttons = [b for r in replies for row in r.buttons for b in row]
    assert [b.data for b in buttons] == ["/quy4 2025", "/quy2 2026"]
    nxt = await ask(core, buttons[1].data, user="leader", is_button=True)
    assert "QUÝ II NĂM 2026" in joined(nxt).upper()
    default = joined(await ask(core, "/quy2", user="leader"))
    assert "2026" in default
    assert "Năm không hợp lệ" in joined(await ask(core, "/quy1 20x6", user="leader"))
    assert "QUÝ I NĂM 2026" in joined(await ask(core, "quý 1 2026", user="leader")).upper()


async def test_leader_month_year_range(core: Core) -> None:
    month = await ask(core, "/thang 03/2026", user="leader")
    assert "THÁNG 3 NĂM 2026" in joined(month).upper()
    assert month[-1].buttons[0][0].data == "/thang 02/2026"
    assert "NĂM 2026" in joined(await ask(core, "/nam 2026", user="leader")).upper()
    assert "2026" in joined(await ask(core, "/thang", user="leader"))
    rng = joined(await ask(core, "/thongke 01/01/2026 31/03/2026", user="leader"))
    assert "01/01/2026" in rng and "31/03/2026" in rng
    assert "Gửi /thongke" in joined(await ask(core, "/thongke 2026", user="leader"))
    assert "dd/mm/yyyy" in joined(await ask(core, "/thongke 1/2 3/4", user="leader"))
    assert "trước hoặc bằng" in joined(await ask(core, "/thongke 31/03/2026 01/01/2026",
                                                 user="leader"))
    assert "Tháng không hợp lệ" in joined(await ask(core, "/thang 13/2026", user="leader"))


async def test_leader_report_document_and_image(core: Core) -> None:
    replies = await ask(core, "/baocao quy1 2026", user="leader")
    kinds = [r.kind for r in replies]
    assert kinds == ["document", "image"]
    assert replies[0].document[:2] == b"PK"  # a .docx is a zip
    assert replies[0].filename.endswith(".docx")
    assert replies[1].image[:8] == b"\x89PNG\r\n\x1a\n"
    assert replies[1].buttons[0][1].data == "/baocao quy2 2026"
    again = await ask(core, replies[1].buttons[0][0].data, user="leader", is_button=True)
    # Q4 2025 precedes every dossier of the sample: a note, not a report of zeros (issue 18).
    assert [r.kind for r in again] == ["text"] and "chưa có hồ sơ" in again[0].text
    assert "Gửi /baocao" in joined(await ask(core, "/baocao", user="leader"))


async def test_admin_import_csv_and_rejects(ctx: AppContext, core: Core) -> None:
    csv = (
        "Mã hồ sơ,Mã thủ tục,Chủ hồ sơ,Số điện thoại,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,"
        "Trạng thái\n"
        "000.00.12.H31-260414-0001,1.001,Đinh Văn Mới,0912000111,Trực tiếp,14/04/2026,"
        "20/04/2026,Đang xử lý\n"
        "000.00.12.H31-260414-0002,1.001,,0912000222,Trực tiếp,14/04/2026,20/04/2026,Đang xử lý\n"
    ).encode()
    replies = await ask(core, "", user="admin",
                        attachment=Attachment("ho-so.csv", csv, "text/csv"))
    text = joined(replies)
    assert replies[0].text  # the importer's summary
    assert any(r.kind == "document" for r in replies)  # the rejects file
    assert "0912000111" not in text
    card = joined(await ask(core, "000.00.12.H31-260414-0001"))
    assert "Đang xử lý" in card


async def test_admin_import_refused_file(core: Core) -> None:
    """A file that is neither kind, or not UTF-8, gets the importer's Vietnamese reason."""
    replies = await ask(core, "", user="admin",
                        attachment=Attachment("la.csv", b"a,b,c\n1,2,3\n", "text/csv"))
    assert [r.kind for r in replies] == ["text"]
    assert "Không nhận ra tệp «la.csv»" in replies[0].text
    latin = "Mã hồ sơ,Ghi chú\n1,café crème\n".encode("cp1252", errors="ignore")
    replies = await ask(core, "", user="admin",
                        attachment=Attachment("cu.csv", latin, "text/csv"))
    assert "không phải CSV mã UTF-8" in replies[0].text


async def test_file_from_non_admin_refused(core: Core) -> None:
    from bot.core.router import REFUSED

    for user in ("citizen", "officer", "leader"):
        replies = await ask(core, "", user=user, attachment=Attachment("x.csv", b"a\n1\n"))
        assert [r.text for r in replies] == [REFUSED]
