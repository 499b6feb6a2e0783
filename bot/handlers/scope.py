"""The units a leader's figures cover: their own, several, or every unit (storage.staff_scope)."""

from __future__ import annotations

from bot.core.registry import Request
from bot.core.text import fold
from bot.handlers.common import own_unit
from storage.staff_scope import scope_of
from storage.units import list_units

SCOPE_HELP = ("Lãnh đạo nhiều đơn vị: thêm donvi:1,2,5 (số đơn vị) hoặc donvi:tatca vào cuối, "
              "ví dụ /moi lanhdao Nguyễn Văn An donvi:tatca")


class ScopeError(Exception):
    """A unit scope typed wrongly; the message is Vietnamese."""


def split_scope(args: list[str]) -> tuple[list[str], str | None]:
    """The arguments without a trailing 'donvi:…' token, and that token's value (or None)."""
    if args and fold(args[-1]).startswith("donvi:"):
        return args[:-1], args[-1].split(":", 1)[1]
    return args, None


async def parse_scope(req: Request, spec: str) -> list[int] | None:
    """The units of 'tatca' (None: all) or '1,2,5' (unit numbers); ScopeError if wrong."""
    if fold(spec) in ("tatca", "all"):
        return None
    known = {u for u, _ in await list_units(req.ctx.db)}
    try:
        units = [int(x) for x in spec.split(",") if x.strip()]
    except ValueError:
        raise ScopeError(f"Phạm vi đơn vị «{spec[:30]}» không hợp lệ. {SCOPE_HELP}") from None
    wrong = [u for u in units if u not in known]
    if not units or wrong:
        listed = ", ".join(str(u) for u in sorted(known)[:30])
        raise ScopeError(f"Không có đơn vị số {', '.join(map(str, wrong)) or '—'}. "
                         f"Các số đơn vị: {listed}.")
    return units


async def leader_units(req: Request) -> list[int] | None:
    """The units this leader sees (None: every unit); an admin without a staff row sees the
    settings' unit when it exists, else every unit."""
    if req.staff is not None:
        return await scope_of(req.ctx.db, req.staff.id, req.staff.unit_id)
    unit = await own_unit(req)
    return None if unit is None else [unit]


async def leader_scope(req: Request) -> int | list[int] | None:
    """The leader's units as the stats service takes them: one unit id, a list, or None (all)."""
    units = await leader_units(req)
    if units is not None and len(units) == 1:
        return units[0]
    return units
