"""Parse-only speed of two code trees side by side: the same file, parsed by each tree in turn.

Each run is a fresh process started in one tree (so it imports that tree's `storage`) that
parses the whole file with storage.imports.parse.parse_file (no store, no helper process) and
reports its CPU seconds, which a machine shared with other work disturbs less than wall time.
The trees alternate (A B B A A B …); prints rows/s of CPU min/median/max per tree and B/A.
Usage: python bench/parse_peer.py FILE --a OLD_TREE --b NEW_TREE [--runs 5]
(make FILE with bench/import.py, e.g. /tmp/motcua-bench/ho-so-40000.xlsx)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
from storage.imports.parse import Chunk, parse_file
t = time.process_time()
rows = rejected = 0
for item in parse_file(Path(sys.argv[1]), "dossiers", "Asia/Ho_Chi_Minh", "Xã Bench"):
    if isinstance(item, Chunk):
        rows += item.rows_read
        rejected += len(item.rejects)
print(json.dumps({"rows": rows, "rejected": rejected, "cpu": time.process_time() - t}))
"""


def run(tree: Path, path: Path) -> dict:
    """Parse path in a fresh process whose working folder (first on sys.path) is tree."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], cwd=tree, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> None:
    """Alternate the trees, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--a", type=Path, required=True, help="the reference tree (before)")
    parser.add_argument("--b", type=Path, required=True, help="the tree measured (after)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rates: dict[str, list[float]] = {"a": [], "b": []}
    order = ["a", "b", "b", "a"] * ((args.runs + 1) // 2)
    for who in order[: 2 * args.runs]:
        r = run(args.a if who == "a" else args.b, args.file.resolve())
        assert r["rejected"] == 0, r
        rates[who].append(r["rows"] / r["cpu"])
    for who, tree in (("a", args.a), ("b", args.b)):
        v = sorted(rates[who])
        print(f"{who} {tree}: {statistics.median(v):,.0f} rows/s CPU "
              f"(min {v[0]:,.0f}, max {v[-1]:,.0f}, {len(v)} runs)")
    print(f"b/a (medians): {statistics.median(rates['b']) / statistics.median(rates['a']):.3f}")


if __name__ == "__main__":
    main()
