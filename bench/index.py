"""Benchmark of the leaders' index features (issue 17) on the city-scale store of bench/stats.py
(114 units × 8 quarters): one unit's /chiso, the ranking of all units, the 8-quarter trend of
all units — beside the peer pandas computing the report's counts of all units' quarter on the
same rows in memory (its load time not counted), in the same run.

    /work/venv/bin/python bench/index.py [--scale 0.25] [--db PATH] [--repeat 5]

Each case runs on a fresh context (no cached results): min / median / max in ms. "before: …"
is what the ranking read before the per-day counters (issue 17 "Speed"): every input of the
114 estimates from the rows (storage.stats.unit_counts_rows, the 2.1 late list, 3.5b, unpaid,
unsatisfied).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from bench.stats import NOW, UNITS, ensure_store, load_frames, pandas_counts
from bot.config import Settings
from bot.context import AppContext
from bot.stats.index_service import compute_index
from bot.stats.periods import month, quarter
from bot.stats.ranking import METRICS, rank_units
from bot.stats.service import bounds_for
from bot.stats.trend import trend
from bot.workdays import WorkCalendar
from storage import index766 as isql
from storage import stats as sql
from storage.db import Database


def _stats(times: list[float]) -> str:
    """'min / median / max' in ms."""
    return (f"{min(times):7.1f} / {statistics.median(times):7.1f} / {max(times):7.1f} ms")


async def main(args: argparse.Namespace) -> int:
    """Build (or reuse) the store and time each case."""
    path = Path(args.db or f"/tmp/motcua-bench-index-{args.scale:g}.db")
    await ensure_store(path, args.scale)
    conf = Settings(db_path=path, _env_file=None)  # type: ignore[call-arg]
    db = await Database.open(path)
    async with db.reader.execute("SELECT COUNT(*) FROM dossiers") as cur:
        total = (await cur.fetchone())[0]
    print(f"store: {total} dossiers, {UNITS} units")

    def fresh() -> AppContext:
        """A context with an empty cache and the bench's clock."""
        return AppContext(conf, db, WorkCalendar(), clock=lambda: NOW)

    metric = METRICS[0]
    q1, ids = quarter(2026, 1), list(range(1, UNITS + 1))
    q1_bounds, _ = bounds_for(q1, NOW)

    async def rows_before() -> None:
        """The ranking's inputs from the rows, as before the counters."""
        await sql.unit_counts_rows(db, ids, q1_bounds)
        await isql.late_dossiers(db, ids, q1_bounds, q1_bounds.end_day)
        await isql.fee_procedures_rows(db, ids, q1_bounds)
        await isql.unpaid_fees(db, ids, q1_bounds)
        await isql.unsatisfied(db, ids, q1_bounds)

    cases = [
        ("before: ranking's inputs by rows", rows_before),
        ("one unit's /chiso, June 2026", lambda: compute_index(fresh(), month(2026, 6), [57])),
        ("ranking of 114 units, Q1 2026",
         lambda: rank_units(fresh(), quarter(2026, 1), None, metric)),
        ("trend of all units, 8 quarters", lambda: trend(fresh(), metric, None)),
    ]
    results: dict[str, list[float]] = {}
    for name, make in cases:
        times = []
        for _ in range(args.repeat):
            t1 = time.perf_counter()
            await make()
            times.append((time.perf_counter() - t1) * 1000)
        results[name] = times
    d, ev = load_frames(path)
    procs = pd.read_sql("SELECT unit_id, level FROM procedures", sqlite3.connect(path))
    bounds, _ = bounds_for(quarter(2026, 1), NOW)
    units = list(range(1, UNITS + 1))
    peer = []
    for _ in range(args.repeat):
        t1 = time.perf_counter()
        pandas_counts(d, ev, procs, units, bounds.start, bounds.end, bounds.end_day)
        peer.append((time.perf_counter() - t1) * 1000)
    print(f"\n{'case':34} {'min / median / max':>32}  ratio to peer (median)")
    base = statistics.median(peer)
    print(f"{'peer: pandas, all units Q1 2026':34} {_stats(peer)}  1.0")
    for name, times in results.items():
        print(f"{name:34} {_stats(times)}  {statistics.median(times) / base:.1f}×")
    await db.close()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.25, help="1.0 ≈ 2 million dossiers")
    parser.add_argument("--db", help="store path (built when absent, reused when present)")
    parser.add_argument("--repeat", type=int, default=5)
    sys.exit(asyncio.run(main(parser.parse_args())))
