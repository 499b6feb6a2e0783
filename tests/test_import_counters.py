"""A big import marks the figures' counters of the units it wrote stale once, at its end (not per
row by the triggers), and leaves the marking triggers exactly as they were."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.context import AppContext
from storage.imports import ImportRefused
from tests.import_helpers import import_dossiers
from tests.test_import_bulk import indexes
from tests.test_importer import HEADER, count, row, write_csv

pytestmark = pytest.mark.engines

WITH_UNIT = [*HEADER, "Đơn vị"]


def unit_file(path: Path, units: dict[str, range], **over: str) -> Path:
    """A dossier file naming each row's unit, rows n of each range (cells replaced if asked)."""
    rows = [[*row(n, **over), unit] for unit, numbers in units.items() for n in numbers]
    return write_csv(path, rows, header=WITH_UNIT)


async def triggers(ctx: AppContext) -> list[tuple[str, str]]:
    """(name, sql) of the marking triggers on dossiers and status_events (0022)."""
    return [t for t in await indexes(ctx, "trigger") if t[0].startswith("stats_dirty_")]


async def marked(ctx: AppContext) -> set[str]:
    """The names of the units whose counters are marked stale."""
    sql = "SELECT u.name FROM stats_dirty d JOIN units u ON u.id = d.unit_id"
    async with ctx.db.reader.execute(sql) as cur:
        return {str(r[0]) for r in await cur.fetchall()}


async def rebuilt(ctx: AppContext) -> None:
    """Forget every mark, as a rebuild of all counters would."""
    async with ctx.db.transaction() as conn:
        await conn.execute("DELETE FROM stats_dirty")


async def test_a_big_first_load_marks_its_units_and_keeps_the_triggers(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Both units written are marked; afterwards the triggers mark per row again."""
    before = await triggers(ctx)
    assert len(before) == 6
    await rebuilt(ctx)
    units = {"Xã Hòa An": range(1, 1201), "Xã Bình Minh": range(1201, 1301)}
    s = await import_dossiers(ctx, unit_file(tmp_path / "dau.csv", units))
    assert s.inserted == 1300
    assert await triggers(ctx) == before
    assert await marked(ctx) == {"Xã Hòa An", "Xã Bình Minh"}
    await rebuilt(ctx)
    one = {"Xã Bình Minh": range(1250, 1251)}
    s = await import_dossiers(ctx, unit_file(tmp_path / "mot.csv", one, **{"Trạng thái":
                                                                           "Đang xử lý"}))
    assert s.updated == 1 and await marked(ctx) == {"Xã Bình Minh"}


async def test_a_big_reimport_marks_only_the_units_it_changed(
    ctx: AppContext, tmp_path: Path
) -> None:
    """1,200 rows of one unit change, the other unit's rows are the same: one unit marked."""
    units = {"Xã Hòa An": range(1, 1201), "Xã Bình Minh": range(1201, 1301)}
    await import_dossiers(ctx, unit_file(tmp_path / "dau.csv", units))
    await rebuilt(ctx)
    changed = [[*row(n, **{"Trạng thái": "Đang xử lý"}), "Xã Hòa An"] for n in range(1, 1201)]
    same = [[*row(n), "Xã Bình Minh"] for n in range(1201, 1301)]
    s = await import_dossiers(ctx, write_csv(tmp_path / "sau.csv", changed + same,
                                             header=WITH_UNIT))
    assert (s.updated, s.unchanged, s.status_changes) == (1200, 100, 1200)
    assert await marked(ctx) == {"Xã Hòa An"}


async def test_a_refused_big_import_leaves_triggers_and_marks_as_they_were(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Strict mode with one bad row, and a file broken after thousands of rows: nothing changes."""
    before = await triggers(ctx)
    await rebuilt(ctx)
    rows = [[*row(n), "Xã Hòa An"] for n in range(1, 4501)]
    bad = [*rows, [*row(4501, **{"Trạng thái": "rác"}), "Xã Hòa An"]]
    s = await import_dossiers(ctx, write_csv(tmp_path / "nghiem.csv", bad, header=WITH_UNIT),
                              strict=True)
    assert not s.stored
    broken = write_csv(tmp_path / "hong.csv", rows, header=WITH_UNIT)
    broken.write_bytes(broken.read_bytes() + "Ngô Thị Hương\n".encode("cp1258", errors="ignore"))
    with pytest.raises(ImportRefused, match="UTF-8"):
        await import_dossiers(ctx, broken)
    assert await count(ctx, "dossiers") == 0
    assert await triggers(ctx) == before and await marked(ctx) == set()
