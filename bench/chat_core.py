"""In-process lookup latency of the chat core on a large store (default 2 million dossiers).

    /work/venv/bin/python bench/chat_core.py [--scale 1.0] [--lookups 5000] [--db PATH] [--keep]

Builds (or reuses with --db of an existing bench store) a store of 2,000,000 × scale dossiers in
10 units, then times, for random codes (90 % known, 10 % unknown):
  * storage.dossiers.find_by_code alone;
  * Core.handle of a bare code from a citizen (status card + rate-limit write);
  * Core.handle of code + 4 digits from a citizen (full card);
  * Core.handle of a partial code (missing leading part) from a citizen;
  * Core.handle of a bare code from an officer (no rate-limit write).
Prints p50 / p99 / mean in milliseconds as a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Incoming
from bot.workdays import WorkCalendar
from storage import staff as staff_store
from storage.db import Database
from storage.dossiers import find_by_code

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UNITS = 10
PER_DAY = 60
STATUSES = ["received", "processing", "supplement", "payment", "result", "returned", "rejected"]
FINAL = ["result", "returned", "returned", "returned", "rejected"]


def code_of(unit: int, day: date, n: int) -> str:
    """The dossier code of unit, day and ordinal."""
    return f"000.00.{10 + unit:02d}.H{31 + unit:02d}-{day:%y%m%d}-{n:04d}"


def build(path: Path, total: int) -> list[str]:
    """Fill the store with `total` dossiers (plain sqlite3, one transaction); returns a sample
    of the codes."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = OFF")
    now = "2026-04-15T09:00:00"
    for u in range(UNITS):
        con.execute("INSERT INTO units (id, name, created_at) VALUES (?, ?, ?)",
                    (u + 1, f"Trung tâm Phục vụ hành chính công số {u + 1}", now))
        con.execute(
            "INSERT INTO procedures (unit_id, code, name, name_search, level, days, updated_at)"
            " VALUES (?, '1.001', 'Đăng ký khai sinh', 'dang ky khai sinh', 'toan_trinh', 3, ?)",
            (u + 1, now))
    rng = random.Random(7)
    per_unit = total // UNITS
    sample: list[str] = []
    today = date(2026, 4, 15)
    start = today - timedelta(days=per_unit // PER_DAY)

    def rows():  # type: ignore[no-untyped-def]
        """Every dossier row."""
        for u in range(UNITS):
            for i in range(per_unit):
                day = start + timedelta(days=i // PER_DAY)
                code = code_of(u, day, i % PER_DAY + 1)
                if rng.random() < 0.0005:
                    sample.append(code)
                received = datetime.combine(day, datetime.min.time()).replace(hour=8)
                due = received + timedelta(days=7, hours=9)
                # like real data: dossiers older than two months are finished
                recent = (today - day).days <= 60
                status = rng.choice(STATUSES) if recent else rng.choice(FINAL)
                finished = (received + timedelta(days=5)).isoformat() if status in (
                    "result", "returned", "rejected") else None
                yield (u + 1, code, "1.001", "Nguyễn Văn An", f"{rng.randrange(10000):04d}",
                       f"{rng.randrange(10000):04d}", "truc_tiep", received.isoformat(),
                       due.isoformat(), finished, status, received.isoformat(),
                       f"CB{rng.randrange(1, 13):02d}", "h", now)

    con.executemany(
        "INSERT INTO dossiers (unit_id, code, procedure_code, applicant, phone_last4, id_last4,"
        " channel, received_at, due_at, finished_at, status, status_at, officer, row_hash,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return sample


def stats(samples: list[float]) -> tuple[float, float, float]:
    """p50, p99 and mean of samples in ms."""
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return p(0.50), p(0.99), statistics.fmean(ordered)


async def measure(path: Path, sample: list[str], lookups: int) -> list[tuple[str, list[float]]]:
    """Time the lookups; returns (label, samples in ms)."""
    settings = Settings(db_path=path, _env_file=None,  # type: ignore[call-arg]
                        lookup_per_minute=10**9, lookup_per_day=10**9)
    db = await Database.open(path)
    now = datetime(2026, 4, 15, 9, 0, tzinfo=TZ)
    ctx = AppContext(settings, db, WorkCalendar.from_settings(settings), clock=lambda: now)
    core = Core(ctx)
    member = await staff_store.create_staff(db, unit_id=1, name="Cán bộ đo", role="officer",
                                            officer_code="CB01", now=now)
    await staff_store.link(db, member.id, "bench", "officer", "officer", now)
    rng = random.Random(11)

    def pick() -> str:
        """A known code (90 %) or an unknown one."""
        if rng.random() < 0.9:
            return rng.choice(sample)
        return code_of(rng.randrange(UNITS), date(2030, 1, 1), rng.randrange(1, 9999))

    results: list[tuple[str, list[float]]] = []

    async def timed(label: str, make) -> None:  # type: ignore[no-untyped-def]
        """Run `lookups` calls of make(i) and record their durations."""
        for i in range(200):  # warm-up
            await make(i)
        out = []
        for i in range(lookups):
            t0 = time.perf_counter()
            await make(i)
            out.append((time.perf_counter() - t0) * 1000)
        results.append((label, out))

    await timed("storage.find_by_code", lambda i: find_by_code(db, pick()))
    await timed("Core.handle: code alone (citizen, status card, rate-limit write)",
                lambda i: core.handle(Incoming("bench", f"u{i % 500}", "c", pick())))
    await timed("Core.handle: code + 4 digits (citizen, full card)",
                lambda i: core.handle(Incoming("bench", f"u{i % 500}", "c", f"{pick()} 1234")))
    await timed("Core.handle: partial code, leading part missing (citizen)",
                lambda i: core.handle(Incoming("bench", f"u{i % 500}", "c",
                                               pick().split(".", 3)[3])))
    await timed("Core.handle: code alone (officer, no rate-limit write)",
                lambda i: core.handle(Incoming("bench", "officer", "officer", pick())))
    await db.close()
    return results


def main() -> int:
    """Parse arguments, build the store if needed, measure, print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="× 2,000,000 dossiers (default 1)")
    ap.add_argument("--lookups", type=int, default=5000, help="timed calls per case")
    ap.add_argument("--db", type=Path, help="store path (reused when it exists)")
    args = ap.parse_args()
    total = int(2_000_000 * args.scale)
    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="motcua-bench-")
        path = Path(tmp.name) / "bench.db"
    else:
        path = args.db
    t0 = time.perf_counter()
    if not path.exists():
        asyncio.run(_migrate(path))
        sample = build(path, total)
    else:
        con = sqlite3.connect(path)
        codes = [r[0] for r in con.execute(
            "SELECT code FROM dossiers WHERE id % 2000 = 7 LIMIT 5000")]
        total = con.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
        con.close()
        sample = codes
    built = time.perf_counter() - t0
    results = asyncio.run(measure(path, sample, args.lookups))
    print(f"Store: {total:,} dossiers in {UNITS} units ({built:.0f} s to build/open); "
          f"{args.lookups} timed calls per case; Python {sys.version.split()[0]}.\n")
    print("| case | p50 ms | p99 ms | mean ms |")
    print("|---|---:|---:|---:|")
    for label, samples in results:
        p50, p99, mean = stats(samples)
        print(f"| {label} | {p50:.3f} | {p99:.3f} | {mean:.3f} |")
    if tmp is not None:
        tmp.cleanup()
    return 0


async def _migrate(path: Path) -> None:
    """Create the store's schema."""
    db = await Database.open(path)
    await db.close()


if __name__ == "__main__":
    sys.exit(main())
