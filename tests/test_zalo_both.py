"""Both channels in one process: `python -m bot.cli.main run` against the fake Telegram and Zalo."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.config import Settings
from bot.context import AppContext
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import E2E_NOW, child_env
from tests.zalo_helpers import DOSSIER_CODE, insert_dossier, running_fake


async def _seed(db_path: Path) -> None:
    """A store with one dossier, written before the bot process starts."""
    settings = Settings(db_path=db_path, _env_file=None)  # type: ignore[call-arg]
    ctx = await AppContext.open(settings, clock=lambda: E2E_NOW.replace(tzinfo=settings.tz))
    try:
        await insert_dossier(ctx)
    finally:
        await ctx.close()


async def test_telegram_and_zalo_in_one_process(tmp_path: Path) -> None:
    """One `motcua run` answers a lookup on Telegram and on Zalo, and stops on SIGTERM."""
    db_path = tmp_path / "motcua.db"
    await _seed(db_path)
    async with FakeTelegram() as tg, running_fake() as zalo:
        zalo.max_poll = 0.5
        env = child_env({**tg.env(), **zalo.env(), "MOTCUA_DB_PATH": str(db_path),
                         "MOTCUA_LOG_LEVEL": "INFO"})
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            zalo.push_text("zc1", DOSSIER_CODE, "Phạm Thị Dung")
            tg.push_text(4242, DOSSIER_CODE)
            [z] = await zalo.wait_for_messages("zc1", 1, timeout=60)
            [t] = await tg.wait_for_messages(4242, 1, timeout=60)
            assert DOSSIER_CODE in z["text"] and DOSSIER_CODE in t.text
            assert "4 số cuối" in z["text"]
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            try:
                out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
            except TimeoutError:
                proc.kill()
                out, err = await proc.communicate()
        log = err.decode("utf-8", "replace") + out.decode("utf-8", "replace")
        assert proc.returncode == 0, log[-3000:]
        assert "Zalo: long polling" in log
        assert "Stopped cleanly" in log
        assert zalo.token not in log  # the token is redacted from the logs


async def test_motcua_check_reads_the_zalo_token(tmp_path: Path) -> None:
    """`motcua check` calls getMe on the (fake) platform and names the bot."""
    async with running_fake() as zalo:
        env = child_env({**zalo.env(), "MOTCUA_DB_PATH": str(tmp_path / "motcua.db")})
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "check", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    text = out.decode("utf-8", "replace") + err.decode("utf-8", "replace")
    assert "Zalo: token hợp lệ, bot «bot.fake»" in text, text
    assert zalo.count("getMe") == 1
