"""A first load into an empty store ends with every index (SQLite drops the secondary ones for
the load and builds them again; PostgreSQL never drops any, storage/imports/write_pg.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context import AppContext
from storage.imports import ImportRefused
from tests.import_helpers import import_dossiers
from tests.test_importer import count, fetched, row, write_csv

pytestmark = pytest.mark.engines


async def indexes(ctx: AppContext, kind: str = "index") -> list[tuple[str, str]]:
    """(name, definition) of the indexes (or the triggers, kind="trigger") on dossiers and
    status_events, from the engine's catalogue."""
    if ctx.db.engine == "postgresql":
        sql = (
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename IN ('dossiers', 'status_events') ORDER BY 1"
            if kind == "index" else
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
            " AND tgrelid IN ('dossiers'::regclass, 'status_events'::regclass) ORDER BY 1"
        )
        async with ctx.db.reader.execute(sql) as cur:
            return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]
    sql = (
        "SELECT name, sql FROM sqlite_master WHERE type = ?"
        " AND tbl_name IN ('dossiers', 'status_events') AND sql IS NOT NULL ORDER BY name"
    )
    async with ctx.db.reader.execute(sql, (kind,)) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]


async def plan(ctx: AppContext, sql: str, *args: object) -> str:
    """The query plan's text."""
    if ctx.db.engine == "postgresql":
        async with ctx.db.transaction() as conn:  # the plan the planner picks with no seq scan
            await conn.execute("SET LOCAL enable_seqscan = off")
            rows = await conn.execute_fetchall("EXPLAIN " + sql, args)
        return " ".join(str(r[0]) for r in rows)
    async with ctx.db.reader.execute("EXPLAIN QUERY PLAN " + sql, args) as cur:
        return " ".join(str(r[3]) for r in await cur.fetchall())


async def intact(ctx: AppContext) -> bool:
    """The store's structure checks out: SQLite's integrity check, PostgreSQL's every index
    of dossiers and status_events valid and ready."""
    if ctx.db.engine == "postgresql":
        sql = (
            "SELECT bool_and(indisvalid AND indisready) FROM pg_index"
            " WHERE indrelid IN ('dossiers'::regclass, 'status_events'::regclass)"
        )
    else:
        sql = "PRAGMA integrity_check"
    async with ctx.db.reader.execute(sql) as cur:
        return (await fetched(cur))[0] in ("ok", True)


async def test_a_first_load_ends_with_every_index(ctx: AppContext, tmp_path: Path) -> None:
    """After the load the same indexes exist, and the queries use them."""
    before = await indexes(ctx)
    assert len(before) >= 5
    path = write_csv(tmp_path / "dau.csv", [row(n) for n in range(1, 4501)])
    s = await import_dossiers(ctx, path)
    assert s.inserted == 4500 and await indexes(ctx) == before
    assert "dossiers_code" in await plan(ctx, "SELECT id FROM dossiers WHERE code = ?", "X")
    assert await intact(ctx)
    again = await import_dossiers(ctx, write_csv(tmp_path / "sau.csv", [row(4501)]))
    assert again.inserted == 1 and await indexes(ctx) == before


async def test_a_refused_first_load_keeps_the_indexes(ctx: AppContext, tmp_path: Path) -> None:
    """Bad bytes after thousands of rows: nothing stored, every index still there."""
    before = await indexes(ctx)
    path = write_csv(tmp_path / "hong.csv", [row(n) for n in range(1, 4501)])
    path.write_bytes(path.read_bytes() + "Ngô Thị Hương\n".encode("cp1258", errors="ignore"))
    with pytest.raises(ImportRefused, match="UTF-8"):
        await import_dossiers(ctx, path)
    assert await count(ctx, "dossiers") == 0 and await indexes(ctx) == before
