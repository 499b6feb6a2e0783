"""The Telegram webhook under abuse, through the real server, the real core and the fake Bot API:
replayed update ids, bad JSON, huge and deep bodies, floods, and commands for another bot."""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.base import ChatCore
from bot.channels.telegram import TelegramChannel
from bot.context import AppContext
from bot.core.router import Core
from storage import ratelimit
from tests.core_helpers import D_OK, sample_world
from tests.fakes.fake_telegram import FakeTelegram
from tests.telegram_helpers import StandInCore, free_port, use_fake

SECRET = "bi-mat_webhook_14"
USER = 5151
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API."""
    async with FakeTelegram() as server:
        yield server


async def _webhook(ctx: AppContext, fake: FakeTelegram, core: ChatCore) -> TelegramChannel:
    """A started TelegramChannel in webhook mode on a free port."""
    port = free_port()
    use_fake(ctx, fake, telegram_webhook_url=f"http://127.0.0.1:{port}/tg",
             telegram_webhook_port=port, telegram_webhook_secret=SecretStr(SECRET))
    channel = TelegramChannel(ctx, core)
    await channel.start()
    return channel


@pytest.fixture
async def real(ctx: AppContext, fake: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    """The webhook with the real core on the sample store."""
    await sample_world(ctx)
    channel = await _webhook(ctx, fake, Core(ctx))
    yield channel
    await channel.stop()


async def post(fake: FakeTelegram, body: bytes | str, headers: dict | None = None) -> int:
    """POST raw bytes to the bot's webhook; the HTTP status."""
    async with httpx.AsyncClient(timeout=30) as client:
        res = await client.post(fake.webhook["url"], content=body,
                                headers=HEADERS if headers is None else headers)
    return res.status_code


async def test_a_replayed_update_is_answered_once(ctx: AppContext, fake: FakeTelegram,
                                                  real: TelegramChannel) -> None:
    """The same update_id posted 5 times: one answer, one lookup spent."""
    update = fake.text_update(USER, D_OK)
    for _ in range(5):
        assert await fake.post_webhook(update, SECRET) == 200
    await fake.wait_for_messages(USER, 1)
    assert await fake.quiet(USER, 0.5) == []
    assert await ratelimit.used(ctx.db, "telegram", str(USER), "lookup", ctx.now()) == 1


async def test_junk_bodies_are_refused_with_4xx(ctx: AppContext, fake: FakeTelegram,
                                                real: TelegramChannel,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """Bad JSON 400, not an update 400, 10 MB 413, nested 10,000 deep 400; logged at WARNING."""
    caplog.set_level("DEBUG")
    assert await post(fake, b"{not json") == 400
    assert await post(fake, b"\xff\xfe") == 400
    assert await post(fake, "[" * 10_000 + "]" * 10_000) == 400
    assert await post(fake, json.dumps({"update_id": 1, "message": "x" * 100})) == 400
    assert await post(fake, json.dumps([fake.text_update(USER, "a")] * 3)) == 400
    assert await post(fake, json.dumps({"message": {"text": "no id"}})) == 400
    assert await post(fake, b'{"update_id": 7, "x": "' + b"a" * (10 * 1024 * 1024) + b'"}') == 413
    assert await post(fake, b"{}", headers={"Content-Type": "application/json"}) == 403
    junk = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(junk) == 8 and {r.levelname for r in junk} == {"WARNING"}
    assert not [r for r in caplog.records if r.levelno >= 40]  # no ERROR, no CRITICAL
    assert "x" * 100 not in caplog.text
    # still serving
    assert await fake.post_webhook(fake.text_update(USER, "/start"), SECRET) == 200
    assert "Xin chào" in (await fake.wait_for_messages(USER, 1))[0].text


async def test_flood_is_bounded(ctx: AppContext, fake: FakeTelegram) -> None:
    """A flood above what may wait is told to retry (503), and a later /start is answered."""
    release = asyncio.Event()

    class SlowCore(StandInCore):
        """A core that holds every answer until released."""

        async def handle(self, incoming, max_text=4096):  # type: ignore[no-untyped-def]
            """Wait for the release, then answer like the stand-in core."""
            await release.wait()
            return await super().handle(incoming, max_text)

    channel = await _webhook(ctx, fake, SlowCore())
    channel.webhook.max_waiting = 20  # type: ignore[union-attr]
    try:
        statuses = [await fake.post_webhook(fake.text_update(9000 + i, "x"), SECRET)
                    for i in range(200)]
        assert 503 in statuses and statuses.count(200) < 200
        release.set()
        await asyncio.sleep(0.5)
        assert await fake.post_webhook(fake.text_update(USER, "/start"), SECRET) == 200
        await fake.wait_for_messages(USER, 1, timeout=10)
    finally:
        release.set()
        await channel.stop()


async def test_one_person_in_100_group_chats_gets_the_limit(
    ctx: AppContext, fake: FakeTelegram, real: TelegramChannel
) -> None:
    """100 group chats of one person at once through the webhook: exactly the limit served."""
    ctx.settings = ctx.settings.model_copy(update={"lookup_per_minute": 10})
    base = fake.text_update(USER, D_OK)
    updates = []
    for i in range(100):
        update = copy.deepcopy(base)
        update["update_id"] = 10_000 + i
        update["message"]["chat"] = {"id": -100 - i, "type": "group", "title": f"Nhóm {i}"}
        updates.append(update)
    statuses = await asyncio.gather(*(fake.post_webhook(u, SECRET) for u in updates))
    assert set(statuses) == {200}
    await fake.wait_for_sent(100, timeout=30)
    served = [s for s in fake.sent if "Đang xử lý" in s.text]
    assert len(served) == 10
    assert await ratelimit.used(ctx.db, "telegram", str(USER), "lookup", ctx.now()) == 10


async def test_command_for_another_bot_is_ignored(fake: FakeTelegram,
                                                  real: TelegramChannel) -> None:
    """/tracuu@other_bot is not answered; /tracuu@<this bot> is."""
    assert await fake.post_webhook(fake.text_update(USER, f"/tracuu@other_bot {D_OK}"),
                                   SECRET) == 200
    assert await fake.post_webhook(fake.text_update(USER, "/start@Other_Bot"), SECRET) == 200
    assert await fake.quiet(USER, 0.5) == []
    mine = f"/tracuu@{fake.bot_username.upper()} {D_OK}"
    assert await fake.post_webhook(fake.text_update(USER, mine), SECRET) == 200
    [sent] = await fake.wait_for_messages(USER, 1)
    assert "Đang xử lý" in sent.text


async def test_seen_ids_are_per_channel_and_pruned(ctx: AppContext) -> None:
    """An update id is new once per channel; pruning forgets only that channel's old ids."""
    from datetime import timedelta

    from storage import updates_seen

    now = ctx.now()
    assert await updates_seen.mark_seen(ctx.db, "telegram", "1", now - timedelta(days=4))
    assert not await updates_seen.mark_seen(ctx.db, "telegram", "1", now)
    assert await updates_seen.mark_seen(ctx.db, "zalo", "1", now - timedelta(days=4))
    assert await updates_seen.prune_seen(ctx.db, now - timedelta(days=3), "telegram") == 1
    assert await updates_seen.mark_seen(ctx.db, "telegram", "1", now)
    assert not await updates_seen.mark_seen(ctx.db, "zalo", "1", now)
