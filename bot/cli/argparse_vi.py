"""argparse's own texts (help headings, errors) in Vietnamese, swapped in while `motcua` parses."""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Iterator

# A Python exception's class name inside a message ("(KeyError)", "ConnectError: …").
_EXCEPTION_NAME = re.compile(
    r"\s*\(\s*[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\s*\)"
    r"|\b[A-Z]\w*(?:Error|Exception|Exit|Interrupt)\b:?\s*"
)

ARGPARSE_TEXTS = {
    "usage: ": "Cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "giá trị %(value)r không có trong danh sách (chọn một trong: %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "không nhận ra tham số: %s",
    "expected one argument": "cần một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "chỉ nhận nhiều nhất một giá trị",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn %(option)s chưa rõ, có thể là: %(matches)s",
    "not allowed with argument %s": "không dùng cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "can't open '%(filename)s': %(error)s": "không mở được «%(filename)s»: %(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)":
        "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
}


def translate(message: str) -> str:
    """argparse's message in Vietnamese (unchanged when it has no translation)."""
    return ARGPARSE_TEXTS.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """argparse's ngettext in Vietnamese (no plural forms)."""
    return translate(singular if n == 1 else plural)


@contextlib.contextmanager
def vietnamese_argparse() -> Iterator[None]:
    """While inside, argparse looks its texts up in ARGPARSE_TEXTS (its gettext hook)."""
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]  # gettext hooks typeshed omits
    argparse._ = translate  # type: ignore[attr-defined]  # gettext hooks typeshed omits
    argparse.ngettext = translate_plural  # type: ignore[attr-defined]  # gettext hooks typeshed omits
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]  # gettext hooks typeshed omits


def scrub(text: str) -> str:
    """A message for the operator without Python exception class names (what they carried,
    e.g. a file name or a reason, stays)."""
    return _EXCEPTION_NAME.sub("", text).strip()
