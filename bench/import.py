"""Benchmark the importer: 200,000 dossier rows from CSV and from XLSX, fresh store each time.

Prints rows/s and peak RSS of each import (each runs in its own process), and the re-import of
the unchanged CSV. Usage: python bench/import.py [--rows 200000] [--dir /tmp/motcua-bench]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "STT", "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục", "Chủ hồ sơ", "Số điện thoại", "Số giấy tờ",
    "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái",
    "Cán bộ xử lý", "Toàn trình", "Số hóa đầu vào", "Số hóa đầu ra", "Lưu kho", "Tái sử dụng",
    "Phí, lệ phí", "Thanh toán trực tuyến",
]
STATUSES = ["Đã trả kết quả"] * 90 + ["Đang xử lý"] * 6 + ["Yêu cầu bổ sung"] * 2 + ["Rút hồ sơ"]


def rows(n: int, seed: int = 1):  # type: ignore[no-untyped-def]
    """n synthetic dossier rows (typed values: datetimes stay datetimes)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 5, 7, 30)
    for i in range(n):
        received = start + timedelta(minutes=i * 3)
        status = rng.choice(STATUSES)
        final = status in ("Đã trả kết quả", "Rút hồ sơ")
        yield [
            i + 1, f"000.34.27.H31-{received:%y%m%d}-{i % 10000:04d}{i // 10000:02d}"[:25],
            f"1.{rng.randrange(1000, 1400):06d}", "Chứng thực bản sao từ bản chính",
            f"Nguyễn Văn {rng.choice('ABCDEGHKLMNPQSTUVXY')}", f"09{rng.randrange(10**8):08d}",
            f"0302{rng.randrange(10**8):08d}", rng.choice(("Trực tuyến", "Trực tiếp")),
            received, received + timedelta(days=3),
            received + timedelta(hours=5) if final else None,
            status, f"CB{rng.randrange(1, 13):02d}", "x", "x", "x", "x", "",
            rng.choice((0, 10000, 50000)), "x",
        ]


def write_files(n: int, out: Path) -> tuple[Path, Path]:
    """Write the CSV and the XLSX of n rows (cached by row count)."""
    out.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = out / f"ho-so-{n}.csv", out / f"ho-so-{n}.xlsx"
    if not csv_path.exists():
        with csv_path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for r in rows(n):
                w.writerow([v.strftime("%d/%m/%Y %H:%M:%S") if isinstance(v, datetime) else
                            ("" if v is None else v) for v in r])
    if not xlsx_path.exists():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Hồ sơ")
        sheet.append(HEADER)
        for r in rows(n):
            sheet.append(r)
        book.save(xlsx_path)
    return csv_path, xlsx_path


CHILD = """
import asyncio, json, resource, sys, time
from pathlib import Path
from bot.config import Settings
from bot.context import AppContext
from storage.importer import import_dossiers
async def go():
    ctx = await AppContext.open(Settings(db_path=Path(sys.argv[2]), _env_file=None))
    t = time.perf_counter()
    s = await import_dossiers(ctx, Path(sys.argv[1]))
    secs = time.perf_counter() - t
    await ctx.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rows": s.rows_read, "inserted": s.inserted, "unchanged": s.unchanged,
                      "rejected": s.rejected, "seconds": secs, "peak_rss_mb": rss,
                      "helper_rss_mb": helper}))
asyncio.run(go())
"""


def run_child(path: Path, db: Path) -> dict:
    """Import path into db in a fresh process; returns its figures."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(db)], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    """Generate, import, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-bench"))
    args = parser.parse_args()
    t = time.perf_counter()
    csv_path, xlsx_path = write_files(args.rows, args.dir)
    print(f"data: {args.rows} rows; CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX "
          f"{xlsx_path.stat().st_size / 1e6:.1f} MB (generated in {time.perf_counter() - t:.0f} s)")
    for label, path, fresh in (("CSV", csv_path, True), ("XLSX", xlsx_path, True),
                               ("CSV re-import (unchanged)", csv_path, False)):
        db = args.dir / ("bench-csv.db" if label.startswith("CSV") else "bench-xlsx.db")
        if fresh:
            for p in db.parent.glob(db.name + "*"):
                p.unlink()
        r = run_child(path, db)
        assert r["rejected"] == 0, r
        print(f"{label:28s} {r['rows'] / r['seconds']:>9,.0f} rows/s  {r['seconds']:6.2f} s  "
              f"peak RSS {r['peak_rss_mb']:.0f} MB + parser {r['helper_rss_mb']:.0f} MB  "
              f"(inserted {r['inserted']}, unchanged "
              f"{r['unchanged']})")



if __name__ == "__main__":
    main()
