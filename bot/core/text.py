"""Text helpers of the core: NFC, accent folding, dossier codes, masking names, splitting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from storage.normalize import fold, nfkc

EXAMPLE_CODE = "000.00.12.H31-260101-0001"
STRICT_CODE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$", re.ASCII)
MAX_CODE_INPUT = 120  # longer text is never taken as a code (and never fed to the regex)

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d_"), "-"
)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff]"
)
# Separators people type: dots/spaces between the unit parts, dashes/spaces around the date.
_DOT = r"\s*[.,]?\s*"
_DASH = r"\s*-?\s*"
_CODE_INPUT = re.compile(
    r"^(?:(?:(?:(?P<a>\d{3})" + _DOT + r")?(?P<b>\d{2})" + _DOT + r")?(?P<c>\d{2})" + _DOT + r")?"
    r"(?:(?P<m>[A-Z]\d{2})" + _DASH + r")?"
    r"(?P<day>\d{6})" + _DASH + r"(?P<n>\d{4})"
    r"(?:\s+(?P<factor>\d{4}))?$",
    re.ASCII,  # digits are ASCII only: the text went through NFKC first (storage.normalize)
)


def nfc(text: str) -> str:
    """NFC-normalise text."""
    return unicodedata.normalize("NFC", text)


def clean_incoming(text: str) -> str:
    """NFKC (fullwidth and superscript digits become ASCII), drop control and invisible
    characters (keep newlines and tabs), trim: the one normalisation of all chat input."""
    return _CONTROL.sub("", nfkc(text)).replace("\r\n", "\n").replace("\r", "\n").strip()


def fold_words(text: str) -> str:
    """fold() with every run of non-alphanumeric characters turned into one space."""
    return " ".join(re.findall(r"\w+", fold(text)))


@dataclass(frozen=True)
class CodeInput:
    """A dossier code read from chat: the full strict code, or the tail typed when the
    leading part is missing, and the optional 4-digit second factor."""

    code: str | None  # strict form when every part was typed
    tail: str  # what was typed, normalised (equals code when complete)
    factor: str | None = None


def _real_day(yymmdd: str) -> bool:
    """True when YYMMDD is a real date."""
    try:
        date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return False
    return True


def parse_code(text: str) -> CodeInput | None:
    """Read a dossier code (and optional last 4 digits) as people type it, or None.

    Accepts lowercase, spaces, en/em dashes and a missing leading part
    ('h31-260101-0001', '12.H31 – 260101 – 0001 1234'). None when it has no code's shape.
    """
    text = nfkc(text).translate(_DASHES).strip().upper()
    if not text or len(text) > MAX_CODE_INPUT:
        return None
    m = _CODE_INPUT.match(text)
    if m is None or not _real_day(m["day"]):
        return None
    parts = [m["a"], m["b"], m["c"]]
    head = ""
    for i, part in enumerate(parts):
        if part is not None:
            if m["m"] is None:
                return None  # unit parts without the M-part: not a code's shape
            head = ".".join(p for p in parts[i:] if p is not None) + "."
            break
    mid = f"{m['m']}-" if m["m"] else ""
    tail = f"{head}{mid}{m['day']}-{m['n']}"
    code = tail if STRICT_CODE.match(tail) else None
    return CodeInput(code=code, tail=tail, factor=m["factor"])


def mask_name(name: str) -> str:
    """Mask a person's name: the family name whole, then each word's first letter and stars."""
    words = nfc(name).split()
    if not words:
        return ""
    if len(words) == 1:
        w = words[0]
        return w[0] + "*" * (len(w) - 1)
    return " ".join([words[0]] + [w[0] + "*" * (len(w) - 1) for w in words[1:]])


def _split_line(line: str, limit: int) -> list[str]:
    """Split one over-long line at spaces; a single word longer than limit is cut hard."""
    out: list[str] = []
    current = ""
    for word in line.split(" "):
        while len(word) > limit:
            if current:
                out.append(current)
                current = ""
            out.append(word[:limit])
            word = word[limit:]
        candidate = word if not current else f"{current} {word}"
        if len(candidate) <= limit:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most limit characters at line boundaries, never mid-word
    (a line longer than limit is broken at spaces; only a word longer than limit is cut)."""
    limit = max(1, limit)
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        pieces = [line] if len(line) <= limit else _split_line(line, limit)
        for piece in pieces:
            candidate = piece if not current else f"{current}\n{piece}"
            if len(candidate) <= limit:
                current = candidate
            else:
                if current.strip():
                    chunks.append(current)
                current = piece
    if current.strip():
        chunks.append(current)
    return chunks or [text[:limit]]


def vn_date(day: date) -> str:
    """A date as dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")
