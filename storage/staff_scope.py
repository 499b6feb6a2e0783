"""Which units a leader sees: their own (default), several, or every unit (table staff_scopes)."""

from __future__ import annotations

from collections.abc import Sequence

from storage.store import Store


async def set_scope(db: Store, staff_id: int, unit_ids: Sequence[int] | None) -> None:
    """Scope a staff member to these units (None: every unit of the store), replacing any."""
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM staff_scopes WHERE staff_id = ?", (staff_id,))
        values = [(staff_id, None)] if unit_ids is None else [
            (staff_id, int(u)) for u in dict.fromkeys(unit_ids)]
        await conn.executemany(
            "INSERT INTO staff_scopes (staff_id, unit_id) VALUES (?, ?)", values)


async def scope_of(db: Store, staff_id: int, own_unit: int) -> list[int] | None:
    """The units this staff member sees, sorted (None: every unit); own_unit when unscoped."""
    async with db.reader.execute(
        "SELECT unit_id FROM staff_scopes WHERE staff_id = ? ORDER BY unit_id", (staff_id,)
    ) as cur:
        rows = [r[0] for r in await cur.fetchall()]
    if not rows:
        return [own_unit]
    if any(u is None for u in rows):
        return None
    return [int(u) for u in rows]
