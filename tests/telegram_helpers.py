"""Telegram test helpers: a stand-in core, settings pointing at the fake Bot API, a free port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.context import AppContext
from bot.core.types import Answer, Button, Incoming, Reply
from tests.fakes.fake_telegram import FakeTelegram

LONG_CAPTION = "Chú thích rất dài. " * 80  # > 1024 characters


def use_fake(ctx: AppContext, fake: FakeTelegram, **overrides: Any) -> None:
    """Point ctx.settings' Telegram settings at the fake server."""
    update: dict[str, Any] = {
        "telegram_token": SecretStr(fake.token),
        "telegram_api_url": fake.api_url,
        "telegram_file_api_url": fake.file_api_url,
        "telegram_rate_global": 1000.0,
    }
    update.update(overrides)
    ctx.settings = ctx.settings.model_copy(update=update)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StandInCore:
    """A tiny core for the channel tests: canned answers by keyword, roles from a dict."""

    def __init__(self, answer: Callable[[Incoming], list[Reply]] | None = None) -> None:
        """Record every Incoming; `answer` overrides the canned rules."""
        self.seen: list[Incoming] = []
        self.roles: dict[str, str] = {}
        self._answer = answer

    async def handle(self, incoming: Incoming, max_text: int = 4096) -> list[Reply]:
        """nut: buttons; anh: image; anhdai: image with a long caption; tep: document; else echo."""
        self.seen.append(incoming)
        await asyncio.sleep(0)
        if self._answer is not None:
            return self._answer(incoming)
        text = incoming.text
        if incoming.is_button:
            return [Reply(f"Đã chọn: {text}")]
        if incoming.attachment is not None:
            a = incoming.attachment
            return [Reply(f"Đã nhận tệp {a.filename} ({len(a.data)} byte)")]
        if text == "nut":
            row = (Button("Quý trước", "q:2026:1"), Button("Quý sau", "q:2026:3"))
            return [Reply("Chọn quý:", buttons=(row,))]
        if text == "anh":
            return [Reply("Biểu đồ quý I", image=b"\x89PNG fake", filename="bieu-do.png")]
        if text == "anhdai":
            return [Reply(LONG_CAPTION, image=b"\x89PNG fake", filename="bieu-do.png")]
        if text == "tep":
            return [
                Reply("Báo cáo quý I", document=b"PK docx", filename="bao-cao-quy-1-2026.docx")
            ]
        if text == "rong":
            return []
        return [Reply(f"Bạn gửi: {text}")]

    async def answer(self, incoming: Incoming, max_text: int = 4096) -> Answer:
        """handle()'s replies with the sender's role from self.roles."""
        replies = await self.handle(incoming, max_text)
        return Answer(replies, await self.role_of(incoming.channel, incoming.user_id))

    async def role_of(self, channel: str, user_id: str) -> str:
        """The role set in self.roles, citizen by default."""
        return self.roles.get(user_id, "citizen")

    async def staff_chats(self, channel: str) -> list[tuple[str, str]]:
        """Every chat given a role other than citizen in self.roles."""
        return [(user, role) for user, role in self.roles.items() if role != "citizen"]

    def menu(self, role: str) -> list[tuple[str, str]]:
        """A small menu per role (with one invalid name the channel must drop)."""
        base = [("start", "Bắt đầu"), ("tracuu", "Tra cứu hồ sơ"), ("Bad-Name!", "x")]
        if role == "officer":
            base.append(("quahan", "Hồ sơ quá hạn của tôi"))
        if role in ("leader", "admin"):
            base.append(("quy1", "Báo cáo quý I"))
        return base


# ---- end-to-end: a seeded store and the real `motcua run` process ------------------------------

CATALOGUE_CSV = """Mã thủ tục,Tên thủ tục,Lĩnh vực,Mức độ,Thời hạn giải quyết,"Phí, lệ phí"
1.001612,Đăng ký khai sinh,Hộ tịch,Toàn trình,3,Miễn phí
1.004227,Cấp giấy chứng nhận quyền sử dụng đất lần đầu,Đất đai,Một phần,30,100.000 đồng
2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Chưa cung cấp,1,2.000 đồng/trang
"""
DOSSIER_HEADER = (
    "Mã hồ sơ,Mã thủ tục,Chủ hồ sơ,Số điện thoại,Số giấy tờ,Hình thức nộp,Ngày tiếp nhận,"
    "Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái,Cán bộ xử lý,Nội dung yêu cầu bổ sung\n"
)
APPLICANT = "Nguyễn Văn An"
MASKED = "Nguyễn V** A*"
PHONE_LAST4 = "5678"
OFFICER_USER, LEADER_USER, ADMIN_USER = 1001, 1002, 1003
# The fixed "now" of every `motcua` child process (MOTCUA_NOW, see child_env) and of the seeds:
# a Wednesday, a working day in mid-quarter, after the daily run's grace and the quarterly
# catch-up, so no scheduled push is due whatever the wall clock says (issue 14.13).
E2E_NOW = datetime(2026, 5, 20, 10, 0)
E2E_TODAY = E2E_NOW.date()


@dataclass
class Seed:
    """What the seeded store holds, for the assertions."""

    year: int  # the year whose first quarter holds the finished dossiers (last year)
    code_open: str  # open and overdue, officer CB01, the applicant APPLICANT
    code_done: str  # finished in Q1 of `year`
    codes_q1: list[str]


def _code(day: date, n: int) -> str:
    """A dossier code received on `day`, number n."""
    return f"000.00.12.H31-{day:%y%m%d}-{n:04d}"


def _row(code: str, proc: str, name: str, received: date, due: date, finished: date | None,
         status: str, officer: str, phone: str = "0912345678", note: str = "") -> str:
    """One CSV line of the dossier list."""
    fin = f"{finished:%d/%m/%Y} 10:00" if finished else ""
    return (f"{code},{proc},{name},{phone},001085001234,Trực tuyến,{received:%d/%m/%Y} 08:00,"
            f"{due:%d/%m/%Y},{fin},{status},{officer},{note}\n")


def seed_files(folder: Path, today: date) -> tuple[Path, Path, Seed]:
    """Write a catalogue CSV and a dossier CSV relative to `today`; return their paths."""
    year = today.year - 1
    rows, q1 = [], []
    plan = [  # (received, due, finished, status, officer)
        (date(year, 1, 5), date(year, 1, 8), date(year, 1, 7), "Đã trả kết quả", "CB01"),
        (date(year, 1, 12), date(year, 1, 15), date(year, 1, 20), "Đã trả kết quả", "CB02"),
        (date(year, 2, 16), date(year, 3, 30), date(year, 3, 2), "Đã xử lý xong", "CB01"),
        (date(year, 3, 9), date(year, 3, 12), date(year, 3, 11), "Đã trả kết quả", "CB02"),
        (date(year, 3, 20), date(year, 3, 25), None, "Đang xử lý", "CB01"),
    ]
    for i, (rec, due, fin, status, officer) in enumerate(plan, 1):
        code = _code(rec, i)
        q1.append(code)
        proc = "1.001612" if i % 2 else "1.004227"
        rows.append(_row(code, proc, f"Trần Thị Mai {i}", rec, due, fin, status, officer))
    received = today - timedelta(days=40)
    code_open = _code(received, 77)
    rows.append(_row(code_open, "1.004227", APPLICANT, received, today - timedelta(days=20), None,
                     "Yêu cầu bổ sung", "CB01", note="Bổ sung bản sao sổ hộ khẩu"))
    rows.append(_row(_code(today - timedelta(days=1), 78), "1.001612", "Lê Văn Cường",
                     today - timedelta(days=1), today + timedelta(days=30), None, "Đang xử lý",
                     "CB01", phone="0988000111"))
    catalogue = folder / "thu-tuc.csv"
    catalogue.write_text(CATALOGUE_CSV, encoding="utf-8")
    dossiers = folder / "ho-so.csv"
    dossiers.write_text(DOSSIER_HEADER + "".join(rows), encoding="utf-8")
    return catalogue, dossiers, Seed(year, code_open, q1[0], q1)


def admin_import_csv(today: date) -> bytes:
    """A dossier list an admin sends to the bot: two good rows and one bad row."""
    d = today - timedelta(days=3)
    return (DOSSIER_HEADER
            + _row(_code(d, 901), "1.001612", "Phạm Thị Dung", d, d + timedelta(days=10), None,
                   "Đang xử lý", "CB02")
            + _row(_code(d, 902), "2.000908", "Hoàng Văn Em", d, d + timedelta(days=2), None,
                   "Mới tiếp nhận", "CB02")
            + _row(_code(d, 903), "2.000908", "Sai Ngày", d, d, None, "Không rõ", "CB02")
            ).encode("utf-8")


async def seed_store(db_path: Path, folder: Path, today: date) -> Seed:
    """Import the seed files into the store at db_path and add an officer and a leader."""
    from bot.config import Settings
    from bot.import_text import summary_text
    from storage.staff import create_staff, link
    from storage.units import ensure_unit
    from tests.import_helpers import import_file

    moment = datetime.combine(today, E2E_NOW.time())
    settings = Settings(db_path=db_path, now=moment, _env_file=None)  # type: ignore[call-arg]
    ctx = await AppContext.open(settings)
    try:
        catalogue, dossiers, seed = seed_files(folder, today)
        await import_file(ctx, catalogue)
        summary = await import_file(ctx, dossiers)
        assert summary.rejected == 0, summary_text(summary)
        unit_id = await ensure_unit(ctx.db, settings.unit)
        now = ctx.now()
        officer = await create_staff(ctx.db, unit_id=unit_id, name="Cán Bộ Một", role="officer",
                                     officer_code="CB01", now=now)
        await link(ctx.db, officer.id, "telegram", str(OFFICER_USER), str(OFFICER_USER), now)
        leader = await create_staff(ctx.db, unit_id=unit_id, name="Lãnh Đạo", role="leader",
                                    officer_code="LD01", now=now)
        await link(ctx.db, leader.id, "telegram", str(LEADER_USER), str(LEADER_USER), now)
    finally:
        await ctx.close()
    return seed


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment for a `motcua` child process: ours without MOTCUA_*, the clock fixed at
    E2E_NOW (a test that needs another time passes its own MOTCUA_NOW), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    env["MOTCUA_NOW"] = E2E_NOW.isoformat(" ", "minutes")
    if "MOTCUA_UNIT" in os.environ:  # the tests' center (conftest), required by run and check
        env["MOTCUA_UNIT"] = os.environ["MOTCUA_UNIT"]
    env.update(extra)
    return env


class BotProcess:
    """`python -m bot.cli.main run` as a child process, its stderr kept in a file."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        """Prepare the process; start() launches it."""
        self.env = child_env(env)
        self.cwd = cwd
        self.log_path = cwd / "bot-stderr.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, ready: Callable[[], Awaitable[object]], timeout: float = 30) -> None:
        """Launch and wait for `ready()` (e.g. the first getUpdates), failing if the bot exits."""
        log = self.log_path.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli.main", "run", env=self.env, cwd=self.cwd,
            stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
        )
        log.close()
        waiter = asyncio.ensure_future(ready())
        exited = asyncio.ensure_future(self.proc.wait())
        done, _ = await asyncio.wait({waiter, exited}, timeout=timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            if exited not in done:
                exited.cancel()
                await self.stop()
            raise RuntimeError(f"the bot did not get ready:\n{self.stderr()}")
        exited.cancel()
        waiter.result()

    def stderr(self) -> str:
        """What the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait for the exit code (SIGKILL after `timeout`)."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        return int(self.proc.returncode or 0)


async def run_motcua(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 60
) -> tuple[int, str, str]:
    """Run one `motcua` sub-command to completion: (exit code, stdout, stderr)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", *args, env=child_env(env), cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout)
    return int(proc.returncode or 0), out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
