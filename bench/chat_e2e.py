"""End-to-end chat throughput through python-telegram-bot against the fake Bot API on loopback.

    /work/venv/bin/python bench/chat_e2e.py [--messages 3000] [--users 1000] [--dossiers 20000]
                                            [--summaries 0.01] [--rounds 3] [--before CHECKOUT]

Seeds a store (the catalogue and `--dossiers` dossiers through the real importer, 50 leaders
linked on Telegram), starts the fake Telegram Bot API server (tests/fakes/fake_telegram.py) in
this process, then for each round runs, one after the other on the same fake server:
  * motcua-bot: the real `python -m bot.cli.main run` process (real core, store, rate limits, INFO
    logging), fed a mix of citizens' lookups (half of them with the 4 digits, some unknown codes)
    and leaders' quarterly summaries (`/quy1 <year>`) from `--users` distinct users;
  * a minimal python-telegram-bot echo bot (a separate process, same concurrency of 64 updates,
    same get_updates settings), fed the same texts from the same users.
Every message is queued at once; the rate is replies / seconds from the first update queued to the
last reply recorded by the fake server. Prints both rates and their ratio (goal ≥ 0.9, issue 15).
The Telegram global rate cap is lifted (MOTCUA_TELEGRAM_RATE_GLOBAL=100000) for both bots: with
the production default of 30 messages/s both would be capped at Telegram's own limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.fake_telegram import FakeTelegram  # noqa: E402

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"

ECHO_BOT = """
import os, sys
from telegram import Update
from telegram.ext import Application, MessageHandler, filters

async def echo(update: Update, context) -> None:
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text)

app = (Application.builder().token(os.environ["TOKEN"]).base_url(os.environ["API"])
       .concurrent_updates(64).job_queue(None).build())
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling(allowed_updates=["message"], timeout=10)
"""
CATALOGUE = """Mã thủ tục,Tên thủ tục,Lĩnh vực,Mức độ,Thời hạn giải quyết,"Phí, lệ phí"
1.001612,Đăng ký khai sinh,Hộ tịch,Toàn trình,3,Miễn phí
1.004227,Cấp giấy chứng nhận quyền sử dụng đất lần đầu,Đất đai,Một phần,30,100.000 đồng
2.000908,Chứng thực bản sao từ bản chính,Chứng thực,Chưa cung cấp,1,2.000 đồng/trang
"""
HEADER = ("Mã hồ sơ,Mã thủ tục,Chủ hồ sơ,Số điện thoại,Số giấy tờ,Hình thức nộp,Ngày tiếp nhận,"
          "Ngày hẹn trả,Ngày kết thúc xử lý,Trạng thái,Cán bộ xử lý\n")
LEADERS = 50
UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"  # the dossier list names no unit


def dossier_rows(n: int, year: int, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
    """A dossier CSV of n rows in `year`, and (code, phone last 4) of each row."""
    lines, codes = [HEADER], []
    procs = ["1.001612", "1.004227", "2.000908"]
    for i in range(n):
        rec = date(year, 1, 1) + timedelta(days=rng.randrange(360))
        due = rec + timedelta(days=rng.randrange(1, 30))
        code = f"000.00.12.H31-{rec:%y%m%d}-{i % 10000:04d}"
        phone = f"09{rng.randrange(10**8):08d}"
        done = rng.random() < 0.7
        fin = f"{due - timedelta(days=rng.randrange(-3, 3)):%d/%m/%Y} 10:00" if done else ""
        status = "Đã trả kết quả" if done else "Đang xử lý"
        lines.append(f"{code},{rng.choice(procs)},Nguyễn Văn {i},{phone},0010850{i % 100000:05d},"
                     f"Trực tuyến,{rec:%d/%m/%Y} 08:00,{due:%d/%m/%Y},{fin},{status},"
                     f"CB{i % 12 + 1:02d}\n")
        codes.append((code, phone[-4:]))
    return "".join(lines), codes


async def seed(folder: Path, n: int, year: int, rng: random.Random) -> list[tuple[str, str]]:
    """Build the bench store; returns the known (code, last 4) pairs."""
    from bot.config import Settings
    from bot.context import AppContext
    from storage.staff import create_staff, link
    from storage.units import ensure_unit
    from tests.import_helpers import import_file

    settings = Settings(db_path=folder / "bench.db", unit=UNIT,  # type: ignore[call-arg]
                        _env_file=None)
    ctx = await AppContext.open(settings)
    try:
        (folder / "thu-tuc.csv").write_text(CATALOGUE, encoding="utf-8")
        await import_file(ctx, folder / "thu-tuc.csv")
        text, codes = dossier_rows(n, year, rng)
        (folder / "ho-so.csv").write_text(text, encoding="utf-8")
        summary = await import_file(ctx, folder / "ho-so.csv")
        print(f"seeded: {summary.inserted} dossiers ({summary.rejected} rejected)", flush=True)
        unit = await ensure_unit(ctx.db, UNIT)
        for i in range(LEADERS):
            member = await create_staff(ctx.db, unit_id=unit, name=f"Lãnh đạo {i}", role="leader",
                                        officer_code=None, now=ctx.now())
            await link(ctx.db, member.id, "telegram", str(900000 + i), str(900000 + i), ctx.now())
    finally:
        await ctx.close()
    return codes


def workload(
    messages: int, users: int, share: float, codes: list[tuple[str, str]], year: int,
    rng: random.Random,
) -> list[tuple[int, str]]:
    """(user id, text) pairs: leaders ask /quy1, citizens look codes up (some with 4 digits)."""
    leaders = [900000 + i for i in range(min(LEADERS, max(1, users // 20)))]
    citizens = [100000 + i for i in range(users - len(leaders))]
    out = []
    for i in range(messages):
        if rng.random() < share:
            out.append((leaders[i % len(leaders)], f"/quy{rng.randrange(1, 5)} {year}"))
            continue
        user = citizens[i % len(citizens)]
        r = rng.random()
        code, last4 = rng.choice(codes)
        if r < 0.45:
            out.append((user, code))
        elif r < 0.9:
            out.append((user, f"/tracuu {code} {last4}"))
        else:
            out.append((user, f"000.00.12.H31-{year % 100:02d}0101-{9000 + i % 999:04d}"))
    return out


async def start_process(
    args: list[str], env: dict[str, str], log: Path
) -> asyncio.subprocess.Process:
    """A child process with stdout/stderr into `log`."""
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *args, env=env, cwd=log.parent, stdin=asyncio.subprocess.DEVNULL, stdout=out,
            stderr=out,
        )


async def stop_process(proc: asyncio.subprocess.Process) -> int:
    """SIGTERM and wait."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    return int(proc.returncode or 0)


async def measure(
    fake: FakeTelegram, proc: asyncio.subprocess.Process, load: list[tuple[int, str]],
    warmup: list[tuple[int, str]],
) -> float:
    """Replies per second for `load`, after `warmup` (both answered fully)."""
    polls = len(fake.calls_to("getUpdates"))
    await fake.wait_for_call("getUpdates", polls + 1, timeout=60)
    base = len(fake.sent)
    for user, text in warmup:
        fake.push_text(user, text)
    await fake.wait_for_sent(base + len(warmup), timeout=120)
    base = len(fake.sent)
    started = time.perf_counter()
    for user, text in load:
        fake.push_text(user, text)
    await fake.wait_for_sent(base + len(load), timeout=600)
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.2)
    extra = len(fake.sent) - base - len(load)
    if extra:
        print(f"  note: {extra} more messages than updates (split replies)", flush=True)
    if proc.returncode is not None:
        raise RuntimeError("the bot exited during the run")
    return len(load) / elapsed


async def main() -> None:
    """Seed, run both bots for each round, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--dossiers", type=int, default=20000)
    parser.add_argument("--summaries", type=float, default=0.01, help="share of /quyN messages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--before", type=Path, default=None,
                        help="also run the bot of this checkout (e.g. a `git worktree` of the "
                             "code before a change) in every round, on the same store and load")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    year = date.today().year - 1
    folder = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    codes = await seed(folder, opts.dossiers, year, rng)
    load = workload(opts.messages, opts.users, opts.summaries, codes, year, rng)
    warmup = workload(200, 200, opts.summaries, codes, year, rng)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    base_env["PYTHONPATH"] = str(ROOT)
    (folder / "echo_bot.py").write_text(ECHO_BOT, encoding="utf-8")
    ours: list[float] = []
    echo: list[float] = []
    before: list[float] = []
    async with FakeTelegram() as fake:
        bot_env = {
            **base_env, **fake.env(),
            "MOTCUA_DB_PATH": str(folder / "bench.db"),
            "MOTCUA_UNIT": UNIT,
            "MOTCUA_TELEGRAM_RATE_GLOBAL": "100000",
            "MOTCUA_LOOKUP_PER_MINUTE": "100000",
            "MOTCUA_LOOKUP_PER_DAY": "1000000",
            "MOTCUA_LOG_LEVEL": "INFO",
        }
        echo_env = {**base_env, "TOKEN": fake.token, "API": fake.api_url}
        contenders = [("motcua-bot", bot_env, ours)]
        if opts.before is not None:
            before_env = {**bot_env, "PYTHONPATH": str(opts.before.resolve())}
            contenders.append(("before    ", before_env, before))
        for round_no in range(1, opts.rounds + 1):
            turn = contenders if round_no % 2 else contenders[::-1]  # alternate who goes first
            for name, env, rates in turn:
                proc = await start_process([sys.executable, "-m", "bot.cli.main", "run"], env,
                                           folder / "bot.log")
                rate = await measure(fake, proc, load, warmup)
                await stop_process(proc)
                rates.append(rate)
                print(f"round {round_no}: {name} {rate:8.1f} replies/s", flush=True)
            proc = await start_process([sys.executable, str(folder / "echo_bot.py")], echo_env,
                                       folder / "echo.log")
            rate = await measure(fake, proc, load, warmup)
            await stop_process(proc)
            echo.append(rate)
            print(f"round {round_no}: echo bot   {rate:8.1f} replies/s", flush=True)
    lookups = sum(1 for _, t in load if not t.startswith("/quy"))
    best_ours, best_echo = max(ours), max(echo)
    print()
    print(f"messages per run: {len(load)} from {opts.users} users "
          f"({lookups} lookups, {len(load) - lookups} summaries); store: {len(codes)} dossiers")
    print("| bot | replies/s (best) | replies/s (median) |")
    print("|---|---:|---:|")
    print(f"| motcua-bot (`motcua run`) | {best_ours:.0f} | {statistics.median(ours):.0f} |")
    if before:
        print(f"| motcua-bot before ({opts.before}) | {max(before):.0f} | "
              f"{statistics.median(before):.0f} |")
    print(f"| minimal PTB echo bot | {best_echo:.0f} | {statistics.median(echo):.0f} |")
    ratio = statistics.median(ours) / statistics.median(echo)
    print(f"\nratio motcua-bot / echo (medians): {ratio:.2f} (goal ≥ 0.9)")
    if before:
        rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(ours, before, strict=True))
        worst = min(ours) / max(before)
        medians = statistics.median(ours) / statistics.median(before)
        print(f"ratio motcua-bot / before, each round: {rounds} (worst {worst:.2f}, "
              f"medians {medians:.2f})")


if __name__ == "__main__":
    asyncio.run(main())
