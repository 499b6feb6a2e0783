"""People choose their pushes: /tatnhacnho, /batnhacnho, /caidat, and citizens' rating buttons."""

from __future__ import annotations

from bot.core.numbers import number_arg
from bot.core.registry import Request, Router
from bot.core.types import Button, Reply
from storage import prefs, ratings
from storage.reminders import dossier_code
from storage.staff import staff_chats
from storage.subscriptions import followers

router = Router()

STAFF = {"officer", "leader", "admin"}
KIND_NAMES = {
    "reminders": "Nhắc việc hằng ngày (hồ sơ quá hạn, sắp đến hạn của bạn)",
    "digest": "Tình hình hồ sơ hằng ngày của đơn vị",
    "quarterly": "Báo cáo quý (tóm tắt, biểu đồ, tệp .docx)",
}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "bảng điều khiển"}
LEADER_KINDS = ("digest", "quarterly", "reminders")
OFFICER_KINDS = ("reminders",)
NOT_STAFF = "Lệnh này dành cho cán bộ đã liên kết tài khoản."


def _kinds(req: Request) -> tuple[str, ...]:
    """The pushes this person may choose: leaders all three, others the reminder."""
    return LEADER_KINDS if req.role == "leader" else OFFICER_KINDS


@router.command("tatnhacnho", roles=STAFF, help="— Tạm dừng nhắc việc buổi sáng")
async def tatnhacnho(req: Request) -> list[Reply]:
    """Pause this staff member's morning reminder."""
    if req.staff is None:
        return [Reply(NOT_STAFF)]
    await prefs.set_pref(req.ctx.db, req.staff.id, "reminders", False, req.ctx.now())
    return [Reply("Đã tạm dừng nhắc việc buổi sáng. Gửi /batnhacnho để nhận lại.")]


@router.command("batnhacnho", roles=STAFF, help="— Nhận lại nhắc việc buổi sáng")
async def batnhacnho(req: Request) -> list[Reply]:
    """Resume this staff member's morning reminder."""
    if req.staff is None:
        return [Reply(NOT_STAFF)]
    await prefs.set_pref(req.ctx.db, req.staff.id, "reminders", True, req.ctx.now())
    when = req.ctx.settings.reminder_time.strftime("%H:%M")
    return [Reply(f"Đã bật lại nhắc việc: bạn sẽ nhận lúc {when} mỗi ngày làm việc.")]


async def _settings_reply(req: Request, note: str = "") -> list[Reply]:
    """The current choices with a button to switch each one."""
    assert req.staff is not None
    current = await prefs.get_prefs(req.ctx.db, req.staff.id)
    lines = [note] if note else []
    lines.append("Cài đặt thông báo của bạn:")
    rows: list[tuple[Button, ...]] = []
    for kind in _kinds(req):
        on = current.wants(kind)
        lines.append(f"• {KIND_NAMES[kind]}: {'đang bật' if on else 'đang tắt'}")
        action = "Tắt" if on else "Bật"
        label = KIND_NAMES[kind].split(" (")[0].lower()
        rows.append((Button(f"{action} {label}", f"caidat:{kind}:{0 if on else 1}"),))
    chats = await staff_chats(req.ctx.db, req.staff.id)
    channels = sorted({c for c, _ in chats})
    if len(channels) > 1:
        where = CHANNEL_NAMES.get(current.channel or "", "mọi kênh đã liên kết")
        lines.append(f"• Nhận thông báo trên: {where}")
        for channel in [*channels, "all"]:
            if channel == (current.channel or "all"):
                continue
            label = "mọi kênh" if channel == "all" else CHANNEL_NAMES.get(channel, channel)
            rows.append((Button(f"Nhận trên {label}", f"caidat:channel:{channel}"),))
    lines.append("Bấm một nút bên dưới để thay đổi.")
    return [Reply("\n".join(lines), buttons=tuple(rows))]


@router.command("caidat", roles=STAFF, help="— Chọn thông báo bạn nhận (nhắc việc, báo cáo quý)")
async def caidat(req: Request) -> list[Reply]:
    """Show this staff member's push choices with switch buttons."""
    if req.staff is None:
        return [Reply(NOT_STAFF)]
    return await _settings_reply(req)


@router.button_prefix("caidat", roles=STAFF)
async def caidat_button(req: Request) -> list[Reply]:
    """A /caidat button: 'caidat:<kind>:<0|1>' or 'caidat:channel:<channel|all>'."""
    if req.staff is None:
        return [Reply(NOT_STAFF)]
    kind, _, value = (req.args[0] if req.args else "").partition(":")
    now = req.ctx.now()
    if kind == "channel":
        chats = await staff_chats(req.ctx.db, req.staff.id)
        if value != "all" and value not in {c for c, _ in chats}:
            return await _settings_reply(req, "Bạn chưa liên kết kênh này.")
        await prefs.set_channel(req.ctx.db, req.staff.id, None if value == "all" else value, now)
        return await _settings_reply(req, "Đã lưu.")
    if kind not in _kinds(req) or value not in ("0", "1"):
        return await _settings_reply(req, "Lựa chọn không hợp lệ.")
    await prefs.set_pref(req.ctx.db, req.staff.id, kind, value == "1", now)
    return await _settings_reply(req, "Đã lưu.")


@router.button_prefix("rate")
async def rate_button(req: Request) -> list[Reply]:
    """A rating button under a finished dossier's push: 'rate:<unit id>:<dossier id>:<1|2|3>'
    (buttons sent before issue 16 carry no unit: 'rate:<dossier id>:<1|2|3>')."""
    parts = (req.args[0] if req.args else "").split(":")
    if len(parts) == 2:
        parts.insert(0, "")
    raw_unit, raw_id, raw_score = parts if len(parts) == 3 else ("?", "", "")
    number = number_arg(raw_id, 12)
    unit = number_arg(raw_unit, 12) if raw_unit else None
    if number is None or raw_score not in ("1", "2", "3") or (raw_unit and unit is None):
        return [Reply("Lựa chọn đánh giá không hợp lệ.")]
    dossier_id, score = number, int(raw_score)
    inc = req.incoming
    found = await dossier_code(req.ctx.db, dossier_id, unit)
    if found is None or (inc.channel, inc.chat_id) not in await followers(
            req.ctx.db, dossier_id, found[0]):
        return [Reply("Bạn chỉ đánh giá được hồ sơ mà bạn đang theo dõi.")]
    unit_id, code = found
    await ratings.rate(req.ctx.db, dossier_id, inc.channel, inc.chat_id, score, req.ctx.now(),
                       unit_id)
    return [
        Reply(
            f"Cảm ơn bạn đã đánh giá hồ sơ {code}: {ratings.SCORES[score]}. "
            "Ý kiến của bạn giúp Bộ phận Một cửa phục vụ tốt hơn."
        )
    ]
