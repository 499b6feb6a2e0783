"""Benchmark of the report figures on a city-scale store (114 units × 8 quarters ≈ 2 million
dossiers): SQLite (storage/stats.py) against pandas computing the same figures in memory.

    /work/venv/bin/python bench/stats.py [--scale 0.1] [--db PATH] [--repeat 5]

Builds the store with executemany in big batches (once; reused when --db exists), then times
one unit's quarter, all units' quarter and all units' year through bot.stats.compute_figures
(the per-day counters of storage/stats_counters.py), the row path it replaced
(storage.stats.unit_counts_rows, "before"), and pandas on the same rows already in memory, and
checks that all agree exactly. Also times a full rebuild of the counters and one unit's.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from bot.config import Settings
from bot.context import AppContext
from bot.stats.figures import COUNT_KEYS, figures_from_counts, sum_counts
from bot.stats.periods import Period, quarter, year_period
from bot.stats.render_json import figures_to_json
from bot.stats.service import bounds_for, compute_figures
from bot.workdays import WorkCalendar
from storage import stats as sql
from storage import stats_counters
from storage.db import Database
from tests.store_helpers import bulk_insert_sync

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
UNITS = 114
QUARTERS = [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2)]
PER_UNIT_QUARTER = 2200  # 114 × 8 × 2200 ≈ 2.0 million dossiers at scale 1
PROCS_PER_UNIT = 380
FMT = "%Y-%m-%dT%H:%M:%S"
STAMP = "2026-07-01T00:00:00"
BATCH = 200_000


def build_store(path: Path, scale: float, seed: int = 7) -> int:
    """Fill the (migrated) store; returns the number of dossiers."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    bulk_insert_sync(conn, "units", [(u, f"Trung tâm PVHCC số {u:03d}", STAMP)
                                     for u in range(1, UNITS + 1)])
    levels = ["mot_phan"] * 160 + ["toan_trinh"] * 219 + ["khong"] * (PROCS_PER_UNIT - 379)
    procs = [
        (u * 1000 + i, u, f"1.{i:05d}", f"Thủ tục {i}", f"thu tuc {i}", None, levels[i], 5,
         None, STAMP)
        for u in range(1, UNITS + 1) for i in range(PROCS_PER_UNIT)
    ]  # fmt: skip
    bulk_insert_sync(conn, "procedures", procs)
    now_text = NOW.strftime(FMT)
    per_q = max(1, int(PER_UNIT_QUARTER * scale))
    dossiers: list[tuple] = []
    events: list[tuple] = []
    did = eid = 0
    hot = list(range(40))  # most dossiers go to a few procedures, as in the report
    for unit in range(1, UNITS + 1):
        for year, q in QUARTERS:
            period = quarter(year, q)
            span = int((datetime.combine(period.end, datetime.min.time())
                        - datetime.combine(period.start, datetime.min.time())).total_seconds())
            base = datetime.combine(period.start, datetime.min.time())
            for _ in range(per_q):
                did += 1
                rec = base + timedelta(seconds=rng.randrange(span + 86399))
                due = (rec + timedelta(days=rng.randint(1, 20))).replace(hour=17, minute=0,
                                                                         second=0)
                r = rng.random()
                fin = rec + timedelta(days=rng.randint(0, 12) if r < 0.97 else
                                      rng.randint(10, 40), seconds=rng.randrange(3600))
                x = rng.random()
                status = ("returned" if x < 0.5 else "result" if x < 0.96 else "rejected"
                          if x < 0.97 else "stopped" if x < 0.98 else "withdrawn")
                finished = fin.strftime(FMT)
                if finished > now_text or rng.random() < 0.003:
                    finished = None
                    status = rng.choice(["processing", "processing", "supplement", "payment",
                                         "received"])
                rec_t = rec.strftime(FMT)
                status_at = finished or rec_t
                proc = rng.choice(hot) if rng.random() < 0.9 else rng.randrange(PROCS_PER_UNIT)
                code = f"1.{proc:05d}" if rng.random() > 0.01 else "9.99999"
                online = rng.random() < 0.97
                fee = 50000 if rng.random() < 0.6 else 0
                dossiers.append((
                    did, unit, f"H{unit:03d}.{did:08d}", code, None, "Nguyễn Văn A", "1234",
                    "5678", "truc_tuyen" if online else rng.choice(["truc_tiep", "buu_chinh"]),
                    rec_t, due.strftime(FMT), finished, None, status, status_at,
                    f"CB{rng.randint(1, 12):02d}", int(online and rng.random() < 0.9), 1,
                    int(finished is not None), int(rng.random() < 0.95),
                    int(rng.random() < 0.9), fee, int(fee > 0 and rng.random() < 0.98), None,
                    "h", STAMP,
                ))  # fmt: skip
                eid += 1
                events.append((eid, did, None, "received", rec_t, None, STAMP))
                if finished is not None:
                    eid += 1
                    events.append((eid, did, "received", status, finished, None, STAMP))
                elif status != "received":
                    eid += 1
                    mid = (rec + timedelta(days=1)).strftime(FMT)
                    events.append((eid, did, "received", status, min(mid, now_text), None, STAMP))
                if len(dossiers) >= BATCH:
                    bulk_insert_sync(conn, "dossiers", dossiers)
                    bulk_insert_sync(conn, "status_events", events)
                    dossiers.clear()
                    events.clear()
    bulk_insert_sync(conn, "dossiers", dossiers)
    bulk_insert_sync(conn, "status_events", events)
    conn.execute("COMMIT")
    conn.close()
    return did


async def _migrate(path: Path) -> None:
    """Create the schema."""
    db = await Database.open(path)
    await db.close()


def load_frames(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dossiers (joined with their procedure's level) and events as typed DataFrames."""
    conn = sqlite3.connect(path)
    d = pd.read_sql(
        "SELECT id, unit_id, procedure_code, channel, received_at, due_at, finished_at, status,"
        " status_at, fully_online, digitized_input, digitized_output, stored, reused, fee,"
        " paid_online FROM dossiers", conn)  # fmt: skip
    p = pd.read_sql("SELECT id AS pid, unit_id, code AS procedure_code, level FROM procedures",
                    conn)
    ev = pd.read_sql("SELECT id, dossier_id, new_status, status_at FROM status_events", conn)
    conn.close()
    d = d.merge(p, on=["unit_id", "procedure_code"], how="left")
    for col in ("received_at", "due_at", "finished_at", "status_at"):
        d[col] = pd.to_datetime(d[col], format=FMT)
    for col in ("channel", "status", "level"):
        d[col] = d[col].astype("category")
    ev["status_at"] = pd.to_datetime(ev["status_at"], format=FMT)
    ev = ev.sort_values(["dossier_id", "status_at", "id"]).reset_index(drop=True)
    d["proc_level"] = d["level"]
    return d, ev


def pandas_counts(
    d: pd.DataFrame, ev: pd.DataFrame, procs: pd.DataFrame, unit_ids: list[int],
    start: str, end: str, end_day: str,
) -> dict[str, int]:
    """figures.md with pandas on the in-memory rows (the same definitions as the SQL)."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    eday = pd.Timestamp(end_day)
    sel = d[d["unit_id"] == unit_ids[0]] if len(unit_ids) == 1 else d[d["unit_id"].isin(unit_ids)]
    rec, fin = sel["received_at"], sel["finished_at"]
    in_p_all = (rec >= s) & (rec <= e)
    carried = (rec < s) & (fin.isna() | (fin >= s))
    t = sel[in_p_all | carried]
    in_p = in_p_all[t.index]
    fin = t["finished_at"]
    res = fin.notna() & (fin >= s) & (fin <= e)
    status, channel, level = t["status"], t["channel"], t["level"]
    fday, dday = fin.dt.normalize(), t["due_at"].dt.normalize()
    ok = res & ~status.isin(["rejected", "stopped", "withdrawn"])
    pend = t[~res]
    pev = ev[(ev["status_at"] <= e) & ev["dossier_id"].isin(pend["id"])]
    last = pev.groupby("dossier_id", sort=False)["new_status"].last()
    st_end = pend["id"].map(last)
    fallback = pend["status"].astype(object).where(pend["status_at"] <= e)
    st_end = st_end.fillna(fallback)
    other = ~st_end.isin(["supplement", "payment"])
    pdday = pend["due_at"].dt.normalize()
    online = channel == "truc_tuyen"
    scope = in_p & (status != "rejected")
    c = {
        "received_total": in_p.sum(), "received_direct": (in_p & (channel == "truc_tiep")).sum(),
        "received_online": (in_p & online).sum(),
        "received_postal": (in_p & (channel == "buu_chinh")).sum(),
        "carried_over": (~in_p).sum(), "total": len(t), "resolved_total": res.sum(),
        "resolved_early": (ok & (fday < dday)).sum(),
        "resolved_on_time": (ok & (fday == dday)).sum(),
        "resolved_late": (ok & (fday > dday)).sum(),
        "resolved_rejected": (res & status.isin(["rejected", "stopped"])).sum(),
        "resolved_withdrawn": (res & (status == "withdrawn")).sum(),
        "pending_total": len(pend), "pending_supplement": (st_end == "supplement").sum(),
        "pending_payment": (st_end == "payment").sum(),
        "pending_on_track": (other & (pdday >= eday)).sum(),
        "pending_late": (other & (pdday < eday)).sum(),
        "in_scope": scope.sum(), "digitized_input": (scope & (t["digitized_input"] != 0)).sum(),
        "stored": (scope & (t["stored"] != 0)).sum(), "reused": (scope & (t["reused"] != 0)).sum(),
        "results": ok.sum(), "digitized_output": (ok & (t["digitized_output"] != 0)).sum(),
        "digitized_both": (ok & (t["digitized_input"] != 0) & (t["digitized_output"] != 0)).sum(),
        "fees_charged": (in_p & (t["fee"] > 0)).sum(),
        "fees_paid_online": (in_p & (t["fee"] > 0) & (t["paid_online"] != 0)).sum(),
    }  # fmt: skip
    for lv, name in (("khong", "none"), ("mot_phan", "partial"), ("toan_trinh", "full")):
        m = in_p & (level == lv)
        c[f"{name}_dossiers"] = m.sum()
        c[f"{name}_online"] = (m & online).sum()
        if name != "none":
            c[f"{name}_active"] = t.loc[m, "pid"].nunique()
    c["full_fully_online"] = (in_p & (level == "toan_trinh") & online
                              & (t["fully_online"] != 0)).sum()
    pc = procs[procs["unit_id"].isin(unit_ids)]["level"].value_counts()
    for lv, key in (("khong", "proc_none"), ("mot_phan", "proc_partial"),
                    ("toan_trinh", "proc_full")):
        c[key] = int(pc.get(lv, 0))
    return {k: int(c.get(k, 0)) for k in COUNT_KEYS}


def _times(fn, repeat: int) -> tuple[list[float], object]:
    """Each run's time in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


def _mmm(times: list[float]) -> str:
    """'min / median / max' of times in ms."""
    return f"{min(times):.1f} / {statistics.median(times):.1f} / {max(times):.1f}"


async def ensure_store(path: Path, scale: float) -> None:
    """Build the store at path unless it exists (then it is reused)."""
    if not path.exists():
        t0 = time.perf_counter()
        await _migrate(path)
        n = build_store(path, scale)
        print(f"built {path}: {n} dossiers in {time.perf_counter() - t0:.1f} s")


async def main(args: argparse.Namespace) -> int:
    """Build (or reuse) the store, time SQL and pandas, check both agree."""
    path = Path(args.db or f"/tmp/motcua-bench-stats-{args.scale:g}.db")
    await ensure_store(path, args.scale)
    conf = Settings(db_path=path, _env_file=None)  # type: ignore[call-arg]
    db = await Database.open(path)
    ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: NOW)
    async with db.reader.execute("SELECT COUNT(*) FROM dossiers") as cur:
        total = (await cur.fetchone())[0]
    print(f"store: {total} dossiers, {UNITS} units, {path.stat().st_size / 1e6:.0f} MB")
    t0 = time.perf_counter()
    d, ev = load_frames(path)
    procs = pd.read_sql("SELECT unit_id, level FROM procedures", sqlite3.connect(path))
    print(f"pandas: rows loaded into memory in {time.perf_counter() - t0:.1f} s (not timed below)")
    cases: list[tuple[str, Period, int | None]] = [
        ("one unit, Q1 2026", quarter(2026, 1), 57),
        ("all units, Q1 2026", quarter(2026, 1), None),
        ("all units, year 2025", year_period(2025), None),
        ("one unit, year 2025", year_period(2025), 57),
    ]
    loop = asyncio.get_running_loop()
    ok = True
    for label, dirty in (("every unit", "SELECT id FROM units"), ("one unit", "SELECT 57")):
        async with db.transaction() as conn:
            await conn.execute(f"INSERT OR IGNORE INTO stats_dirty (unit_id) {dirty}")
        t1 = time.perf_counter()
        await stats_counters.ensure_fresh(db)
        print(f"counters rebuilt for {label} in {(time.perf_counter() - t1) * 1000:.0f} ms")
    print(f"\n{'case':22} {'before: rows':>27} {'after: counters':>27} {'pandas':>27}"
          "  after÷pandas  agree   (min / median / max, ms)")
    for name, period, unit in cases:
        times = []
        fig = None
        for _ in range(args.repeat):
            t1 = time.perf_counter()
            fig = await compute_figures(ctx, period, unit)
            times.append((time.perf_counter() - t1) * 1000)
        bounds, as_of = bounds_for(period, NOW)
        units = [unit] if unit is not None else list(range(1, UNITS + 1))
        before = []
        for _ in range(args.repeat):
            t1 = time.perf_counter()
            rows = await sql.unit_counts_rows(db, units, bounds)
            before.append((time.perf_counter() - t1) * 1000)
        peer, counts = await loop.run_in_executor(None, lambda u=units, b=bounds: _times(
            lambda: pandas_counts(d, ev, procs, u, b.start, b.end, b.end_day), args.repeat))
        expected = figures_from_counts(period, sum_counts([counts]), unit, fig.unit_name, as_of)
        from_rows = figures_from_counts(period, sum_counts(list(rows.values())), unit,
                                        fig.unit_name, as_of)
        agree = (figures_to_json(fig) == figures_to_json(expected) == figures_to_json(from_rows)
                 and fig.base == expected.base == from_rows.base)
        ok &= agree
        ratio = statistics.median(times) / statistics.median(peer)
        print(f"{name:22} {_mmm(before):>27} {_mmm(times):>27} {_mmm(peer):>27}"
              f"  {ratio:11.2f}×  {'yes' if agree else 'NO'}")
        if not agree:
            print("  SQL   :", figures_to_json(fig))
            print("  pandas:", figures_to_json(expected))
    fig = await compute_figures(ctx, quarter(2026, 1), 57)
    print(f"\nunit 57, Q1 2026: received {fig.received.total}, total {fig.total}, "
          f"resolved {fig.resolved.total}, pending {fig.pending.total}")
    await db.close()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 2 million dossiers")
    parser.add_argument("--db", help="store path (built when absent, reused when present)")
    parser.add_argument("--repeat", type=int, default=5)
    sys.exit(asyncio.run(main(parser.parse_args())))
