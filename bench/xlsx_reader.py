"""Benchmark the XLSX readers side by side: python-calamine-plus (streamed rows, what the importer
uses) against python-calamine (the whole sheet loaded first), each run in a fresh process.

Reads every row of bench/import.py's 200,000-row XLSX files (inline strings, and shared strings as
Excel saves them), touching each cell; prints rows/s (median, min–max) and peak RSS of each.
Usage: python bench/xlsx_reader.py [--rows 200000] [--dir /tmp/motcua-bench] [--repeat 3]
(python-calamine is in the bench extra: pip install -e ".[bench]").
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
READERS = ("python-calamine-plus", "python-calamine")


def read_all(reader: str, path: Path) -> dict:
    """Read every row with one reader, in this process: rows, seconds, peak RSS."""
    import time

    t = time.perf_counter()
    rows: Iterable[list[Any]]
    if reader == "python-calamine-plus":
        import python_calamine_plus

        rows = python_calamine_plus.CalamineWorkbook.from_path(str(path)).stream_sheet_by_index(0)
    else:
        import python_calamine

        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
    count = cells = 0
    for values in rows:
        count += 1
        cells += sum(1 for v in values if v != "")
    secs = time.perf_counter() - t
    status = Path("/proc/self/status").read_text()
    rss = int(next(ln for ln in status.splitlines() if ln.startswith("VmHWM")).split()[1]) / 1024
    return {"rows": count, "cells": cells, "seconds": secs, "peak_rss_mb": rss}


def main() -> None:
    """Alternate the readers over each file, --repeat times; print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(read_all(args.child[0], Path(args.child[1]))))
        return
    # bench/import.py makes (or finds) the files; loaded only here, the children stay bare.
    spec = importlib.util.spec_from_file_location("bench_import", HERE.parent / "import.py")
    assert spec is not None and spec.loader is not None
    bench_import = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_import)
    cases = [c for c in bench_import.bench_files(args.rows, args.dir) if c[0] != "CSV"]
    results: dict[tuple[str, str], list[dict]] = {}
    for _ in range(args.repeat):
        for label, path in cases:
            for reader in READERS:
                out = subprocess.run([sys.executable, str(HERE), "--child", reader, str(path)],
                                     check=True, capture_output=True, text=True)
                results.setdefault((label, reader), []).append(json.loads(out.stdout))
    for label, _ in cases:
        base = statistics.median(r["rows"] / r["seconds"] for r in results[(label, READERS[0])])
        for reader in READERS:
            runs = results[(label, reader)]
            rates = sorted(r["rows"] / r["seconds"] for r in runs)
            assert len({(r["rows"], r["cells"]) for r in runs}) == 1, runs
            print(f"{label:30s} {reader:20s} {statistics.median(rates):>8,.0f} rows/s "
                  f"({rates[0]:,.0f}–{rates[-1]:,.0f}, {len(rates)} runs, "
                  f"{statistics.median(rates) / base:.2f}× plus)  peak RSS "
                  f"{max(r['peak_rss_mb'] for r in runs):.0f} MB  ({runs[0]['rows']} rows, "
                  f"{runs[0]['cells']} cells)")


if __name__ == "__main__":
    main()
