"""Telegram test helpers: a stand-in core, settings pointing at the fake Bot API, a free port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from bot.context import AppContext
from bot.core.types import Button, Incoming, Reply
from tests.fakes.fake_telegram import FakeTelegram

LONG_CAPTION = "Chú thích rất dài. " * 80  # > 1024 characters


def use_fake(ctx: AppContext, fake: FakeTelegram, **overrides: Any) -> None:
    """Point ctx.settings' Telegram settings at the fake server."""
    update: dict[str, Any] = {
        "telegram_token": SecretStr(fake.token),
        "telegram_api_url": fake.api_url,
        "telegram_file_api_url": fake.file_api_url,
        "telegram_rate_global": 1000.0,
    }
    update.update(overrides)
    ctx.settings = ctx.settings.model_copy(update=update)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StandInCore:
    """A tiny core for the channel tests: canned answers by keyword, roles from a dict."""

    def __init__(self, answer: Callable[[Incoming], list[Reply]] | None = None) -> None:
        """Record every Incoming; `answer` overrides the canned rules."""
        self.seen: list[Incoming] = []
        self.roles: dict[str, str] = {}
        self._answer = answer

    async def handle(self, incoming: Incoming, max_text: int = 4096) -> list[Reply]:
        """nut: buttons; anh: image; anhdai: image with a long caption; tep: document; else echo."""
        self.seen.append(incoming)
        await asyncio.sleep(0)
        if self._answer is not None:
            return self._answer(incoming)
        text = incoming.text
        if incoming.is_button:
            return [Reply(f"Đã chọn: {text}")]
        if incoming.attachment is not None:
            a = incoming.attachment
            return [Reply(f"Đã nhận tệp {a.filename} ({len(a.data)} byte)")]
        if text == "nut":
            row = (Button("Quý trước", "q:2026:1"), Button("Quý sau", "q:2026:3"))
            return [Reply("Chọn quý:", buttons=(row,))]
        if text == "anh":
            return [Reply("Biểu đồ quý I", image=b"\x89PNG fake", filename="bieu-do.png")]
        if text == "anhdai":
            return [Reply(LONG_CAPTION, image=b"\x89PNG fake", filename="bieu-do.png")]
        if text == "tep":
            return [
                Reply("Báo cáo quý I", document=b"PK docx", filename="bao-cao-quy-1-2026.docx")
            ]
        if text == "rong":
            return []
        return [Reply(f"Bạn gửi: {text}")]

    async def role_of(self, channel: str, user_id: str) -> str:
        """The role set in self.roles, citizen by default."""
        return self.roles.get(user_id, "citizen")

    def menu(self, role: str) -> list[tuple[str, str]]:
        """A small menu per role (with one invalid name the channel must drop)."""
        base = [("start", "Bắt đầu"), ("tracuu", "Tra cứu hồ sơ"), ("Bad-Name!", "x")]
        if role == "officer":
            base.append(("quahan", "Hồ sơ quá hạn của tôi"))
        if role in ("leader", "admin"):
            base.append(("quy1", "Báo cáo quý I"))
        return base
