"""End to end: the real `motcua run` process against the fake Bot API, on a seeded store."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import (
    ADMIN_USER,
    APPLICANT,
    E2E_TODAY,
    LEADER_USER,
    MASKED,
    OFFICER_USER,
    PHONE_LAST4,
    BotProcess,
    Seed,
    admin_import_csv,
    free_port,
    run_motcua,
    seed_store,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Running:
    """The shared bot process, its fake server, the seed and the environment used."""

    fake: FakeTelegram
    bot: BotProcess
    seed: Seed
    env: dict[str, str]
    folder: Path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Running]:
    """One seeded store and one `motcua run` for the tests of this module."""
    folder = tmp_path_factory.mktemp("e2e")
    db_path = folder / "motcua.db"
    seed = await seed_store(db_path, folder, E2E_TODAY)
    async with FakeTelegram() as fake:
        env = {
            **fake.env(),
            "MOTCUA_DB_PATH": str(db_path),
            "MOTCUA_ADMIN_IDS": f"telegram:{ADMIN_USER}",
            "MOTCUA_LOG_LEVEL": "INFO",
            "MOTCUA_TELEGRAM_RATE_GLOBAL": "1000",
        }
        bot = BotProcess(env, folder)
        await bot.start(lambda: fake.wait_for_call("getUpdates", 1, timeout=30))
        try:
            yield Running(fake, bot, seed, env, folder)
        finally:
            await bot.stop()


async def ask(r: Running, user: int, text: str, n: int = 1) -> list[str]:
    """Send a text as `user` and return the plain texts of the next n answers."""
    r.fake.push_text(user, text)
    return [s.plain for s in await r.fake.wait_for_messages(user, n, timeout=20)]


async def test_lookup_without_the_four_digits(running: Running) -> None:
    [card] = await ask(running, 2001, running.seed.code_open)
    assert running.seed.code_open in card
    assert "Yêu cầu bổ sung" in card
    assert "Nguyễn" not in card and "5678" not in card and "Bổ sung bản sao" not in card


async def test_lookup_with_the_four_digits(running: Running) -> None:
    [card] = await ask(running, 2002, f"/tracuu {running.seed.code_open} {PHONE_LAST4}")
    assert MASKED in card and APPLICANT not in card
    assert "Cấp giấy chứng nhận quyền sử dụng đất lần đầu" in card
    assert "Bổ sung bản sao sổ hộ khẩu" in card
    assert "0912345678" not in card and "001085001234" not in card and "CB01" not in card


async def test_lookup_with_wrong_four_digits(running: Running) -> None:
    [answer] = await ask(running, 2003, f"/tracuu {running.seed.code_open} 0000")
    assert "Không tìm thấy" in answer
    assert MASKED not in answer and "Yêu cầu bổ sung" not in answer


async def test_unknown_code(running: Running) -> None:
    [answer] = await ask(running, 2004, "000.00.12.H31-240101-9999")
    assert "000.00.12.H31-" in answer  # an example of a code's shape
    assert running.seed.code_open not in answer and running.seed.code_done not in answer


async def test_lookup_rate_limit(running: Running) -> None:
    """Lookup rate limit: the 11th lookup within one minute is refused."""
    user = 2005
    # The bot's clock is fixed (MOTCUA_NOW), so the eleven lookups fall in one minute.
    for _ in range(10):
        [card] = await ask(running, user, running.seed.code_done)
        assert running.seed.code_done in card
    [refusal] = await ask(running, user, running.seed.code_done)
    assert running.seed.code_done not in refusal
    assert "thử lại" in refusal.lower()


async def test_officer_overdue(running: Running) -> None:
    [answer] = await ask(running, OFFICER_USER, "/quahan")
    assert running.seed.codes_q1[4] in answer  # open since Q1 of last year, officer CB01
    assert "Trần Thị Mai 5" in answer  # officers see the applicant's full name
    assert running.seed.codes_q1[1] not in answer  # CB02's, and finished


async def test_leader_quarter_summary_holds_the_report_figures(running: Running) -> None:
    from bot.config import Settings
    from bot.context import AppContext
    from bot.stats.periods import quarter
    from bot.stats.service import compute_figures, leader_summary

    year = running.seed.year
    [answer] = await ask(running, LEADER_USER, f"/quy1 {year}")
    settings = Settings(db_path=Path(running.env["MOTCUA_DB_PATH"]), _env_file=None)
    ctx = await AppContext.open(settings)
    try:
        expected = await leader_summary(ctx, quarter(year, 1))
        figures = await compute_figures(ctx, quarter(year, 1))
    finally:
        await ctx.close()
    assert answer.strip() == expected.strip()
    assert f"QUÝ I NĂM {year}" in answer
    assert figures is not None


async def test_report_sends_documents(running: Running) -> None:
    running.fake.push_text(LEADER_USER, f"/baocao quy1 {running.seed.year}")
    sent = await running.fake.wait_for_messages(LEADER_USER, 2, timeout=30)
    kinds = {s.kind: s for s in sent}
    assert "document" in kinds and kinds["document"].filename.endswith(".docx")
    assert kinds["document"].data[:2] == b"PK"
    assert "photo" in kinds and kinds["photo"].data[:4] == b"\x89PNG"


async def test_citizen_refused_leader_command(running: Running) -> None:
    [answer] = await ask(running, 2006, "/quy1")
    assert answer == "Bạn không có quyền dùng lệnh này."


async def test_menus_per_role(running: Running) -> None:
    commands = running.fake.commands
    citizen = {c["command"] for c in commands["default"]}
    assert "tracuu" in citizen and "quy1" not in citizen
    assert "quahan" in {c["command"] for c in commands[f"chat:{OFFICER_USER}"]}
    assert "quy1" in {c["command"] for c in commands[f"chat:{LEADER_USER}"]}
    assert f"chat:{ADMIN_USER}" in commands


async def test_invite_and_register(running: Running) -> None:
    code, out, err = await run_motcua(
        ["staff", "invite", "--role", "officer", "--name", "Trần Thị Bình",
         "--officer-code", "CB02"],
        {"MOTCUA_DB_PATH": running.env["MOTCUA_DB_PATH"]}, running.folder,
    )
    assert code == 0, err
    match = re.search(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b", out)
    assert match, out
    user = 2007
    [before] = await ask(running, user, "/quahan")
    assert before == "Bạn không có quyền dùng lệnh này."
    [welcome] = await ask(running, user, f"/dangky {match[1]}")
    assert "Trần Thị Bình" in welcome or "cán bộ" in welcome.lower()
    [after] = await ask(running, user, "/quahan")
    assert after != "Bạn không có quyền dùng lệnh này."
    await running.fake.wait_for_call("setMyCommands", 1)
    for _ in range(50):
        if f"chat:{user}" in running.fake.commands:
            break
        await asyncio.sleep(0.1)
    assert "quahan" in {c["command"] for c in running.fake.commands[f"chat:{user}"]}
    [again] = await ask(running, 2008, f"/dangky {match[1]}")  # a code works once
    assert "Trần Thị Bình" not in again


async def test_admin_file_import(running: Running) -> None:
    from datetime import timedelta

    running.fake.push_document(ADMIN_USER, "ho-so-moi.csv", admin_import_csv(E2E_TODAY),
                               mime="text/csv")
    summary, rejects = await running.fake.wait_for_messages(ADMIN_USER, 2, timeout=30)
    assert summary.kind == "text" and "Đọc 3 dòng" in summary.plain
    assert "Thêm mới 2" in summary.plain and "Bị loại 1 dòng" in summary.plain
    assert rejects.kind == "document" and rejects.filename.endswith(".csv")
    assert "Sai Ngày" in rejects.data.decode("utf-8-sig")
    day = E2E_TODAY - timedelta(days=3)
    [card] = await ask(running, 2010, f"000.00.12.H31-{day:%y%m%d}-0901")
    assert "Đang xử lý" in card and "Không tìm thấy" not in card


async def test_citizen_file_refused(running: Running) -> None:
    running.fake.push_document(2011, "ho-so.csv", admin_import_csv(E2E_TODAY))
    [answer] = await running.fake.wait_for_messages(2011, 1, timeout=20)
    assert answer.plain == "Bạn không có quyền dùng lệnh này."


async def test_sigterm_exits_cleanly_and_no_token_in_logs(running: Running) -> None:
    code = await running.bot.stop()
    assert code == 0
    log = running.bot.stderr()
    assert running.fake.token not in log
    assert running.fake.token.split(":")[1] not in log
    assert APPLICANT not in log and "0912345678" not in log
    assert "message channel=telegram command=tracuu role=citizen" in log
    assert "Stopped cleanly" in log


async def test_webhook_mode_right_and_wrong_secret(tmp_path: Path) -> None:
    port = free_port()
    secret = "bi-mat_webhook_42"
    async with FakeTelegram() as fake:
        env = {
            **fake.env(),
            "MOTCUA_DB_PATH": str(tmp_path / "motcua.db"),
            "MOTCUA_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "MOTCUA_TELEGRAM_WEBHOOK_SECRET": secret,
            "MOTCUA_TELEGRAM_WEBHOOK_PORT": str(port),
        }
        bot = BotProcess(env, tmp_path)
        await bot.start(lambda: fake.wait_for_call("setWebhook", 1, timeout=30))
        try:
            for _ in range(50):  # setWebhook comes just before the server listens
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            assert fake.webhook["secret_token"] == secret
            update = fake.text_update(3001, "/start")
            assert await fake.post_webhook(update, "sai") == 403
            assert await fake.post_webhook(update, None) == 403
            assert await fake.quiet(3001, 0.5) == []
            assert await fake.post_webhook(update, secret) == 200
            [hello] = await fake.wait_for_messages(3001, 1, timeout=20)
            assert "Xin chào" in hello.plain
        finally:
            code = await bot.stop()
        assert code == 0
        assert not fake.calls_to("getUpdates")
        assert secret not in bot.stderr() and fake.token not in bot.stderr()


async def test_run_with_a_bad_token_exits_1(tmp_path: Path) -> None:
    async with FakeTelegram() as fake:
        env = {**fake.env("999:wrong-token-value"), "MOTCUA_DB_PATH": str(tmp_path / "m.db")}
        code, _, err = await run_motcua(["run"], env, tmp_path)
    assert code == 1
    assert "Telegram từ chối MOTCUA_TELEGRAM_TOKEN" in err
    assert "wrong-token-value" not in err
