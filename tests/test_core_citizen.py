"""Core: citizens' commands, privacy of the cards, codes, aliases, rate limits."""

from __future__ import annotations

import pytest

from bot.context import AppContext
from bot.core.router import REFUSED, Core
from bot.workdays import WorkCalendar
from storage.engine import open_store
from tests.core_helpers import (
    APPLICANT,
    D_DONE,
    D_LATE,
    D_OK,
    D_OTHER,
    D_POST,
    D_SUPP,
    ID4,
    OFFICER_NAMES,
    PHONE4,
    ask,
    joined,
)

pytestmark = pytest.mark.engines


def assert_private(text: str, code: str | None = None) -> None:
    """No phone/ID digits, officer name or full applicant name in a citizen's reply."""
    for name in OFFICER_NAMES.values():
        assert name not in text
    for full in APPLICANT.values():
        assert full not in text
    for digits in (*PHONE4.values(), *ID4.values()):
        assert digits not in text
    assert "CB01" not in text and "CB02" not in text


async def test_code_alone_gives_status_card_without_personal_data(core: Core) -> None:
    replies = await ask(core, f"/tracuu {D_OK}")
    text = joined(replies)
    assert "Đang xử lý" in text
    assert "Ngày tiếp nhận: 01/04/2026" in text
    assert "Ngày hẹn trả: 20/04/2026" in text
    assert "Còn 3 ngày làm việc" in text  # Thu 16, Fri 17, Mon 20
    assert "Đăng ký khai sinh" not in text
    assert "Nguyễn V** A*" not in text
    assert_private(text)


async def test_bare_code_and_aliases(core: Core) -> None:
    for text in (D_OK, f"tra cứu {D_OK}", f"tra cuu {D_OK}", f"Tra Cứu Hồ Sơ {D_OK}",
                 "000.00.12.h31 – 260401 — 0001", "H31-260401-0001", "12.H31 260401 0001"):
        out = joined(await ask(core, text))
        assert "Ngày hẹn trả: 20/04/2026" in out, text


async def test_full_card_with_four_digits(core: Core) -> None:
    for digits in (PHONE4[D_OK], ID4[D_OK]):
        replies = await ask(core, f"/tracuu {D_OK} {digits}")
        text = replies[0].text
        assert "Thủ tục: Đăng ký khai sinh" in text
        assert "Người nộp: Nguyễn V** A*" in text
        assert "Nơi nhận kết quả: tại Bộ phận Một cửa" in text
        assert "Nguyễn Văn An" not in text
        assert PHONE4[D_OK] not in text and ID4[D_OK] not in text
        assert "Nguyễn Thị Hoa" not in text and "CB01" not in text
        assert replies[0].buttons[0][0].data.startswith("/theodoi")


async def test_supplement_note_and_postal_result(core: Core) -> None:
    text = joined(await ask(core, f"/tracuu {D_SUPP} {PHONE4[D_SUPP]}"))
    assert "Yêu cầu bổ sung" in text
    assert "Bổ sung bản sao giấy chứng nhận kết hôn" in text
    assert "tạm dừng" in text
    alone = joined(await ask(core, f"/tracuu {D_SUPP}", user="c2"))
    assert "Bổ sung bản sao" not in alone
    post = joined(await ask(core, f"/tracuu {D_POST} {PHONE4[D_POST]}", user="c3"))
    assert "bưu chính" in post and "đúng hạn" in post


async def test_finished_early_and_late_open(core: Core) -> None:
    done = joined(await ask(core, D_DONE))
    assert "Đã trả kết quả" in done and "trước hạn" in done
    late = joined(await ask(core, D_LATE, user="c2"))
    assert "quá ngày hẹn trả 3 ngày làm việc" in late


async def test_wrong_four_digits(core: Core) -> None:
    text = joined(await ask(core, f"/tracuu {D_OK} 0000"))
    assert "Không tìm thấy hồ sơ khớp với mã và 4 số cuối" in text
    assert "Đang xử lý" not in text and "Nguyễn" not in text
    # a digit set from another dossier does not open this one
    text = joined(await ask(core, f"/tracuu {D_OK} {PHONE4[D_LATE]}", user="c2"))
    assert "Không tìm thấy hồ sơ khớp" in text


async def test_unknown_code_has_example_and_no_hint(core: Core) -> None:
    unknown = "000.00.12.H31-260401-0099"
    text = joined(await ask(core, f"/tracuu {unknown}"))
    assert "Không tìm thấy hồ sơ có mã" in text
    assert "000.00.12.H31-260101-0001" in text
    assert D_OK not in text and "0001" not in text.replace("260101-0001", "")


async def test_malformed_code(core: Core) -> None:
    for bad in ("/tracuu ABC-123", "/tracuu 000.00.12.H31-261399-0001", "/tracuu hello"):
        text = joined(await ask(core, bad))
        assert "không giống mã hồ sơ một cửa" in text, bad
        assert "000.00.12.H31-260101-0001" in text
    text = joined(await ask(core, "0912345678"))
    assert "0912345678" not in text  # never echoes what may be a phone number
    five = joined(await ask(core, f"/tracuu {D_OK} 12345"))
    assert "đúng 4 chữ số" in five


async def test_usage_without_argument(core: Core) -> None:
    assert "Cách tra cứu" in joined(await ask(core, "/tracuu"))


async def test_partial_code_ambiguous_across_units(core: Core) -> None:
    text = joined(await ask(core, "260401-0001"))
    assert "thiếu phần đầu" in text
    assert D_OTHER not in text and D_OK not in text
    text = joined(await ask(core, "H56-260401-0001", user="c2"))
    assert "Ngày tiếp nhận: 01/04/2026" in text


async def test_second_factor_required(ctx: AppContext, core: Core) -> None:
    ctx.settings.require_second_factor = True
    text = joined(await ask(core, D_OK))
    assert "4 số cuối" in text and "Đang xử lý" not in text and "20/04/2026" not in text
    unknown = joined(await ask(core, "000.00.12.H31-260401-0099", user="c2"))
    assert unknown == text  # an unknown code is answered exactly like a known one
    full = joined(await ask(core, f"{D_OK} {PHONE4[D_OK]}", user="c3"))
    assert "Nguyễn V** A*" in full


async def test_follow_list_unfollow(ctx: AppContext, core: Core) -> None:
    need = joined(await ask(core, f"/theodoi {D_OK}"))
    assert "4 số cuối" in need
    ok = joined(await ask(core, f"/theodoi {D_OK} {PHONE4[D_OK]}"))
    assert "Đã theo dõi hồ sơ" in ok
    again = joined(await ask(core, f"theo dõi {D_OK} {PHONE4[D_OK]}"))
    assert "từ trước" in again
    bad = joined(await ask(core, f"/theodoi {D_LATE} 0000"))
    assert "Không tìm thấy hồ sơ khớp" in bad
    listing = joined(await ask(core, "/theodoi"))
    assert D_OK in listing and "Đang xử lý" in listing and D_LATE not in listing
    from storage.subscriptions import followers

    async with ctx.db.reader.execute("SELECT id FROM dossiers WHERE code = ?", (D_OK,)) as cur:
        dossier_id = (await cur.fetchone())[0]
    assert await followers(ctx.db, dossier_id) == [("test", "citizen")]
    off = joined(await ask(core, "/huytheodoi H31-260401-0001"))
    assert "Đã thôi theo dõi" in off
    assert await followers(ctx.db, dossier_id) == []
    assert "không theo dõi" in joined(await ask(core, f"/huytheodoi {D_OK}"))
    assert "chưa theo dõi" in joined(await ask(core, "/theodoi"))


async def test_follow_button_works(core: Core) -> None:
    replies = await ask(core, f"/tracuu {D_OK} {PHONE4[D_OK]}")
    data = replies[0].buttons[0][0].data
    out = joined(await ask(core, data, is_button=True))
    assert "Đã theo dõi" in out


async def test_catalogue_search_accent_insensitive(core: Core) -> None:
    for query in ("/thutuc khai sinh", "/thutuc khai sinh", "/thutuc KHAI SINH",
                  "thủ tục khai sinh"):
        text = joined(await ask(core, query))
        assert "Đăng ký khai sinh" in text, query
        assert "toàn trình" in text and "3 ngày làm việc" in text and "Miễn phí" in text
    text = joined(await ask(core, "/thutuc dat"))
    assert "quyền sử dụng đất" in text and "nộp trực tiếp" in text
    assert "Không tìm thấy thủ tục" in joined(await ask(core, "/thutuc xyzxyz"))
    assert "/thutuc <từ khóa>" in joined(await ask(core, "/thutuc"))
    assert "Không tìm thấy thủ tục" in joined(await ask(core, "/thutuc 100%_"))


async def test_start_help_and_unknown(core: Core) -> None:
    start = joined(await ask(core, "/start"))
    assert "Kẻ Sắt" in start and "/tracuu" in start and "/quy1" not in start
    assert "/moi" not in start
    unknown = joined(await ask(core, "/khonglenh"))
    assert "Không có lệnh /khonglenh" in unknown and "/tracuu" in unknown
    chatter = await ask(core, "xin chào bot ơi, hôm nay thế nào")
    assert "/tracuu" in [b.data for r in chatter for row in r.buttons for b in row]
    guide = joined(await ask(core, "/huongdan"))
    assert "4 số cuối" in guide
    assert "Kẻ Sắt" in joined(await ask(core, "Xin chào"))


async def test_citizen_refused_staff_commands(core: Core) -> None:
    for cmd in ("/quy1", "/quy1 2026", "/quahan", "/sapden", "/hosocuatoi", "/baocao quy1",
                "/thang", "/nam", "/thongke 01/01/2026 31/03/2026", "/moi canbo A B",
                "/nhanvien", "/thuhoi 1"):
        replies = await ask(core, cmd)
        assert [r.text for r in replies] == [REFUSED], cmd
    page = await ask(core, "hs:10", is_button=True)
    assert [r.text for r in page] == [REFUSED]


async def test_rate_limit_per_minute_misses_double(ctx: AppContext, core: Core) -> None:
    ctx.settings.lookup_per_minute = 4
    for _ in range(2):  # two misses = 4 units
        assert "Không tìm thấy" in joined(await ask(core, "000.00.12.H31-260401-0099"))
    text = joined(await ask(core, D_OK))
    assert "thử lại sau 09:01" in text and "Đang xử lý" not in text
    # another person is not affected
    assert "Đang xử lý" in joined(await ask(core, D_OK, user="someone-else"))


async def test_rate_limit_per_day_and_survives_restart(
    ctx: AppContext, core: Core, settings, fixed_now
) -> None:
    ctx.settings.lookup_per_minute = 100
    ctx.settings.lookup_per_day = 3
    for _ in range(3):
        assert "Đang xử lý" in joined(await ask(core, D_OK))
    assert "từ ngày 16/04/2026" in joined(await ask(core, D_OK))
    # a new Core on a new connection to the same store still refuses
    db2 = await open_store(settings.store_url)
    try:
        ctx2 = AppContext(settings, db2, WorkCalendar.from_settings(settings),
                          clock=lambda: fixed_now)
        core2 = Core(ctx2)
        assert "từ ngày 16/04/2026" in joined(await ask(core2, D_OK))
    finally:
        await db2.close()


async def test_staff_not_rate_limited(ctx: AppContext, core: Core) -> None:
    ctx.settings.lookup_per_minute = 1
    for _ in range(3):
        assert "Đang xử lý" in joined(await ask(core, D_OK, user="officer"))


async def test_wrong_digits_count_double(ctx: AppContext, core: Core) -> None:
    ctx.settings.lookup_per_minute = 5
    for _ in range(3):
        await ask(core, f"/tracuu {D_OK} 0000")
    assert "thử lại" in joined(await ask(core, f"/tracuu {D_OK} {PHONE4[D_OK]}"))
