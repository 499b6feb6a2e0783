"""`motcua`'s argument parsing in Vietnamese, two code trees side by side.

Each run is a fresh process started in one tree (so it imports that tree's `bot`) that, N times,
builds the parser, formats `motcua --help` and parses `stats --quarter 1`, all inside
vietnamese_argparse(), and reports the CPU milliseconds of each time. The trees alternate
(A B B A …); prints min/median/max per tree and B/A of the medians.
Usage: python bench/cli_parse.py --a OLD_TREE --b NEW_TREE [--runs 4] [--times 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, os, sys, time
os.environ.setdefault("MOTCUA_UNIT", "Xã Bench")
from bot.cli.argparse_vi import vietnamese_argparse
from bot.cli.main import build_parser
assert os.path.samefile(os.path.dirname(sys.modules["bot"].__file__), "bot")
spent = []
for _ in range(int(sys.argv[1])):
    t = time.process_time()
    with vietnamese_argparse():
        parser = build_parser()
        text = parser.format_help()
        parser.parse_args(["stats", "--quarter", "1"])
    spent.append((time.process_time() - t) * 1000)
assert "Cách dùng: motcua" in text and "tùy chọn:" in text
print(json.dumps(spent))
"""


def run(tree: Path, times: int) -> list[float]:
    """The CPU milliseconds of each parse, in a fresh process working in tree."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(times)], cwd=tree, check=True,
                         capture_output=True, text=True)
    return list(json.loads(out.stdout))


def main() -> None:
    """Alternate the trees, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--a", type=Path, required=True, help="the reference tree (before)")
    parser.add_argument("--b", type=Path, required=True, help="the tree measured (after)")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--times", type=int, default=200)
    args = parser.parse_args()
    spent: dict[str, list[float]] = {"a": [], "b": []}
    order = ["a", "b", "b", "a"] * ((args.runs + 1) // 2)
    for who in order[: 2 * args.runs]:
        spent[who] += run(args.a if who == "a" else args.b, args.times)
    for who, tree in (("a", args.a), ("b", args.b)):
        v = sorted(spent[who])
        print(f"{who} {tree}: median {statistics.median(v):.2f} ms CPU "
              f"(min {v[0]:.2f}, max {v[-1]:.2f}, {len(v)} parses)")
    print(f"b/a (medians): {statistics.median(spent['b']) / statistics.median(spent['a']):.3f}")


if __name__ == "__main__":
    main()
