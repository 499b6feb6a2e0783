"""A citizen's lookup by code asks only the units its prefix names (issue 16, item 5), on both
engines: the prefixes are recorded by the store itself, whatever wrote the dossier."""

from __future__ import annotations

import pytest

from bot.context import AppContext
from storage import dossiers
from storage.conn import Conn
from tests.core_helpers import D_OK, D_OTHER, World

pytestmark = pytest.mark.engines


async def test_prefixes_name_the_units_holding_them(ctx: AppContext, world: World) -> None:
    """Each prefix maps to its own unit; a code without '-' or of an unknown prefix maps to
    None (every unit is asked)."""
    async def units(conn: Conn, codes: list[str]) -> list[int] | None:
        return await dossiers.units_of_codes(conn, codes)

    assert await ctx.db.read(units, [D_OK]) == [world.unit_id]
    assert await ctx.db.read(units, [D_OTHER]) == [world.other_unit_id]
    assert await ctx.db.read(units, [D_OK, D_OTHER]) == sorted(
        [world.unit_id, world.other_unit_id])
    assert await ctx.db.read(units, ["999.99.99.X00-260401-0001"]) is None
    assert await ctx.db.read(units, ["KHONGGACH"]) is None


async def test_a_dossier_written_by_any_path_is_found_by_its_unit(
    ctx: AppContext, world: World
) -> None:
    """A dossier inserted by plain SQL (not the importer) of a new prefix is recorded by the
    store's trigger and found by code; a new unit sharing a prefix is found too."""
    async with ctx.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO dossiers (unit_id, code, procedure_code, applicant, channel,"
            " received_at, due_at, status, status_at, row_hash, updated_at)"
            " SELECT unit_id, ?, procedure_code, applicant, channel, received_at, due_at,"
            " status, status_at, row_hash, updated_at FROM dossiers WHERE code = ?",
            ("000.00.77.H77-260401-0005", D_OK),
        )
        await conn.execute(
            "INSERT INTO dossiers (unit_id, code, procedure_code, applicant, channel,"
            " received_at, due_at, status, status_at, row_hash, updated_at)"
            " SELECT ?, ?, procedure_code, applicant, channel, received_at, due_at,"
            " status, status_at, row_hash, updated_at FROM dossiers WHERE code = ?",
            (world.other_unit_id, D_OK.replace("-0001", "-0777"), D_OK),
        )
    found = await dossiers.find_by_code(ctx.db, "000.00.77.H77-260401-0005")
    assert [(d.unit_id, d.code) for d in found] == [(world.unit_id, "000.00.77.H77-260401-0005")]
    shared = D_OK.replace("-0001", "-0777")
    assert [d.unit_id for d in await dossiers.find_by_code(ctx.db, shared)] == [
        world.other_unit_id]
    assert "000.00.77.H77" in await dossiers.code_prefixes(ctx.db)
    assert [d.code for d in await dossiers.find_by_tail(ctx.db, "H77-260401-0005")] == [
        "000.00.77.H77-260401-0005"]
