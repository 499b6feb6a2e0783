"""Text normalisation shared by chat and import: digits (NFKC, ASCII only) and accent folding."""

from __future__ import annotations

import re
import unicodedata

_ASCII_DIGITS = re.compile(r"[0-9]+")


def nfkc(text: str) -> str:
    """NFKC-normalise text: fullwidth '９' and superscript '²' become ASCII '9' and '2'."""
    return unicodedata.normalize("NFKC", text)


def ascii_digits(text: str) -> str | None:
    """The digits of text after NFKC when they are all ASCII 0-9, else None.

    Arabic-Indic or other non-ASCII decimal digits, signs and spaces are refused, so a value
    that passes can always be given to int() and compared byte for byte.
    """
    value = nfkc(text).strip()
    return value if _ASCII_DIGITS.fullmatch(value) else None


def is_ascii_digits(text: str) -> bool:
    """True when text is non-empty and only ASCII 0-9 (no NFKC: the raw check)."""
    return bool(_ASCII_DIGITS.fullmatch(text))


def fold(text: str) -> str:
    """Lowercase without accents, đ/Đ → d: the one accent-folding of the project."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text).lower()


def fold_spaces(text: str) -> str:
    """fold() with outer whitespace trimmed and every inner run of it made one space."""
    return " ".join(fold(text).split())
