"""A seeded generator of hostile chat messages (odd digits, invisible marks, codes with odd
separators, button data) and the checks every answer must pass; for the fuzz test and bench."""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.router import CAPTION_MAX, ERROR, Core
from bot.core.text import clean_incoming, mask_name
from bot.core.types import Incoming, Reply
from bot.handlers import standard_routes
from tests.core_helpers import APPLICANT, D_DONE, D_OK, D_OTHER, ID4, OFFICER_NAMES, PHONE4

ROLES = ("citizen", "officer", "leader", "admin")
# Digits of many scripts: 0-9 ASCII, fullwidth, superscript, Arabic-Indic, extended
# Arabic-Indic, Devanagari, mathematical bold, circled.
DIGIT_SETS = (
    "0123456789", "０１２３４５６７８９", "⁰¹²³⁴⁵⁶⁷⁸⁹", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹",
    "०१२३४५६७८९", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗", "⓪①②③④⑤⑥⑦⑧⑨",
)
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a",
             "\u202b", "\u202e", "\u2066", "\u2069", "\u00ad", "\x00", "\x7f", "\u0301")
SEPARATORS = (".", "-", " ", "–", "—", "‐", "‑", "−", "﹣", "－", "．", "·", "/", "_", ",",
              "\u00a0", "\u3000", "\t", "\n", "", "..", "--", " - ")
WORDS = ("tra", "cứu", "cuu", "hồ", "sơ", "theo", "dõi", "quý", "quy", "năm", "tháng", "thang",
         "báo", "cáo", "khai", "sinh", "đất", "canbo", "lanhdao", "Nguyễn", "Văn", "An", "đ",
         "ĐĂNG", "ký", "mã", "hs", "rate", "caidat", "channel", "all", "zalo", "telegram",
         "%", "_", "'", '"', ";", "--", "\\", "🙂", "👨‍👩‍👧", "ﷺ", "ﬁ", "Ⅻ", "㍿", "x" * 70)
BUTTON_PREFIXES = ("q", "/theodoi", "", "hs:hs", "rate:rate")  # odd ones, beside the registered
CODES = (D_OK, D_DONE, D_OTHER, "000.00.12.H31-260401-0999", "H31-260401-0001",
         "12.H31-260401-0001", "000.00.12.H31-261340-0001")
_EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception|Warning)\b|Traceback")


def button_prefixes() -> tuple[str, ...]:
    """Every declared button prefix (bot/handlers' routers) and the odd ones above."""
    return (*standard_routes().button_prefixes(), *BUTTON_PREFIXES)


@dataclass(frozen=True)
class Message:
    """One generated message: text, sender role, whether it is a pressed button."""

    text: str
    role: str
    button: bool = False


class Generator:
    """Hostile messages from a seeded random source (the same seed gives the same messages)."""

    def __init__(self, seed: int) -> None:
        """Seed the random source."""
        self.rng = random.Random(seed)
        self.commands = [*standard_routes().all_names(), "tracuu@motcua_bot", "tracuu@other_bot",
                         "TRACUU", "ｔｒａｃｕｕ", "x", "_private", "start@"]

    def digits(self, ascii_digits: str) -> str:
        """ASCII digits rewritten digit by digit in random scripts (often all ASCII)."""
        if self.rng.random() < 0.4:
            return ascii_digits
        one = self.rng.choice(DIGIT_SETS) if self.rng.random() < 0.7 else None
        return "".join((one or self.rng.choice(DIGIT_SETS))[int(d)] if "0" <= d <= "9" else d
                       for d in ascii_digits)

    def noise(self, text: str) -> str:
        """Invisible marks sprinkled into text."""
        if self.rng.random() < 0.6:
            return text
        chars = list(text)
        for _ in range(self.rng.randint(1, 4)):
            chars.insert(self.rng.randint(0, len(chars)), self.rng.choice(INVISIBLE))
        return "".join(chars)

    def number(self) -> str:
        """A number-like argument: small, huge, negative, in any script, or junk."""
        rng = self.rng
        raw = rng.choice([str(rng.randint(0, 40)), str(rng.randint(0, 10**12)), "-1", "0",
                          "99999999999999999999", "1e3", "3.5", "²", "", "2026", "1/2026"])
        return self.digits(raw)

    def code(self) -> str:
        """A dossier code with separators swapped, digits in odd scripts, maybe 4 digits."""
        rng = self.rng
        code = rng.choice(CODES)
        parts = re.split(r"([.\-])", code)
        out = "".join(rng.choice(SEPARATORS) if p in ".-" and rng.random() < 0.3 else p
                      for p in parts)
        out = self.digits(out if rng.random() < 0.8 else out.lower())
        if rng.random() < 0.5:
            known = PHONE4.get(code) or ID4.get(code) or "1234"
            factor = known if rng.random() < 0.5 else f"{rng.randint(0, 99999):04d}"
            out += rng.choice([" ", "  ", "\u00a0", "\u3000", "-", ""]) + self.digits(factor)
        return self.noise(out)

    def words(self, n: int) -> list[str]:
        """n arguments of any kind."""
        kinds = (self.code, self.number, lambda: self.rng.choice(WORDS),
                 lambda: self.noise(self.rng.choice(WORDS)))
        return [self.rng.choice(kinds)() for _ in range(n)]

    def button(self) -> str:
        """Button data of a known or odd prefix."""
        rng = self.rng
        prefix = rng.choice(button_prefixes())
        rest = ":".join(rng.choice([self.number(), rng.choice(WORDS), "", "1", "3"])
                        for _ in range(rng.randint(1, 3)))
        return self.noise(f"{prefix}:{rest}")

    def text(self) -> tuple[str, bool]:
        """(text, is_button) of one message."""
        rng = self.rng
        kind = rng.random()
        if kind < 0.35:
            name = rng.choice(self.commands)
            return self.noise("/" + name) + " " + " ".join(self.words(rng.randint(0, 4))), False
        if kind < 0.55:
            return self.code(), False
        if kind < 0.7:
            return self.button(), rng.random() < 0.8
        if kind < 0.85:
            lead = rng.choice(["tra cứu ", "tra cuu hồ sơ ", "theo dõi ", "quý 1 ", "tháng ",
                               "thống kê ", "sắp đến hạn ", ""])
            return lead + " ".join(self.words(rng.randint(1, 3))), False
        pool = "".join(DIGIT_SETS) + "".join(INVISIBLE) + "".join(SEPARATORS) + \
            "abcAZđĐơƯ:/@ "
        return "".join(rng.choice(pool) for _ in range(rng.randint(0, 60))), rng.random() < 0.2

    def messages(self, role: str, count: int) -> Iterator[Message]:
        """count messages from one role."""
        for _ in range(count):
            text, button = self.text()
            yield Message(text, role, button)


def problems(message: Message, replies: list[Reply], max_text: int = 4096) -> list[str]:
    """What is wrong with the core's answer to a message (empty when all is well)."""
    found = []
    if not replies:
        return ["no reply"]
    said = clean_incoming(message.text)  # what the core reads: NFKC, invisible marks dropped
    for reply in replies:
        limit = max_text if reply.kind == "text" else min(max_text, CAPTION_MAX)
        if len(reply.text) > limit:
            found.append(f"reply over {limit} characters")
        if reply.text == ERROR:
            found.append("crash apology")
        shown = reply.text + " ".join(b.label for row in reply.buttons for b in row)
        if _EXCEPTION_NAME.search(shown):
            found.append("exception name shown")
        if message.role != "citizen":
            continue
        for name in (*APPLICANT.values(), *OFFICER_NAMES.values()):
            if name in shown:
                found.append("full name shown to a citizen")
        for code, digits in PHONE4.items():
            masked = mask_name(APPLICANT[code])
            if (masked in shown and code in shown and digits not in said
                    and ID4[code] not in said):
                found.append("applicant shown without the 4 digits")
    return found


class _Crashes(logging.Handler):
    """Counts the handler failures the core logs (an exception it caught)."""

    def __init__(self) -> None:
        """Start at zero."""
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        """Count one logged exception."""
        if record.exc_info:
            self.count += 1


async def fuzz(core: Core, role: str, count: int, seed: int,
               batch: int = 64) -> tuple[int, list[tuple[str, str]]]:
    """Send `count` generated messages from `role` (in concurrent batches); returns (the
    exceptions the core caught and logged, [(problem, message text)])."""
    crashes = _Crashes()
    logger = logging.getLogger("motcua.core")
    logger.addHandler(crashes)
    found: list[tuple[str, str]] = []
    try:
        pending = list(Generator(seed).messages(role, count))
        for start in range(0, len(pending), batch):
            chunk = pending[start:start + batch]
            answers = await asyncio.gather(*(core.handle(
                Incoming(channel="test", user_id=role, chat_id=role, text=m.text,
                         is_button=m.button)) for m in chunk))
            for message, replies in zip(chunk, answers, strict=True):
                found.extend((p, message.text) for p in problems(message, replies))
    finally:
        logger.removeHandler(crashes)
    return crashes.count, found
