"""Benchmark imports into PostgreSQL (issue 16): the 200,000-row CSV of bench/import.py into a
fresh PostgreSQL store, beside the same import into a fresh SQLite store and, as the peer, a
plain `psql \\copy` of the same CSV into a bare table of text columns, in one run.

Each import runs in a process of its own (as `motcua import` would); the PostgreSQL store is a
database of its own, emptied (schema dropped, migrations applied again) before each fresh import.
A second peer shows the schema's own ceiling: `psql \\copy` of the rows the import stored
(exported as CSV) straight into the dossiers table of an empty store, with its indexes, foreign
key and triggers (no status events, no comparison). Prints min/median/max rows/s of each case,
the re-import of the unchanged file, and the ratios.
Usage: python bench/import_pg.py [--rows 200000] [--dir /tmp/motcua-bench] [--repeat 3]
       [--url postgresql://motcua:motcua@127.0.0.1:5432/bench_imports]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.import_files import csv_file  # noqa: E402

URL = "postgresql://motcua:motcua@127.0.0.1:5432/bench_imports"
CHILD = """
import asyncio, json, sys, time
from pathlib import Path
from bot.config import Settings
from bot.context import AppContext
from tests.import_helpers import import_dossiers
async def go():
    store = sys.argv[2]
    pg = store.startswith("postgresql://")
    settings = Settings(db_path=Path("/nonexistent/motcua.db") if pg else Path(store),
                        database_url=store if pg else None, unit="Xã Bench", _env_file=None)
    ctx = await AppContext.open(settings)
    t = time.perf_counter()
    s = await import_dossiers(ctx, Path(sys.argv[1]))
    secs = time.perf_counter() - t
    await ctx.close()
    print(json.dumps({"rows": s.rows_read, "inserted": s.inserted, "unchanged": s.unchanged,
                      "rejected": s.rejected, "status_changes": s.status_changes,
                      "seconds": secs}))
asyncio.run(go())
"""


def run_child(path: Path, store: str) -> dict:
    """Import path into the store (a SQLite file or a PostgreSQL URL) in a fresh process."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), store], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


async def empty_database(url: str) -> None:
    """Drop the bench database's schema: the next store opened migrates from nothing."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


def psql_env(url: str) -> dict[str, str]:
    """psql's connection settings from the URL (the password through PGPASSWORD)."""
    parts = urlsplit(url)
    return {**os.environ, "PGHOST": parts.hostname or "127.0.0.1",
            "PGPORT": str(parts.port or 5432), "PGUSER": parts.username or "",
            "PGPASSWORD": parts.password or "", "PGDATABASE": parts.path.lstrip("/")}


def psql_copy(path: Path, url: str, columns: int) -> float:
    """Seconds of `psql \\copy` of the CSV into a fresh bare table of text columns."""
    env = psql_env(url)
    cols = ", ".join(f"c{i} TEXT" for i in range(columns))
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c", "DROP TABLE IF EXISTS bare",
                    "-c", f"CREATE TABLE bare ({cols})"], check=True, env=env)
    t = time.perf_counter()
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    f"\\copy bare FROM '{path}' WITH (FORMAT csv, HEADER true)"],
                   check=True, env=env)
    seconds = time.perf_counter() - t
    subprocess.run(["psql", "-q", "-c", "DROP TABLE bare"], check=True, env=env)
    return seconds


_STORED = ("unit_id, code, procedure_code, procedure_name, applicant, phone_last4, id_last4,"
           " channel, received_at, due_at, finished_at, returned_at, status, status_at, officer,"
           " fully_online, digitized_input, digitized_output, stored, reused, fee, paid_online,"
           " supplement_note, row_hash, raw_digest, updated_at")


async def migrated_empty(url: str) -> None:
    """An empty, migrated store in the bench database."""
    from storage.pg.db import PgDatabase

    await empty_database(url)
    await (await PgDatabase.open(url)).close()


def psql_copy_into_dossiers(url: str, rows_file: Path) -> float:
    """Seconds of `psql \\copy` of the parsed rows (exported after an import) straight into the
    dossiers table of an empty store: the schema's own ceiling (its indexes, foreign key and
    triggers), with no status event and no comparison."""
    env = psql_env(url)
    asyncio.run(migrated_empty(url))
    subprocess.run(["psql", "-q", "-c", "INSERT INTO units (id, name, created_at)"
                    " VALUES (1, 'Xã Bench', '2026')"], check=True, env=env)
    t = time.perf_counter()
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    f"\\copy dossiers ({_STORED}) FROM '{rows_file}' WITH (FORMAT csv)"],
                   check=True, env=env)
    return time.perf_counter() - t


def export_rows(url: str, rows_file: Path) -> None:
    """The stored dossiers' columns as CSV (for psql_copy_into_dossiers)."""
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                    f"\\copy (SELECT {_STORED} FROM dossiers ORDER BY id) TO '{rows_file}'"
                    " WITH (FORMAT csv)"], check=True, env=psql_env(url))


def spread(rates: list[float]) -> str:
    """min / median / max rows/s."""
    return (f"{min(rates):>9,.0f} / {statistics.median(rates):>9,.0f} / "
            f"{max(rates):>9,.0f} rows/s")


def main() -> None:
    """Generate (once), import into each engine and copy with psql, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/motcua-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", default=URL)
    args = parser.parse_args()
    path = csv_file(args.rows, args.dir)
    print(f"data: {args.rows} rows, CSV {path.stat().st_size / 1e6:.1f} MB; "
          f"{args.repeat} runs of each case, interleaved")
    cases = ("PostgreSQL import, fresh store", "PostgreSQL import, again unchanged",
             "SQLite import, fresh store", "SQLite import, again unchanged",
             "psql \\copy into a bare table (peer)",
             "psql \\copy of parsed rows into dossiers")
    rates: dict[str, list[float]] = {c: [] for c in cases}
    for _ in range(args.repeat):
        asyncio.run(empty_database(args.url))
        r = run_child(path, args.url)
        assert (r["inserted"], r["rejected"]) == (args.rows, 0), r
        rates[cases[0]].append(r["rows"] / r["seconds"])
        r = run_child(path, args.url)
        assert (r["unchanged"], r["status_changes"]) == (args.rows, 0), r
        rates[cases[1]].append(r["rows"] / r["seconds"])
        rows_file = args.dir / "dossiers-rows.csv"
        export_rows(args.url, rows_file)
        rates[cases[5]].append(args.rows / psql_copy_into_dossiers(args.url, rows_file))
        db = args.dir / "bench-import-pg.db"
        for p in db.parent.glob(db.name + "*"):
            p.unlink()
        r = run_child(path, str(db))
        assert (r["inserted"], r["rejected"]) == (args.rows, 0), r
        rates[cases[2]].append(r["rows"] / r["seconds"])
        r = run_child(path, str(db))
        assert r["unchanged"] == args.rows, r
        rates[cases[3]].append(r["rows"] / r["seconds"])
        rates[cases[4]].append(args.rows / psql_copy(path, args.url, 20))
    print(f"{'case':40s} {'min / median / max':>40s}")
    for case in cases:
        print(f"{case:40s} {spread(rates[case])}")
    pg, sqlite, peer, schema = (
        statistics.median(rates[c]) for c in (cases[0], cases[2], cases[4], cases[5])
    )
    print(f"PostgreSQL import / psql \\copy (bare table): {pg / peer:.2f}; "
          f"/ psql \\copy into dossiers: {pg / schema:.2f}; "
          f"/ SQLite import: {pg / sqlite:.2f}")


if __name__ == "__main__":
    main()
