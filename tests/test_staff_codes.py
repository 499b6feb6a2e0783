"""Officer codes (issue 18, item 1): one holder per code and unit, warnings, open counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.context import AppContext
from bot.core.router import Core
from storage import staff as staff_store
from tests.core_helpers import World, add_dossier, ask, joined

pytestmark = pytest.mark.engines


@pytest.fixture(autouse=True)
async def _cb05_dossier(ctx: AppContext, world: World) -> None:
    """One open dossier of CB05 beside the sample world's (CB01 holds 4 open ones, CB02 one)."""
    await add_dossier(ctx, world.unit_id, "000.00.00.H00-260405-0099", officer="CB05",
                      status="processing", received="2026-04-05T08:00:00",
                      due="2026-04-25T17:00:00")


async def _count(ctx: AppContext) -> int:
    """How many staff records the store holds."""
    return len(await staff_store.list_entries(ctx.db, None, ctx.now(), include_revoked=True))


async def test_chat_refuses_a_code_held_in_the_unit(ctx: AppContext, core: Core) -> None:
    """/moi with CB01 (held by Nguyễn Thị Hoa) creates nothing and says how to hand it over."""
    before = await _count(ctx)
    out = joined(await ask(core, "/moi canbo Trần Thị Bình CB01", user="admin"))
    assert "Mã cán bộ CB01 đang thuộc Nguyễn Thị Hoa" in out
    assert "/thuhoi" in out and "Mã mời" not in out
    assert await _count(ctx) == before


async def test_chat_warns_unknown_code_and_no_code(ctx: AppContext, core: Core) -> None:
    """A code no dossier carries, and an officer without a code, are accepted with a warning."""
    out = joined(await ask(core, "/moi canbo Trần Thị Bình ZZ99", user="admin"))
    assert "Mã mời" in out and "chưa có hồ sơ nào của đơn vị mang mã cán bộ ZZ99" in out
    out = joined(await ask(core, "/moi canbo Lê Văn Tám", user="admin"))
    assert "Mã mời" in out and "không nhận nhắc việc" in out
    out = joined(await ask(core, "/moi canbo Đỗ Thị Năm CB05", user="admin"))
    assert "Lưu ý" not in out  # CB05 is carried by a dossier


async def test_chat_list_shows_open_counts_and_unheld_codes(core: Core) -> None:
    """/nhanvien: open dossiers per officer code and the codes of the data nobody holds."""
    out = joined(await ask(core, "/nhanvien", user="admin"))
    assert "Nguyễn Thị Hoa — cán bộ, mã CB01, 4 hồ sơ đang giải quyết" in out
    assert "mã CB02, 1 hồ sơ đang giải quyết" in out
    assert "chưa giao cho ai: CB05 (1 hồ sơ)" in out
    assert "CB09" not in out  # another unit's code


def test_cli_refuses_then_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`staff invite` refuses a held code; --replace revokes the holder and hands it over."""
    monkeypatch.setenv("MOTCUA_DB_PATH", str(tmp_path / "cli.db"))
    base = ["staff", "invite", "--role", "officer", "--officer-code"]
    assert main([*base, "cb01", "--name", "Lê Thị Thu Trang"]) == 0
    assert "chưa có hồ sơ nào của đơn vị mang mã cán bộ CB01" in capsys.readouterr().out
    assert main([*base, "CB01", "--name", "Trần Thị Bình"]) == 1
    err = capsys.readouterr().err
    assert "Mã cán bộ CB01 đang thuộc Lê Thị Thu Trang (số 1)" in err and "--replace" in err
    assert main([*base, "CB01", "--name", "Trần Thị Bình", "--replace"]) == 0
    assert "Đã thu hồi quyền của Lê Thị Thu Trang (số 1)" in capsys.readouterr().out
    assert main(["staff", "list"]) == 0
    out = capsys.readouterr().out
    assert "Trần Thị Bình [CB01]" in out and "Lê Thị Thu Trang" not in out
    assert main(["staff", "invite", "--role", "officer", "--name", "Không Mã"]) == 0
    assert "không nhận nhắc việc" in capsys.readouterr().out
    # A code is unique per unit only: another unit may use CB01.
    assert main([*base, "CB01", "--name", "Người Khác", "--unit", "Trung tâm xã An Lão"]) == 0
