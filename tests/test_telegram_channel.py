"""The Telegram channel in-process against the fake Bot API, with a stand-in core."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.base import PermanentError, RecipientBlocked, RetryLater, TransientError
from bot.channels.telegram import (
    TelegramChannel,
    TelegramConfigError,
    TelegramSender,
    _label,
    bot_commands,
    build_application,
)
from bot.context import AppContext
from bot.core.types import Button, Reply
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import LONG_CAPTION, StandInCore, free_port, use_fake

USER = 5550001


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A started fake Bot API server."""
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def core() -> StandInCore:
    """The stand-in core."""
    return StandInCore()


@pytest.fixture
async def polling(
    ctx: AppContext, fake: FakeTelegram, core: StandInCore
) -> AsyncIterator[TelegramChannel]:
    """A polling TelegramChannel on the fake, stopped afterwards."""
    use_fake(ctx, fake, admin_ids=["telegram:777"])
    core.roles["777"] = "admin"
    channel = TelegramChannel(ctx, core, poll_timeout=1)
    await channel.start()
    try:
        yield channel
    finally:
        await channel.stop()


async def test_text_goes_to_core_and_answer_is_escaped(
    polling: TelegramChannel, fake: FakeTelegram, core: StandInCore
) -> None:
    fake.push_text(USER, "a <b> & c", first_name="An")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == "Bạn gửi: a &lt;b&gt; &amp; c"
    assert sent.parse_mode == "HTML"
    incoming = core.seen[0]
    who = (incoming.channel, incoming.user_id, incoming.chat_id)
    assert who == ("telegram", str(USER), str(USER))
    assert incoming.display_name == "An" and not incoming.is_button


async def test_buttons_and_callback(
    polling: TelegramChannel, fake: FakeTelegram, core: StandInCore
) -> None:
    fake.push_text(USER, "nut")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.buttons == [[("Quý trước", "q:2026:1"), ("Quý sau", "q:2026:3")]]
    fake.push_callback(USER, "q:2026:3")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == "Đã chọn: q:2026:3"
    assert core.seen[-1].is_button and core.seen[-1].text == "q:2026:3"
    assert fake.calls_to("answerCallbackQuery")


async def test_document_is_downloaded_as_attachment(
    polling: TelegramChannel, fake: FakeTelegram, core: StandInCore
) -> None:
    data = "Mã hồ sơ,Tên\n1,2\n".encode()
    fake.push_document(USER, "ho-so.csv", data, mime="text/csv")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == f"Đã nhận tệp ho-so.csv ({len(data)} byte)"
    attachment = core.seen[-1].attachment
    assert attachment is not None and attachment.data == data and attachment.mime == "text/csv"


async def test_image_document_and_long_caption(
    polling: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.push_text(USER, "anh")
    [photo] = await fake.wait_for_messages(USER, 1)
    assert photo.kind == "photo" and photo.text == "Biểu đồ quý I" and photo.data == b"\x89PNG fake"
    fake.push_text(USER, "tep")
    [doc] = await fake.wait_for_messages(USER, 1)
    assert doc.kind == "document" and doc.filename == "bao-cao-quy-1-2026.docx"
    assert doc.data == b"PK docx"
    fake.push_text(USER, "anhdai")
    photo, text = await fake.wait_for_messages(USER, 2)
    assert photo.kind == "photo" and photo.text == ""
    assert text.kind == "text" and text.text.strip() == LONG_CAPTION.strip()


async def test_empty_answer_sends_nothing(polling: TelegramChannel, fake: FakeTelegram) -> None:
    fake.push_text(USER, "rong")
    fake.push_text(USER, "sau")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == "Bạn gửi: sau"


async def test_messages_of_one_chat_answered_in_order(
    polling: TelegramChannel, fake: FakeTelegram
) -> None:
    for i in range(20):
        fake.push_text(USER, f"tin {i}")
    got = await fake.wait_for_messages(USER, 20)
    assert [s.text for s in got] == [f"Bạn gửi: tin {i}" for i in range(20)]


async def test_menus_per_role(
    polling: TelegramChannel, fake: FakeTelegram, core: StandInCore
) -> None:
    default = fake.commands["default"]
    assert [c["command"] for c in default] == ["start", "tracuu"]  # Bad-Name! dropped
    assert "chat:777" in fake.commands  # the configured admin got a per-chat menu
    core.roles[str(USER)] = "officer"
    fake.push_text(USER, "xin chào")
    await fake.wait_for_messages(USER, 1)
    await fake.wait_for_call("setMyCommands", 3)
    assert [c["command"] for c in fake.commands[f"chat:{USER}"]][-1] == "quahan"
    core.roles[str(USER)] = "citizen"  # revoked: back to the default menu
    fake.push_text(USER, "lần nữa")
    await fake.wait_for_messages(USER, 1)
    await fake.wait_for_call("deleteMyCommands", 1)
    assert f"chat:{USER}" not in fake.commands


async def test_failed_send_is_logged_and_the_next_still_goes(
    polling: TelegramChannel, fake: FakeTelegram
) -> None:
    fake.inject("400", method="sendmessage", chat_id=str(USER))
    fake.push_text(USER, "một")
    fake.push_text(USER, "hai")
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == "Bạn gửi: hai"


async def test_answer_retried_after_429(polling: TelegramChannel, fake: FakeTelegram) -> None:
    fake.inject("429", method="sendmessage", retry_after=1)
    fake.push_text(USER, "chậm")
    [sent] = await fake.wait_for_messages(USER, 1, timeout=10)
    assert sent.text == "Bạn gửi: chậm"
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 200]


async def test_sender_maps_errors(
    polling: TelegramChannel, fake: FakeTelegram
) -> None:
    sender = polling.sender
    assert (sender.name, sender.max_text) == ("telegram", 4096)
    await sender.send(str(USER), Reply("Nhắc việc", buttons=((Button("Tắt", "p:off"),),)))
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.text == "Nhắc việc" and sent.buttons == [[("Tắt", "p:off")]]
    fake.inject("429", method="sendmessage", retry_after=7)
    with pytest.raises(RetryLater) as info:
        await sender.send(str(USER), Reply("x"))
    assert info.value.seconds == 7
    fake.inject("500", method="sendmessage")
    with pytest.raises(TransientError):
        await sender.send(str(USER), Reply("x"))
    fake.inject("drop", method="sendmessage")
    with pytest.raises(TransientError):
        await sender.send(str(USER), Reply("x"))
    fake.inject("400", method="sendmessage")
    with pytest.raises(PermanentError):
        await sender.send(str(USER), Reply("x"))
    fake.block(USER)
    with pytest.raises(RecipientBlocked):
        await sender.send(str(USER), Reply("x"))
    fake.unblock(USER)
    await sender.send(str(USER), Reply("tiếp", document=b"d", filename="a.xlsx"))
    [sent] = await fake.wait_for_messages(USER, 1)
    assert sent.kind == "document" and sent.filename == "a.xlsx"


async def test_sender_on_a_plain_bot(fake: FakeTelegram) -> None:
    from telegram import Bot

    async with Bot(fake.token, base_url=fake.api_url) as bot:
        await TelegramSender(bot).send("42", Reply("x" * 5000))
    got = await fake.wait_for_messages(42, 2)
    assert [len(s.text) for s in got] == [4096, 904]


async def test_webhook_right_and_wrong_secret(
    ctx: AppContext, fake: FakeTelegram, core: StandInCore
) -> None:
    port = free_port()
    use_fake(
        ctx, fake,
        telegram_webhook_url=f"http://127.0.0.1:{port}/tg/hook",
        telegram_webhook_port=port,
        telegram_webhook_secret=SecretStr("dung-bi-mat_123"),
    )
    channel = TelegramChannel(ctx, core)
    await channel.start()
    try:
        assert fake.webhook["url"] == f"http://127.0.0.1:{port}/tg/hook"
        assert fake.webhook["secret_token"] == "dung-bi-mat_123"
        update = fake.text_update(USER, "qua webhook")
        assert await fake.post_webhook(update, "sai-bi-mat") == 403
        assert await fake.post_webhook(update, None) == 403
        assert not core.seen
        assert await fake.post_webhook(update, "dung-bi-mat_123") == 200
        [sent] = await fake.wait_for_messages(USER, 1)
        assert sent.text == "Bạn gửi: qua webhook"
    finally:
        await channel.stop()
    assert not fake.calls_to("getUpdates")


async def test_webhook_secret_generated_or_refused(
    ctx: AppContext, fake: FakeTelegram, core: StandInCore
) -> None:
    use_fake(ctx, fake, telegram_webhook_url="https://bot.example.vn/tg")
    channel = TelegramChannel(ctx, core)
    assert channel.secret and len(channel.secret) >= 32
    use_fake(ctx, fake, telegram_webhook_url="https://bot.example.vn/tg",
             telegram_webhook_secret=SecretStr("có dấu!"))
    with pytest.raises(TelegramConfigError):
        TelegramChannel(ctx, core)


async def test_no_token_refused(ctx: AppContext, core: StandInCore) -> None:
    with pytest.raises(TelegramConfigError):
        TelegramChannel(ctx, core)


async def test_build_application(ctx: AppContext, fake: FakeTelegram, core: StandInCore) -> None:
    use_fake(ctx, fake)
    app = build_application(ctx, core)
    assert isinstance(app.bot_data["motcua_channel"], TelegramChannel)
    assert app.updater is not None and app.bot_data is not None
    assert app.bot.base_url == f"{fake.api_url}{fake.token}"


async def test_token_never_logged(
    ctx: AppContext, fake: FakeTelegram, core: StandInCore, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.logging_setup import setup_logging

    stream_records: list[str] = []
    redact = setup_logging("DEBUG", [fake.token])

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            stream_records.append(self.format(record))

    collector = Collect()
    collector.addFilter(redact)
    logging.getLogger().addHandler(collector)
    try:
        use_fake(ctx, fake)
        channel = TelegramChannel(ctx, core, poll_timeout=1)
        await channel.start()
        fake.push_text(USER, "xin chào")
        await fake.wait_for_messages(USER, 1)
        await channel.stop()
        url = channel.application.bot.base_url
        logging.getLogger("httpx").warning("HTTP Request: POST %s/getMe", url)
    finally:
        logging.getLogger().removeHandler(collector)
        setup_logging("WARNING")
    text = "\n".join(stream_records)
    assert fake.token not in text
    assert f"{fake.api_url}<token>/getMe" in text  # the URL is logged, its token redacted


async def test_stop_is_bounded_during_a_polling_back_off(
    ctx: AppContext, fake: FakeTelegram, core: StandInCore
) -> None:
    """PTB sleeps out a getUpdates 429 (here 60 s) deaf to stop(); SIGTERM must not wait."""
    import time

    use_fake(ctx, fake)
    channel = TelegramChannel(ctx, core, poll_timeout=1)
    channel.stop_timeout = 0.5
    fake.inject("429", method="getupdates", retry_after=60)
    await channel.start()
    await fake.wait_for_call("getUpdates", 1)
    await asyncio.sleep(0.2)
    started = time.monotonic()
    await channel.stop()
    assert time.monotonic() - started < 5


def test_helpers() -> None:
    assert _label("/tracuu 000.00 1234") == "/tracuu"
    assert _label("/TraCuu@motcua_bot x") == "/tracuu"
    assert _label("/ có dấu") == "/?"
    assert _label("000.00.12.H31-260101-0001 1234") == "text"
    assert _label("q:2026:1", button=True) == "button:q"
    cmds = bot_commands([("/Start", "Bắt đầu"), ("start", "lặp"), ("x" * 33, "dài"), ("ok", "")])
    assert [(c.command, c.description) for c in cmds] == [("start", "Bắt đầu"), ("ok", "ok")]


async def test_fake_server_rejects_a_bad_token(fake: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        res = await client.post(f"{fake.api_url}1:wrong/getMe")
    assert res.status_code == 401
    await asyncio.sleep(0)
