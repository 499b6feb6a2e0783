"""Rebuilding the per-day counters on PostgreSQL from several processes at once: every dirty
unit is rebuilt exactly once, none is left dirty, and the counters equal the row path."""

from __future__ import annotations

import asyncio
import random

from bot.stats.figures import COUNT_KEYS
from storage import stats as sql
from storage import stats_counters
from storage.engine import open_store
from storage.store import Store
from tests.pg_helpers import pg_test_database
from tests.stats_helpers import D, insert_store

UNITS = ("A", "B", "C", "D", "E", "F")
Q1 = sql.Bounds("2026-01-01T00:00:00", "2026-03-31T23:59:59", "2026-03-31")


def _rows(n: int) -> list[D]:
    """n dossiers spread over the units and the first half of 2026, some finished."""
    rng = random.Random(16)
    out = []
    for _ in range(n):
        day = f"2026-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"
        done = rng.random() < 0.6
        out.append(D(
            received=f"{day}T08:00:00", due=f"{day}T17:00:00" if rng.random() < 0.3
            else "2026-12-31T17:00:00", unit=rng.randint(1, len(UNITS)),
            status="result" if done else "processing",
            finished=f"{day}T16:00:00" if done else None, fee=rng.choice([0, 20000]),
            events=[("supplement", f"{day}T09:00:00")] if rng.random() < 0.2 else [],
        ))  # fmt: skip
    return out


async def _dirty(db: Store) -> int:
    """How many units are marked for a rebuild."""
    async with db.reader.execute("SELECT COUNT(*) FROM stats_dirty") as cur:
        row = await cur.fetchone()
    return int(row[0])


async def test_two_processes_rebuild_each_unit_once() -> None:
    """Two stores (two pools, as two bot processes) call ensure_fresh together, twice over:
    the units rebuilt add up to the units marked, and every count equals the row path's."""
    url = pg_test_database()
    first, second = await open_store(url), await open_store(url)
    try:
        await insert_store(first, _rows(3000), units=UNITS)
        ids = list(range(1, len(UNITS) + 1))
        for round_ in range(2):
            marked = await _dirty(first)
            assert marked == len(UNITS)
            done = await asyncio.gather(stats_counters.ensure_fresh(first),
                                        stats_counters.ensure_fresh(second))
            assert sum(done) == marked and await _dirty(first) == 0, (round_, done)
            counted = await sql.unit_counts(second, ids, Q1)
            rows = await sql.unit_counts_rows(first, ids, Q1)
            for u in ids:
                assert counted[u]["received_total"] > 0
                assert {k: counted[u].get(k, 0) for k in COUNT_KEYS} == {
                    k: rows[u].get(k, 0) for k in COUNT_KEYS}
            async with first.transaction() as conn:  # every unit changes: all dirty again
                await conn.execute("UPDATE dossiers SET status = 'returned' WHERE id % 7 = 0")
    finally:
        await first.close()
        await second.close()
