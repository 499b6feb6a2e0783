"""Find a dossier code and the applicant's 4 digits anywhere in a citizen's sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from bot.core.text import parse_code
from storage.normalize import fold, nfkc

MAX_SCAN = 1000  # longer text is cut before scanning (a chat message, a QR payload)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"),
                        "-")
_DOT = r"\s?[.,]?\s?"
_DASH = r"\s?-?\s?"
# A code (or its tail) inside text: unit parts, then M-part, date and ordinal. Without the
# M-part the date and ordinal must be joined by a dash, so a bare phone number is never a code.
_CODE = re.compile(
    r"(?<![\w.])(?:"
    r"(?:(?:(?:\d{3}" + _DOT + r")?\d{2}" + _DOT + r")?\d{2}" + _DOT + r")?"
    r"[A-Z]\d{2}" + _DASH + r"\d{6}" + _DASH + r"\d{4}"
    r"|\d{6}\s?-\s?\d{4}"
    r")(?![\w])"
)
# Almost a code: any separator (or none) anywhere, and the letter O where a digit belongs.
_D = r"[\dO]"
_SEP = r"\s?[.,\-/_:;]?\s?"
_NEAR = re.compile(
    r"(?<![\w.])(?:(?:" + _D + r"{3}" + _SEP + r")?" + _D + r"{2}" + _SEP + _D + r"{2}" + _SEP
    + r")?[A-Z]" + _D + r"{2}" + _SEP + _D + r"{6}" + _SEP + _D + r"{4}(?![\w])"
)
# Where the 4 digits are announced: "4 số cuối", "đuôi", "sđt", "cccd", "cmnd"...
_FACTOR_WORD = re.compile(
    r"\b(?:(?:4|bon)\s*so\s*cuoi|so\s*cuoi|duoi|sdt|s\.?d\.?t|dien\s*thoai|dt|cccd|cmnd|cmt|"
    r"can\s*cuoc|chung\s*minh|phone|mat\s*khau|ma\s*pin)"
)
_AFTER_WORD = re.compile(r"[^\w]{0,3}(?:\w+[^\w]{1,3}){0,4}?[.…*xX]*(\d{4,12})(?!\d)")
_MASKED4 = re.compile(r"(?:…|\.{2,}|\*{2,}|[xX]{2,})\s?(\d{4})(?!\d)")
# Words before a code typed alone: "tra cứu", "hồ sơ", "mã" (upper case, with or without accents).
_LEAD = re.compile(r"^\s*(?:(?:TRA|CỨU|CUU|KIỂM|KIEM|XEM|HỒ|HO|SƠ|SO|HS|MÃ|MA|SỐ)\s*[:.]?\s+)+")
_SPLIT_TAIL = re.compile(r"\d{6}\s*[-\s]\s*\d{4}")
_DIGITS4 = re.compile(r"[\dO]{4}")
_FOUR_O = re.compile(r"(?<![\w])(?=[\dOo]{4}(?![\w]))(?=[\dOo]*[Oo])[\dOo]*\d[\dOo]*")


@dataclass(frozen=True)
class Found:
    """What a sentence holds: the code as typed (normalised), the 4 digits, and a near miss."""

    code: str | None = None  # normalised: the strict code, or the tail typed
    factor: str | None = None
    factor_typo: bool = False  # "4 số cuối 17O1": a letter O among the 4 digits
    near: str | None = None  # almost a code: the corrected form to suggest

    @property
    def args(self) -> list[str]:
        """The arguments /tracuu would receive: code, then the 4 digits when given."""
        assert self.code is not None
        return [self.code, self.factor] if self.factor else [self.code]


def prepare(text: str) -> str:
    """NFKC (fullwidth digits become ASCII), dashes unified, URL escapes undone, upper case."""
    text = nfkc(text[:MAX_SCAN]).translate(_DASHES)
    if "%" in text:
        text = unquote(text)
    return text.upper()


def _factor(text: str, folded: str) -> tuple[str | None, bool]:
    """The applicant's 4 digits in text with the code removed: (digits, letter-O typo)."""
    for m in _FACTOR_WORD.finditer(folded):
        after = _AFTER_WORD.match(folded, m.end())
        if after is not None:
            digits = after[1]
            if len(digits) == 4 or len(digits) >= 9:  # a whole phone or ID number: its tail
                return digits[-4:], False
        if _FOUR_O.search(folded, m.end(), m.end() + 30):
            return None, True
    masked = _MASKED4.search(text)
    if masked is not None:
        return masked[1], False
    lone = re.fullmatch(r"\W*(\d{4})\W*", text)
    return (lone[1], False) if lone else (None, False)


def factor_in(text: str) -> str | None:
    """The applicant's 4 digits announced in a text without a code (a photo's caption)."""
    up = prepare(text)
    factor, _typo = _factor(up, fold(up))
    return factor


def _fix_near(raw: str) -> str | None:
    """The strict code an almost-code stands for (O → 0, separators put right), or None."""
    chars = re.sub(r"[\s.,\-/_:;]", "", raw).replace("O", "0")
    m = re.fullmatch(r"(?:(\d{3})?(\d{2})(\d{2}))?([A-Z]\d{2})(\d{6})(\d{4})", chars)
    if m is None:
        return None
    head = ".".join(p for p in m.groups()[:3] if p)
    code = f"{head + '.' if head else ''}{m[4]}-{m[5]}-{m[6]}"
    return code if parse_code(code) is not None else None


def find(text: str) -> Found:
    """The code, the 4 digits and any near miss in a sentence (nothing found → empty Found)."""
    up = prepare(text)
    if _DIGITS4.search(up) is None:  # no code, tail or near miss without 4 digits or O's in a row
        return Found()
    for m in _CODE.finditer(up):
        parsed = parse_code(m[0].strip())
        if parsed is None:
            continue
        candidate = parsed.tail
        rest = up[: m.start()] + " " + up[m.end():]
        after = re.match(r"[\s,;:]*(\d{4})(?![\w])", up[m.end():])
        if after is not None:
            return Found(code=candidate, factor=after[1])
        factor, typo = _factor(rest, fold(rest))
        return Found(code=candidate, factor=factor, factor_typo=typo)
    typed = _LEAD.sub("", up, count=1)
    if _SPLIT_TAIL.search(typed):  # date and ordinal apart: never a bare phone number
        parsed = parse_code(typed)
        if parsed is not None:
            return Found(code=parsed.tail, factor=parsed.factor)
    for m in _NEAR.finditer(up):
        fixed = _fix_near(m[0])
        if fixed is not None:
            return Found(near=fixed)
    return Found()
