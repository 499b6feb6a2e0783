"""In-process lookup latency of the chat core on a large store (default 2 million dossiers).

    /work/venv/bin/python bench/chat_core.py [--scale 1.0] [--lookups 5000] [--db PATH]
                                             [--receipts 50] [--lookups-only]

Builds (or reuses with --db of an existing bench store) a store of 2,000,000 × scale dossiers in
10 units, then times, for random codes (90 % known, 10 % unknown):
  * storage.dossiers.find_by_code alone;
  * Core.handle of a bare code from a citizen (status card + rate-limit write);
  * Core.handle of code + 4 digits from a citizen (full card);
  * Core.handle of a partial code (missing leading part) from a citizen;
  * Core.handle of a bare code from an officer (no rate-limit write);
  * free text from citizens (issue 13): a code inside a sentence, a code and "sđt đuôi 1234" in a
    sentence, an intent without a code ("giờ làm việc"), a catalogue question (FTS5);
  * decoding a 1280×960 receipt photo (JPEG, slightly tilted) with zxing-cpp, beside its peer in
    the same run: only opening the same JPEG and turning it grey (Pillow).
Prints p50 / p99 / mean in milliseconds as a Markdown table, then the free-text and receipt
cases with min / median / max and the ratio of their median to the peer's.
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


async def measure(path: Path, sample: list[str], lookups: int,
                  free_text: bool = True) -> list[tuple[str, list[float]]]:
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
    for label, make in FREE_TEXT if free_text else []:
        await timed(label, lambda i, make=make: core.handle(
            Incoming("bench", f"u{i % 500}", "c", make(pick()))))
    await db.close()
    return results


# Free text (issue 13): (label, message made from a code). The peer is "code alone" above.
FREE_TEXT = [
    ("free text: code inside a sentence (citizen)",
     lambda code: f"cho tôi hỏi hồ sơ {code} đến đâu rồi ạ"),
    ("free text: sentence with code and 'sđt đuôi 1234'",
     lambda code: f"hs {code.lower()} sđt đuôi 1234 sao rồi ad"),
    ("free text: intent without a code ('giờ làm việc')",
     lambda code: "cho mình hỏi giờ làm việc của một cửa"),
    ("free text: catalogue question (FTS5, busiest first)",
     lambda code: "làm giấy khai sinh cần gì"),
]
PEER = "Core.handle: code alone (citizen, status card, rate-limit write)"


def receipt_photo() -> bytes:
    """A 1280×960 JPEG photo of a demo-like receipt, tilted 4° as a hand-held shot."""
    import io
    from datetime import datetime as dt

    from PIL import Image

    from bot.demo.catalogue import ACTIVE
    from bot.demo.generate import Dossier
    from bot.demo.receipts import render

    d = Dossier(ACTIVE[0], dt(2026, 6, 30, 9, 5), dt(2026, 7, 1, 17, 0))
    d.code = "000.34.27.H31-260630-0007"
    image = Image.open(io.BytesIO(render(d, "Trung tâm Phục vụ hành chính công xã Kẻ Sắt",
                                          "qr-url"))).convert("RGB")
    image = image.rotate(4, fillcolor=(235, 235, 230))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def measure_receipts(rounds: int) -> list[tuple[str, list[float]]]:
    """Decode the receipt photo `rounds` times, alternating with its peer (open + grey)."""
    import io

    from PIL import Image

    from bot.core.receipt import read_texts

    photo = receipt_photo()
    assert any("260630-0007" in t for t in read_texts(photo, 10**8)), "receipt not read"
    decode, peer = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        Image.open(io.BytesIO(photo)).convert("L").load()
        peer.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        read_texts(photo, 10**8)
        decode.append((time.perf_counter() - t0) * 1000)
    return [("peer: open the 1280×960 JPEG and turn it grey (Pillow)", peer),
            ("receipt photo 1280×960: decode QR (bot.core.receipt.read_texts)", decode)]


def print_ratios(results: list[tuple[str, list[float]]], peer_label: str, title: str) -> None:
    """min / median / max of each case and the ratio of its median to the peer's median."""
    by = dict(results)
    peer = statistics.median(by[peer_label])
    print(f"\n{title} (peer: {peer_label}, median {peer:.3f} ms)\n")
    print("| case | min ms | median ms | max ms | p99 ms | median / peer |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, samples in results:
        med = statistics.median(samples)
        print(f"| {label} | {min(samples):.3f} | {med:.3f} | {max(samples):.3f} | "
              f"{stats(samples)[1]:.3f} | {med / peer:.2f} |")


def main() -> int:
    """Parse arguments, build the store if needed, measure, print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scale", type=float, default=1.0, help="× 2,000,000 dossiers (default 1)")
    ap.add_argument("--lookups", type=int, default=5000, help="timed calls per case")
    ap.add_argument("--db", type=Path, help="store path (reused when it exists)")
    ap.add_argument("--receipts", type=int, default=50, help="timed receipt decodings (0: none)")
    ap.add_argument("--lookups-only", action="store_true",
                    help="only the store and code lookups (no free text, no receipts)")
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
    results = asyncio.run(measure(path, sample, args.lookups, not args.lookups_only))
    print(f"Store: {total:,} dossiers in {UNITS} units ({built:.0f} s to build/open); "
          f"{args.lookups} timed calls per case; Python {sys.version.split()[0]}.\n")
    print("| case | p50 ms | p99 ms | mean ms |")
    print("|---|---:|---:|---:|")
    for label, samples in results:
        p50, p99, mean = stats(samples)
        print(f"| {label} | {p50:.3f} | {p99:.3f} | {mean:.3f} |")
    if not args.lookups_only:
        free = [(label, samples) for label, samples in results
                if label == PEER or label.startswith("free text")]
        print_ratios(free, PEER, "Free text")
    if args.receipts > 0 and not args.lookups_only:
        print_ratios(measure_receipts(args.receipts), "peer: open the 1280×960 JPEG and turn "
                     "it grey (Pillow)", f"Receipt photo, {args.receipts} rounds, one thread")
    if tmp is not None:
        tmp.cleanup()
    return 0


async def _migrate(path: Path) -> None:
    """Create the store's schema."""
    db = await Database.open(path)
    await db.close()


if __name__ == "__main__":
    sys.exit(main())
