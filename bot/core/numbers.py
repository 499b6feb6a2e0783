"""Numbers typed in chat, read one way everywhere: NFKC, then ASCII digits 0-9 only."""

from __future__ import annotations

from storage.normalize import ascii_digits


def digits_arg(text: str, max_digits: int = 9) -> str | None:
    """The ASCII digits a chat argument spells after NFKC ('２' and '²' read as '2'), or None.

    Arabic-Indic and other non-ASCII digits, signs, spaces inside and empty text give None,
    as do more than max_digits digits, so a value that passes is safe for int() and for a
    byte-for-byte comparison.
    """
    digits = ascii_digits(text)
    if digits is None or len(digits) > max_digits:
        return None
    return digits


def number_arg(text: str, max_digits: int = 9) -> int | None:
    """digits_arg as an int, or None."""
    digits = digits_arg(text, max_digits)
    return int(digits) if digits is not None else None


def is_number_like(text: str) -> bool:
    """True when text is made of decimal digits of any script (typed as a number, maybe wrongly)."""
    return bool(text) and all(ch.isdigit() for ch in text)
