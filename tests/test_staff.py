"""Staff: invites and /dangky (single use, expiry), admins' chat commands, `motcua staff` CLI."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.context import AppContext
from bot.core.router import REFUSED, Core
from storage import staff as staff_store
from storage.units import ensure_unit
from tests.core_helpers import ask, joined

pytestmark = pytest.mark.engines

CODE = re.compile(r"/dangky ([A-Z0-9]{5}-[A-Z0-9]{5})")



async def test_invite_and_register_single_use(ctx: AppContext, core: Core) -> None:
    unit = await ensure_unit(ctx.db, "Trung tâm Phục vụ hành chính công xã Kẻ Sắt")
    member, code, expires = await staff_store.invite(
        ctx.db, unit_id=unit, name="Lê Thị Thu Trang", role="officer", officer_code="cb03",
        now=ctx.now())
    assert member.officer_code == "CB03"
    assert expires - ctx.now() == timedelta(days=7)
    assert await core.role_of("test", "newbie") == "citizen"
    text = joined(await ask(core, f"/dangky {code.lower()}", user="newbie"))
    assert "Đăng ký thành công" in text and "cán bộ" in text
    assert await core.role_of("test", "newbie") == "officer"
    assert await staff_store.staff_chats(ctx.db, member.id) == [("test", "newbie")]
    again = joined(await ask(core, f"/dangky {code}", user="someone"))
    assert "không đúng, đã được dùng hoặc đã hết hạn" in again
    assert await core.role_of("test", "someone") == "citizen"


async def test_invite_expires(ctx: AppContext, core: Core, fixed_now) -> None:
    unit = await ensure_unit(ctx.db, "Trung tâm Phục vụ hành chính công xã Kẻ Sắt")
    _, code, _ = await staff_store.invite(ctx.db, unit_id=unit, name="Người Muộn",
                                          role="leader", officer_code=None, now=ctx.now())
    ctx.clock = lambda: fixed_now + timedelta(days=7, minutes=1)
    text = joined(await ask(core, f"/dangky {code}", user="late"))
    assert "hết hạn" in text
    assert await core.role_of("test", "late") == "citizen"


async def test_register_attempts_limited(ctx: AppContext, core: Core) -> None:
    ctx.settings.lookup_per_minute = 4
    for _ in range(2):
        assert "không đúng" in joined(await ask(core, "/dangky AAAAA-BBBBB", user="guesser"))
    assert "thử lại" in joined(await ask(core, "/dangky AAAAA-CCCCC", user="guesser"))


async def test_admin_invites_lists_revokes_in_chat(ctx: AppContext, core: Core) -> None:
    out = joined(await ask(core, "/moi canbo Bùi Quang Huy CB07", user="admin"))
    code = CODE.search(out)[1]  # type: ignore[index]
    assert "mã cán bộ CB07" in out
    assert "Đăng ký thành công" in joined(await ask(core, f"/dangky {code}", user="huy"))
    assert await core.role_of("test", "huy") == "officer"
    listing = joined(await ask(core, "/nhanvien", user="admin"))
    assert ("Bùi Quang Huy — cán bộ, mã CB07, chưa có hồ sơ nào mang mã này — đã liên kết 1 "
            "tài khoản") in listing
    staff_id = re.search(r"(\d+)\. Bùi Quang Huy", listing)[1]  # type: ignore[index]
    assert "Đã thu hồi" in joined(await ask(core, f"/thuhoi {staff_id}", user="admin"))
    assert await core.role_of("test", "huy") == "citizen"
    assert [r.text for r in await ask(core, "/quahan", user="huy")] == [REFUSED]
    assert "Không có nhân viên số" in joined(await ask(core, f"/thuhoi {staff_id}", user="admin"))
    lead = joined(await ask(core, "/moi lãnh đạo Trần Văn Lãnh", user="admin"))
    assert "lãnh đạo" in lead
    assert "Gửi /moi" in joined(await ask(core, "/moi", user="admin"))
    assert "Gửi /moi" in joined(await ask(core, "/moi giamdoc Ai Đó", user="admin"))


async def test_admin_from_settings(ctx: AppContext, core: Core) -> None:
    ctx.settings.admin_ids = ["test:boss", "42"]
    assert await core.role_of("test", "boss") == "admin"
    assert await core.role_of("zalo", "42") == "admin"
    assert await core.role_of("zalo", "boss") == "citizen"
    assert "Nhân viên (4)" in joined(await ask(core, "/nhanvien", user="boss"))


async def test_staff_commands_refused_to_other_roles(core: Core) -> None:
    for user in ("citizen", "officer", "leader"):
        for cmd in ("/moi canbo A B", "/nhanvien", "/thuhoi 1"):
            assert [r.text for r in await ask(core, cmd, user=user)] == [REFUSED], (user, cmd)
    for cmd in ("/quy1", "/baocao quy1", "/thongke 01/01/2026 02/01/2026"):
        assert [r.text for r in await ask(core, cmd, user="officer")] == [REFUSED]
    assert [r.text for r in await ask(core, "/sapden", user="admin")] == [REFUSED]


async def test_revoked_cannot_register_with_old_invite(ctx: AppContext, core: Core) -> None:
    unit = await ensure_unit(ctx.db, "Trung tâm Phục vụ hành chính công xã Kẻ Sắt")
    member, code, _ = await staff_store.invite(ctx.db, unit_id=unit, name="Tạm Thời",
                                               role="officer", officer_code=None, now=ctx.now())
    assert await staff_store.revoke(ctx.db, member.id, ctx.now())
    assert "không đúng" in joined(await ask(core, f"/dangky {code}", user="temp"))


def test_cli_invite_list_revoke(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "cli.db"))
    assert main(["staff", "invite", "--role", "officer", "--name", "Nguyễn Thị Hoa",
                 "--officer-code", "CB01"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Mã mời: [A-Z0-9]{5}-[A-Z0-9]{5}", out)
    assert "hết hạn" in out and "mã cán bộ CB01" in out
    assert main(["staff", "invite", "--role", "leader", "--name", "Lãnh Đạo",
                 "--unit", "Trung tâm khác"]) == 0
    capsys.readouterr()
    assert main(["staff", "list"]) == 0
    out = capsys.readouterr().out
    assert "Nguyễn Thị Hoa [CB01] — cán bộ, chưa có hồ sơ nào mang mã này" in out
    assert "chờ đăng ký" in out
    assert "Trung tâm khác" in out
    assert main(["staff", "invite", "--staff-id", "1"]) == 0
    assert "Mã mời:" in capsys.readouterr().out
    assert main(["staff", "revoke", "1"]) == 0
    assert "Đã thu hồi" in capsys.readouterr().out
    assert main(["staff", "revoke", "1"]) == 1
    assert "Không có nhân viên số 1" in capsys.readouterr().err
    assert main(["staff", "list", "--all"]) == 0
    assert "đã thu hồi" in capsys.readouterr().out
    assert main(["staff", "list", "--unit", "Không có"]) == 1
