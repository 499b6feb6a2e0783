"""The console channel, driven through in-memory streams and through a real pipe."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

from bot.channels.console import run_console
from bot.context import AppContext
from bot.core.router import REFUSED, Core
from tests.core_helpers import D_LATE, D_OK, PHONE4, sample_world


async def _talk(ctx: AppContext, lines: list[str], demo: bool = True) -> str:
    """Run the console over these input lines; return everything printed."""
    core = Core(ctx)
    out = io.StringIO()
    await run_console(ctx, core, demo=demo, input_stream=io.StringIO("\n".join(lines) + "\n"),
                      output=out)
    return out.getvalue()


async def test_console_lookup_buttons_and_exit(ctx: AppContext) -> None:
    await sample_world(ctx)
    text = await _talk(ctx, [D_OK, f"/tracuu {D_OK} {PHONE4[D_OK]}", "1", "/theodoi", "/thoat",
                             "/tracuu never-read"])
    assert "Ngày hẹn trả: 20/04/2026" in text
    assert "Gửi 1 để 🔔 Theo dõi hồ sơ này" in text
    assert "Đã theo dõi hồ sơ" in text  # the typed number pressed the button
    assert f"• {D_OK}" in text
    assert "Tạm biệt!" in text
    assert "never-read" not in text


async def test_console_switches_roles_in_demo(ctx: AppContext) -> None:
    await sample_world(ctx)
    text = await _talk(ctx, ["/quy1", "/as officer", "/quahan", "/as leader", "/quahan",
                             "/as admin", "/nhanvien", "/as nobody", "/as citizen", "/quahan"])
    assert text.count(REFUSED) == 2  # the citizen's /quy1 and the last /quahan
    assert "Bạn đang là cán bộ: Cán bộ dùng thử, mã CB01." in text
    assert D_LATE in text  # officer CB01's overdue dossier
    assert "Hồ sơ quá hạn của đơn vị" in text
    assert "Nhân viên (3)" in text
    assert "Gửi /as citizen" in text


async def test_console_as_refused_outside_demo(ctx: AppContext) -> None:
    await sample_world(ctx)
    text = await _talk(ctx, ["/as admin", "/nhanvien"], demo=False)
    assert "chỉ dùng trong chế độ thử" in text
    assert REFUSED in text


async def test_console_admin_sends_file(ctx: AppContext, tmp_path: Path) -> None:
    ctx.settings.admin_ids = ["console:local"]
    bad = tmp_path / "ghi-chu.txt"
    bad.write_text("xin chào", encoding="utf-8")
    text = await _talk(ctx, [f"/tep {bad}", f"/tep {tmp_path / 'khong-co.csv'}", "/tep"],
                       demo=False)
    assert "chỉ nhập tệp .xlsx hoặc .csv" in text
    assert "Không tìm thấy tệp" in text
    assert "/tep <đường dẫn" in text


async def test_console_saves_documents(ctx: AppContext) -> None:
    from bot.channels.console import render
    from bot.core.types import Reply

    out = io.StringIO()
    folder = Path(ctx.settings.db_path).parent
    render([Reply(text="Báo cáo", document=b"PK", filename="bao-cao.docx")], out, lambda: folder)
    assert (folder / "bao-cao.docx").read_bytes() == b"PK"
    assert "[Tệp: bao-cao.docx" in out.getvalue()


def test_console_through_a_pipe(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio
        from datetime import datetime
        from zoneinfo import ZoneInfo
        from bot.config import Settings
        from bot.context import AppContext
        from bot.core.router import Core
        from bot.channels.console import run_console
        from tests.core_helpers import sample_world

        async def main():
            s = Settings(db_path={str(tmp_path / "pipe.db")!r}, _env_file=None)
            now = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
            ctx = await AppContext.open(s, clock=lambda: now, demo=True)
            await sample_world(ctx)
            await run_console(ctx, Core(ctx), demo=True)
            await ctx.close()

        asyncio.run(main())
    """)
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, "-c", script], input=f"{D_OK}\n/as officer\n/sapden\n",
        capture_output=True, text=True, timeout=120, cwd=root, encoding="utf-8",
    )
    assert proc.returncode == 0, proc.stderr
    assert "Ngày hẹn trả: 20/04/2026" in proc.stdout
    assert "Hồ sơ đến hạn" in proc.stdout
    assert "Tạm biệt!" in proc.stdout  # end of input exits cleanly
