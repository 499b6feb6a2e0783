"""What a citizen should do next: one decision per situation, used by every card and push."""

from __future__ import annotations

from datetime import date

from bot.config import Settings
from bot.core.contact import whom_to_contact
from storage.dossiers import Dossier

# The situations a dossier can be in, as a citizen sees it, and what to do in each.
ADVICE = {
    "on_track": "Hồ sơ đang được giải quyết trong thời hạn; bạn chưa cần làm gì thêm, xin vui lòng "
    "chờ đến ngày hẹn trả.",
    "due_today": "Hôm nay là ngày hẹn trả kết quả; bot sẽ nhắn khi có kết quả (nếu bạn theo dõi "
    "hồ sơ). Trước khi đến nhận, bạn có thể tra cứu lại để chắc chắn đã có kết quả.",
    "overdue": "Hồ sơ đã quá ngày hẹn trả mà chưa có kết quả. Chúng tôi thành thật xin lỗi vì sự "
    "chậm trễ này.",
    "supplement": "Vui lòng bổ sung giấy tờ theo yêu cầu của Bộ phận Một cửa; thời hạn giải quyết "
    "tạm dừng cho đến khi bạn bổ sung.",
    "payment": "Vui lòng nộp phí, lệ phí hoặc nghĩa vụ tài chính theo thông báo để hồ sơ được "
    "tiếp tục giải quyết.",
    "result_ready": "Mời bạn đến Bộ phận Một cửa nhận kết quả, nhớ mang theo giấy biên nhận.",
    "result_posted": "Kết quả đã được gửi qua bưu chính đến địa chỉ bạn đăng ký; vui lòng chú ý "
    "nhận.",
    "returned": "Hồ sơ đã hoàn thành và đã trả kết quả; không cần làm gì thêm.",
    "refused": "Hồ sơ không được tiếp tục giải quyết; Bộ phận Một cửa sẽ cho bạn biết lý do và "
    "cách hoàn thiện hồ sơ nếu muốn nộp lại.",
    "withdrawn": "Hồ sơ đã được rút theo đề nghị của bạn; không cần làm gì thêm.",
}
# Situations where the citizen is told whom to contact after the advice.
WITH_CONTACT = ("overdue", "refused")


def situation(d: Dossier, today: date | None = None) -> str:
    """The dossier's situation (a key of ADVICE); open dossiers are judged against today."""
    if d.status in ("supplement", "payment", "returned", "withdrawn"):
        return d.status
    if d.status == "result":
        return "result_posted" if d.channel == "buu_chinh" else "result_ready"
    if d.status in ("rejected", "stopped"):
        return "refused"
    if today is not None and d.finished_day is None:
        if d.due_day < today:
            return "overdue"
        if d.due_day == today:
            return "due_today"
    return "on_track"


def advice(d: Dossier, today: date | None = None, settings: Settings | None = None) -> str:
    """What to do next, in one or two sentences, with whom to contact when it is needed."""
    key = situation(d, today)
    text = ADVICE[key]
    if key in WITH_CONTACT:
        if settings is not None:
            text += " " + whom_to_contact(settings)
        else:
            text += " Xin vui lòng liên hệ Bộ phận Một cửa để được hỗ trợ."
    return text
