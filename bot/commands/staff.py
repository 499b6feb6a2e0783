"""`motcua staff invite|list|revoke`: staff members and their one-time invite codes."""

from __future__ import annotations

import argparse

from bot.commands.common import CommandError, run, with_context
from bot.context import AppContext
from bot.core.numbers import number_arg
from storage import staff as staff_store
from storage.units import ensure_unit, find_unit, list_units

ROLE_NAMES = {"officer": "cán bộ", "leader": "lãnh đạo", "admin": "quản trị viên"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the staff sub-command and its actions."""
    p = sub.add_parser("staff", help="nhân viên: tạo mã mời, xem danh sách, thu hồi quyền")
    actions = p.add_subparsers(dest="action", metavar="VIỆC")
    inv = actions.add_parser("invite", help="tạo nhân viên và mã mời dùng một lần (7 ngày)")
    inv.add_argument("--role", choices=list(ROLE_NAMES),
                     help="officer (cán bộ), leader (lãnh đạo) hoặc admin (quản trị)")
    inv.add_argument("--name", help="họ tên, ví dụ \"Nguyễn Thị Hoa\"")
    inv.add_argument("--officer-code", help="mã cán bộ trong dữ liệu hồ sơ, ví dụ CB01")
    inv.add_argument("--unit", help="tên hoặc số của đơn vị (mặc định: MOTCUA_UNIT)")
    inv.add_argument("--staff-id", type=int,
                     help="cấp mã mới cho nhân viên đã có (bỏ qua --name/--role)")
    inv.set_defaults(func=_invite)
    ls = actions.add_parser("list", help="danh sách nhân viên")
    ls.add_argument("--unit", help="tên hoặc số của đơn vị (mặc định: tất cả)")
    ls.add_argument("--all", action="store_true", help="kể cả người đã bị thu hồi")
    ls.set_defaults(func=_list)
    rv = actions.add_parser("revoke", help="thu hồi quyền của một nhân viên")
    rv.add_argument("staff_id", type=int, help="số của nhân viên (xem motcua staff list)")
    rv.set_defaults(func=_revoke)
    p.set_defaults(func=lambda args: p.print_help() or 2)


async def _unit_id(ctx: AppContext, unit: str | None, create: bool) -> int | None:
    """The unit named (or numbered) by --unit; the settings' unit when create and no --unit."""
    if unit is None:
        return await ensure_unit(ctx.db, ctx.settings.unit) if create else None
    number = number_arg(unit)
    if number is not None and number in {uid for uid, _ in await list_units(ctx.db)}:
        return number
    found = await find_unit(ctx.db, unit)
    if found is not None:
        return found
    if create:
        return await ensure_unit(ctx.db, unit)
    raise CommandError(f"Không có đơn vị «{unit}».")


def _invite(args: argparse.Namespace) -> int:
    """Create a staff member (or reuse --staff-id) and print the one-time code."""

    async def body(ctx: AppContext) -> int:
        """Do it on the open store."""
        now = ctx.now()
        if args.staff_id is not None:
            member = await staff_store.get_staff(ctx.db, args.staff_id)
            if member is None:
                raise CommandError(f"Không có nhân viên số {args.staff_id}.")
            code, expires = await staff_store.add_invite(ctx.db, member.id, now)
        else:
            name = " ".join((args.name or "").split())
            if not name or not args.role:
                raise CommandError("Cần --role (officer, leader, admin) và --name \"Họ tên\".")
            unit = await _unit_id(ctx, args.unit, create=True)
            assert unit is not None
            member, code, expires = await staff_store.invite(
                ctx.db, unit_id=unit, name=name, role=args.role,
                officer_code=args.officer_code, now=now,
            )
        extra = f", mã cán bộ {member.officer_code}" if member.officer_code else ""
        print(f"Nhân viên số {member.id}: {member.name} ({ROLE_NAMES[member.role]}{extra}).")
        print(f"Mã mời: {code}")
        print(f"Gửi cho bot (Telegram, Zalo hoặc console): /dangky {code}")
        print(f"Mã dùng một lần, hết hạn lúc {expires:%H:%M ngày %d/%m/%Y}.")
        return 0

    return run(with_context(body))


def _list(args: argparse.Namespace) -> int:
    """Print the staff list."""

    async def body(ctx: AppContext) -> int:
        """Do it on the open store."""
        unit = await _unit_id(ctx, args.unit, create=False)
        entries = await staff_store.list_entries(ctx.db, unit, ctx.now(), include_revoked=args.all)
        if not entries:
            print("Chưa có nhân viên nào. Tạo bằng: motcua staff invite --role officer --name …")
            return 0
        names = dict(await list_units(ctx.db))
        for e in entries:
            m = e.member
            code = f" [{m.officer_code}]" if m.officer_code else ""
            state = ("đã thu hồi" if e.revoked else f"{e.links} tài khoản chat" if e.links
                     else "chờ đăng ký" if e.pending_invite else "chưa liên kết")
            print(f"{m.id:>4}  {m.name}{code} — {ROLE_NAMES.get(m.role, m.role)} — "
                  f"{names.get(m.unit_id, m.unit_id)} — {state}")
        return 0

    return run(with_context(body))


def _revoke(args: argparse.Namespace) -> int:
    """Revoke one staff member."""

    async def body(ctx: AppContext) -> int:
        """Do it on the open store."""
        member = await staff_store.get_staff(ctx.db, args.staff_id)
        if member is None or not await staff_store.revoke(ctx.db, args.staff_id, ctx.now()):
            raise CommandError(f"Không có nhân viên số {args.staff_id} đang hoạt động.")
        print(f"Đã thu hồi quyền của {member.name} (số {member.id}).")
        return 0

    return run(with_context(body))
