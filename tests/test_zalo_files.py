"""Charts and reports on Zalo (issue 17): with a public base URL the chart goes by sendPhoto and
the report as a link, both served by the bot's web server at a signed URL valid a day; wrong,
expired or listing requests get 404; without a public URL a note says how to get the file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import urlparse

import httpx
import pytest
from pydantic import SecretStr

from bot.channels.zalo.channel import ZaloChannel
from bot.context import AppContext
from tests.fakes.fake_zalo import FakeZalo
from tests.zalo_helpers import StandInCore, running_fake, use_fake

PNG = b"\x89PNG\r\n\x1a\n chart bytes"


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    """A running fake Zalo platform on 127.0.0.1."""
    async with running_fake() as f:
        yield f


def local(url: str, port: int | None) -> str:
    """The public URL pointed at the test's local web server."""
    parts = urlparse(url)
    return f"http://127.0.0.1:{port}{parts.path}"


async def test_chart_and_report_by_signed_link(ctx: AppContext, fake: FakeZalo) -> None:
    """sendPhoto with a signed URL; the .docx as a link; both download; tampering → 404."""
    use_fake(ctx, fake, zalo_webhook_url="https://bot.example.org/zalo",
             zalo_webhook_secret=SecretStr("dung-bi-mat-42"), zalo_webhook_port=0)
    channel = ZaloChannel(ctx, StandInCore(), retry_base=0.01)
    await channel.start()
    try:
        url = f"http://127.0.0.1:{channel.port}/zalo"
        assert await fake.post_webhook(fake.make_update("L1", "anh"), url=url) == 200
        [photo] = await fake.wait_for_messages("L1", 1)
        assert photo["method"] == "sendPhoto" and photo["caption"] == "Biểu đồ quý I"
        assert photo["photo"].startswith("https://bot.example.org/tep/")
        assert photo["photo"].endswith("/q1.png")
        assert await fake.post_webhook(fake.make_update("L1", "tep", message_id="m2"),
                                       url=url) == 200
        msgs = await fake.wait_for_messages("L1", 2)
        report = msgs[1]["text"]
        assert report.startswith("Báo cáo quý I: tải tệp tại https://bot.example.org/tep/")
        link = report.split("tải tệp tại ")[1].split()[0]
        async with httpx.AsyncClient() as http:
            got = await http.get(local(photo["photo"], channel.port))
            assert got.status_code == 200 and got.content == b"\x89PNG fake"
            assert got.headers["content-type"] == "image/png"
            doc = await http.get(local(link, channel.port))
            assert doc.status_code == 200 and doc.content == b"PK fake"
            path = urlparse(photo["photo"]).path
            parts = path.split("/")
            bad_sig = "/".join([*parts[:4], "0" * 32, parts[5]])
            longer = "/".join([*parts[:3], str(int(parts[3]) + 86400), *parts[4:]])
            for wrong in (bad_sig, longer, "/tep/", "/tep", "/", path.rsplit("/", 3)[0]):
                resp = await http.get(f"http://127.0.0.1:{channel.port}{wrong}")
                assert resp.status_code in (404, 405), wrong
            later = ctx.now() + timedelta(hours=25)
            ctx.clock = lambda: later
            expired = await http.get(local(photo["photo"], channel.port))
            assert expired.status_code == 404
    finally:
        await channel.stop()


async def test_without_public_url_a_note(ctx: AppContext, fake: FakeZalo) -> None:
    """Polling (no public URL): the chart's caption and a note on how to get it."""
    use_fake(ctx, fake)
    channel = ZaloChannel(ctx, StandInCore(), retry_base=0.01, poll_timeout=1)
    await channel.start()
    try:
        fake.push_text("P1", "anh")
        [msg] = await fake.wait_for_messages("P1", 1)
        assert msg["method"] == "sendMessage" and "Telegram" in msg["text"]
        assert "motcua report" in msg["text"]
        await asyncio.sleep(0)
        assert fake.count("sendPhoto") == 0
    finally:
        await channel.stop()
