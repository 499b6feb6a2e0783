"""The bench CSV of bench/import.py alone (no XLSX), for the benches that need only it."""

from __future__ import annotations

import csv
import importlib.util
from datetime import datetime
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def csv_file(n: int, out: Path) -> Path:
    """The CSV of n rows bench/import.py writes (made once, then reused): same rows, same name."""
    spec = importlib.util.spec_from_file_location("bench_import", _HERE / "import.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"ho-so-{n}.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(bench.HEADER)
            for r in bench.rows(n):
                w.writerow([v.strftime("%d/%m/%Y %H:%M:%S") if isinstance(v, datetime) else
                            ("" if v is None else v) for v in r])
    return path
