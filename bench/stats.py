"""Benchmark of the report figures on a city-scale store (114 units × 8 quarters ≈ 2 million
dossiers; 570 units ≈ 10 million) on SQLite or PostgreSQL against pandas computing the same
figures in memory from the same rows.

    python bench/stats.py [--engine sqlite|postgresql] [--scale 1] [--units 114] [--repeat 5]
                          [--db PATH | --pg-url URL] [--skip-rows] [--no-full-rebuild]

Builds the store once (SQLite: executemany in one transaction; PostgreSQL: COPY into a
bench_stats_* database, created when absent) and reuses it after, printing the build time;
then times one unit's quarter, all units' quarter and all units' year through
bot.stats.compute_figures (the per-day counters of storage/stats_counters.py), the row path
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
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg
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
from storage.pg.db import PgDatabase, masked
from storage.store import Store
from tests.store_helpers import TABLE_COLUMNS, bulk_insert_sync

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
UNITS = 114
QUARTERS = [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2)]
PER_UNIT_QUARTER = 2200  # 114 × 8 × 2200 ≈ 2.0 million dossiers at scale 1
PROCS_PER_UNIT = 380
FMT = "%Y-%m-%dT%H:%M:%S"
STAMP = "2026-07-01T00:00:00"
BATCH = 200_000
PG_BASE = "postgresql://motcua:motcua@127.0.0.1:5432"


def generate(scale: float, units: int = UNITS, seed: int = 7) -> Iterator[tuple[str, list]]:
    """The store's rows as (table, batch of rows in TABLE_COLUMNS order): the units, the
    catalogue, then dossiers and their status events (events carry unit_id last)."""
    rng = random.Random(seed)
    yield "units", [(u, f"Trung tâm PVHCC số {u:03d}", STAMP) for u in range(1, units + 1)]
    levels = ["mot_phan"] * 160 + ["toan_trinh"] * 219 + ["khong"] * (PROCS_PER_UNIT - 379)
    yield "procedures", [
        (u * 1000 + i, u, f"1.{i:05d}", f"Thủ tục {i}", f"thu tuc {i}", None, levels[i], 5,
         None, STAMP)
        for u in range(1, units + 1) for i in range(PROCS_PER_UNIT)
    ]  # fmt: skip
    now_text = NOW.strftime(FMT)
    per_q = max(1, int(PER_UNIT_QUARTER * scale))
    dossiers: list[tuple] = []
    events: list[tuple] = []
    did = eid = 0
    hot = list(range(40))  # most dossiers go to a few procedures, as in the report
    for unit in range(1, units + 1):
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
                events.append((eid, did, None, "received", rec_t, None, STAMP, unit))
                if finished is not None:
                    eid += 1
                    events.append((eid, did, "received", status, finished, None, STAMP, unit))
                elif status != "received":
                    eid += 1
                    mid = (rec + timedelta(days=1)).strftime(FMT)
                    events.append((eid, did, "received", status, min(mid, now_text), None, STAMP,
                                   unit))
                if len(dossiers) >= BATCH:
                    yield "dossiers", dossiers
                    yield "status_events", events
                    dossiers, events = [], []
    yield "dossiers", dossiers
    yield "status_events", events


def build_store(path: Path, scale: float, units: int = UNITS) -> int:
    """Fill the (migrated) SQLite store with executemany in one transaction; returns the
    number of dossiers."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    n = 0
    for table, rows in generate(scale, units):
        if table == "status_events":
            rows = [r[:-1] for r in rows]  # unit_id: SQLite's trigger fills it
        n += len(rows) if table == "dossiers" else 0
        bulk_insert_sync(conn, table, rows)
    conn.execute("COMMIT")
    conn.close()
    return n


async def build_pg(url: str, scale: float, units: int = UNITS) -> int:
    """Fill the (migrated) PostgreSQL store with COPY, the big tables' secondary indexes
    dropped during the load and made again after, triggers off (session_replication_role, as
    pg_restore does: every unit is then marked dirty by hand); returns the number of
    dossiers."""
    conn = await asyncpg.connect(url)
    n = 0
    try:
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            defs = [r[0] for r in await conn.fetch(
                "SELECT indexdef FROM pg_indexes WHERE tablename IN ('dossiers', 'status_events')"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)")]
            for d in defs:
                await conn.execute(f"DROP INDEX {d.split(' INDEX ', 1)[1].split(' ON ', 1)[0]}")
            for table, rows in generate(scale, units):
                cols = list(TABLE_COLUMNS[table]) + (["unit_id"] if table == "status_events"
                                                     else [])
                n += len(rows) if table == "dossiers" else 0
                await conn.copy_records_to_table(table, records=rows, columns=cols)
            for d in defs:
                await conn.execute(d)
            await conn.execute("INSERT INTO stats_dirty (unit_id) SELECT id FROM units"
                               " ON CONFLICT DO NOTHING")
            for table in ("units", "procedures", "dossiers", "status_events"):
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT MAX(id) FROM {table}))")
            await conn.execute("INSERT INTO store_meta (key, value) VALUES ('bench_stats', $1)",
                               f"{scale:g}/{units}")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return n


async def _migrate(path: Path) -> None:
    """Create the schema."""
    db = await Database.open(path)
    await db.close()


_D_SQL = (
    "SELECT id, unit_id, procedure_code, channel, received_at, due_at, finished_at, status,"
    " status_at, fully_online, digitized_input, digitized_output, stored, reused, fee,"
    " paid_online FROM dossiers")  # fmt: skip
_P_SQL = "SELECT id AS pid, unit_id, code AS procedure_code, level FROM procedures"
_EV_SQL = "SELECT id, dossier_id, new_status, status_at FROM status_events"
CHUNK = 500_000


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """A chunk of rows with its times as datetimes and its words as categories."""
    for col in ("received_at", "due_at", "finished_at", "status_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], format=FMT)
    for col in ("channel", "status", "new_status"):
        if col in frame:
            frame[col] = frame[col].astype("category")
    return frame


async def _pg_chunks(url: str, sql: str) -> list[pd.DataFrame]:
    """The rows of a PostgreSQL query as typed DataFrames of CHUNK rows (a server cursor)."""
    conn = await asyncpg.connect(url)
    out = []
    try:
        async with conn.transaction():
            cur = await conn.cursor(sql)
            while rows := await cur.fetch(CHUNK):
                out.append(_typed(pd.DataFrame.from_records(
                    [tuple(r) for r in rows], columns=list(rows[0].keys()))))
    finally:
        await conn.close()
    return out


def _concat(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks as one frame, categories united."""
    frame = pd.concat(parts, ignore_index=True)
    for col in ("channel", "status", "new_status"):
        if col in frame:
            frame[col] = frame[col].astype("category")
    return frame


async def load_frames(source: Path | str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The dossiers (joined with their procedure's level), events and catalogue as typed
    DataFrames, read in chunks from the SQLite file or the PostgreSQL URL."""
    if isinstance(source, Path):
        conn = sqlite3.connect(source)
        d = _concat([_typed(c) for c in pd.read_sql(_D_SQL, conn, chunksize=CHUNK)])
        ev = _concat([_typed(c) for c in pd.read_sql(_EV_SQL, conn, chunksize=CHUNK)])
        p = pd.read_sql(_P_SQL, conn)
        conn.close()
    else:
        d = _concat(await _pg_chunks(source, _D_SQL))
        ev = _concat(await _pg_chunks(source, _EV_SQL))
        p = _concat(await _pg_chunks(source, _P_SQL))
    p["unit_id"] = p["unit_id"].astype("int64")
    procs = p[["unit_id", "level"]]
    d = d.merge(p, on=["unit_id", "procedure_code"], how="left")
    d["level"] = d["level"].astype("category")
    ev = ev.sort_values(["dossier_id", "status_at", "id"]).reset_index(drop=True)
    d["proc_level"] = d["level"]
    return d, ev, procs


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


async def ensure_store(path: Path, scale: float, units: int) -> None:
    """Build the SQLite store at path unless it exists (then it is reused)."""
    if not path.exists():
        t0 = time.perf_counter()
        await _migrate(path)
        n = build_store(path, scale, units)
        print(f"built {path}: {n} dossiers in {time.perf_counter() - t0:.1f} s")


async def ensure_pg(url: str, scale: float, units: int) -> None:
    """Build the PostgreSQL store at url unless a finished build is there (then it is reused);
    the database is created when absent, emptied when a build was cut short."""
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    conn = await asyncpg.connect(url)
    try:
        built = await conn.fetchval("SELECT to_regclass('store_meta')") and await conn.fetchval(
            "SELECT value FROM store_meta WHERE key = 'bench_stats'")
        if built:
            return
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()
    t0 = time.perf_counter()
    await (await PgDatabase.open(url)).close()
    n = await build_pg(url, scale, units)
    print(f"built {masked(url)}: {n} dossiers in {time.perf_counter() - t0:.1f} s (COPY)")


async def open_bench_store(args: argparse.Namespace) -> tuple[Settings, Store, Path | str]:
    """Build (or reuse) the store the arguments name; its settings, the opened store and the
    source pandas reads the same rows from."""
    if args.engine == "postgresql":
        scale = f"{args.scale:g}".replace(".", "_")
        url = args.pg_url or f"{PG_BASE}/bench_stats_{args.units}u_{scale}"
        await ensure_pg(url, args.scale, args.units)
        conf = Settings(database_url=url, _env_file=None)  # type: ignore[call-arg]
        return conf, await PgDatabase.open(url), url
    suffix = "" if args.units == UNITS else f"-{args.units}u"
    path = Path(args.db or f"/tmp/motcua-bench-stats-{args.scale:g}{suffix}.db")
    await ensure_store(path, args.scale, args.units)
    conf = Settings(db_path=path, _env_file=None)  # type: ignore[call-arg]
    return conf, await Database.open(path), path


async def main(args: argparse.Namespace) -> int:
    """Build (or reuse) the store, time SQL and pandas, check both agree."""
    conf, db, source = await open_bench_store(args)
    ctx = AppContext(conf, db, WorkCalendar(), clock=lambda: NOW)
    async with db.reader.execute("SELECT COUNT(*) FROM dossiers") as cur:
        total = (await cur.fetchone())[0]
    size = (Path(source).stat().st_size if isinstance(source, Path) else
            (await db.reader.execute_fetchall("SELECT pg_database_size(current_database())"))[0][0])
    print(f"store ({db.engine}): {total} dossiers, {args.units} units, {size / 1e6:.0f} MB")
    t0 = time.perf_counter()
    d, ev, procs = await load_frames(source)
    print(f"pandas: rows loaded into memory in {time.perf_counter() - t0:.1f} s (not timed below)")
    one = 57 if args.units >= 57 else 1
    cases: list[tuple[str, Period, int | None]] = [
        ("one unit, Q1 2026", quarter(2026, 1), one),
        ("all units, Q1 2026", quarter(2026, 1), None),
        ("all units, year 2025", year_period(2025), None),
        ("one unit, year 2025", year_period(2025), one),
    ]
    loop = asyncio.get_running_loop()
    ok = True
    rebuilds = [("one unit", f"SELECT {one}")]
    if not args.no_full_rebuild:
        rebuilds.insert(0, ("every unit", "SELECT id FROM units"))
    for label, dirty in rebuilds:
        async with db.transaction() as conn:
            await conn.execute(f"INSERT INTO stats_dirty (unit_id) {dirty} ON CONFLICT DO NOTHING")
        t1 = time.perf_counter()
        n = await stats_counters.ensure_fresh(db)
        print(f"counters rebuilt for {label} ({n}) in {(time.perf_counter() - t1) * 1000:.0f} ms")
    print(f"\n{'case':22} {'before: rows':>27} {'after: counters':>27} {'pandas':>27}"
          "  after÷pandas  agree   (min / median / max, ms)")
    for name, period, unit in cases:
        times = []
        fig = None
        for _ in range(args.repeat):
            t1 = time.perf_counter()
            fig = await compute_figures(ctx, period, unit)
            times.append((time.perf_counter() - t1) * 1000)
        assert fig is not None
        bounds, as_of = bounds_for(period, NOW)
        units = [unit] if unit is not None else list(range(1, args.units + 1))
        before: list[float] = []
        from_rows = None
        for _ in range(0 if args.skip_rows else args.repeat):
            t1 = time.perf_counter()
            rows = await sql.unit_counts_rows(db, units, bounds)
            before.append((time.perf_counter() - t1) * 1000)
            from_rows = figures_from_counts(period, sum_counts(list(rows.values())), unit,
                                            fig.unit_name, as_of)
        peer, counts = await loop.run_in_executor(None, lambda u=units, b=bounds: _times(
            lambda: pandas_counts(d, ev, procs, u, b.start, b.end, b.end_day), args.repeat))
        expected = figures_from_counts(period, sum_counts([counts]), unit, fig.unit_name, as_of)
        agree = (figures_to_json(fig) == figures_to_json(expected) and fig.base == expected.base
                 and (from_rows is None or (figures_to_json(from_rows) == figures_to_json(fig)
                                            and from_rows.base == fig.base)))
        ok &= agree
        ratio = statistics.median(times) / statistics.median(peer)
        rows_text = _mmm(before) if before else "not run"
        print(f"{name:22} {rows_text:>27} {_mmm(times):>27} {_mmm(peer):>27}"
              f"  {ratio:11.2f}×  {'yes' if agree else 'NO'}")
        if not agree:
            print("  SQL   :", figures_to_json(fig))
            print("  pandas:", figures_to_json(expected))
    fig = await compute_figures(ctx, quarter(2026, 1), one)
    print(f"\nunit {one}, Q1 2026: received {fig.received.total}, total {fig.total}, "
          f"resolved {fig.resolved.total}, pending {fig.pending.total}")
    await db.close()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 ≈ 2 million dossiers")
    parser.add_argument("--db", help="store path (built when absent, reused when present)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--units", type=int, default=UNITS, help="570 × scale 1 ≈ 10 million")
    parser.add_argument("--pg-url", help="PostgreSQL store (default: a bench_stats_* database"
                        f" at {PG_BASE}, created and built when absent)")
    parser.add_argument("--skip-rows", action="store_true", help="do not time the row path")
    parser.add_argument("--no-full-rebuild", action="store_true",
                        help="do not rebuild every unit's counters (a reused store's are fresh)")
    sys.exit(asyncio.run(main(parser.parse_args())))
