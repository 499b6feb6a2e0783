"""/lienket: a staff member linked on one channel gets a one-time code to link the other channel.

On the linked channel, `/lienket` gives a code (storage.staff.add_invite: one use, 1 day); on
the other channel, `/lienket <mã>` links that chat account to the same staff record
(storage.staff.redeem_invite), under the same attempt limit as /dangky. Reminders then reach
every linked chat (storage.staff.staff_chats).
"""

from __future__ import annotations

from bot.core.registry import Request, Router
from bot.core.types import Reply
from bot.handlers.common import INVITE, charge_miss, take_lookup
from storage.staff import add_invite, redeem_invite

router = Router()

STAFF = {"officer", "leader", "admin"}
CODE_DAYS = 1
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "bảng điều khiển"}


def _other_channel(channel: str) -> str:
    """The channel to link next: Zalo from Telegram, Telegram from Zalo."""
    return {"telegram": "Zalo", "zalo": "Telegram"}.get(channel, "Telegram hoặc Zalo")


async def _redeem(req: Request, code: str) -> list[Reply]:
    """Link this chat account to the staff member who asked for the code (rate-limited)."""
    refusal = await take_lookup(req, INVITE, staff_too=True)
    if refusal is not None:
        return [refusal]
    inc = req.incoming
    member = await redeem_invite(
        req.ctx.db, code[:64], inc.channel, inc.user_id, inc.chat_id, req.ctx.now()
    )
    if member is None:
        await charge_miss(req, INVITE, staff_too=True)
        return [Reply(
            "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn.\n"
            "Gửi /lienket trên kênh bạn đã đăng ký để lấy mã mới."
        )]
    where = CHANNEL_NAMES.get(inc.channel, inc.channel)
    return [Reply(
        f"Đã liên kết tài khoản {where} này với cán bộ {member.name}.\n"
        "Từ nay bạn dùng được các lệnh cán bộ và nhận nhắc việc ở đây. "
        "Gửi /caidat để chọn kênh nhận nhắc việc."
    )]


@router.command(
    "lienket",
    roles=STAFF,
    changes_role=True,
    help="[mã] — liên kết tài khoản Telegram và Zalo của cùng một cán bộ",
)
async def link_staff(req: Request) -> list[Reply]:
    """Staff: give a one-time code for the other channel, or redeem one given as argument."""
    if req.args:
        return await _redeem(req, " ".join(req.args))
    if req.staff is None:
        return [Reply(
            "Bạn là quản trị viên theo cấu hình (MOTCUA_ADMIN_IDS), không có hồ sơ cán bộ để "
            "liên kết. Dùng lệnh motcua staff invite để tạo hồ sơ cán bộ."
        )]
    code, expires = await add_invite(req.ctx.db, req.staff.id, req.ctx.now(), days=CODE_DAYS)
    other = _other_channel(req.incoming.channel)
    when = expires.strftime("%H:%M ngày %d/%m/%Y")
    return [Reply(
        f"Mã liên kết của bạn: {code}\n"
        f"Mở bot trên {other} và gửi: /lienket {code}\n"
        f"Mã chỉ dùng được một lần, hết hạn lúc {when}. Không chia sẻ mã này cho người khác."
    )]


@router.command("lienket", roles={"citizen"}, menu=False, changes_role=True,
                help="<mã> — liên kết tài khoản này với hồ sơ cán bộ")
async def link_citizen(req: Request) -> list[Reply]:
    """Not yet staff here: redeem the code given on the other channel."""
    if not req.args:
        return [Reply(
            "Lệnh /lienket dành cho cán bộ.\n"
            "Nếu bạn đã đăng ký trên kênh khác, gửi /lienket ở đó để lấy mã, rồi gửi tại đây: "
            "/lienket <mã>"
        )]
    return await _redeem(req, " ".join(req.args))
