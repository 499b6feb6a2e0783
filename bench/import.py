"""Benchmark the importer: 200,000 dossier rows from CSV and from XLSX, fresh store each time.

Two XLSX files hold the same rows: one as openpyxl (and most server-side exporters) write it,
every string inline in the sheet; one as Excel saves it, strings in the shared-strings part.
Prints rows/s and peak RSS of each import (each runs in its own process), then the re-import of
each unchanged file; with --repeat N, every case N times and the median and range. With
--before DIR (a checkout of older code, e.g. a `git worktree` of main), every case runs with
that code and with this one in turn, and the ratio of their median rates and CPU times is shown.
Usage: python bench/import.py [--rows 200000] [--dir /tmp/motcua-bench] [--repeat 1]
       [--before DIR]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import re
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]  # the child processes import from the repo root

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
try:
    from tests.import_helpers import import_dossiers
except ImportError:  # code from before issue 15 (--before)
    from storage.imports.pipeline import import_dossiers
def cpu(who):
    use = resource.getrusage(who)
    return use.ru_utime + use.ru_stime
async def go():
    ctx = await AppContext.open(Settings(db_path=Path(sys.argv[2]), _env_file=None))
    t, c = time.perf_counter(), cpu(resource.RUSAGE_SELF)
    s = await import_dossiers(ctx, Path(sys.argv[1]))
    secs, cpu_secs = time.perf_counter() - t, cpu(resource.RUSAGE_SELF) - c
    await ctx.close()
    # VmHWM, not ru_maxrss: after fork+exec Linux carries the parent's peak into ru_maxrss.
    status = Path("/proc/self/status").read_text()
    rss = int(next(l for l in status.splitlines() if l.startswith("VmHWM")).split()[1]) / 1024
    helper = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"rows": s.rows_read, "inserted": s.inserted, "unchanged": s.unchanged,
                      "rejected": s.rejected, "seconds": secs, "peak_rss_mb": rss,
                      "helper_rss_mb": helper, "cpu_seconds": cpu_secs,
                      "helper_cpu_seconds": cpu(resource.RUSAGE_CHILDREN)}))
asyncio.run(go())
"""


def run_child(path: Path, db: Path, prelude: str = "", *extra: str, code: Path = ROOT) -> dict:
    """Import path into db in a fresh process; returns its figures.

    prelude: code run first in that process (bench/import_ceiling.py swaps the parser there);
    extra: more arguments for it, after the file and the store; code: the checkout it imports.
    """
    out = subprocess.run([sys.executable, "-c", prelude + CHILD, str(path), str(db), *extra],
                         check=True, capture_output=True, text=True, cwd=code)
    return json.loads(out.stdout)


_INLINE = re.compile(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>([^<]*)</t></is></c>')
_SST_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_SST_REL = (
    '<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)


def excel_style(src: Path, out: Path) -> Path:
    """The same workbook with its strings moved to a shared-strings part, as Excel saves it."""
    if out.exists():
        return out
    strings: dict[str, int] = {}

    def shared(m: re.Match[str]) -> str:
        """One inline string cell as a shared-string reference."""
        index = strings.setdefault(m[2], len(strings))
        return f'<c r="{m[1]}" t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename).decode("utf-8")
            if info.filename.startswith("xl/worksheets/"):
                data = _INLINE.sub(shared, data).replace(' t="n">', ">")
            elif info.filename == "[Content_Types].xml":
                data = data.replace("</Types>", _SST_TYPE)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", _SST_REL)
            zout.writestr(info.filename, data)
        items = "".join(f"<si><t>{html.escape(html.unescape(t), quote=False)}</t></si>"
                        for t in strings)
        zout.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
            f'schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{len(strings)}">'
            f"{items}</sst>",
        )
    return out


def line(label: str, results: list[dict]) -> str:
    """One case: median rows/s (min–max), CPU seconds, peak RSS, what the import did."""
    rates = sorted(r["rows"] / r["seconds"] for r in results)
    r = results[0]
    spread = f" ({rates[0]:,.0f}–{rates[-1]:,.0f}, {len(rates)} runs)" if len(rates) > 1 else ""
    cpu = statistics.median(x.get("cpu_seconds", 0) + x.get("helper_cpu_seconds", 0)
                            for x in results)
    rss = max(x["peak_rss_mb"] for x in results)
    helper = max(x["helper_rss_mb"] for x in results)
    return (f"{label:46s} {statistics.median(rates):>9,.0f} rows/s{spread}  CPU {cpu:.1f} s  "
            f"peak RSS {rss:.0f} MB"
            f" + parser {helper:.0f} MB  (inserted {r['inserted']}, unchanged {r['unchanged']})")


def bench_files(n: int, out: Path) -> list[tuple[str, Path]]:
    """The three files of n rows (made once, then cached): CSV, XLSX inline, XLSX Excel-style."""
    t = time.perf_counter()
    csv_path, xlsx_path = write_files(n, out)
    excel_path = out / f"ho-so-{n}-excel.xlsx"
    if not excel_path.exists():  # in a process of its own: this one's peak would pass to children
        subprocess.run([sys.executable, __file__, "--excel-style", str(xlsx_path), str(excel_path)],
                       check=True)
    print(f"data: {n} rows; CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX "
          f"{xlsx_path.stat().st_size / 1e6:.1f} MB (inline strings), "
          f"{excel_path.stat().st_size / 1e6:.1f} MB (shared strings) "
          f"(generated in {time.perf_counter() - t:.0f} s)")
    return [("CSV", csv_path), ("XLSX, inline strings", xlsx_path),
            ("XLSX, shared strings (Excel)", excel_path)]


def main() -> None:
    """Generate, import, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-bench"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--before", type=Path, help="older code to run beside this one")
    parser.add_argument("--excel-style", nargs=2, type=Path, metavar=("SRC", "OUT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.excel_style:
        excel_style(*args.excel_style)
        return
    cases = bench_files(args.rows, args.dir)
    codes = [("before", args.before.resolve()), ("after", ROOT)] if args.before else [("", ROOT)]
    fresh: dict[tuple[str, str], list[dict]] = {}
    again: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.repeat):
        for label, path in cases:
            for name, code in codes:
                db = args.dir / f"bench-{path.stem}.db"
                for p in db.parent.glob(db.name + "*"):
                    p.unlink()
                r = run_child(path, db, code=code)
                assert r["rejected"] == 0 and r["inserted"] == args.rows, r
                fresh.setdefault((label, name), []).append(r)
                r = run_child(path, db, code=code)
                assert r["unchanged"] == args.rows, r
                again.setdefault((label, name), []).append(r)
    for runs, what in ((fresh, ", fresh store"), (again, ", again unchanged")):
        for label, _ in cases:
            for name, _code in codes:
                print(line(f"{label}{what}" + (f" [{name}]" if name else ""), runs[label, name]))
            if args.before:
                print(ratio(runs[label, "before"], runs[label, "after"]))


def ratio(before: list[dict], after: list[dict]) -> str:
    """After / before: median rates, and median CPU seconds (importing + parser processes)."""
    def rate(runs: list[dict]) -> float:
        """The median rows/s."""
        return statistics.median(r["rows"] / r["seconds"] for r in runs)

    def cpu(runs: list[dict]) -> float:
        """The median CPU seconds of the import, all its processes."""
        return statistics.median(r["cpu_seconds"] + r["helper_cpu_seconds"] for r in runs)

    return (f"{'':46s} after/before: rows/s {rate(after) / rate(before):.2f}, CPU seconds "
            f"{cpu(after):.1f} / {cpu(before):.1f} = {cpu(after) / cpu(before):.2f}")


if __name__ == "__main__":
    main()
