"""The demo without traps (issue 18): its own store only, roles that always switch, and the
console delivering pushes as they arrive."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.channels.console import ConsoleSender, run_console
from bot.cli.main import main
from bot.context import AppContext
from bot.core.router import Core
from bot.push.services import start_services
from storage import staff as staff_store
from storage.dossiers_demo import store_state
from tests.core_helpers import D_OK, PHONE4, UNIT, sample_world
from tests.test_importer import HEADER, row, write_csv


def test_demo_refuses_a_real_store_of_the_same_commune(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real store whose unit has the demo's name is refused in one line and left untouched."""
    real = tmp_path / "real.db"
    monkeypatch.setenv("MOTCUA_DB_PATH", str(real))
    monkeypatch.setenv("MOTCUA_UNIT", "Trung tâm Phục vụ hành chính công xã Kẻ Sắt")
    assert main(["import", str(write_csv(tmp_path / "ho-so.csv", [row(1)])), "--quiet"]) == 0
    capsys.readouterr()
    before = real.read_bytes()
    assert store_state(real) == "other"
    assert main(["demo", "--no-chat"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "chỉ mở kho dữ liệu mẫu của riêng nó" in err
    assert real.read_bytes() == before


async def _console(ctx: AppContext, lines: list[str], out: io.StringIO) -> None:
    """Run the demo console with the delivery worker printing pushes into `out`."""
    services = await start_services(ctx, {"console": ConsoleSender(out)}, scheduler=False)
    try:
        await run_console(ctx, Core(ctx), demo=True, output=out,
                          input_stream=io.StringIO("\n".join(lines) + "\n"),
                          flush=lambda: services.worker.drain(timeout=10))
    finally:
        await services.stop()


async def test_console_prints_a_followed_dossiers_push(ctx: AppContext, tmp_path: Path) -> None:
    """Follow as a citizen, import a later export as admin: the push appears in the chat."""
    await sample_world(ctx)
    header = [*HEADER, "Đơn vị"]
    update = write_csv(tmp_path / "ho-so-cap-nhat.csv", [[*row(
        1, **{"Mã hồ sơ": D_OK, "Mã TTHC": "1.001", "Ngày tiếp nhận": "01/04/2026 08:00",
              "Ngày hẹn trả": "20/04/2026", "Ngày kết thúc xử lý": "14/04/2026 15:00",
              "Trạng thái": "Đã có kết quả"}), UNIT]], header=header)
    out = io.StringIO()
    await _console(ctx, [f"/theodoi {D_OK} {PHONE4[D_OK]}", "/as admin", f"/tep {update}"], out)
    text = out.getvalue()
    assert "Đã theo dõi hồ sơ" in text and "Ghi nhận 1 lần thay đổi trạng thái" in text
    push = text.index("🔔 Tin nhắn bot gửi tới công dân (demo-citizen):")
    assert D_OK in text[push:] and "Đã có kết quả" in text[push:]
    assert push < text.index("Tạm biệt!")
    async with ctx.db.reader.execute("SELECT state FROM outbox") as cur:
        assert [r[0] for r in await cur.fetchall()] == ["sent"]


async def test_as_always_switches_and_the_demo_starts_as_citizen(ctx: AppContext) -> None:
    """After /dangky in the demo, /as citizen is a citizen again, and so is the next demo."""
    world = await sample_world(ctx)
    _, code, _ = await staff_store.invite(ctx.db, unit_id=world.unit_id, name="Ngô Văn Bảy",
                                          role="officer", officer_code="CB02", now=ctx.now())
    out = io.StringIO()
    await _console(ctx, [f"/dangky {code}", "/as citizen", "/quahan"], out)
    text = out.getvalue()
    assert "Đăng ký thành công" in text
    assert text.rstrip().endswith("Tạm biệt!")
    assert "Bạn đang là công dân.\n" in text.split("Đăng ký thành công")[1]
    await staff_store.link(ctx.db, (await staff_store.list_staff(ctx.db))[-1].id, "console",
                           "demo-citizen", "demo-citizen", ctx.now())
    out = io.StringIO()
    await _console(ctx, [], out)
    assert re.search(r"^Bạn đang là công dân\.$", out.getvalue(), re.M)


def test_motcua_run_console_prints_the_push(tmp_path: Path) -> None:
    """`motcua run` without a token, through a pipe: follow, import as admin, see the push."""
    import os
    import subprocess
    import sys
    import textwrap

    store = tmp_path / "run.db"
    seed = textwrap.dedent(f"""
        import asyncio
        from datetime import datetime
        from zoneinfo import ZoneInfo
        from bot.config import Settings
        from bot.context import AppContext
        from tests.core_helpers import sample_world

        async def main():
            s = Settings(db_path={str(store)!r}, _env_file=None)
            now = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
            ctx = await AppContext.open(s, clock=lambda: now)
            await sample_world(ctx)
            await ctx.close()

        asyncio.run(main())
    """)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "MOTCUA_DB_PATH": str(store),
           "MOTCUA_ADMIN_IDS": "console:local"}
    subprocess.run([sys.executable, "-c", seed], check=True, cwd=root, env=env, timeout=120)
    update = write_csv(tmp_path / "cap-nhat.csv", [[*row(
        1, **{"Mã hồ sơ": D_OK, "Mã TTHC": "1.001", "Ngày tiếp nhận": "01/04/2026 08:00",
              "Ngày hẹn trả": "20/04/2026", "Ngày kết thúc xử lý": "14/04/2026 15:00",
              "Trạng thái": "Đã có kết quả"}), UNIT]], header=[*HEADER, "Đơn vị"])
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli.main", "run"], cwd=tmp_path, env=env, timeout=120,
        input=f"/theodoi {D_OK} {PHONE4[D_OK]}\n/tep {update}\n", capture_output=True,
        text=True, encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "🔔 Tin nhắn bot gửi tới local:" in out and "Đã có kết quả" in out
    assert out.index("🔔 Tin nhắn bot") < out.index("Tạm biệt!")
