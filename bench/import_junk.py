"""Peak memory of importing hostile files (issue 14): every process of the import, ≤ 300 MB.

Files (made once in --dir, then reused):
- junk.xlsx: a header, then 2,000,000 identical one-cell junk rows (about 280 KB zipped);
- junk.csv: a header, then 1,000,000 bad rows (about 12 MB);
- mixed.xlsx: --mixed-rows rows (default 200,000), good and bad alternating, inline strings;
- cap.csv: as many valid rows as the default row cap (500,000): the biggest file let through.
Each import runs as `motcua import dossiers FILE --quiet` into a fresh store, with the default
caps (the junk files are refused at the row cap, after 500,000 rows were read) or, for the
cases named with `+`, with the caps raised so every row of the file is read. Every
process of the import (the importing one, the parser, the formula scan) is sampled every 20 ms
from /proc; its VmHWM (the kernel's own high-water mark) at the last sample is its peak (growth
in the last 20 ms of a process's life would be missed).
Usage: python bench/import_junk.py [--dir /tmp/motcua-junk] [--mixed-rows 200000]
       [--cases junk.xlsx,junk.csv,mixed.xlsx]   (others: junk.xlsx+, junk.csv+, cap.csv)
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import time
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

HEADER = [
    "Mã hồ sơ", "Mã thủ tục", "Chủ hồ sơ", "Số điện thoại", "Hình thức nộp", "Ngày tiếp nhận",
    "Ngày hẹn trả", "Ngày kết thúc xử lý", "Trạng thái",
]
_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
        '"xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Hồ sơ" sheetId="1" r:id="rId1"'
        "/></sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cells(values: list[str]) -> bytes:
    """One sheet row of inline strings (no cell references: they are optional)."""
    inner = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{inner}</row>".encode()


def write_xlsx(path: Path, rows: object) -> None:
    """A workbook whose one sheet is the header then the given rows (an iterator of bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in _PARTS.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            f.write(_cells(HEADER))
            for block in rows:  # type: ignore[attr-defined]
                f.write(block)
            f.write(b"</sheetData></worksheet>")


def good_row(i: int, rng: random.Random) -> list[str]:
    """A valid dossier row (received in 2026, returned)."""
    received = datetime(2026, 1, 5, 7, 30) + timedelta(minutes=i % 400_000)
    return [
        f"000.34.27.H31-{i:09d}", f"1.{rng.randrange(1000, 1400):06d}",
        f"Nguyễn Văn {rng.choice('ABCDEGHKLMN')}", f"09{rng.randrange(10**8):08d}",
        rng.choice(("Trực tuyến", "Trực tiếp")), f"{received:%d/%m/%Y %H:%M:%S}",
        f"{received + timedelta(days=3):%d/%m/%Y %H:%M:%S}",
        f"{received + timedelta(hours=5):%d/%m/%Y %H:%M:%S}", "Đã trả kết quả",
    ]


def make_files(out: Path, mixed_rows: int, cap_rows: int, wanted: set[str]) -> dict[str, Path]:
    """The hostile files the cases want (made once, then reused)."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"junk.xlsx": out / "junk.xlsx", "junk.csv": out / "junk.csv",
             "mixed.xlsx": out / f"mixed-{mixed_rows}.xlsx", "cap.csv": out / f"cap-{cap_rows}.csv"}
    files = {k: v for k, v in files.items() if k in wanted}
    if "junk.xlsx" in files and not files["junk.xlsx"].exists():
        junk = _cells(["x"]) * 1000
        write_xlsx(files["junk.xlsx"], (junk for _ in range(2000)))
    if "junk.csv" in files and not files["junk.csv"].exists():
        with files["junk.csv"].open("w", encoding="utf-8", newline="") as f:
            f.write(",".join(HEADER) + "\n")
            f.write("rác,,,,,,,,\n" * 1_000_000)
    if "mixed.xlsx" in files and not files["mixed.xlsx"].exists():
        rng = random.Random(1)

        def mixed() -> object:
            for i in range(mixed_rows):
                cells = good_row(i, rng)
                if i % 2:
                    cells[8] = "Trạng thái lạ"
                yield _cells(cells)

        write_xlsx(files["mixed.xlsx"], mixed())
    if "cap.csv" in files and not files["cap.csv"].exists():
        rng = random.Random(2)
        with files["cap.csv"].open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for i in range(cap_rows):
                w.writerow(good_row(i, rng))
    return files


def _children(pid: int) -> list[int]:
    """The direct children of a process."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _sample(pid: int, seen: dict[int, tuple[str, float]]) -> None:
    """Record VmHWM (MB) of the process and its descendants, named by their command."""
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        hwm = next((ln for ln in status.splitlines() if ln.startswith("VmHWM")), None)
        if hwm is None:  # a zombie has no memory left to report
            continue
        name = ("parser" if "imports.parallel" in cmd else
                "formula scan" if "imports.formulas" in cmd else "importing")
        seen[p] = (name, int(hwm.split()[1]) / 1024)
        stack += _children(p)


def run_import(
    path: Path, store: Path, env: dict[str, str], src: Path | None = None
) -> tuple[str, float, dict]:
    """`motcua import dossiers FILE` into a fresh store: what it said, seconds, peaks."""
    for old in store.parent.glob(store.name + "*"):
        old.unlink()
    command = [sys.executable, "-c", "import sys; from bot.cli.main import main; sys.exit(main())",
               "import", "dossiers", str(path), "--quiet"]
    env = {**os.environ, "MOTCUA_DB_PATH": str(store), **env}
    if src is not None:  # another version of the code (the peer: e.g. before the fix)
        env["PYTHONPATH"] = str(src)
    seen: dict[int, tuple[str, float]] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, cwd=store.parent)
    while proc.poll() is None:
        _sample(proc.pid, seen)
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    output = proc.stdout.read() if proc.stdout else ""
    peaks: dict[str, float] = {}
    for name, mb in seen.values():
        peaks[name] = max(peaks.get(name, 0.0), mb)
    first = next((ln for ln in output.splitlines() if "Bị loại" in ln or "hơn" in ln),
                 output.strip().splitlines()[0] if output.strip() else "")
    return first.strip(), seconds, peaks


def main() -> None:
    """Make the files, import each, print peak RSS per process."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-junk"))
    parser.add_argument("--mixed-rows", type=int, default=200_000)
    parser.add_argument("--cap-rows", type=int, default=500_000)
    parser.add_argument("--cases", default="junk.xlsx,junk.csv,mixed.xlsx")
    parser.add_argument("--peer", type=Path, help="another source tree, run after each case "
                        "(e.g. `git archive 5000b39 | tar -x -C /tmp/old`: before the fix)")
    args = parser.parse_args()
    names = [c.strip() for c in args.cases.split(",") if c.strip()]
    t = time.perf_counter()
    files = make_files(args.dir, args.mixed_rows, args.cap_rows, {n.rstrip("+") for n in names})
    sizes = ", ".join(f"{k} {p.stat().st_size / 1e6:.2f} MB" for k, p in files.items())
    print(f"files: {sizes} (made in {time.perf_counter() - t:.0f} s)")
    raised = {"MOTCUA_IMPORT_MAX_ROWS": "3000000", "MOTCUA_IMPORT_MAX_SHEET_MB": "2000"}
    cases = [(n.rstrip("+"), raised if n.endswith("+") else {}) for n in names]
    worst = 0.0
    for name, env in cases:
        for label, src in (("this", None), ("peer", args.peer)):
            if label == "peer" and src is None:
                continue
            said, secs, peaks = run_import(files[name], args.dir / "bench.db", env, src)
            if label == "this":
                worst = max(worst, *peaks.values())
            caps = "caps raised" if env else "default caps"
            per = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(peaks.items()))
            print(f"{label} {name:11s} {caps:12s} {secs:6.1f} s  peak RSS: {per}\n"
                  f"    → {said[:150]}")
    print(f"worst peak of any process of this version: {worst:.0f} MB (goal ≤ 300 MB)")


if __name__ == "__main__":
    main()
