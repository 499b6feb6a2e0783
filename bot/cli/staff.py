"""`motcua staff invite|list|revoke`: staff members and their one-time invite codes."""

from __future__ import annotations

import argparse
from typing import Literal, overload

from bot.cli.argparse_vi import vietnamese_argparse
from bot.cli.common import CommandError, SubCommands, run, with_context
from bot.context import AppContext
from bot.core.numbers import number_arg
from bot.staff_codes import invite_notes, open_text, taken_text, unheld_line
from storage import staff as staff_store
from storage.staff_scope import set_scope
from storage.units import ensure_unit, find_unit, list_units

ROLE_NAMES = {"officer": "cán bộ", "leader": "lãnh đạo", "admin": "quản trị viên"}


def register(sub: SubCommands) -> None:
    """Add the staff sub-command and its actions."""
    p = sub.add_parser("staff", help="nhân viên: tạo mã mời, xem danh sách, thu hồi quyền")
    actions = p.add_subparsers(dest="action", metavar="VIỆC")
    inv = actions.add_parser("invite", help="tạo nhân viên và mã mời dùng một lần (7 ngày)")
    inv.add_argument("--role", choices=list(ROLE_NAMES), metavar="VAI_TRÒ",
                     help="officer (cán bộ), leader (lãnh đạo) hoặc admin (quản trị)")
    inv.add_argument("--name", metavar="HỌ_TÊN", help="họ tên, ví dụ \"Nguyễn Thị Hoa\"")
    inv.add_argument("--officer-code", metavar="MÃ",
                     help="mã cán bộ trong dữ liệu hồ sơ (cột «Cán bộ xử lý»), ví dụ CB01")
    inv.add_argument("--replace", action="store_true",
                     help="giao lại mã cán bộ đang thuộc người khác (thu hồi quyền người đó)")
    inv.add_argument("--unit", action="append", metavar="ĐƠN_VỊ",
                     help="tên hoặc số của đơn vị (mặc định: MOTCUA_UNIT); lãnh đạo nhiều đơn vị: "
                          "lặp lại --unit A --unit B")
    inv.add_argument("--all-units", action="store_true",
                     help="lãnh đạo xem được mọi đơn vị trong kho")
    inv.add_argument("--staff-id", type=int, metavar="SỐ",
                     help="cấp mã mới cho nhân viên đã có (bỏ qua --name/--role)")
    inv.set_defaults(func=_invite)
    ls = actions.add_parser("list", help="danh sách nhân viên")
    ls.add_argument("--unit", metavar="ĐƠN_VỊ", help="tên hoặc số của đơn vị (mặc định: tất cả)")
    ls.add_argument("--all", action="store_true", help="kể cả người đã bị thu hồi")
    ls.set_defaults(func=_list)
    rv = actions.add_parser("revoke", help="thu hồi quyền của một nhân viên")
    rv.add_argument("staff_id", type=int, metavar="SỐ",
                    help="số của nhân viên (xem motcua staff list)")
    rv.set_defaults(func=_revoke)

    def show_help(args: argparse.Namespace) -> int:
        """`motcua staff` without an action: its help (in Vietnamese), exit code 2."""
        with vietnamese_argparse():
            p.print_help()
        return 2

    p.set_defaults(func=show_help)


@overload
async def _unit_id(ctx: AppContext, unit: str | None, create: Literal[True]) -> int: ...
@overload
async def _unit_id(ctx: AppContext, unit: str | None, create: bool) -> int | None: ...
async def _unit_id(ctx: AppContext, unit: str | None, create: bool) -> int | None:
    """The unit named (or numbered) by --unit; the settings' unit when create and no --unit."""
    if unit is None:
        if not create:
            return None
        if ctx.settings.unit is None:
            raise CommandError("Cần --unit \"Tên đơn vị\" (hoặc đặt MOTCUA_UNIT).", 2)
        return await ensure_unit(ctx.db, ctx.settings.unit)
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
            units = [await _unit_id(ctx, u, create=True) for u in args.unit or [None]]
            if (len(units) > 1 or args.all_units) and args.role != "leader":
                raise CommandError("Chỉ lãnh đạo mới được xem nhiều đơn vị (--role leader).")
            unit = units[0]
            assert unit is not None
            officer_code = staff_store.normalise_officer_code(args.officer_code)
            holder = await staff_store.code_holder(ctx.db, unit, officer_code)
            try:
                member, code, expires = await staff_store.invite(
                    ctx.db, unit_id=unit, name=name, role=args.role,
                    officer_code=officer_code, now=now, replace=args.replace,
                )
            except staff_store.OfficerCodeTaken as exc:
                raise CommandError(taken_text(
                    str(officer_code), exc.holder,
                    "Thêm --replace để giao mã cho người mới (người đang giữ mã bị thu hồi "
                    "quyền), hoặc dùng mã khác.")) from None
            if holder is not None:
                print(f"Đã thu hồi quyền của {holder.name} (số {holder.id}), người giữ mã "
                      f"{officer_code} trước đây.")
            if args.all_units or len(units) > 1:
                await set_scope(ctx.db, member.id, None if args.all_units else units)
                print("Phạm vi: mọi đơn vị trong kho." if args.all_units
                      else f"Phạm vi: {len(set(units))} đơn vị.")
        extra = f", mã cán bộ {member.officer_code}" if member.officer_code else ""
        print(f"Nhân viên số {member.id}: {member.name} ({ROLE_NAMES[member.role]}{extra}).")
        print(f"Mã mời: {code}")
        print(f"Gửi cho bot (Telegram, Zalo hoặc console): /dangky {code}")
        print(f"Mã dùng một lần, hết hạn lúc {expires:%H:%M ngày %d/%m/%Y}.")
        for note in await invite_notes(ctx.db, member.unit_id, member.role, member.officer_code):
            print(note)
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
        counts = {uid: await staff_store.officer_code_counts(ctx.db, uid)
                  for uid in {e.member.unit_id for e in entries}}
        for e in entries:
            m = e.member
            code = f" [{m.officer_code}]" if m.officer_code else ""
            state = ("đã thu hồi" if e.revoked else f"{e.links} tài khoản chat" if e.links
                     else "chờ đăng ký" if e.pending_invite else "chưa liên kết")
            dossiers = "" if e.revoked else open_text(e, counts[m.unit_id])
            print(f"{m.id:>4}  {m.name}{code} — {ROLE_NAMES.get(m.role, m.role)}{dossiers} — "
                  f"{names.get(m.unit_id, m.unit_id)} — {state}")
        for uid in sorted(counts):
            line = unheld_line([e for e in entries if e.member.unit_id == uid], counts[uid])
            if line:
                print(f"{names.get(uid, uid)}: {line}" if len(counts) > 1 else line)
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
