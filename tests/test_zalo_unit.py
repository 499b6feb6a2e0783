"""Zalo channel pieces: text splitting, numbered choices, the client's shapes, error mapping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.base import PermanentError, RecipientBlocked, RetryLater, TransientError
from bot.channels.zalo.client import (
    ZaloApiError,
    ZaloClient,
    ZaloNetworkError,
    updates_from_result,
)
from bot.channels.zalo.render import (
    DOCUMENT_NOTE,
    IMAGE_NOTE,
    REPORT_NOTE,
    choice_line,
    chosen,
    render,
    split_text,
)
from bot.channels.zalo.sender import ZaloSender, map_error
from bot.core.types import Button, Reply
from bot.push.backoff import backoff
from storage import zalo_seen
from tests.zalo_helpers import running_fake, use_fake


def test_split_keeps_short_text_whole() -> None:
    """A text under the limit is one part."""
    assert split_text("Xin chào\nbạn", 2000) == ["Xin chào\nbạn"]
    assert split_text("", 2000) == []


def test_split_at_line_boundaries() -> None:
    """Long texts are cut between lines, every part within the limit."""
    lines = [f"Dòng {i:03d} " + "ă" * 50 for i in range(100)]
    parts = split_text("\n".join(lines), 2000)
    assert len(parts) > 1
    assert all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts).split("\n") == lines


@given(st.text(alphabet=st.sampled_from("ab ệ\n"), max_size=600), st.integers(5, 80))
def test_split_never_exceeds_the_limit(text: str, limit: int) -> None:
    """Every part fits; no non-space character is lost."""
    parts = split_text(text, limit)
    assert all(1 <= len(p) <= limit for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_choice_lines_read_naturally() -> None:
    """A verb label is lowercased after "để"; other labels are quoted."""
    assert choice_line(1, "Theo dõi hồ sơ") == "Gửi 1 để theo dõi hồ sơ"
    assert choice_line(2, "⭐ 5") == "Gửi 2 để chọn «⭐ 5»"
    assert choice_line(3, "UBND") == "Gửi 3 để chọn «UBND»"
    assert choice_line(4, "Có") == "Gửi 4 để chọn «Có»"
    assert choice_line(5, "🔔 Theo dõi hồ sơ này") == "Gửi 5 để theo dõi hồ sơ này"
    assert choice_line(6, "➡️ Trang sau") == "Gửi 6 để trang sau"


def test_render_numbers_buttons_across_a_batch() -> None:
    """Buttons of several replies are numbered 1..n and remembered in that order."""
    replies = [
        Reply("Hồ sơ A", buttons=((Button("Theo dõi", "f:1"),),)),
        Reply("Hồ sơ B", buttons=((Button("Theo dõi", "f:2"), Button("Bỏ qua", "x")),)),
    ]
    out = render(replies, 2000)
    assert out.choices == ["f:1", "f:2", "x"]
    assert out.texts == [
        "Hồ sơ A\n\nGửi 1 để theo dõi",
        "Hồ sơ B\n\nGửi 2 để theo dõi\nGửi 3 để bỏ qua",
    ]


def test_render_files_become_notes() -> None:
    """Images and documents are replaced by their caption and a note."""
    out = render([
        Reply("Biểu đồ", image=b"png"),
        Reply("Báo cáo", document=b"d", filename="bao-cao-quy-i.docx"),
        Reply("", document=b"d", filename="tu-choi.csv"),
    ], 2000)
    assert out.texts[0] == f"Biểu đồ\n\n{IMAGE_NOTE}"
    assert out.texts[1] == "Báo cáo\n\n" + REPORT_NOTE.format(name="bao-cao-quy-i.docx")
    assert out.texts[2] == DOCUMENT_NOTE.format(name="tu-choi.csv")


def test_chosen_reads_bare_numbers_only() -> None:
    """"1", " 2 ", "3." pick a choice; other texts or numbers out of range do not."""
    choices = ["a", "b", "c"]
    assert chosen("1", choices) == "a"
    assert chosen(" 2 ", choices) == "b"
    assert chosen("3.", choices) == "c"
    assert chosen("4", choices) is None
    assert chosen("0", choices) is None
    assert chosen("1 2", choices) is None
    assert chosen("1", []) is None


def test_updates_from_result_accepts_every_shape() -> None:
    """One object, a list, an envelope, or nothing."""
    one = {"event_name": "message.text.received", "message": {"text": "a"}}
    assert updates_from_result(one) == [one]
    assert updates_from_result([one, one]) == [one, one]
    assert updates_from_result({"ok": True, "result": one}) == [one]
    assert updates_from_result({"ok": True, "result": [one]}) == [one]
    assert updates_from_result(None) == []
    assert updates_from_result({}) == []


def test_error_mapping() -> None:
    """429 → RetryLater(None), 5xx/408/network → Transient, 403 → Blocked, 4xx → Permanent."""
    r = map_error(ZaloApiError(429, "Too Many Requests", 429))
    assert isinstance(r, RetryLater) and r.seconds is None
    assert isinstance(map_error(ZaloApiError(500, "", 500)), TransientError)
    assert isinstance(map_error(ZaloApiError(502, "", 200)), TransientError)
    assert isinstance(map_error(ZaloApiError(408, "")), TransientError)
    assert isinstance(map_error(ZaloNetworkError("boom")), TransientError)
    assert isinstance(map_error(ZaloApiError(403, "blocked", 403)), RecipientBlocked)
    assert isinstance(map_error(ZaloApiError(400, "bad", 400)), PermanentError)


def test_backoff_is_capped_and_jittered() -> None:
    """Waits grow exponentially, never above the cap, never below zero."""
    assert backoff(5000, 1.0, 60.0) <= 60.0  # no overflow after a long outage
    for attempt in range(20):
        wait = backoff(attempt, 1.0, 60.0)
        assert 0 <= wait <= min(60.0, 2**attempt)


async def test_client_against_the_fake() -> None:
    """getMe, getUpdates (one object, list, 408), webhook calls and sends."""
    async with running_fake() as fake:
        client = ZaloClient(fake.token, fake.api_url)
        try:
            assert (await client.get_me())["account_name"] == "bot.fake"
            fake.max_poll = 0.2
            assert await client.get_updates(timeout=1) == []  # 408 is an empty poll
            fake.poll_408_status = 408  # the same with an HTTP 408 status
            assert await client.get_updates(timeout=1) == []
            fake.push_text("u1", "xin chào")
            [update] = await client.get_updates(timeout=1)
            assert update["message"]["text"] == "xin chào"
            fake.list_mode = True
            fake.push_text("u1", "một")
            fake.push_text("u2", "hai")
            got = await client.get_updates(timeout=1)
            assert [u["message"]["text"] for u in got] == ["một", "hai"]
            await client.set_webhook("https://example.org/zalo", "bí-mật-123456")
            assert (await client.get_webhook_info())["url"] == "https://example.org/zalo"
            with pytest.raises(ZaloApiError) as err:
                await client.get_updates(timeout=1)
            assert err.value.code == 409
            await client.delete_webhook()
            assert (await client.get_webhook_info())["url"] == ""
            with pytest.raises(ValueError):
                await client.set_webhook("https://example.org/zalo", "short")
            await client.send_message("u1", "chào")
            await client.send_photo("u1", "https://example.org/a.png", "ảnh")
            await client.send_chat_action("u1")
            assert fake.sent["u1"][0] == {"method": "sendMessage", "text": "chào"}
            assert fake.sent["u1"][1]["photo"] == "https://example.org/a.png"
            with pytest.raises(ZaloApiError):
                await client.send_message("u1", "x" * 2001)
        finally:
            await client.aclose()


async def test_client_network_error() -> None:
    """An unreachable platform raises ZaloNetworkError."""
    async with running_fake() as fake:
        url = fake.api_url
    client = ZaloClient("t:t", url, timeout=2)
    try:
        with pytest.raises(ZaloNetworkError):
            await client.get_me()
    finally:
        await client.aclose()


async def test_sender_maps_faults_and_remembers_choices(ctx) -> None:
    """ZaloSender raises the DeliveryError matching each fault, and stores the choices."""
    async with running_fake() as fake:
        use_fake(ctx, fake)
        client = ZaloClient(fake.token, fake.api_url)
        sender = ZaloSender(client, ctx)
        try:
            assert sender.name == "zalo" and sender.max_text == 2000
            fake.fail("sendMessage", 429)
            with pytest.raises(RetryLater) as retry:
                await sender.send("c1", Reply("a"))
            assert retry.value.seconds is None
            fake.fail("sendMessage", 500)
            with pytest.raises(TransientError):
                await sender.send("c1", Reply("a"))
            fake.fail("sendMessage", 400)
            with pytest.raises(PermanentError):
                await sender.send("c1", Reply("a"))
            fake.block("c2")
            with pytest.raises(RecipientBlocked):
                await sender.send("c2", Reply("a"))
            await sender.send("c1", Reply("Chọn", buttons=((Button("Có", "yes"),),)))
            assert fake.texts("c1") == ["Chọn\n\nGửi 1 để chọn «Có»"]
            assert await zalo_seen.load_choices(ctx.db, "c1", ctx.now()) == ["yes"]
            await sender.send("c1", Reply("Xong"))
            assert await zalo_seen.load_choices(ctx.db, "c1", ctx.now()) == []
        finally:
            await client.aclose()


async def test_seen_store_deduplicates_and_prunes(ctx) -> None:
    """mark_seen is True once per message id; prune forgets old ids."""
    now = ctx.now()
    assert await zalo_seen.mark_seen(ctx.db, "m1", "c", now) is True
    assert await zalo_seen.mark_seen(ctx.db, "m1", "c", now) is False
    from datetime import timedelta

    assert await zalo_seen.prune_seen(ctx.db, now + timedelta(seconds=1)) == 1
    assert await zalo_seen.mark_seen(ctx.db, "m1", "c", now) is True


async def test_choices_expire(ctx) -> None:
    """Choices older than a day no longer count."""
    from datetime import timedelta

    await zalo_seen.save_choices(ctx.db, "c", ["a"], ctx.now() - timedelta(days=2))
    assert await zalo_seen.load_choices(ctx.db, "c", ctx.now()) == []
