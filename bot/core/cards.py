"""Status cards of a dossier for citizens (no personal data, or the full card with the 4 digits)
and one-line entries for officers' lists."""

from __future__ import annotations

from datetime import date

from bot.config import Settings
from bot.core.advice import advice
from bot.core.text import mask_name, vn_date
from bot.workdays import WorkCalendar
from storage.dossiers import Dossier

STATUS_TEXT = {
    "received": "Đã tiếp nhận",
    "processing": "Đang xử lý",
    "supplement": "Yêu cầu bổ sung",
    "payment": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "rejected": "Từ chối tiếp nhận",
    "stopped": "Dừng xử lý",
    "withdrawn": "Công dân rút hồ sơ",
    "result": "Đã có kết quả",
    "returned": "Đã trả kết quả",
}

FOLLOWED = "🔔 Bạn đang theo dõi hồ sơ này: bot sẽ nhắn cho bạn khi hồ sơ đổi trạng thái."


def status_label(d: Dossier) -> str:
    """The citizen-facing status wording (result by post says so)."""
    if d.status == "result" and d.channel == "buu_chinh":
        return "Đã có kết quả (đã gửi bưu chính)"
    if d.status == "result":
        return "Đã có kết quả (mời đến nhận)"
    return STATUS_TEXT.get(d.status, d.status)


def next_step(d: Dossier, today: date | None = None, settings: Settings | None = None) -> str:
    """What the citizen should do next (bot.core.advice decides, for cards and pushes alike)."""
    return advice(d, today, settings)


def timing_line(d: Dossier, today: date, calendar: WorkCalendar) -> str:
    """Early / on time / late for finished dossiers; working days left or late otherwise."""
    due = d.due_day
    finished = d.finished_day
    if finished is not None or d.is_final:
        if d.status in ("rejected", "withdrawn", "stopped"):
            return "Hồ sơ đã kết thúc xử lý."
        end = finished or date.fromisoformat(d.status_at[:10])
        if end < due:
            return f"Hoàn thành trước hạn (ngày {vn_date(end)})."
        if end == due:
            return f"Hoàn thành đúng hạn (ngày {vn_date(end)})."
        late = calendar.working_days_between(due, end)
        return f"Hoàn thành quá hạn {max(late, 1)} ngày làm việc (ngày {vn_date(end)})."
    if d.status == "supplement":
        return "Thời hạn giải quyết đang tạm dừng trong khi chờ bổ sung."
    left = calendar.working_days_between(today, due)
    if left > 0:
        return f"Còn {left} ngày làm việc đến ngày hẹn trả."
    if due == today:
        return "Hôm nay là ngày hẹn trả kết quả."
    if due > today:  # the due day is not a working day
        return "Ngày hẹn trả rơi vào ngày nghỉ; kết quả sẽ có vào ngày làm việc kế tiếp."
    return f"Đã quá ngày hẹn trả {max(-left, 1)} ngày làm việc."


def where_result(d: Dossier) -> str:
    """Where the citizen gets the result, from the dossier's channel."""
    if d.channel == "buu_chinh":
        return "qua bưu chính, đến địa chỉ đã đăng ký khi nộp hồ sơ"
    if d.channel == "truc_tuyen":
        return (f"bản điện tử trên Cổng Dịch vụ công, hoặc bản giấy tại Bộ phận Một cửa — "
                f"{d.unit_name}")
    return f"tại Bộ phận Một cửa — {d.unit_name}"


def status_card(d: Dossier, today: date, calendar: WorkCalendar,
                settings: Settings | None = None) -> str:
    """The card without personal data: status, next step, dates, timing."""
    lines = [
        f"📄 Hồ sơ {d.code}",
        f"Trạng thái: {status_label(d)}",
        next_step(d, today, settings),
        f"Ngày tiếp nhận: {vn_date(d.received_day)}",
        f"Ngày hẹn trả: {vn_date(d.due_day)}",
        timing_line(d, today, calendar),
    ]
    return "\n".join(lines)


def full_card(d: Dossier, today: date, calendar: WorkCalendar, settings: Settings | None = None,
              followed: bool = False) -> str:
    """The full card (second factor checked): adds procedure, masked name, supplement note and
    where to get the result — never the phone, the ID number or the officer."""
    lines = [status_card(d, today, calendar, settings), f"Thủ tục: {d.procedure_name}"]
    lines.append(f"Người nộp: {mask_name(d.applicant)}")
    if d.status == "supplement":
        note = (d.supplement_note or "").strip()
        lines.append(f"Nội dung cần bổ sung: {note}" if note else
                     "Nội dung cần bổ sung: vui lòng liên hệ Bộ phận Một cửa.")
    lines.append(f"Nơi nhận kết quả: {where_result(d)}.")
    if followed:
        lines.append(FOLLOWED)
    return "\n".join(lines)


def officer_line(d: Dossier, today: date, calendar: WorkCalendar) -> str:
    """One dossier in an officer's list: code, procedure, applicant, due date, days late/left."""
    left = calendar.working_days_between(today, d.due_day)
    if d.status == "supplement":
        timing = "chờ bổ sung"
    elif d.status == "payment":
        timing = "chờ nộp phí"
    elif d.due_day < today:
        timing = f"quá hạn {max(-left, 1)} ngày làm việc"
    elif d.due_day == today:
        timing = "đến hạn hôm nay"
    else:
        timing = f"còn {left} ngày làm việc"
    return (f"• {d.code} — {d.procedure_name} — {d.applicant} — hẹn {vn_date(d.due_day)} "
            f"({timing})")
