"""Zalo test helpers: settings pointing at the fake, a stand-in core, rows inserted by SQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from pydantic import SecretStr

from bot.context import AppContext
from bot.core.types import Answer, Button, Incoming, Reply
from tests.fakes.fake_zalo import FakeZalo

UNIT = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt"
DOSSIER_CODE = "000.00.12.H31-260401-0001"


def use_fake(ctx: AppContext, fake: FakeZalo, **overrides: Any) -> None:
    """Point ctx.settings' Zalo settings at the fake (fast per-chat pacing unless overridden)."""
    update: dict[str, Any] = {
        "zalo_token": SecretStr(fake.token),
        "zalo_api_url": fake.api_url,
        "zalo_rate_per_chat": 1000.0,
        "zalo_rate_global": 1000.0,
    }
    update.update(overrides)
    ctx.settings = ctx.settings.model_copy(update=update)


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeZalo]:
    """A started FakeZalo, stopped afterwards."""
    fake = await FakeZalo().start()
    try:
        yield fake
    finally:
        await fake.stop()


class StandInCore:
    """A tiny core for the channel's unit tests: echoes, or answers canned replies by keyword."""

    def __init__(self, answer: Callable[[Incoming], list[Reply]] | None = None) -> None:
        """Record every Incoming; `answer` overrides the canned rules."""
        self.seen: list[Incoming] = []
        self.max_texts: list[int] = []
        self._answer = answer

    async def handle(self, incoming: Incoming, max_text: int = 4096) -> list[Reply]:
        """Answer by keyword: nut (buttons), anh (image), tep (document), dai (long); else echo."""
        self.seen.append(incoming)
        self.max_texts.append(max_text)
        await asyncio.sleep(0)
        if self._answer is not None:
            return self._answer(incoming)
        text = incoming.text
        if incoming.is_button:
            return [Reply(f"Đã chọn: {text}")]
        if text == "nut":
            return [Reply("Bạn muốn làm gì?", buttons=(
                (Button("Theo dõi hồ sơ", "theodoi:1"),),
                (Button("⭐ 5", "rate:1:5"), Button("Bỏ qua", "rate:1:skip")),
            ))]
        if text == "anh":
            return [Reply("Biểu đồ quý I", image=b"\x89PNG fake", filename="q1.png")]
        if text == "tep":
            return [Reply("Báo cáo quý I", document=b"PK fake", filename="bao-cao-q1.docx")]
        if text == "dai":
            return [Reply("\n".join(f"Dòng {i:04d} " + "x" * 80 for i in range(60)))]
        return [Reply(f"Bạn gửi: {text}")]

    async def answer(self, incoming: Incoming, max_text: int = 4096) -> Answer:
        """handle()'s replies; everyone is a citizen here."""
        return Answer(await self.handle(incoming, max_text), "citizen")

    async def role_of(self, channel: str, user_id: str) -> str:
        """Everyone is a citizen."""
        return "citizen"

    def menu(self, role: str) -> list[tuple[str, str]]:
        """No menu (Zalo shows none)."""
        return []

    async def staff_chats(self, channel: str) -> list[tuple[str, str]]:
        """No staff."""
        return []


async def insert_dossier(
    ctx: AppContext,
    *,
    code: str = DOSSIER_CODE,
    applicant: str = "Nguyễn Văn Bình",
    phone_last4: str | None = "1234",
    id_last4: str | None = "5678",
    status: str = "processing",
    officer: str | None = "CB01",
    due_at: str = "2026-04-10T17:00:00",
) -> int:
    """Insert a unit, a procedure and one dossier by SQL; returns the dossier id."""
    stamp = "2026-04-01T08:00:00"
    async with ctx.db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO units (name, created_at) VALUES (?, ?)", (UNIT, stamp)
        )
        async with conn.execute("SELECT id FROM units WHERE name = ?", (UNIT,)) as cur:
            unit_id = int((await cur.fetchone())[0])
        await conn.execute(
            "INSERT OR IGNORE INTO procedures (unit_id, code, name, name_search, field, level,"
            " days, fee_text, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (unit_id, "1.001612", "Đăng ký khai sinh", "dang ky khai sinh", "Hộ tịch",
             "toan_trinh", 3, "Miễn phí", stamp),
        )
        cur = await conn.execute(
            "INSERT INTO dossiers (unit_id, code, procedure_code, procedure_name, applicant,"
            " phone_last4, id_last4, channel, received_at, due_at, status, status_at, officer,"
            " row_hash, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (unit_id, code, "1.001612", "Đăng ký khai sinh", applicant, phone_last4, id_last4,
             "truc_tiep", stamp, due_at, status, stamp, officer, "h", stamp),
        )
        dossier_id = int(cur.lastrowid or 0)
        await conn.execute(
            "INSERT INTO status_events (dossier_id, old_status, new_status, status_at,"
            " recorded_at) VALUES (?,?,?,?,?)",
            (dossier_id, None, status, stamp, stamp),
        )
    return dossier_id


async def unit_id(ctx: AppContext) -> int:
    """The test unit's id (insert_dossier first)."""
    async with ctx.db.reader.execute("SELECT id FROM units WHERE name = ?", (UNIT,)) as cur:
        return int((await cur.fetchone())[0])
