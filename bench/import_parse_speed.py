"""Parsing speed of this version against a peer source tree, on the same CSV, in the same run.

The parser alone (`parse_file`: read, check, digest; no store), each run in a fresh process,
this version and the peer alternating; prints rows per CPU second (the process's own CPU time,
steadier than wall time on a shared machine) min/median/max of each, and their ratio.
Usage: python bench/import_parse_speed.py --peer /tmp/old [--rows 100000] [--repeat 3]
(make the peer with e.g. `git archive 5000b39 | tar -x -C /tmp/old`)
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("import_junk", HERE / "import_junk.py")
assert _spec is not None and _spec.loader is not None
junk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(junk)

CHILD = """
import inspect, json, sys, time
from pathlib import Path
from storage.imports.parse import parse_file
new = "today" in inspect.signature(parse_file).parameters
kwargs = {"today": "2026-12-01T09:00:00"} if new else {}
t, cpu = time.perf_counter(), time.process_time()
rows = bad = 0
for item in parse_file(Path(sys.argv[1]), "dossiers", "Asia/Ho_Chi_Minh", "Đơn vị", **kwargs):
    rows += getattr(item, "rows_read", 0)
    bad += len(getattr(item, "rejects", []))
print(json.dumps({"rows": rows, "bad": bad, "seconds": time.perf_counter() - t,
                  "cpu": time.process_time() - cpu}))
"""


def make_csv(path: Path, n: int) -> Path:
    """n valid dossier rows (made once)."""
    if not path.exists():
        rng = random.Random(3)
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(junk.HEADER)
            for i in range(n):
                w.writerow(junk.good_row(i, rng))
    return path


def run(path: Path, src: Path | None) -> dict:
    """parse_file of the file in a fresh process, with this tree or the peer's."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    """Alternate this version and the peer; print rows/s and the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-junk"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    path = make_csv(args.dir / f"valid-{args.rows}.csv", args.rows)
    rates: dict[str, list[float]] = {"this": [], "peer": []}
    for _ in range(args.repeat):
        for label, src in (("this", None), ("peer", args.peer)):
            r = run(path, src)
            assert r["rows"] == args.rows and r["bad"] == 0, r
            rates[label].append(r["rows"] / r["cpu"])
    for label, got in rates.items():
        print(f"{label}: {statistics.median(got):,.0f} rows per CPU second, median "
              f"(min {min(got):,.0f}, max {max(got):,.0f}, {len(got)} runs)")
    ratio = statistics.median(rates["this"]) / statistics.median(rates["peer"])
    print(f"ratio this/peer (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
