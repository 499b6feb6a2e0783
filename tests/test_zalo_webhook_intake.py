"""The Zalo webhook under abuse, through the real server and the fake platform: replays without
message_id, bad and deep JSON, huge bodies, thousands of updates in one POST."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo.client import SECRET_HEADER
from bot.context import AppContext
from bot.core.router import Core
from storage import ratelimit
from tests.core_helpers import D_OK, sample_world
from tests.fakes.fake_zalo import FakeZalo
from tests.zalo_helpers import running_fake, use_fake

SECRET = "bi-mat-zalo-du-dai-14"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    """The fake Zalo platform."""
    async with running_fake() as server:
        yield server


@pytest.fixture
async def channel(ctx: AppContext, fake: FakeZalo) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel in webhook mode with the real core on the sample store."""
    await sample_world(ctx)
    use_fake(ctx, fake, zalo_webhook_url="https://bot.example.org/zalo/hook",
             zalo_webhook_secret=SecretStr(SECRET), zalo_webhook_port=0)
    zalo = ZaloChannel(ctx, Core(ctx), retry_base=0.01)
    await zalo.start()
    yield zalo
    await zalo.stop()


async def post(zalo: ZaloChannel, body: bytes | str) -> int:
    """POST raw bytes to the channel's webhook with the right secret; the HTTP status."""
    async with httpx.AsyncClient(timeout=30) as http:
        res = await http.post(f"http://127.0.0.1:{zalo.port}/zalo/hook", content=body,
                              headers={SECRET_HEADER: SECRET,
                                       "Content-Type": "application/json"})
    return res.status_code


async def test_replay_without_message_id_is_answered_once(
    ctx: AppContext, fake: FakeZalo, channel: ZaloChannel
) -> None:
    """An update without message_id posted 5 times: one answer, one lookup spent."""
    update = fake.make_update("z1", D_OK)
    del update["message"]["message_id"]
    for _ in range(5):
        assert await post(channel, json.dumps(update)) == 200
    await fake.wait_for_messages("z1", 1)
    await channel.stop()  # lets every task in progress finish
    assert len(fake.texts("z1")) == 1
    assert await ratelimit.used(ctx.db, "zalo", "z1", "lookup", ctx.now()) == 1


async def test_junk_bodies_are_refused_with_4xx(
    fake: FakeZalo, channel: ZaloChannel, caplog: pytest.LogCaptureFixture
) -> None:
    """Bad JSON 400, nested 100,000 deep 400, no update 400, 10 MB 413; one WARNING each."""
    caplog.set_level("DEBUG")
    assert await post(channel, b"{not json") == 400
    assert await post(channel, "[" * 100_000 + "]" * 100_000) == 400
    assert await post(channel, '{"message":' * 50_000 + "1" + "}" * 50_000) == 400
    assert await post(channel, json.dumps({"hello": "x" * 100})) == 400
    assert await post(channel, b'{"message": "' + b"a" * (10 * 1024 * 1024) + b'"}') == 413
    junk = [r for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(junk) == 5 and {r.levelname for r in junk} == {"WARNING"}
    assert not [r for r in caplog.records if r.levelno >= 40]
    assert "x" * 100 not in caplog.text


async def test_thousands_of_updates_in_one_post_do_not_delay_others(
    fake: FakeZalo, channel: ZaloChannel
) -> None:
    """2,000 updates in one POST are refused whole; a /start right after is answered at once."""
    flood = [fake.make_update(f"f{i}", D_OK) for i in range(2000)]
    assert await post(channel, json.dumps(flood)) == 400
    started = time.monotonic()
    assert await post(channel, json.dumps(fake.make_update("z2", "/start"))) == 200
    [answer] = await fake.wait_for_messages("z2", 1)
    assert "Xin chào" in answer["text"] and time.monotonic() - started < 5
    assert not any(fake.texts(f"f{i}") for i in range(2000))


async def test_zalo_ids_seen_before_the_upgrade_stay_seen(tmp_path: Path) -> None:
    """Migration 0015 moves the ids of zalo_seen into updates_seen: no old message re-answered."""
    import sqlite3
    from datetime import datetime

    from storage import zalo_seen
    from storage.db import Database, migrations

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL)")
    for version, name, sql in migrations():
        if version < 15:
            conn.executescript(sql)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, 'x')", (version, name))
    conn.execute("INSERT INTO zalo_seen VALUES ('msg-old', 'c1', '2026-04-15T08:00:00')")
    conn.commit()
    conn.close()
    db = await Database.open(path)
    try:
        now = datetime(2026, 4, 15, 9, 0)
        assert not await zalo_seen.mark_seen(db, "msg-old", "c1", now)
        assert await zalo_seen.mark_seen(db, "msg-new", "c1", now)
    finally:
        await db.close()
