"""Core: text helpers, routing, menus, splitting long replies, the log line."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.context import AppContext
from bot.core.router import _EXCEPTION_NAME, Core, _may_name_an_exception
from bot.core.text import (
    EXAMPLE_CODE,
    clean_incoming,
    fold,
    mask_name,
    parse_code,
    split_text,
)
from tests.core_helpers import (
    APPLICANT,
    D_OK,
    PHONE4,
    UNIT,
    add_dossier,
    ask,
    joined,
)

pytestmark = pytest.mark.engines


def test_fold_maps_d_and_drops_accents() -> None:
    assert fold("Đăng ký ĐẤT ĐAI đường") == "dang ky dat dai duong"
    assert fold("Thủ tục Hộ tịch") == "thu tuc ho tich"
    # decomposed input folds the same as composed input
    assert fold("Hộ tịch".encode().decode()) == fold("Ho\u0323\u0302 ti\u0323ch")


def test_clean_incoming_nfc_and_controls() -> None:
    assert clean_incoming("  Ho\u0323\u0302\x00 ti\u0323ch\u200b\r\n ") == "Hộ tịch"


def test_mask_name() -> None:
    assert mask_name("Nguyễn Văn An") == "Nguyễn V** A*"
    assert mask_name("Trần Thị Bích Ngọc") == "Trần T** B*** N***"
    assert mask_name("An") == "A*"
    assert mask_name("  ") == ""


@pytest.mark.parametrize(
    ("typed", "code", "tail", "factor"),
    [
        (EXAMPLE_CODE, EXAMPLE_CODE, EXAMPLE_CODE, None),
        ("000.00.12.h31-260101-0001", EXAMPLE_CODE, EXAMPLE_CODE, None),
        ("000.00.12.H31 – 260101 — 0001 1234", EXAMPLE_CODE, EXAMPLE_CODE, "1234"),
        ("000 00 12 H31 260101 0001", EXAMPLE_CODE, EXAMPLE_CODE, None),
        ("H31-260101-0001", None, "H31-260101-0001", None),
        ("12.H31-260101-0001 9876", None, "12.H31-260101-0001", "9876"),
        ("260101-0001", None, "260101-0001", None),
    ],
)
def test_parse_code_accepts_what_people_type(typed: str, code: str | None, tail: str,
                                             factor: str | None) -> None:
    parsed = parse_code(typed)
    assert parsed is not None
    assert (parsed.code, parsed.tail, parsed.factor) == (code, tail, factor)


@pytest.mark.parametrize("typed", ["", "abc", "000.00.12.H31-261340-0001", "12.260101-0001",
                                   "000.00.12.H31-260101-001", "H31-260101-0001 123",
                                   "x" * 500, "G22.99-2023-000123"])
def test_parse_code_refuses_other_shapes(typed: str) -> None:
    assert parse_code(typed) is None


def test_split_text_lines_and_words() -> None:
    text = "một hai ba\nbốn năm sáu bảy\ntám"
    chunks = split_text(text, 12)
    assert all(len(c) <= 12 for c in chunks)
    assert " ".join(chunks).split() == text.split()
    assert split_text("ngắn", 100) == ["ngắn"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


@given(st.text(alphabet=st.sampled_from("ab cđ\nễ"), max_size=400), st.integers(5, 60))
def test_split_text_never_mid_word(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(c) <= limit for c in chunks)
    if all(len(w) <= limit for w in text.split()):
        assert " ".join(chunks).split() == text.split()


async def test_menu_per_role(core: Core) -> None:
    citizen = dict(core.menu("citizen"))
    assert "tracuu" in citizen and "quy1" not in citizen and "moi" not in citizen
    officer = dict(core.menu("officer"))
    assert {"quahan", "sapden", "hosocuatoi"} <= set(officer) and "quy1" not in officer
    leader = dict(core.menu("leader"))
    assert {"quy1", "quy4", "thang", "nam", "thongke", "baocao", "quahan"} <= set(leader)
    admin = dict(core.menu("admin"))
    assert {"moi", "nhanvien", "thuhoi", "quy1"} <= set(admin)
    assert "__file__" not in admin
    for role in ("citizen", "officer", "leader", "admin"):
        for name, desc in core.menu(role):
            assert name.isascii() and name.islower() and 1 <= len(desc) <= 256


async def test_role_of(core: Core) -> None:
    assert await core.role_of("test", "officer") == "officer"
    assert await core.role_of("test", "leader") == "leader"
    assert await core.role_of("test", "admin") == "admin"
    assert await core.role_of("test", "nobody") == "citizen"
    assert await core.role_of("zalo", "officer") == "citizen"


async def test_telegram_style_command_and_case(core: Core) -> None:
    assert "Đang xử lý" in joined(await ask(core, f"/tracuu@MotCuaBot {D_OK}"))
    assert "Đang xử lý" in joined(await ask(core, f"/TRACUU {D_OK}", user="c2"))
    assert "Không có lệnh /__file__" in joined(await ask(core, "/__file__", user="admin"))


async def test_long_reply_split_within_limit(ctx: AppContext, core: Core) -> None:
    rows = await ctx.db.reader.execute_fetchall("SELECT id FROM units WHERE name = ?", (UNIT,))
    for i in range(60):
        await add_dossier(ctx, rows[0][0], f"000.00.12.H31-260301-{i + 100:04d}",
                          due="2026-04-01T17:00:00", applicant="Người Có Tên Rất Dài " * 3)
    replies = await ask(core, "/quahan", user="officer", max_text=500)
    assert len(replies) > 5
    assert all(len(r.text) <= 500 for r in replies)
    full = "\n".join(r.text for r in replies)
    assert full.count("000.00.12.H31-260301-") == 60


async def test_empty_and_button_without_handler(core: Core) -> None:
    assert "/tracuu" in joined(await ask(core, "   "))
    pressed = await ask(core, "khongco:1", is_button=True)  # not understood: action buttons
    assert "/tracuu" in [b.data for r in pressed for row in r.buttons for b in row]


async def test_log_line_has_no_personal_data(core: Core, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="motcua.core"):
        await ask(core, f"/tracuu {D_OK} {PHONE4[D_OK]}")
        await ask(core, "/quahan", user="officer")
    lines = [r.getMessage() for r in caplog.records if r.name == "motcua.core"]
    assert any("command=tracuu" in x and "role=citizen" in x and "ms=" in x for x in lines)
    assert any("command=quahan" in x and "role=officer" in x for x in lines)
    for line in lines:
        assert PHONE4[D_OK] not in line and D_OK not in line
        assert all(name not in line for name in APPLICANT.values())


async def test_handler_crash_gives_apology(ctx: AppContext, core: Core,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.handlers.citizen as citizen

    def boom(*_a: object, **_k: object) -> None:  # runs on the store's thread
        raise RuntimeError("boom")

    monkeypatch.setattr(citizen, "select_for_chat", boom)
    replies = await ask(core, D_OK)
    assert len(replies) == 1 and "Xin lỗi" in replies[0].text


_PIECES = ["Error", "Exception", "Warning", "BadZipFile", "Traceback (most recent call last):",
           "(", ")", "Key", "Value", "Stop", "Iteration", "rror", "x", "ố", " ", "\n", ":", "9",
           "Ê", "đ", "(Bad", "Zip", "File)", "A", "b"]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_the_quick_check_never_skips_an_exception_name(text: str) -> None:
    """The cheap check before the exception-name regex (router._may_name_an_exception) is
    true whenever the regex would match, so skipping the regex changes no reply."""
    if _EXCEPTION_NAME.search(text) is not None:
        assert _may_name_an_exception(text)
