"""The demo's simulated people: a chat account per role, linked to a staff record of that role."""

from __future__ import annotations

from bot.context import AppContext
from bot.core.registry import ROLE_NAMES
from storage import staff as staff_store
from storage.dossiers import busiest_officer
from storage.units import ensure_unit, list_units

DEMO_NAMES = {"officer": "Cán bộ dùng thử", "leader": "Lãnh đạo dùng thử",
              "admin": "Quản trị viên dùng thử"}


def demo_user(role: str) -> str:
    """The chat account of the simulated person of a role ('demo-officer')."""
    return f"demo-{role}"


async def become(ctx: AppContext, channel: str, role: str) -> str:
    """The simulated person of a role on a channel; returns their user id.

    Links that chat account to a staff record of the role (the busiest officer for officers),
    creating a demo one when the store has none. The citizen is never staff, even after a
    /dangky in the demo.
    """
    user_id = demo_user(role)
    if role == "citizen":
        await staff_store.unlink(ctx.db, channel, user_id)
        return user_id
    now = ctx.now()
    existing = await staff_store.staff_for(ctx.db, channel, user_id)
    if existing is not None and existing.role == role:
        return user_id
    members = await staff_store.list_staff(ctx.db, role=role)
    if role == "officer":
        members = [m for m in members if m.officer_code] or members
        busiest = await busiest_officer(ctx.db)
        members.sort(key=lambda m: m.officer_code != busiest)
    if members:
        member = members[0]
    else:
        units = await list_units(ctx.db)
        unit = units[0][0] if units else await ensure_unit(
            ctx.db, ctx.settings.unit or DEMO_NAMES["admin"])
        code = await busiest_officer(ctx.db, unit) if role == "officer" else None
        member = await staff_store.create_staff(
            ctx.db, unit_id=unit, name=DEMO_NAMES[role], role=role, officer_code=code, now=now)
    await staff_store.link(ctx.db, member.id, channel, user_id, user_id, now)
    return user_id


async def describe(ctx: AppContext, channel: str, user_id: str, role: str) -> str:
    """A line saying who the person on this chat account now is (Vietnamese)."""
    member = await staff_store.staff_for(ctx.db, channel, user_id)
    who = ROLE_NAMES.get(role, role)
    if member is None:
        return f"Bạn đang là {who}."
    code = f", mã {member.officer_code}" if member.officer_code else ""
    return f"Bạn đang là {who}: {member.name}{code}."
