"""`motcua check` and `motcua run` without a token, as child processes; the runner in-process."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.context import AppContext
from bot.logging_setup import REDACTED, RedactFilter, secrets_of, setup_logging
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import E2E_TODAY, StandInCore, run_motcua, seed_store, use_fake


async def test_check_good_token_and_store(tmp_path: Path) -> None:
    db = tmp_path / "motcua.db"
    await seed_store(db, tmp_path, E2E_TODAY)
    async with FakeTelegram() as fake:
        env = {**fake.env(), "MOTCUA_DB_PATH": str(db), "MOTCUA_ADMIN_IDS": "telegram:1"}
        code, out, err = await run_motcua(["check"], env, tmp_path)
    assert code == 0, out + err
    assert "✓ Telegram: token hợp lệ, bot @motcua_test_bot" in out
    assert "7 hồ sơ, 3 thủ tục" in out
    assert f"✓ Kho SQLite {db}: lược đồ phiên bản" in out  # the engine named
    assert "Kết quả: sẵn sàng" in out
    assert fake.token not in out + err


async def test_check_bad_token(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = {**fake.env("42:bad-token-secret"), "MOTCUA_DB_PATH": str(tmp_path / "m.db")}
        code, out, err = await run_motcua(["check"], env, tmp_path)
    assert code == 1
    assert "✗ Telegram từ chối MOTCUA_TELEGRAM_TOKEN" in out
    assert "bad-token-secret" not in out + err
    assert "Kết quả: có 1 lỗi" in out


async def test_check_unreachable_api(tmp_path: Path) -> None:
    env = {
        "MOTCUA_TELEGRAM_TOKEN": "1:abcdefgh",
        "MOTCUA_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        "MOTCUA_DB_PATH": str(tmp_path / "m.db"),
    }
    code, out, _ = await run_motcua(["check"], env, tmp_path)
    assert code == 1
    assert "Không kết nối được tới Telegram" in out


async def test_check_bad_setting_and_bad_store(tmp_path: Path) -> None:
    code, out, _ = await run_motcua(["check"], {"MOTCUA_TIMEZONE": "Sao/Hoa"}, tmp_path)
    assert code == 1
    assert "MOTCUA_TIMEZONE" in out and "múi giờ" in out
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    code, out, _ = await run_motcua(["check"], {"MOTCUA_DB_PATH": str(junk)}, tmp_path)
    assert code == 1
    assert "junk.db" in out


async def test_check_without_anything(tmp_path: Path) -> None:
    code, out, _ = await run_motcua(["check"], {"MOTCUA_DB_PATH": str(tmp_path / "no.db")},
                                    tmp_path)
    assert code == 0
    assert "Chưa có kho dữ liệu" in out and "terminal" in out
    assert not (tmp_path / "no.db").exists()  # check never creates a store


async def test_check_webhook_secret_refused(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = {
            **fake.env(),
            "MOTCUA_DB_PATH": str(tmp_path / "m.db"),
            "MOTCUA_TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/tg",
            "MOTCUA_TELEGRAM_WEBHOOK_SECRET": "có dấu cách",
        }
        code, out, _ = await run_motcua(["check"], env, tmp_path)
    assert code == 1
    assert "MOTCUA_TELEGRAM_WEBHOOK_SECRET" in out


async def test_run_without_token_opens_the_console(tmp_path: Path) -> None:
    code, _, err = await run_motcua(["run"], {"MOTCUA_DB_PATH": str(tmp_path / "m.db")},
                                      tmp_path, timeout=60)
    assert code == 0, err


async def test_runner_stops_on_event(ctx: AppContext) -> None:
    """run_bot in-process with the stand-in core: starts Telegram, stops cleanly on `stop`."""
    from bot.runner import run_bot

    async with FakeTelegram() as fake:
        use_fake(ctx, fake)
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(ctx, core=StandInCore(), stop=stop))
        await fake.wait_for_call("getUpdates", 1)
        fake.push_text(9, "xin chào")
        [sent] = await fake.wait_for_messages(9, 1)
        assert sent.plain == "Bạn gửi: xin chào"
        stop.set()
        await asyncio.wait_for(task, 20)


async def test_runner_bad_token(ctx: AppContext) -> None:
    from bot.runner import RunError, run_bot

    async with FakeTelegram() as fake:
        use_fake(ctx, fake, telegram_token=SecretStr("1:nope"))
        with pytest.raises(RunError, match="từ chối"):
            await run_bot(ctx, core=StandInCore())


def test_redact_filter() -> None:
    token = "123456:ABCDEF-secret"
    f = RedactFilter([token, "", "abc"])
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "POST %s ok", (f"https://x/bot{token}/getMe",), None
    )
    assert f.filter(record)
    assert record.getMessage() == f"POST https://x/bot{REDACTED}/getMe ok"
    assert f.redact("abc") == "abc"  # too short to be a secret


def test_secrets_of_and_setup(ctx: AppContext) -> None:
    ctx.settings = ctx.settings.model_copy(
        update={"telegram_token": SecretStr("999:tok-en"), "zalo_token": SecretStr("zalo-tok")}
    )
    assert set(secrets_of(ctx.settings)) == {"999:tok-en", "zalo-tok"}
    setup_logging("INFO", secrets_of(ctx.settings))
    assert logging.getLogger("httpx").level == logging.WARNING
    setup_logging("WARNING")


# ---- The store on PostgreSQL (MOTCUA_DATABASE_URL) ---------------------------------------------


async def test_check_reports_a_postgresql_store(tmp_path: Path) -> None:
    from storage.engine import open_store
    from tests.pg_helpers import pg_test_database

    url = pg_test_database()
    store = await open_store(url)
    await store.close()
    code, out, err = await run_motcua(["check"], {"MOTCUA_DATABASE_URL": url}, tmp_path)
    assert "✓ Kho PostgreSQL postgresql://motcua:***@" in out, out + err
    from storage.db import migrations

    latest = max(v for v, _, _ in migrations("postgresql"))
    assert f"lược đồ phiên bản {latest}" in out and "0 hồ sơ" in out
    assert ":motcua@" not in out  # the password never shown
    assert code == 0


async def test_check_and_run_refuse_a_bad_postgresql_url(tmp_path: Path) -> None:
    from tests.pg_helpers import PG_URL, pg_test_database

    pg_test_database()  # the server is there: only the URL is wrong
    wrong_password = PG_URL.replace("://motcua:motcua@", "://motcua:khongdung@")
    no_database = PG_URL.rsplit("/", 1)[0] + "/khong_co_csdl"
    no_server = "postgresql://motcua:khongdung@127.0.0.1:1/motcua"
    cases = [
        (wrong_password, "sai mật khẩu"),
        (no_database, "chưa có cơ sở dữ liệu «khong_co_csdl»"),
        (no_server, "Không kết nối được tới PostgreSQL tại 127.0.0.1:1/motcua"),
        ("postgresql://motcua:khongdung@127.0.0.1:5432", "thiếu tên cơ sở dữ liệu"),
        ("oracle://x/y", "Không hỗ trợ loại kho dữ liệu «oracle»".lower()),
    ]
    for url, said in cases:
        code, out, err = await run_motcua(["check"], {"MOTCUA_DATABASE_URL": url}, tmp_path)
        assert code == 1, (url, out)
        assert said in out.lower() if said.islower() else said in out, (url, out)
        assert "khongdung" not in out + err and "Traceback" not in out + err
        code, out, err = await run_motcua(["run"], {"MOTCUA_DATABASE_URL": url}, tmp_path, 30)
        assert code in (1, 2), (url, err)
        assert (said in err.lower() if said.islower() else said in err), (url, err)
        assert "khongdung" not in out + err and "Traceback" not in out + err
    assert not list(tmp_path.glob("*.lock"))  # no SQLite lock taken for a PostgreSQL store


async def test_run_with_sqlite_url_uses_that_file(tmp_path: Path) -> None:
    store = tmp_path / "khac.db"
    code, out, _ = await run_motcua(
        ["check"], {"MOTCUA_DATABASE_URL": f"sqlite:///{store}"}, tmp_path)
    assert code == 0 and f"Chưa có kho dữ liệu tại {store}" in out
