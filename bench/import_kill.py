"""SIGKILL `motcua import` at random moments of an import whose dossiers have followers.

After each kill the store must be intact (`PRAGMA integrity_check`) and, once the catch-up has
run (what the next import, the bot's start or its periodic catch-up do), every follower of every
changed dossier must have exactly one queued push (key status:<event id>:<channel>:<chat>).
Half the kills fall at a random moment of the run, half just after the import's commit (the
window in which pushes used to be lost). Each round imports the file whose statuses differ from
the store's, so a committed round changes every dossier's status.
Usage: python -m bench.import_kill [--rows 200000] [--kills 20] [--followers 12000] [--seed 14]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "Mã hồ sơ,Mã thủ tục,Tên thủ tục,Chủ hồ sơ,Kênh nộp,Ngày tiếp nhận,Ngày hẹn trả,"
    "Ngày kết thúc xử lý,Trạng thái,Nội dung yêu cầu bổ sung\n"
)
STATES = ("Đang xử lý", "Yêu cầu bổ sung")  # the two files: every dossier in one or the other
NOW = datetime(2026, 4, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def code(i: int) -> str:
    """The i-th dossier's code."""
    return f"000.00.12.H31-26{(i // 10000) % 100:02d}01-{i % 10000:04d}"


def write_csv(path: Path, rows: int, state: int) -> Path:
    """A dossier list of `rows` rows, every one in status STATES[state]."""
    status = STATES[state]
    note = "Bản sao giấy khai sinh" if state else ""
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER)
        for i in range(rows):
            f.write(
                f"{code(i)},1.001,Đăng ký khai sinh,Nguyễn Văn An,Trực tiếp,01/04/2026,"
                f"10/04/2026,,{status},{note}\n"
            )
    return path


UNIT = "Trung tâm Phục vụ hành chính công xã Thử Nghiệm"


def child_env(db_path: Path) -> dict[str, str]:
    """The environment of a `motcua` child: ours without MOTCUA_*, the store, the repo."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env["PYTHONPATH"] = str(ROOT)
    env["MOTCUA_DB_PATH"] = str(db_path)
    env["MOTCUA_UNIT"] = UNIT  # required outside the demo (the file has no «Đơn vị» column)
    return env


async def start_import(db_path: Path, csv_path: Path) -> asyncio.subprocess.Process:
    """`python -m bot.cli.main import dossiers FILE --quiet` in a session of its own."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "import", "dossiers", str(csv_path), "--quiet",
        env=child_env(db_path), cwd=db_path.parent, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )


def runs_done(db_path: Path) -> int:
    """How many import runs the store has committed."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM import_runs WHERE outcome = 'done'")
                   .fetchone()[0])


def store_state(db_path: Path) -> int:
    """Which of STATES the store's dossiers are in (index)."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        status = conn.execute("SELECT status FROM dossiers ORDER BY id LIMIT 1").fetchone()[0]
    return 0 if status == "processing" else 1


def add_followers(db_path: Path, followers: int) -> None:
    """`followers` chats following dossiers: two chats (Telegram, Zalo) on every n-th one."""
    with sqlite3.connect(db_path, timeout=30) as conn:
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM dossiers ORDER BY id")]
        step = max(1, len(ids) // max(1, followers // 2))
        rows = []
        for n, dossier_id in enumerate(ids[::step][: followers // 2]):
            stamp = "2026-04-15T08:00:00"
            rows.append((dossier_id, "telegram", f"{9000 + n}", f"{9000 + n}", stamp))
            rows.append((dossier_id, "zalo", f"z{n}", f"z{n}", stamp))
        conn.executemany(
            "INSERT INTO subscriptions (dossier_id, channel, user_id, chat_id, created_at)"
            " VALUES (?,?,?,?,?)",
            rows,
        )


def phase(db_path: Path, done_before: int) -> str:
    """Where the kill fell: before the commit, between the commit and the queued pushes, after."""
    if runs_done(db_path) == done_before:
        return "killed before the commit"
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        cursor = conn.execute(
            "SELECT last_id FROM push_cursors WHERE name = 'status_events'"
        ).fetchone()[0]
        last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM status_events").fetchone()[0]
    return "killed after the commit, pushes not queued" if cursor < last else "killed after all"


async def catch_up(db_path: Path) -> int:
    """The catch-up the next import or the bot's start runs (bot.push.status.catch_up)."""
    from bot.config import Settings
    from bot.context import AppContext
    from bot.push.status import catch_up as queue_missed
    from bot.workdays import WorkCalendar
    from storage.db import Database

    settings = Settings(db_path=db_path, unit=UNIT, _env_file=None)  # type: ignore[call-arg]
    db = await Database.open(db_path)
    try:
        ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: NOW)
        return await queue_missed(ctx)
    finally:
        await db.close()


def check(db_path: Path) -> tuple[int, int]:
    """The store is intact and every follower of every status change has exactly one push:
    returns (pushes expected, rows found); raises AssertionError otherwise."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        intact = conn.execute("PRAGMA integrity_check").fetchall()
        assert intact == [("ok",)], intact
        want = Counter(
            f"status:{r[0]}:{r[1]}:{r[2]}"
            for r in conn.execute(
                "SELECT e.id, s.channel, s.chat_id FROM status_events e"
                " JOIN subscriptions s ON s.dossier_id = e.dossier_id"
                " WHERE e.old_status IS NOT NULL AND e.old_status <> e.new_status"
            )
        )
        got = Counter(
            str(r[0]) for r in conn.execute("SELECT idem_key FROM outbox WHERE kind = 'status'")
        )
    assert all(n == 1 for n in want.values()), "an event counted twice"
    missing, extra = set(want) - set(got), set(got) - set(want)
    assert not missing, f"{len(missing)} pushes lost, e.g. {sorted(missing)[:3]}"
    assert not extra, f"{len(extra)} pushes without a status change, e.g. {sorted(extra)[:3]}"
    assert all(n == 1 for n in got.values()), "a push queued twice"
    return sum(want.values()), sum(got.values())


@dataclass
class Report:
    """What the kills did."""

    phases: Counter = field(default_factory=Counter)
    full_run_seconds: float = 0.0
    pushes: int = 0
    catch_up_rows: int = 0
    catch_up_seconds: list[float] = field(default_factory=list)  # each, with the store's opening
    seconds: float = 0.0


async def full_import(db_path: Path, csv_path: Path) -> float:
    """Run one import to its end; returns its seconds."""
    started = time.perf_counter()
    proc = await start_import(db_path, csv_path)
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode("utf-8", "replace")[-2000:]
    return time.perf_counter() - started


async def kill_once(
    db_path: Path, files: tuple[Path, Path], rng: random.Random, at_commit: bool, span: float
) -> str:
    """One import of the file that changes every status, killed; returns where it fell."""
    done_before = runs_done(db_path)
    proc = await start_import(db_path, files[1 - store_state(db_path)])
    if at_commit:
        while proc.returncode is None and runs_done(db_path) == done_before:
            await asyncio.sleep(0.001)
        await asyncio.sleep(rng.uniform(0, 0.005))
    else:
        await asyncio.sleep(rng.uniform(0, span))
    if proc.returncode is None:
        proc.send_signal(signal.SIGKILL)  # the CLI process only
    await proc.wait()
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # then any parser helper it left behind
    if proc.returncode != -signal.SIGKILL:
        return "finished before the kill"
    return phase(db_path, done_before)


async def run(folder: Path, rows: int, kills: int, followers: int, seed: int) -> Report:
    """Load the store, add followers, then `kills` killed imports, each checked."""
    started = time.perf_counter()
    rng = random.Random(seed)
    db_path = folder / "motcua.db"
    files = (write_csv(folder / "ho-so-a.csv", rows, 0), write_csv(folder / "ho-so-b.csv", rows, 1))
    await full_import(db_path, files[0])
    add_followers(db_path, followers)
    report = Report()
    report.full_run_seconds = await full_import(db_path, files[1])  # every status changes
    report.pushes, _ = check(db_path)
    for n in range(kills):
        where = await kill_once(db_path, files, rng, n % 2 == 1, report.full_run_seconds)
        report.phases[where] += 1
        began = time.perf_counter()
        report.catch_up_rows += await catch_up(db_path)
        report.catch_up_seconds.append(time.perf_counter() - began)
        report.pushes, _ = check(db_path)
    report.seconds = time.perf_counter() - started
    return report


def main() -> None:
    """Parse the options, run, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--followers", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-kill-") as tmp:
        report = asyncio.run(run(Path(tmp), args.rows, args.kills, args.followers, args.seed))
    print(f"rows {args.rows:,}, followers {args.followers:,}, kills {args.kills}, seed {args.seed}")
    print(f"an uninterrupted import (process start to exit): {report.full_run_seconds:.1f} s")
    for where, count in sorted(report.phases.items()):
        print(f"  {where}: {count}")
    print(f"pushes caught up after kills: {report.catch_up_rows:,}")
    if report.catch_up_seconds:
        took = sorted(report.catch_up_seconds)
        print(
            f"catch-up after a kill, store opening included: min {took[0]:.2f} s, median"
            f" {statistics.median(took):.2f} s, max {took[-1]:.2f} s (the uninterrupted import:"
            f" {report.full_run_seconds:.1f} s, ratio of medians"
            f" {statistics.median(took) / report.full_run_seconds:.3f})"
        )
    print(f"status pushes queued at the end: {report.pushes:,}, each exactly once; store intact")
    print(f"total {report.seconds:.0f} s")


if __name__ == "__main__":
    main()
