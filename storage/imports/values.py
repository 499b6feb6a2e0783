"""Parse one imported cell: datetimes, booleans, fees, statuses, channels, levels."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from storage.normalize import fold_spaces as fold  # for matching, not storing
from storage.normalize import nfkc


class BadValue(ValueError):
    """A cell that cannot be read; the message is a short Vietnamese reason."""


def ascii_text(text: str, what: str = "giá trị") -> str:
    """Text NFKC-normalised (fullwidth '９' → '9'); BadValue if digits other than 0-9 remain.

    Dates and numbers are stored with ASCII digits only: Arabic-Indic or other scripts' digits,
    which int() and the regexes' \\d would accept, are refused with a reason instead.
    """
    if text.isascii():
        return text
    text = nfkc(text)
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise BadValue(f"{what} có chữ số không phải 0–9")
    return text


def clean(value: object) -> str:
    """A cell as NFC text with outer whitespace removed ('' for empty)."""
    if type(value) is str:
        text = value.strip()
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _label_key(value: object) -> str:
    """A label cell for lookup: NFKC (a fullwidth code '２' is '2'), then folded."""
    text = clean(value)
    return fold(text if text.isascii() else nfkc(text))


FINAL_STATUSES = frozenset({"result", "returned", "rejected", "stopped", "withdrawn"})

_STATUS_LABELS = {
    "received": ("2", "Được tiếp nhận", "Đã tiếp nhận", "Mới tiếp nhận"),
    "processing": ("4", "Đang xử lý", "Đang giải quyết"),
    "supplement": ("5", "Yêu cầu bổ sung", "Yêu cầu bổ sung giấy tờ", "Chờ bổ sung"),
    "payment": (
        "6",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Chờ thực hiện nghĩa vụ tài chính",
    ),
    "result": ("9", "Đã xử lý xong", "Đã có kết quả", "Chờ trả kết quả"),
    "returned": ("10", "Đã trả kết quả"),
    "rejected": ("3", "Không được tiếp nhận", "Từ chối tiếp nhận", "Từ chối"),
    "stopped": ("8", "Dừng xử lý", "Không giải quyết", "Từ chối giải quyết"),
    "withdrawn": ("7", "Công dân yêu cầu rút hồ sơ", "Rút hồ sơ"),
}
STATUS_BY_KEY: dict[str, str] = {}
for _canon, _labels in _STATUS_LABELS.items():
    for _label in (_canon, *_labels):
        STATUS_BY_KEY[fold(_label)] = _canon
_NOT_RECEIVED = {fold(x) for x in ("1", "Mới đăng ký", "Mới đăng ký hồ sơ")}

_CHANNELS = {
    "truc_tiep": ("1", "Trực tiếp"),
    "truc_tuyen": ("2", "Trực tuyến"),
    "buu_chinh": ("3", "Bưu chính", "Dịch vụ bưu chính", "Qua bưu chính"),
}
CHANNEL_BY_KEY = {fold(k): c for c, ks in _CHANNELS.items() for k in (c, *ks)}

_LEVELS = {
    "toan_trinh": ("Toàn trình", "DVCTT toàn trình", "Dịch vụ công trực tuyến toàn trình"),
    "mot_phan": ("Một phần", "DVCTT một phần", "Dịch vụ công trực tuyến một phần"),
    "khong": ("Chưa cung cấp", "Không", "Chưa cung cấp DVCTT"),
}
LEVEL_BY_KEY = {fold(k): c for c, ks in _LEVELS.items() for k in (c, *ks)}

_TRUE = {fold(x) for x in ("1", "true", "có", "x", "yes", "đúng")}
_FALSE = {fold(x) for x in ("0", "false", "không", "", "no", "sai")}


@lru_cache(maxsize=1024)
def parse_status(value: object) -> str:
    """The canonical status of a label, national code or canonical name."""
    key = _label_key(value)
    if key in _NOT_RECEIVED:
        raise BadValue("trạng thái «Mới đăng ký» (mã 1): hồ sơ chưa được tiếp nhận")
    try:
        return STATUS_BY_KEY[key]
    except KeyError:
        raise BadValue(f"trạng thái không rõ «{clean(value)}»") from None


@lru_cache(maxsize=1024)
def parse_channel(value: object) -> str:
    """The canonical channel (truc_tiep, truc_tuyen, buu_chinh)."""
    try:
        return CHANNEL_BY_KEY[_label_key(value)]
    except KeyError:
        raise BadValue(f"hình thức nộp không rõ «{clean(value)}»") from None


def parse_level(value: object) -> str:
    """The canonical online-service level (toan_trinh, mot_phan, khong)."""
    try:
        return LEVEL_BY_KEY[_label_key(value)]
    except KeyError:
        raise BadValue(f"mức độ DVCTT không rõ «{clean(value)}»") from None


@lru_cache(maxsize=1024)
def parse_bool(value: object) -> bool:
    """1/0, true/false, có/không, x/empty (and Excel's own booleans)."""
    if isinstance(value, bool):
        return value
    key = _label_key(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(f"giá trị có/không không rõ «{clean(value)}»")


_FEE_UNITS = re.compile(r"(vnd|vnđ|dong|đồng|đ|d)\.?$", re.IGNORECASE)


def parse_fee(value: object) -> int:
    """A fee in VND: `50.000`, `50000`, `50,000 đ` all read 50000; negative is refused."""
    if isinstance(value, bool):
        raise BadValue("phí, lệ phí không hợp lệ")
    if type(value) is str and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int | float):
        if value < 0:
            raise BadValue("phí, lệ phí âm")
        if isinstance(value, float) and not value.is_integer():
            raise BadValue(f"phí, lệ phí không phải số nguyên đồng «{value}»")
        return int(value)
    text = ascii_text(clean(value), "phí, lệ phí")
    if not text:
        return 0
    negative = text.startswith("-")
    body = _FEE_UNITS.sub("", text.lstrip("-").strip()).strip()
    if re.fullmatch(r"\d+", body, re.ASCII):
        amount = int(body)
    elif re.fullmatch(r"\d{1,3}([.,\s]\d{3})+", body, re.ASCII):
        amount = int(re.sub(r"[.,\s]", "", body))
    elif re.fullmatch(r"\d+[.,]0+", body, re.ASCII):
        amount = int(re.split(r"[.,]", body)[0])
    else:
        raise BadValue(f"phí, lệ phí không đọc được «{text}»")
    if negative and amount:
        raise BadValue("phí, lệ phí âm")
    return amount


def parse_days(value: object) -> int | None:
    """A time limit in working days (integer ≥ 0), or None when empty."""
    text = ascii_text(clean(value), "thời hạn giải quyết")
    if not text:
        return None
    m = re.fullmatch(r"([0-9]+)(\s*ngày.*)?", text, flags=re.IGNORECASE)
    if not m:
        raise BadValue(f"thời hạn giải quyết không phải số ngày «{text}»")
    return int(m[1])


def last4(value: object) -> str | None:
    """Only the last 4 digits of a phone or ID number (None when it has fewer than 4).

    BadValue when it holds digits other than 0-9 (the message does not repeat the number).
    """
    text = value.strip() if type(value) is str else clean(value)
    text = ascii_text(text, "số điện thoại hoặc số giấy tờ")
    digits = text if text.isdigit() else re.sub(r"[^0-9]", "", text)
    return digits[-4:] if len(digits) >= 4 else None


_DMY = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", re.ASCII
)
_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)


def _build(
    parts: tuple[str, str, str, str | None, str | None, str | None], default: time, text: str
) -> datetime:
    """Make a naive local datetime from (y, m, d, H, M, S) text parts."""
    y, mo, d, hh, mm, ss = parts
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        raise BadValue(f"ngày không tồn tại «{text}»") from None
    if hh is None or mm is None:  # (the regexes match both or neither)
        return datetime.combine(day, default)
    try:
        return datetime.combine(day, time(int(hh), int(mm), int(ss or 0)))
    except ValueError:
        raise BadValue(f"giờ không hợp lệ «{text}»") from None


def parse_datetime(value: object, tz: ZoneInfo, default: time = time(0, 0)) -> datetime | None:
    """A naive local datetime from any accepted form; None when empty.

    A value with an offset is converted to tz; a date without a time gets `default`
    (00:00 for received_at, 17:00 for due_at).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(tz).replace(tzinfo=None, microsecond=0)
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, default)
    text = clean(value)
    if not text.isascii():
        text = ascii_text(text, f"ngày giờ «{text}»")
    if not text:
        return None
    if len(text) == 19 and text[2] == "/" and text[5] == "/" and text[13] == ":":
        try:  # the common export form dd/mm/yyyy HH:MM:SS, without the regex
            return datetime(int(text[6:10]), int(text[3:5]), int(text[:2]), int(text[11:13]),
                            int(text[14:16]), int(text[17:19]))
        except ValueError:
            pass  # fall through to the checks that say what is wrong
    m = _DMY.fullmatch(text)
    if m:
        return _build((m[3], m[2], m[1], m[4], m[5], m[6]), default, text)
    m = _ISO.fullmatch(text)
    if m:
        naive = _build((m[1], m[2], m[3], m[4], m[5], m[6]), default, text)
        if m[7]:
            offset = m[7].replace("Z", "+00:00")
            if ":" not in offset:
                offset = offset[:3] + ":" + offset[3:]
            aware = datetime.fromisoformat(naive.isoformat() + offset)
            return aware.astimezone(tz).replace(tzinfo=None)
        return naive
    raise BadValue(f"ngày giờ không đọc được «{text}»")


def to_iso(value: object, tz: ZoneInfo, default: time = time(0, 0)) -> str | None:
    """parse_datetime as stored text 'YYYY-MM-DDTHH:MM:SS' (None when empty).

    The export's own forms (dd/mm/yyyy HH:MM:SS and dd/mm/yyyy) are read without building
    more than one datetime: this runs five times per row on exports of 200,000 rows.
    """
    if type(value) is str:
        if not value.isascii():  # NFKC, then digits 0-9 only (BadValue otherwise)
            value = ascii_text(value, f"ngày giờ «{value.strip()}»")
        n = len(value)
        if n == 19 and value[13] == ":" and value[16] == ":":
            head = value[:10]
            day = _DAYS.get(head) or _iso_day(head)
            clock = value[11:19]
            # Two set lookups instead of the regex; the regex still decides any other digits.
            if day and ((clock[:5] in _HHMM and clock[6:] in _SECONDS) or _CLOCK.match(clock)):
                return f"{day}T{clock}"
        elif n == 10:
            day = _DAYS.get(value) or _iso_day(value)
            if day:
                return f"{day}T{default.isoformat()}"
        elif n == 0:
            return None
    elif type(value) is datetime and value.tzinfo is None:  # XLSX: a native date and time
        return value.isoformat()[:19]  # = isoformat(timespec="seconds"), without its keyword
    parsed = parse_datetime(value, tz, default)
    return None if parsed is None else parsed.isoformat(timespec="seconds")


_CLOCK = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d", re.ASCII)
# The same clocks as _CLOCK with ASCII digits, as 'HH:MM' and 'SS' parts.
_HHMM = frozenset(f"{h:02d}:{m:02d}" for h in range(24) for m in range(60))
_SECONDS = frozenset(f"{s:02d}" for s in range(60))
# 'dd/mm/yyyy' → 'yyyy-mm-dd' for the real days met so far (days repeat); at most _DAYS_MAX.
_DAYS: dict[str, str] = {}
_DAYS_MAX = 4096


def _iso_day(text: str) -> str | None:
    """'dd/mm/yyyy' → 'yyyy-mm-dd' when it is a real day, else None (real days remembered)."""
    if len(text) != 10 or text[2] != "/" or text[5] != "/":
        return None
    try:
        day = date(int(text[6:10]), int(text[3:5]), int(text[:2])).isoformat()
    except ValueError:
        return None
    if len(_DAYS) < _DAYS_MAX:
        _DAYS[text] = day
    return day
