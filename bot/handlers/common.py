"""Commands for everyone (/start, /huongdan) and what handlers share: rate limits, unit lookup."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from bot.core.registry import ROLE_NAMES, Request, Router
from bot.core.types import Reply
from storage import ratelimit
from storage.conn import Conn
from storage.units import find_unit

router = Router()

LOOKUP = "lookup"
INVITE = "invite"
T = TypeVar("T")


def text(body: str, buttons: tuple = ()) -> list[Reply]:
    """A single text reply."""
    return [Reply(text=body, buttons=buttons)]


def person(req: Request) -> tuple[str, str]:
    """Who the limits count: a staff member once across every linked channel, else the account."""
    if req.staff is not None:
        return "staff", str(req.staff.id)
    return req.incoming.channel, req.incoming.user_id


def _exempt(req: Request, staff_too: bool) -> bool:
    """True when this person's lookups are not counted (staff, unless staff_too)."""
    return req.role != "citizen" and not staff_too


async def take_lookup(req: Request, bucket: str = LOOKUP, staff_too: bool = False) -> Reply | None:
    """Check and spend one lookup in one atomic step, before anything is looked up: a polite
    refusal when this person used up their lookups, else None (staff exempt unless staff_too)."""
    if _exempt(req, staff_too):
        return None
    s = req.ctx.settings
    now = req.ctx.now()
    channel, user_id = person(req)
    limit = await ratelimit.take(req.ctx.db, channel, user_id, bucket, now,
                                 s.lookup_per_minute, s.lookup_per_day)
    return _refusal(limit)


async def lookup(
    req: Request, read: Callable[[Conn], Coroutine[Any, Any, T]], misses: Callable[[T], int],
    staff_too: bool = False,
) -> tuple[Reply | None, T | None]:
    """take_lookup, read (a storage coroutine) and charge_miss for
    `misses(result)` misses, in one hop to the store: (refusal, None) or (None, result).
    Staff (unless staff_too) spend nothing: only read."""
    if _exempt(req, staff_too):
        return None, await req.ctx.db.read(read)
    s = req.ctx.settings
    channel, user_id = person(req)
    taken = await ratelimit.take_and_read(
        req.ctx.db, channel, user_id, LOOKUP, req.ctx.now(), s.lookup_per_minute,
        s.lookup_per_day, read, misses)
    return _refusal(taken[0]), taken[1]


def _refusal(limit: ratelimit.Limit) -> Reply | None:
    """The polite refusal of a person over their lookups (None when allowed)."""
    if limit.allowed:
        return None
    assert limit.retry_at is not None
    if limit.per_day:
        return Reply(text=(
            "Bạn đã tra cứu nhiều lần trong hôm nay nên bot tạm dừng để bảo vệ thông tin hồ sơ. "
            f"Xin vui lòng thử lại từ ngày {limit.retry_at:%d/%m/%Y}. Xin cảm ơn bạn đã thông cảm!"
        ))
    return Reply(text=(
        "Bạn tra cứu hơi nhanh nên bot tạm dừng một chút để bảo vệ thông tin hồ sơ. "
        f"Xin vui lòng thử lại sau {limit.retry_at:%H:%M} (khoảng một phút nữa). Xin cảm ơn!"
    ))


async def charge_miss(req: Request, bucket: str = LOOKUP, staff_too: bool = False) -> None:
    """A miss costs one lookup more than a hit (counted after take_lookup spent the first)."""
    if _exempt(req, staff_too):
        return
    channel, user_id = person(req)
    await ratelimit.spend(req.ctx.db, channel, user_id, bucket, req.ctx.now(), 1)


async def own_unit(req: Request) -> int | None:
    """The unit a staff member belongs to; for admins from settings: the settings' unit if it
    exists, else None (every unit)."""
    if req.staff is not None:
        return req.staff.unit_id
    if req.ctx.settings.unit is None:
        return None
    return await find_unit(req.ctx.db, req.ctx.settings.unit)


@router.command("start", "batdau", help="— Giới thiệu bot và các lệnh bạn dùng được")
async def start(req: Request) -> list[Reply]:
    """Who the bot serves and what this person can do."""
    unit = req.ctx.settings.unit or "Trung tâm Phục vụ hành chính công"
    who = ROLE_NAMES.get(req.role, req.role)
    greeting = f"Xin chào! Đây là trợ lý tự động của {unit}."
    if req.staff is not None:
        greeting += f"\nBạn đang dùng bot với vai trò {who}: {req.staff.name}."
    elif req.role == "admin":
        greeting += "\nBạn đang dùng bot với vai trò quản trị viên."
    body = (
        f"{greeting}\n"
        "Bot giúp tra cứu tình trạng hồ sơ một cửa, theo dõi hồ sơ để nhận tin khi có thay đổi "
        "và tìm thông tin thủ tục hành chính.\n\n"
        f"{req.routes.help_text(req.role)}"
    )
    return text(body)


_GUIDE_CITIZEN = """Hướng dẫn sử dụng
1. Tra cứu hồ sơ: gửi mã hồ sơ in trên giấy biên nhận, ví dụ:
   000.00.12.H31-260101-0001
   (hoặc /tracuu 000.00.12.H31-260101-0001). Bot trả lời trạng thái, ngày tiếp nhận, ngày hẹn trả.
2. Xem đầy đủ: gửi kèm 4 số cuối số điện thoại hoặc số CCCD của người nộp, ví dụ:
   /tracuu 000.00.12.H31-260101-0001 5678
   Bot thêm tên thủ tục, tên người nộp (đã che bớt), nội dung cần bổ sung và nơi nhận kết quả.
3. Theo dõi: /theodoi <mã> <4 số cuối> — bot nhắn cho bạn mỗi khi hồ sơ đổi trạng thái.
   /theodoi — xem danh sách đang theo dõi; /huytheodoi <mã> — thôi theo dõi.
4. Thủ tục: /thutuc <từ khóa>, ví dụ /thutuc khai sinh (gõ có dấu hay không dấu đều được).
Để bảo vệ thông tin, mỗi người chỉ được tra cứu một số lần mỗi phút và mỗi ngày.
Bot không bao giờ hiển thị số điện thoại, số giấy tờ hay tên cán bộ."""

_GUIDE_STAFF = {
    "officer": "Cán bộ: /quahan — hồ sơ quá hạn của bạn; /sapden [n] — hồ sơ đến hạn trong n ngày "
    "làm việc (mặc định 2); /hosocuatoi — mọi hồ sơ đang giải quyết của bạn, có nút chuyển trang.",
    "leader": "Lãnh đạo: /quy1 … /quy4 [năm], /thang [mm/yyyy], /nam [yyyy], /thongke <từ ngày> "
    "<đến ngày> — số liệu tổng hợp; /baocao quy1 [năm] — báo cáo .docx kèm biểu đồ; /quahan — hồ "
    "sơ quá hạn của đơn vị theo từng cán bộ; /chiso [kỳ] — ước tính Chỉ số phục vụ (Bộ chỉ số "
    "766) và các hồ sơ làm mất điểm; /xuhuong [chỉ tiêu] — xu hướng 8 quý; /xephang [kỳ] "
    "[chỉ tiêu] — xếp hạng các đơn vị (lãnh đạo nhiều đơn vị).",
    "admin": "Quản trị: /moi <canbo|lanhdao|quantri> <họ tên> [mã cán bộ] — tạo mã mời; "
    "/nhanvien — danh sách nhân viên; /thuhoi <số> — thu hồi quyền; gửi tệp .xlsx hoặc .csv để "
    "nhập hồ sơ hoặc danh mục thủ tục.",
}


@router.command("huongdan", "help", "trogiup", help="— Hướng dẫn sử dụng bot")
async def huongdan(req: Request) -> list[Reply]:
    """How to use the bot, for this person's role."""
    body = _GUIDE_CITIZEN
    if req.role in _GUIDE_STAFF:
        body += "\n\n" + _GUIDE_STAFF[req.role]
    if req.role == "admin":
        body += "\n\n" + _GUIDE_STAFF["leader"]
    if req.role == "citizen":
        body += "\n\nCán bộ nhận mã mời từ quản trị viên thì gửi /dangky <mã mời> để kích hoạt."
    return text(body)
