"""The ceiling of an XLSX import on this machine: the same import with parsing a row made free.

Each timed import is the real one (python-calamine-plus streams the sheet, the formula scan runs
beside it, the importing process unpickles and writes every batch into a fresh store), except
that the parser process does no work per row: it replays the batches the real parser made of the
same file beforehand, each sent as its 2,000th row is read. The difference between the real
import and this one is what parsing, digesting and pickling the rows cost; what is left is the
reading and the writing, which no faster row parser can remove.
Usage: python bench/import_ceiling.py [--rows 200000] [--dir /tmp/motcua-bench] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import pickle
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
_spec = importlib.util.spec_from_file_location("bench_import", HERE.parent / "import.py")
assert _spec is not None and _spec.loader is not None
bench_import = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_import)

# Run first in the importing process: its parser process becomes `--replay FILE CACHE`.
SWAP_PARSER = f"""
import sys
import storage.imports.parallel as _ip
def _replayed(path, kind, tz_name, unit, db_path, limits, today):
    return _ip.helper_items([sys.executable, {str(HERE)!r}, "--replay", str(path), sys.argv[3]])
_ip.parse_in_helper = _replayed
"""


def record(path: Path, cache: Path) -> None:
    """Parse the file for real, as the importer would into a fresh store; keep each item pickled."""
    from bot.config import Settings
    from storage.imports.limits import ImportLimits
    from storage.imports.parallel import _parse

    unit = Settings(_env_file=None).unit
    items = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)
             for item in _parse(path, "dossiers", "Asia/Ho_Chi_Minh", unit, None, ImportLimits(),
                                    None)]
    items.append(pickle.dumps("end", protocol=pickle.HIGHEST_PROTOCOL))
    cache.write_bytes(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))


def replay(path: Path, cache: Path) -> None:
    """The stand-in parser process: read every row for real, send the recorded batches."""
    from storage.imports.parallel import send_pickled
    from storage.imports.parse import BATCH
    from storage.imports.read import is_blank, open_rows

    gc.disable()  # as the real parser process does
    items = iter(pickle.loads(cache.read_bytes()))
    out = sys.stdout.buffer
    raw = open_rows(path)
    next(raw.rows)  # the header row (the bench's sheets have it first)
    send_pickled(out, next(items))  # the header found
    rows = 0
    for _, values in raw.rows:
        if not is_blank(values):
            rows += 1
            if rows % BATCH == 0:
                send_pickled(out, next(items))
    for rest in items:  # the last, shorter batch and the end mark
        send_pickled(out, rest)
    out.flush()


def rate(results: list[dict]) -> str:
    """Median rows/s (range) of some runs."""
    rates = sorted(r["rows"] / r["seconds"] for r in results)
    return f"{statistics.median(rates):>7,.0f} ({rates[0]:,.0f}–{rates[-1]:,.0f})"


def main() -> None:
    """Record each XLSX once, then time the real and the parse-free import in turn."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--replay", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.record:
        record(*args.record)
        return
    if args.replay:
        replay(*args.replay)
        return
    from storage.imports.limits import ImportLimits

    PARALLEL_MIN_BYTES = ImportLimits().parallel_min_bytes

    cases = [c for c in bench_import.bench_files(args.rows, args.dir) if c[0] != "CSV"]
    if any(path.stat().st_size < PARALLEL_MIN_BYTES for _, path in cases):
        # Smaller files are parsed in the importing process: there is no parser process to swap.
        sys.exit(f"the XLSX files must be {PARALLEL_MIN_BYTES:,} bytes or more: use more --rows")
    real: dict[str, list[dict]] = {label: [] for label, _ in cases}
    ceiling: dict[str, list[dict]] = {label: [] for label, _ in cases}
    for _label, path in cases:
        cache = args.dir / f"{path.stem}.batches.pickle"
        if not cache.exists():
            subprocess.run([sys.executable, str(HERE), "--record", str(path), str(cache)],
                           check=True)
    for _ in range(args.repeat):
        for label, path in cases:
            cache = args.dir / f"{path.stem}.batches.pickle"
            db = args.dir / f"ceiling-{path.stem}.db"
            for runs, prelude in ((real, ""), (ceiling, SWAP_PARSER)):
                for p in db.parent.glob(db.name + "*"):
                    p.unlink()
                r = bench_import.run_child(path, db, prelude, str(cache))
                assert r["rejected"] == 0 and r["inserted"] == args.rows, r
                runs[label].append(r)
    print(f"{'XLSX, fresh store, rows/s: median (range)':44s} {'real import':>26s}"
          f" {'parsing free':>26s}")
    for label, _ in cases:
        print(f"{label:44s} {rate(real[label]):>26s} {rate(ceiling[label]):>26s}")


if __name__ == "__main__":
    main()
