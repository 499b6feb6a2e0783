"""Benchmark of `motcua store copy`: a generated store (bench/stats.py's, 114 units; --scale 0.1
≈ 200k dossiers, 390k status events) copied SQLite → PostgreSQL and back, verification
included, beside a plain `sqlite3 -csv | psql \\copy` of the same three big tables.

    PGPASSWORD=motcua .venv/bin/python bench/store_copy.py [--scale 0.1] [--repeat 3]
        [--pg postgresql://motcua:motcua@127.0.0.1:5432/motcua_cli_bench]

The copies run through storage.copy (counts and checksums of every table, one transaction);
the figures comparison of the CLI is left out (it is the stats benchmark's business).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stats import ensure_store
from storage.copy.open import open_end, parse_two
from storage.copy.run import copy_store

BIG = ("units", "procedures", "dossiers", "status_events")


async def _empty(url: str) -> None:
    """Drop and recreate the public schema of the database at url (created when missing)."""
    import asyncpg

    parts = urlsplit(url)
    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        admin = await asyncpg.connect(url.rsplit("/", 1)[0] + "/postgres")
        await admin.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
        await admin.close()
        conn = await asyncpg.connect(url)
    await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    await conn.close()


async def _copy(source: str, target: str) -> tuple[float, int]:
    """One verified copy: seconds, rows copied."""
    src_url, tgt_url = parse_two(source, target)
    src = await open_end(src_url, source=True)
    tgt = await open_end(tgt_url, source=False)
    t0 = time.perf_counter()
    try:
        result = await copy_store(src, tgt)
    finally:
        await src.close()
        await tgt.close()
    return time.perf_counter() - t0, sum(t.source.rows for t in result.tables)


def _peer(path: Path, url: str) -> float:
    """sqlite3's CSV export piped into psql's \\copy for the big tables (migrated, empty db)."""
    p = urlsplit(url)
    psql = ["psql", "-q", "-h", p.hostname or "127.0.0.1", "-p", str(p.port or 5432),
            "-U", p.username or "motcua", p.path.lstrip("/")]
    t0 = time.perf_counter()
    for table in BIG:
        cols = subprocess.run(["sqlite3", str(path), f"SELECT group_concat(name, ',') FROM "
                               f"pragma_table_info('{table}')"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dump = subprocess.Popen(["sqlite3", "-csv", str(path), f"SELECT {cols} FROM {table}"],
                                stdout=subprocess.PIPE)
        subprocess.run([*psql, "-c", f"\\copy {table} ({cols}) FROM STDIN CSV"],
                       stdin=dump.stdout, check=True)
        assert dump.wait() == 0
    return time.perf_counter() - t0


def _mmm(times: list[float]) -> str:
    """min/median/max in seconds."""
    return f"{min(times):.2f} / {statistics.median(times):.2f} / {max(times):.2f} s"


async def main(args: argparse.Namespace) -> int:
    """Build (once), then time each direction and the peer, args.repeat times."""
    path = Path(args.db)
    await ensure_store(path, args.scale)
    back = path.with_name(path.stem + "-back.db")
    to_pg, to_sqlite, peer = [], [], []
    rows = 0
    for _ in range(args.repeat):
        await _empty(args.pg)
        seconds, rows = await _copy(str(path), args.pg)
        to_pg.append(seconds)
        back.unlink(missing_ok=True)
        seconds, _ = await _copy(args.pg, f"sqlite:///{back}")
        to_sqlite.append(seconds)
        await _empty(args.pg)
        target = await open_end(parse_two(str(path), args.pg)[1], source=False)  # migrate only
        await target.close()
        peer.append(_peer(path, args.pg))
    print(f"rows copied per run: {rows:,}")
    print(f"SQLite → PostgreSQL (store copy, verified): {_mmm(to_pg)}"
          f" = {rows / statistics.median(to_pg):,.0f} rows/s")
    print(f"PostgreSQL → SQLite (store copy, verified): {_mmm(to_sqlite)}"
          f" = {rows / statistics.median(to_sqlite):,.0f} rows/s")
    print(f"peer sqlite3 -csv | psql \\copy ({', '.join(BIG)} only, no mapping, no check): "
          f"{_mmm(peer)}")
    print(f"ratio store copy → PostgreSQL / peer (median): "
          f"{statistics.median(to_pg) / statistics.median(peer):.2f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default="/tmp/motcua-bench-copy/store.db")
    parser.add_argument(
        "--pg", default="postgresql://motcua:motcua@127.0.0.1:5432/motcua_cli_bench")
    ns = parser.parse_args()
    Path(ns.db).parent.mkdir(parents=True, exist_ok=True)
    sys.exit(asyncio.run(main(ns)))
