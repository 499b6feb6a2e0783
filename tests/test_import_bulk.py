"""A first load into an empty store drops the secondary indexes and builds them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context import AppContext
from storage.imports import ImportRefused
from tests.import_helpers import import_dossiers
from tests.test_importer import count, fetched, row, write_csv


async def indexes(ctx: AppContext, kind: str = "index") -> list[tuple[str, str]]:
    """(name, sql) of the indexes (or another kind of schema object) on dossiers and
    status_events."""
    sql = (
        "SELECT name, sql FROM sqlite_master WHERE type = ?"
        " AND tbl_name IN ('dossiers', 'status_events') AND sql IS NOT NULL ORDER BY name"
    )
    async with ctx.db.reader.execute(sql, (kind,)) as cur:
        return [(str(r[0]), str(r[1])) for r in await cur.fetchall()]


async def plan(ctx: AppContext, sql: str, *args: object) -> str:
    """The query plan's text."""
    async with ctx.db.reader.execute("EXPLAIN QUERY PLAN " + sql, args) as cur:
        return " ".join(str(r[3]) for r in await cur.fetchall())


async def test_a_first_load_ends_with_every_index(ctx: AppContext, tmp_path: Path) -> None:
    """After the load the same indexes exist, and the queries use them."""
    before = await indexes(ctx)
    assert len(before) >= 5
    path = write_csv(tmp_path / "dau.csv", [row(n) for n in range(1, 4501)])
    s = await import_dossiers(ctx, path)
    assert s.inserted == 4500 and await indexes(ctx) == before
    assert "dossiers_code" in await plan(ctx, "SELECT id FROM dossiers WHERE code = ?", "X")
    async with ctx.db.reader.execute("PRAGMA integrity_check") as cur:
        assert (await fetched(cur))[0] == "ok"
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
