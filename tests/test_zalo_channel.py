"""ZaloChannel against the fake Zalo server, with a stand-in core: polling, webhook, retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo.channel import NOT_TEXT
from bot.channels.zalo.render import IMAGE_NOTE, REPORT_NOTE
from bot.context import AppContext
from tests.fakes.fake_zalo import FakeZalo
from tests.zalo_helpers import StandInCore, running_fake, use_fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    """A running fake Zalo Bot API."""
    async with running_fake() as server:
        server.max_poll = 0.3
        yield server


@pytest.fixture
async def polling(
    ctx: AppContext, fake: FakeZalo
) -> AsyncIterator[tuple[ZaloChannel, StandInCore]]:
    """A started channel in polling mode with the stand-in core."""
    use_fake(ctx, fake)
    core = StandInCore()
    channel = ZaloChannel(ctx, core, poll_timeout=1, retry_base=0.01)
    await channel.start()
    yield channel, core
    await channel.stop()


async def test_polling_answers_text(polling, fake: FakeZalo) -> None:
    """A text is handed to the core as Incoming(channel="zalo") and answered."""
    _, core = polling
    fake.push_text("u1", "xin chào", "Trần Thị Hoa")
    [msg] = await fake.wait_for_messages("u1", 1)
    assert msg["text"] == "Bạn gửi: xin chào"
    inc = core.seen[0]
    assert (inc.channel, inc.user_id, inc.chat_id, inc.text) == ("zalo", "u1", "u1", "xin chào")
    assert inc.display_name == "Trần Thị Hoa"
    assert inc.is_button is False
    assert core.max_texts == [2000]
    assert fake.count("deleteWebhook") == 1  # polling clears a webhook left over
    assert fake.count("sendChatAction") >= 1


async def test_polling_list_mode_and_empty_polls(polling, fake: FakeZalo) -> None:
    """A list of updates is answered entirely; 408 empty polls in between are no errors."""
    await asyncio.sleep(0.7)  # at least one 408 empty poll
    fake.list_mode = True
    fake.push_text("u1", "một")
    fake.push_text("u2", "hai")
    assert (await fake.wait_for_messages("u1", 1))[0]["text"] == "Bạn gửi: một"
    assert (await fake.wait_for_messages("u2", 1))[0]["text"] == "Bạn gửi: hai"


async def test_duplicate_message_answered_once(polling, fake: FakeZalo) -> None:
    """The same message_id delivered twice is answered once."""
    fake.push_text("u1", "a", message_id="dup-1")
    fake.push_text("u1", "a", message_id="dup-1")
    fake.push_text("u1", "b", message_id="dup-2")
    await fake.wait_for_messages("u1", 2)
    await asyncio.sleep(0.3)
    assert fake.texts("u1") == ["Bạn gửi: a", "Bạn gửi: b"]


async def test_restart_does_not_answer_again(ctx: AppContext, fake: FakeZalo) -> None:
    """A message seen before a restart (same store) is not answered by the new channel."""
    use_fake(ctx, fake)
    for _ in range(2):
        channel = ZaloChannel(ctx, StandInCore(), poll_timeout=1, retry_base=0.01)
        await channel.start()
        fake.push_text("u1", "a", message_id="same-id")
        await fake.wait_for_messages("u1", 1)
        await asyncio.sleep(0.2)
        await channel.stop()
    assert fake.texts("u1") == ["Bạn gửi: a"]


async def test_numbered_choices_act_as_buttons(polling, fake: FakeZalo) -> None:
    """Buttons become "Gửi 1 để …" lines; a reply "1" comes back as the button's data."""
    _, core = polling
    fake.push_text("u1", "nut")
    [offer] = await fake.wait_for_messages("u1", 1)
    assert offer["text"] == (
        "Bạn muốn làm gì?\n\nGửi 1 để theo dõi hồ sơ\nGửi 2 để chọn «⭐ 5»\nGửi 3 để bỏ qua"
    )
    fake.push_text("u1", "2")
    msgs = await fake.wait_for_messages("u1", 2)
    assert msgs[1]["text"] == "Đã chọn: rate:1:5"
    assert core.seen[-1].is_button and core.seen[-1].text == "rate:1:5"
    fake.push_text("u1", "2")  # the last answer had no buttons: "2" is plain text again
    msgs = await fake.wait_for_messages("u1", 3)
    assert msgs[2]["text"] == "Bạn gửi: 2"


async def test_long_text_split_and_files_noted(polling, fake: FakeZalo) -> None:
    """A long answer goes in parts ≤ 2000; an image or .docx becomes a text note."""
    fake.push_text("u1", "dai")
    await asyncio.sleep(0)
    msgs = await fake.wait_for_messages("u1", 3)
    assert all(len(m["text"]) <= 2000 for m in msgs)
    assert msgs[0]["text"].startswith("Dòng 0000")
    fake.push_text("u2", "anh")
    fake.push_text("u3", "tep")
    [img] = await fake.wait_for_messages("u2", 1)
    [doc] = await fake.wait_for_messages("u3", 1)
    assert img["text"] == f"Biểu đồ quý I\n\n{IMAGE_NOTE}"
    assert doc["text"] == "Báo cáo quý I\n\n" + REPORT_NOTE.format(name="bao-cao-q1.docx")
    assert "Telegram" in doc["text"] and "motcua report" in doc["text"]


async def test_non_text_gets_a_note(polling, fake: FakeZalo) -> None:
    """A sticker or an image is not passed to the core; the person is told to type."""
    _, core = polling
    fake.push_update(fake.make_update("u1", None))
    [msg] = await fake.wait_for_messages("u1", 1)
    assert msg["text"] == NOT_TEXT
    assert core.seen == []


async def test_answer_retried_after_429_and_500(polling, fake: FakeZalo) -> None:
    """A 429 then a 500 on sendMessage: the answer still arrives, once."""
    fake.fail("sendMessage", 429)
    fake.fail("sendMessage", 500)
    fake.push_text("u1", "xin chào")
    await fake.wait_for_messages("u1", 1)
    await asyncio.sleep(0.2)
    assert fake.texts("u1") == ["Bạn gửi: xin chào"]
    assert fake.count("sendMessage") == 3


async def test_polling_survives_platform_errors(polling, fake: FakeZalo) -> None:
    """getUpdates answering 500 and 429 is retried with backoff; messages still arrive."""
    fake.fail("getUpdates", 500, times=2)
    fake.fail("getUpdates", 429)
    fake.push_text("u1", "vẫn chạy")
    [msg] = await fake.wait_for_messages("u1", 1)
    assert msg["text"] == "Bạn gửi: vẫn chạy"


async def test_blocked_chat_is_not_retried(polling, fake: FakeZalo) -> None:
    """A 403 ends the answer without retries."""
    fake.block("u9")
    fake.push_text("u9", "a")
    await asyncio.sleep(0.5)
    sends = [p for m, p in fake.calls if m == "sendMessage" and p.get("chat_id") == "u9"]
    assert len(sends) == 1


async def test_webhook_right_and_wrong_secret(
    ctx: AppContext, fake: FakeZalo, caplog: pytest.LogCaptureFixture
) -> None:
    """Webhook mode: setWebhook with the secret; right header answered, wrong one 403 + log."""
    use_fake(
        ctx, fake,
        zalo_webhook_url="https://bot.example.org/zalo/hook",
        zalo_webhook_secret=SecretStr("bi-mat-du-dai-123"),
        zalo_webhook_port=0,  # model_copy does not validate: the OS picks the port
    )
    core = StandInCore()
    channel = ZaloChannel(ctx, core, retry_base=0.01)
    await channel.start()
    try:
        assert fake.webhook_url == "https://bot.example.org/zalo/hook"
        assert fake.webhook_secret == "bi-mat-du-dai-123"
        assert fake.count("getUpdates") == 0
        local = f"http://127.0.0.1:{channel.port}/zalo/hook"
        update = fake.make_update("u1", "qua webhook")
        with caplog.at_level(logging.WARNING, logger="bot.channels.zalo.channel"):
            assert await fake.post_webhook(update, secret="sai-bi-mat-000", url=local) == 403
            assert await fake.post_webhook(update, secret="", url=local) == 403
        assert "refused" in caplog.text
        assert core.seen == []
        assert await fake.post_webhook(update, url=local) == 200
        [msg] = await fake.wait_for_messages("u1", 1)
        assert msg["text"] == "Bạn gửi: qua webhook"
        # the platform redelivers: answered once; an envelope {"ok", "result"} is accepted too
        assert await fake.post_webhook({"ok": True, "result": update}, url=local) == 200
        update2 = fake.make_update("u1", "lần hai")
        assert await fake.post_webhook({"ok": True, "result": update2}, url=local) == 200
        await fake.wait_for_messages("u1", 2)
        await asyncio.sleep(0.2)
        assert fake.texts("u1") == ["Bạn gửi: qua webhook", "Bạn gửi: lần hai"]
    finally:
        await channel.stop()


def test_channel_needs_a_token(ctx: AppContext) -> None:
    """Without MOTCUA_ZALO_TOKEN the channel refuses to build."""
    with pytest.raises(ValueError):
        ZaloChannel(ctx, StandInCore())


async def test_wrong_token_refused_at_start(ctx: AppContext, fake: FakeZalo) -> None:
    """A token the platform refuses stops start() with a Vietnamese message."""
    use_fake(ctx, fake, zalo_token=SecretStr("999:sai"))
    channel = ZaloChannel(ctx, StandInCore())
    with pytest.raises(RuntimeError, match="Zalo Bot Manager"):
        await channel.start()
    await channel.stop()  # harmless after a failed start


async def test_platform_down_at_start_is_not_fatal(ctx: AppContext, fake: FakeZalo) -> None:
    """A 5xx on getMe is logged; polling starts and answers once the platform is back."""
    use_fake(ctx, fake)
    fake.fail("getMe", 503)
    channel = ZaloChannel(ctx, StandInCore(), poll_timeout=1, retry_base=0.01)
    await channel.start()
    try:
        fake.push_text("u1", "chào")
        assert (await fake.wait_for_messages("u1", 1))[0]["text"] == "Bạn gửi: chào"
    finally:
        await channel.stop()
