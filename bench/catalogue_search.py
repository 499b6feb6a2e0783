"""Benchmark of the citizens' catalogue search (/thutuc) on a province's catalogue: SQLite FTS5
(migration 0020) against PostgreSQL's bm25 over procedure_terms (migration 0025, storage/bm25.py),
each beside a plain query of its engine's own full-text index in the same run.

    .venv/bin/python bench/catalogue_search.py [--units 150] [--repeat 7]
        [--pg-url postgresql://motcua:motcua@127.0.0.1:5432/motcua_modules_bench]

Builds both stores (the demo's 379 procedures for each unit; the PostgreSQL database's schema is
dropped and rebuilt), checks that both engines rank every query's matches alike, then times
storage.procedures.search (every unit, and one unit) per query, and the peers: a bare FTS5
MATCH with bm25 through sqlite3, and a bare tsvector/GIN query with ts_rank through asyncpg
(PostgreSQL's usual full-text search, which ranks differently: the peer of speed only).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bot.demo.catalogue import catalogue
from storage.engine import open_store
from storage.normalize import fold
from storage.procedures import _hits, search
from storage.store import Store

STAMP = "2026-07-01T00:00:00"
QUERIES = (["khai", "sinh"], ["chung", "thuc"], ["dat"], ["ket", "hon"], ["cap", "giay"],
           ["giay", "phep", "xay", "dung"], ["khai", "sinh", "zzz"], ["xyz"])
PEER_INDEX = (
    "CREATE INDEX IF NOT EXISTS procedures_tsv ON procedures USING gin"
    " (to_tsvector('simple', name_search || ' ' || search_fold(field)))"
)
PEER_SQL = (
    "SELECT id, ts_rank(to_tsvector('simple', name_search || ' ' || search_fold(field)), q) AS r"
    " FROM procedures, to_tsquery('simple', $1) AS q"
    " WHERE to_tsvector('simple', name_search || ' ' || search_fold(field)) @@ q"
    " ORDER BY r DESC, id"
)


def rows(units: int) -> list[tuple[object, ...]]:
    """Every unit's catalogue: (id, unit_id, code, name, name_search, field, level, days,
    fee_text, updated_at)."""
    out: list[tuple[object, ...]] = []
    for unit in range(1, units + 1):
        for p in catalogue():
            out.append((len(out) + 1, unit, p.code, p.name, fold(p.name), p.field, p.level,
                        p.days, p.fee_text, STAMP))
    return out


COLUMNS = ("id", "unit_id", "code", "name", "name_search", "field", "level", "days", "fee_text",
           "updated_at")


async def build(lite_path: Path, pg_url: str, units: int) -> tuple[Store, Store, float, float]:
    """Both stores with the same catalogue; seconds to fill each."""
    data = rows(units)
    unit_rows = [(u, f"Trung tâm Phục vụ hành chính công số {u:03d}", STAMP)
                 for u in range(1, units + 1)]
    lite = await open_store(f"sqlite:///{lite_path}")
    started = time.perf_counter()
    conn = sqlite3.connect(lite_path)
    with conn:
        conn.executemany("INSERT INTO units (id, name, created_at) VALUES (?,?,?)", unit_rows)
        conn.executemany(f"INSERT INTO procedures ({', '.join(COLUMNS)}) VALUES"
                         f" ({', '.join('?' * len(COLUMNS))})", data)
    conn.close()
    lite_s = time.perf_counter() - started
    raw = await asyncpg.connect(pg_url)
    await raw.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    await raw.close()
    pg = await open_store(pg_url)
    started = time.perf_counter()
    raw = await asyncpg.connect(pg_url)
    try:
        async with raw.transaction():
            await raw.copy_records_to_table("units", records=unit_rows,
                                            columns=["id", "name", "created_at"])
            await raw.copy_records_to_table("procedures", records=data, columns=list(COLUMNS))
        pg_s = time.perf_counter() - started
        await raw.execute(PEER_INDEX)
        await raw.execute("ANALYZE")
    finally:
        await raw.close()
    return lite, pg, lite_s, pg_s


async def timed(fn: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` runs (after one warm-up)."""
    await fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def line(label: str, ms: list[float]) -> str:
    """min / median / max of a series."""
    return f"{label:<34} {min(ms):8.2f} {statistics.median(ms):8.2f} {max(ms):8.2f}"


async def main() -> None:
    """Build, check, time, print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg-url",
                        default="postgresql://motcua:motcua@127.0.0.1:5432/motcua_modules_bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lite, pg, lite_s, pg_s = await build(Path(tmp) / "cat.db", args.pg_url, args.units)
        n = args.units * len(catalogue())
        print(f"{args.units} units × {len(catalogue())} procedures = {n:,} procedures;"
              f" filled SQLite in {lite_s:.1f} s, PostgreSQL (COPY, terms by trigger)"
              f" in {pg_s:.1f} s")
        for q in QUERIES:  # both engines rank alike before anything is timed
            a = [r["id"] for r in (await lite.read(_hits, q, True, None, 10**6))[0]]
            b = [r["id"] for r in (await pg.read(_hits, q, True, None, 10**6))[0]]
            assert a == b, q
        plain = sqlite3.connect(Path(tmp) / "cat.db")
        raw = await asyncpg.connect(args.pg_url)
        print(f"{'ms per query (min / median / max)':<34} {'min':>8} {'median':>8} {'max':>8}")
        medians: dict[str, list[float]] = {}
        try:
            for q in QUERIES:
                match = " AND ".join(f'"{w}"*' for w in q)
                tsq = " & ".join(f"{w}:*" for w in q)
                found = (await search(lite, q, limit=5))[1]
                print(f"-- {' '.join(q)} ({found} matches)")

                async def peer_lite(match: str = match, q: list[str] = q) -> object:
                    """A bare FTS5 query with bm25, every match (any word when all find none)."""
                    sql = ("SELECT rowid, bm25(procedures_fts, 10.0, 1.0) AS s FROM procedures_fts"
                           " WHERE procedures_fts MATCH ? ORDER BY s")
                    found = plain.execute(sql, (match,)).fetchall()
                    if not found and len(q) > 1:
                        found = plain.execute(sql, (match.replace(" AND ", " OR "),)).fetchall()
                    return found

                async def peer_pg(tsq: str = tsq, q: list[str] = q) -> object:
                    """A bare tsvector query with ts_rank, every match (any word when all find
                    none)."""
                    found = await raw.fetch(PEER_SQL, tsq)
                    if not found and len(q) > 1:
                        found = await raw.fetch(PEER_SQL, tsq.replace(" & ", " | "))
                    return found

                series = {
                    "SQLite search, every unit": await timed(
                        lambda q=q: search(lite, q, limit=5), args.repeat),
                    "SQLite search, one unit": await timed(
                        lambda q=q: search(lite, q, limit=5, unit_id=1), args.repeat),
                    "SQLite peer: bare FTS5 + bm25": await timed(peer_lite, args.repeat),
                    "PostgreSQL search, every unit": await timed(
                        lambda q=q: search(pg, q, limit=5), args.repeat),
                    "PostgreSQL search, one unit": await timed(
                        lambda q=q: search(pg, q, limit=5, unit_id=1), args.repeat),
                    "PostgreSQL peer: tsvector + GIN": await timed(peer_pg, args.repeat),
                }
                for label, ms in series.items():
                    print(line(label, ms))
                    medians.setdefault(label, []).append(statistics.median(ms))
        finally:
            plain.close()
            await raw.close()
            await lite.close()
            await pg.close()
        print("-- medians summed over the queries (ms) and ratios")
        total = {label: sum(ms) for label, ms in medians.items()}
        for label, ms in total.items():
            print(f"{label:<34} {ms:8.2f}")
        print(f"SQLite search / its peer: {total['SQLite search, every unit'] / total['SQLite peer: bare FTS5 + bm25']:.2f}")  # noqa: E501
        print(f"PostgreSQL search / its peer: {total['PostgreSQL search, every unit'] / total['PostgreSQL peer: tsvector + GIN']:.2f}")  # noqa: E501
        print(f"PostgreSQL search / SQLite search: {total['PostgreSQL search, every unit'] / total['SQLite search, every unit']:.2f}")  # noqa: E501


if __name__ == "__main__":
    asyncio.run(main())
