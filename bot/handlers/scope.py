"""The units a leader's figures cover: their own, several, or every unit (storage.staff_scope)."""

from __future__ import annotations

from bot.core.registry import Request
from bot.handlers.common import own_unit
from storage.staff_scope import scope_of


async def leader_units(req: Request) -> list[int] | None:
    """The units this leader sees (None: every unit); an admin without a staff row sees the
    settings' unit when it exists, else every unit."""
    if req.staff is not None:
        return await scope_of(req.ctx.db, req.staff.id, req.staff.unit_id)
    unit = await own_unit(req)
    return None if unit is None else [unit]
