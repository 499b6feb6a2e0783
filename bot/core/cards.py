"""Status cards of a dossier for citizens (no personal data, or the full card with the 4 digits)
and one-line entries for officers' lists."""

from __future__ import annotations

from datetime import date

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

NEXT_STEP = {
    "received": "Hồ sơ đã được tiếp nhận và đang chờ chuyển xử lý; bạn chưa cần làm gì thêm.",
    "processing": "Hồ sơ đang được giải quyết; bạn chưa cần làm gì thêm, hãy chờ đến ngày hẹn trả.",
    "supplement": "Vui lòng bổ sung giấy tờ theo yêu cầu của Bộ phận Một cửa; thời hạn giải quyết "
    "tạm dừng cho đến khi bạn bổ sung.",
    "payment": "Vui lòng nộp phí, lệ phí hoặc nghĩa vụ tài chính theo thông báo để hồ sơ được "
    "tiếp tục giải quyết.",
    "rejected": "Vui lòng liên hệ Bộ phận Một cửa để biết lý do và hoàn thiện hồ sơ trước khi "
    "nộp lại.",
    "stopped": "Vui lòng liên hệ Bộ phận Một cửa để biết lý do dừng xử lý.",
    "withdrawn": "Hồ sơ đã được rút theo đề nghị của bạn; không cần làm gì thêm.",
    "result": "Mời bạn đến Bộ phận Một cửa nhận kết quả, nhớ mang theo giấy biên nhận.",
    "returned": "Hồ sơ đã hoàn thành và đã trả kết quả; không cần làm gì thêm.",
}

RESULT_POSTAL = "Kết quả đã được gửi qua bưu chính đến địa chỉ bạn đăng ký; vui lòng chú ý nhận."


def status_label(d: Dossier) -> str:
    """The citizen-facing status wording (result by post says so)."""
    if d.status == "result" and d.channel == "buu_chinh":
        return "Đã có kết quả (đã gửi bưu chính)"
    if d.status == "result":
        return "Đã có kết quả (mời đến nhận)"
    return STATUS_TEXT.get(d.status, d.status)


def next_step(d: Dossier) -> str:
    """One sentence on what the citizen should do next."""
    if d.status == "result" and d.channel == "buu_chinh":
        return RESULT_POSTAL
    return NEXT_STEP.get(d.status, "Vui lòng liên hệ Bộ phận Một cửa nếu cần thêm thông tin.")


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
    return f"Đã quá ngày hẹn trả {max(-left, 1)} ngày làm việc; chúng tôi xin lỗi vì sự chậm trễ."


def where_result(d: Dossier) -> str:
    """Where the citizen gets the result, from the dossier's channel."""
    if d.channel == "buu_chinh":
        return "qua bưu chính, đến địa chỉ đã đăng ký khi nộp hồ sơ"
    if d.channel == "truc_tuyen":
        return (f"bản điện tử trên Cổng Dịch vụ công, hoặc bản giấy tại Bộ phận Một cửa — "
                f"{d.unit_name}")
    return f"tại Bộ phận Một cửa — {d.unit_name}"


def status_card(d: Dossier, today: date, calendar: WorkCalendar) -> str:
    """The card without personal data: status, next step, dates, timing."""
    lines = [
        f"📄 Hồ sơ {d.code}",
        f"Trạng thái: {status_label(d)}",
        next_step(d),
        f"Ngày tiếp nhận: {vn_date(d.received_day)}",
        f"Ngày hẹn trả: {vn_date(d.due_day)}",
        timing_line(d, today, calendar),
    ]
    return "\n".join(lines)


def full_card(d: Dossier, today: date, calendar: WorkCalendar) -> str:
    """The full card (second factor checked): adds procedure, masked name, supplement note and
    where to get the result — never the phone, the ID number or the officer."""
    lines = [status_card(d, today, calendar), f"Thủ tục: {d.procedure_name}"]
    lines.append(f"Người nộp: {mask_name(d.applicant)}")
    if d.status == "supplement":
        note = (d.supplement_note or "").strip()
        lines.append(f"Nội dung cần bổ sung: {note}" if note else
                     "Nội dung cần bổ sung: vui lòng liên hệ Bộ phận Một cửa.")
    lines.append(f"Nơi nhận kết quả: {where_result(d)}.")
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
