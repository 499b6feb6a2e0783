"""Logs at DEBUG hold no personal data: a lookup with the 4 digits through the Telegram channel
(python-telegram-bot, httpx, aiosqlite all at work) leaves no name, digits or phone in the log."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.channels.telegram import TelegramChannel
from bot.context import AppContext
from bot.core.router import Core
from bot.logging_setup import BotHandler, setup_logging
from tests.core_helpers import APPLICANT, D_OK, ID4, PHONE4, sample_world
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import use_fake

USER = 7310
SENDER = "Bí Mật Người Gửi"


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """The process logging at DEBUG into a buffer; the root logger restored afterwards."""
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    setup_logging("DEBUG", stream=buffer)
    try:
        yield buffer
    finally:
        for handler in list(root.handlers):
            if isinstance(handler, BotHandler):
                root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API."""
    async with FakeTelegram() as server:
        yield server


def _appears(needle: str, text: str) -> bool:
    """True when needle appears in text not as part of a longer number."""
    return re.search(rf"(?<!\d){re.escape(needle)}(?!\d)", text) is not None


async def test_debug_lookup_logs_no_personal_data(ctx: AppContext, fake: FakeTelegram,
                                                 debug_log: io.StringIO) -> None:
    """Lookup with the 4 digits at DEBUG: no full name, 4 digits, ID digits or sender name."""
    await sample_world(ctx)
    use_fake(ctx, fake)
    channel = TelegramChannel(ctx, Core(ctx), poll_timeout=1)
    await channel.start()
    try:
        fake.push_text(USER, f"/tracuu {D_OK} {PHONE4[D_OK]}", first_name=SENDER)
        [answer] = await fake.wait_for_messages(USER, 1)
        assert "Nguyễn V** A*" in answer.text  # the full card was shown
    finally:
        await channel.stop()
    text = debug_log.getvalue()
    assert "motcua.core" in text and " DEBUG " in text  # DEBUG logging was really on
    assert APPLICANT[D_OK] not in text
    assert SENDER not in text
    assert not _appears(PHONE4[D_OK], text)
    assert not _appears(ID4[D_OK], text)


def test_setting_up_again_replaces_the_handler(debug_log: io.StringIO) -> None:
    """A second setup_logging leaves one bot handler, writing to the new stream."""
    again = io.StringIO()
    setup_logging("DEBUG", stream=again)
    ours = [h for h in logging.getLogger().handlers if isinstance(h, BotHandler)]
    assert len(ours) == 1 and ours[0].stream is again
    logging.getLogger("motcua.test").warning("một dòng")
    assert "một dòng" in again.getvalue() and "một dòng" not in debug_log.getvalue()


def test_every_library_is_held_at_info(debug_log: io.StringIO) -> None:
    """DEBUG from any library logger is dropped, from the bot's own kept; INFO kept from all."""
    logging.getLogger("some.unknown.library").debug("thư viện lạ: Nguyễn Văn An 2468")
    logging.getLogger("aiosqlite").debug("returning [('Nguyễn Văn An', '2468')]")
    logging.getLogger("telegram.ext.Application").debug("update {'text': '2468'}")
    logging.getLogger("some.unknown.library").info("library info line")
    logging.getLogger("motcua.core").debug("own debug line")
    logging.getLogger("bot.channels.zalo.channel").debug("own zalo debug line")
    text = debug_log.getvalue()
    assert "2468" not in text and "Nguyễn" not in text
    assert "library info line" in text
    assert "own debug line" in text and "own zalo debug line" in text


async def test_debug_lookup_through_zalo_logs_no_personal_data(
    ctx: AppContext, debug_log: io.StringIO
) -> None:
    """The same lookup through the Zalo channel (httpx, aiohttp, aiosqlite) at DEBUG."""
    from bot.channels.zalo import ZaloChannel
    from tests.zalo_helpers import running_fake
    from tests.zalo_helpers import use_fake as use_zalo

    await sample_world(ctx)
    async with running_fake() as zalo:
        use_zalo(ctx, zalo)
        channel = ZaloChannel(ctx, Core(ctx), poll_timeout=1, retry_base=0.01)
        await channel.start()
        try:
            zalo.push_text("z-user", f"/tracuu {D_OK} {PHONE4[D_OK]}", display_name=SENDER)
            [answer] = await zalo.wait_for_messages("z-user", 1)
            assert "Nguyễn V** A*" in answer["text"]
        finally:
            await channel.stop()
    text = debug_log.getvalue()
    assert "motcua.core" in text
    assert APPLICANT[D_OK] not in text and SENDER not in text
    assert not _appears(PHONE4[D_OK], text) and not _appears(ID4[D_OK], text)
