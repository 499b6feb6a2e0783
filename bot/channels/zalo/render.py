"""Turn the core's replies into what Zalo carries: texts ≤ 2,000 characters, numbered choices."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.types import Button, Reply
from storage.normalize import nfkc

IMAGE_NOTE = (
    "(Biểu đồ không gửi được qua Zalo; xem trên Telegram hoặc dùng lệnh motcua report.)"
)
REPORT_NOTE = (
    "(Tệp báo cáo «{name}» không gửi được qua Zalo; dùng Telegram hoặc lệnh motcua report"
    " để lấy tệp. Số liệu dạng chữ: /quy1…/quy4, /thang, /nam.)"
)
DOCUMENT_NOTE = "(Tệp «{name}» không gửi được qua Zalo; mở bot trên Telegram để nhận tệp.)"


def document_note(filename: str | None) -> str:
    """The note replacing a file Zalo cannot carry (a report .docx gets its own)."""
    name = filename or "tệp"
    template = REPORT_NOTE if name.startswith("bao-cao") else DOCUMENT_NOTE
    return template.format(name=name)
_CHOICE = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$", re.ASCII)


def split_text(text: str, limit: int) -> list[str]:
    """Split text into parts of at most `limit` characters, at line boundaries when possible.

    A single line longer than the limit is cut at the last space before it, else hard.
    Empty text gives [].
    """
    text = text.strip("\n")
    if not text.strip():
        return []
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            if cut <= 0:
                cut = limit
            head, line = line[:cut].rstrip(), line[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = line
    if current.strip():
        parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def choice_line(number: int, label: str) -> str:
    """One numbered choice: "Gửi 1 để theo dõi hồ sơ", or "Gửi 1 để chọn «⭐ 5»".

    A label of several words starting with a capitalised word reads as an action (a leading
    emoji is dropped); anything else is quoted after "chọn".
    """
    label = label.strip()
    plain = label
    while plain and not plain[0].isalnum():
        plain = plain[1:].lstrip()
    verb_like = " " in plain and len(plain) > 1 and plain[0].isupper() and plain[1].islower()
    if verb_like:
        return f"Gửi {number} để {plain[0].lower()}{plain[1:]}"
    return f"Gửi {number} để chọn «{label}»"


@dataclass
class Rendered:
    """The texts to send for a batch of replies, and the choices they offer (data, in order)."""

    texts: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)


def _buttons(reply: Reply) -> list[Button]:
    """The reply's buttons, row after row."""
    return [b for row in reply.buttons for b in row]


def render(replies: list[Reply], limit: int) -> Rendered:
    """Render replies as Zalo texts; buttons become choices numbered across the whole batch.

    Images and documents cannot be sent (sendPhoto takes a URL only): their caption is sent with
    a note saying how to get the chart or file.
    """
    out = Rendered()
    for reply in replies:
        body = reply.text
        if reply.kind == "image":
            body = f"{body}\n\n{IMAGE_NOTE}" if body.strip() else IMAGE_NOTE
        elif reply.kind == "document":
            note = document_note(reply.filename)
            body = reply.fallback or body  # e.g. the report's text summary instead of the .docx
            body = f"{body}\n\n{note}" if body.strip() else note
        lines = []
        for button in _buttons(reply):
            out.choices.append(button.data)
            lines.append(choice_line(len(out.choices), button.label))
        if lines:
            body = f"{body}\n\n" + "\n".join(lines) if body.strip() else "\n".join(lines)
        out.texts.extend(split_text(body, limit))
    return out


def chosen(text: str, choices: list[str]) -> str | None:
    """The button data a bare number ("1", " 2 ", "3.") picks among choices, else None."""
    m = _CHOICE.match(nfkc(text))  # "２" picks choice 2 as "2" does; other scripts do not
    if not m or not choices:
        return None
    n = int(m[1])
    return choices[n - 1] if 1 <= n <= len(choices) else None
