"""Admins' commands: /moi (invite), /nhanvien (staff list), /thuhoi (revoke), and an attached
.xlsx/.csv file → import (bot/import_service.py)."""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

from bot.config import UNIT_MISSING
from bot.core.numbers import number_arg
from bot.core.registry import ROLE_NAMES, Request, Router
from bot.core.text import fold
from bot.core.types import Reply
from bot.handlers.common import own_unit, text
from bot.handlers.scope import SCOPE_HELP, ScopeError, parse_scope, split_scope
from bot.import_service import run_import
from bot.import_text import summary_text
from bot.import_unit import unit_refusal
from bot.staff_codes import invite_notes, open_text, taken_text, unheld_line
from storage import staff as staff_store
from storage.imports import ImportRefused, detect_kind
from storage.staff_scope import set_scope
from storage.units import ensure_unit, list_units

router = Router()

log = logging.getLogger("motcua.core")
ADMINS = {"admin"}
MAX_FILE = 50 * 1024 * 1024
_ROLE_WORDS = {
    "canbo": "officer", "can bo": "officer", "officer": "officer", "cb": "officer",
    "lanhdao": "leader", "lanh dao": "leader", "leader": "leader", "ld": "leader",
    "quantri": "admin", "quan tri": "admin", "admin": "admin", "qtv": "admin",
}
_OFFICER_CODE = re.compile(r"^[A-Za-z]{1,6}\d{1,6}$")
MOI_USAGE = ("Gửi /moi <vai trò> <họ tên> [mã cán bộ], vai trò là canbo, lanhdao hoặc quantri. "
             "Ví dụ: /moi canbo Trần Thị Bình CB03")


def _parse_invite(args: list[str]) -> tuple[str, str, str | None] | None:
    """(role, name, officer code) from /moi's arguments, or None."""
    if not args:
        return None
    role = None
    rest: list[str] = []
    two = fold(" ".join(args[:2]))
    if len(args) >= 2 and two in _ROLE_WORDS:
        role, rest = _ROLE_WORDS[two], args[2:]
    elif fold(args[0]) in _ROLE_WORDS:
        role, rest = _ROLE_WORDS[fold(args[0])], args[1:]
    if role is None or not rest:
        return None
    code = None
    if _OFFICER_CODE.match(rest[-1]):
        code, rest = rest[-1].upper(), rest[:-1]
    name = " ".join(rest).strip()
    if not name or len(name) > 100 or any(ch.isdigit() for ch in name):
        return None
    return role, name, code


async def _admin_unit(req: Request) -> int | None:
    """The unit an admin manages: their own, else the settings' unit (created if needed);
    None when MOTCUA_UNIT is unset and the store holds no single unit."""
    unit = await own_unit(req)
    if unit is not None:
        return unit
    if req.ctx.settings.unit is None:
        units = await list_units(req.ctx.db)
        return units[0][0] if len(units) == 1 else None
    return await ensure_unit(req.ctx.db, req.ctx.settings.unit)


@router.command("moi", roles=ADMINS,
                help="<canbo|lanhdao|quantri> <họ tên> [mã cán bộ] — Tạo mã mời")
async def moi(req: Request) -> list[Reply]:
    """Create a staff member and a one-time invite code valid 7 days."""
    args, scope_spec = split_scope(req.args)
    parsed = _parse_invite(args)
    if parsed is None:
        return text(f"{MOI_USAGE}\n{SCOPE_HELP}")
    role, name, code = parsed
    scope: list[int] | None = None
    if scope_spec is not None:
        if role != "leader":
            return text("Chỉ lãnh đạo (lanhdao) mới được xem nhiều đơn vị.")
        try:
            scope = await parse_scope(req, scope_spec)
        except ScopeError as exc:
            return text(str(exc))
    unit = await _admin_unit(req)
    if unit is None:
        return text(UNIT_MISSING)
    try:
        member, invite, expires = await staff_store.invite(
            req.ctx.db, unit_id=unit, name=name, role=role, officer_code=code, now=req.ctx.now()
        )
    except staff_store.OfficerCodeTaken as exc:
        return text(taken_text(str(code), exc.holder, (
            f"Nếu mã này nay giao cho {name}, trước hết thu hồi quyền của {exc.holder.name} "
            f"bằng /thuhoi {exc.holder.id}, rồi gửi lại lệnh /moi.")))
    if scope_spec is not None:
        await set_scope(req.ctx.db, member.id, scope)
    notes = await invite_notes(req.ctx.db, unit, role, member.officer_code)
    extra = f", mã cán bộ {member.officer_code}" if member.officer_code else ""
    if scope_spec is not None:
        extra += ", xem mọi đơn vị" if scope is None else f", xem {len(set(scope))} đơn vị"
    return text("\n".join([
        f"Đã tạo lời mời cho {member.name} (số {member.id}, {ROLE_NAMES[role]}{extra}).",
        f"Mã mời: {invite}",
        f"Người được mời mở bot và gửi: /dangky {invite}",
        f"Mã chỉ dùng một lần, hết hạn lúc {expires:%H:%M ngày %d/%m/%Y}.",
        *notes,
    ]))


@router.command("nhanvien", "nhan_vien", roles=ADMINS,
                help="— Danh sách cán bộ, lãnh đạo, quản trị viên")
async def nhanvien(req: Request) -> list[Reply]:
    """The unit's staff with their state."""
    unit = await own_unit(req)
    entries = await staff_store.list_entries(req.ctx.db, unit, req.ctx.now())
    if not entries:
        return text("Chưa có nhân viên nào. Tạo lời mời bằng /moi.")
    counts = await staff_store.officer_code_counts(req.ctx.db, unit)
    lines = [f"Nhân viên ({len(entries)}):"]
    for e in entries:
        m = e.member
        code = f", mã {m.officer_code}" if m.officer_code else ""
        state = (f"đã liên kết {e.links} tài khoản" if e.links else
                 "chờ đăng ký" if e.pending_invite else "chưa liên kết")
        lines.append(f"{m.id}. {m.name} — {ROLE_NAMES.get(m.role, m.role)}{code}"
                     f"{open_text(e, counts)} — {state}")
    unheld = unheld_line(entries, counts)
    if unheld:
        lines.append(unheld)
    lines.append("Thu hồi quyền: /thuhoi <số>")
    return text("\n".join(lines))


@router.command("thuhoi", "thu_hoi", roles=ADMINS, help="<số> — Thu hồi quyền của một nhân viên")
async def thuhoi(req: Request) -> list[Reply]:
    """Revoke a staff member (by the number /nhanvien shows)."""
    number = number_arg(req.args[0], 9) if len(req.args) == 1 else None
    if number is None:
        return text("Gửi /thuhoi <số>, với số lấy từ /nhanvien. Ví dụ: /thuhoi 3")
    staff_id = number
    if req.staff is not None and req.staff.id == staff_id:
        return text("Bạn không thể tự thu hồi quyền của tài khoản đang dùng.")
    unit = req.staff.unit_id if req.staff is not None else None
    member = await staff_store.get_staff(req.ctx.db, staff_id)
    done = await staff_store.revoke(req.ctx.db, staff_id, req.ctx.now(), unit)
    if not done or member is None:
        return text(f"Không có nhân viên số {staff_id} đang hoạt động trong đơn vị của bạn.")
    return text(f"Đã thu hồi quyền của {member.name} (số {staff_id}); mọi tài khoản chat đã liên "
                "kết bị gỡ.")


def _safe_name(name: str) -> str:
    """A file name safe to write: the base name with odd characters replaced."""
    base = Path(name.replace("\\", "/")).name or "tep"
    base = re.sub(r"[^\w.\-]+", "_", base)[:100]
    return base or "tep"


async def _unit_name(req: Request) -> str | None:
    """The name of the admin's own unit (None for settings admins: the importer's default)."""
    if req.staff is None:
        return None
    for uid, name in await list_units(req.ctx.db):
        if uid == req.staff.unit_id:
            return name
    return None


@router.command("__file__", roles=ADMINS, menu=False, help="— Nhập tệp .xlsx/.csv")
async def import_attachment(req: Request) -> list[Reply]:
    """Import an attached .xlsx/.csv (dossiers or catalogue) and answer with the summary."""
    att = req.incoming.attachment
    if att is None:
        return text("Gửi tệp .xlsx hoặc .csv (danh sách hồ sơ hoặc danh mục thủ tục) để nhập.")
    name = _safe_name(att.filename)
    if not name.lower().endswith((".xlsx", ".csv")):
        return text("Bot chỉ nhập tệp .xlsx hoặc .csv (xuất từ phần mềm một cửa).")
    if not att.data:
        return text("Tệp trống, không có gì để nhập.")
    if len(att.data) > MAX_FILE:
        return text("Tệp quá lớn (tối đa 50 MB). Hãy dùng lệnh motcua import trên máy chủ.")
    unit = await _unit_name(req)
    with tempfile.TemporaryDirectory(prefix="motcua-import-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(att.data)
        refusal = unit_refusal(req.ctx.settings, path, unit)
        if refusal is not None:
            return text(refusal)
        try:
            summary = await run_import(req.ctx, path, detect_kind(path), unit=unit)
        except ImportRefused as exc:
            return text(str(exc) or "Tệp bị từ chối.")
        except Exception:
            log.exception("import of an attached file failed")
            return text("Không nhập được tệp này: bot gặp lỗi khi đọc tệp. Hãy kiểm tra tệp "
                        "(xuất lại từ phần mềm một cửa, lưu dạng .xlsx hoặc CSV UTF-8) rồi gửi "
                        "lại, hoặc dùng lệnh motcua import trên máy chủ để xem chi tiết.")
        replies = [Reply(text=summary_text(summary))]
        rejects = summary.rejects_path
        if rejects is not None and Path(rejects).is_file():
            replies.append(Reply(text="Các dòng bị từ chối và lý do", document=Path(
                rejects).read_bytes(), filename=Path(rejects).name))
    return replies
