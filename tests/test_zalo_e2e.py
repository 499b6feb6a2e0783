"""End to end on Zalo: the fake Zalo Bot API, ZaloChannel and the real Core, store and outbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo.render import IMAGE_NOTE
from bot.context import AppContext
from bot.core.router import REFUSED, Core
from bot.core.types import Incoming
from bot.push.messages import officer_reminders
from bot.push.services import start_services
from storage import staff as staff_store
from storage.subscriptions import followers
from tests.fakes.fake_zalo import FakeZalo
from tests.zalo_helpers import DOSSIER_CODE, insert_dossier, running_fake, unit_id, use_fake


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    """A running fake Zalo Bot API."""
    async with running_fake() as server:
        server.max_poll = 0.3
        yield server


@pytest.fixture
async def bot(ctx: AppContext, fake: FakeZalo) -> AsyncIterator[ZaloChannel]:
    """The Zalo channel in polling mode over the real Core, with one dossier in the store."""
    use_fake(ctx, fake)
    await insert_dossier(ctx)
    channel = ZaloChannel(ctx, Core(ctx), poll_timeout=1, retry_base=0.01)
    await channel.start()
    yield channel
    await channel.stop()


async def _officer(ctx: AppContext, channel: str, user_id: str) -> staff_store.StaffMember:
    """An officer CB01 of the test unit, linked on `channel` as `user_id`."""
    member = await staff_store.create_staff(
        ctx.db, unit_id=await unit_id(ctx), name="Lê Văn Cường", role="officer",
        officer_code="CB01", now=ctx.now(),
    )
    await staff_store.link(ctx.db, member.id, channel, user_id, user_id, ctx.now())
    return member


async def test_lookup_without_and_with_the_four_digits(bot, fake: FakeZalo, ctx) -> None:
    """The code alone gives the status card; with the 4 digits the full card and a choice to
    follow, which "1" takes."""
    fake.push_text("c1", DOSSIER_CODE, "Nguyễn Văn Bình")
    [short] = await fake.wait_for_messages("c1", 1)
    assert DOSSIER_CODE in short["text"]
    assert "4 số cuối" in short["text"]
    assert "Nguyễn Văn Bình" not in short["text"]
    assert "Gửi 1" not in short["text"]

    fake.push_text("c1", f"/tracuu {DOSSIER_CODE} 1234")
    msgs = await fake.wait_for_messages("c1", 2)
    full = msgs[1]["text"]
    assert DOSSIER_CODE in full and "Đăng ký khai sinh" in full
    assert full.rstrip().endswith("Gửi 1 để theo dõi hồ sơ này")
    assert all(len(m["text"]) <= 2000 for m in msgs)

    fake.push_text("c1", "1")
    msgs = await fake.wait_for_messages("c1", 3)
    assert "theo dõi" in msgs[2]["text"].lower()
    async with ctx.db.reader.execute(
        "SELECT id FROM dossiers WHERE code = ?", (DOSSIER_CODE,)
    ) as cur:
        dossier_id = (await cur.fetchone())[0]
    assert ("zalo", "c1") in await followers(ctx.db, dossier_id)


async def test_wrong_digits_give_no_details(bot, fake: FakeZalo) -> None:
    """A wrong second factor shows nothing of the dossier."""
    fake.push_text("c2", f"/tracuu {DOSSIER_CODE} 9999")
    [msg] = await fake.wait_for_messages("c2", 1)
    assert "Không tìm thấy" in msg["text"]
    assert "Đăng ký khai sinh" not in msg["text"]


async def test_staff_command_refused_then_allowed(bot, fake: FakeZalo, ctx) -> None:
    """/quahan from a citizen is refused; from a linked officer it lists the overdue dossier."""
    fake.push_text("c1", "/quahan")
    [refused] = await fake.wait_for_messages("c1", 1)
    assert refused["text"] == REFUSED
    await _officer(ctx, "zalo", "s1")
    fake.push_text("s1", "/quahan", "Lê Văn Cường")
    [allowed] = await fake.wait_for_messages("s1", 1)
    assert DOSSIER_CODE in allowed["text"]
    assert "quá hạn" in allowed["text"].lower()


async def test_lienket_links_telegram_and_zalo(bot, fake: FakeZalo, ctx) -> None:
    """/lienket on Telegram gives a code; /lienket <code> on Zalo links the same officer."""
    member = await _officer(ctx, "telegram", "777")
    core = Core(ctx)
    [reply] = await core.handle(Incoming("telegram", "777", "777", "/lienket"), 4096)
    assert "Zalo" in reply.text
    code = reply.text.split("Mã liên kết của bạn: ", 1)[1].split()[0]
    fake.push_text("z1", f"/lienket {code}")
    [linked] = await fake.wait_for_messages("z1", 1)
    assert "Đã liên kết tài khoản Zalo" in linked["text"]
    assert await staff_store.staff_chats(ctx.db, member.id) == [
        ("telegram", "777"), ("zalo", "z1")
    ]
    fake.push_text("z1", "/quahan")
    msgs = await fake.wait_for_messages("z1", 2)
    assert DOSSIER_CODE in msgs[1]["text"]
    fake.push_text("z2", f"/lienket {code}")  # one use only
    [again] = await fake.wait_for_messages("z2", 1)
    assert "không đúng" in again["text"]
    fake.push_text("z3", "/lienket")  # a citizen without a code
    [hint] = await fake.wait_for_messages("z3", 1)
    assert "dành cho cán bộ" in hint["text"]


async def test_reminder_delivered_through_zalo_after_429_and_500(
    bot, fake: FakeZalo, ctx
) -> None:
    """The morning reminder goes through the outbox and ZaloSender; 429 and 500 are retried."""
    await _officer(ctx, "zalo", "s1")
    assert await officer_reminders(ctx, ctx.now()) == 1
    fake.fail("sendMessage", 429)
    fake.fail("sendMessage", 500)
    services = await start_services(
        ctx, {"zalo": bot.sender}, scheduler=False, poll_seconds=0.05, backoff_base=0.01,
        backoff_cap=0.05,
    )
    try:
        [msg] = await fake.wait_for_messages("s1", 1)
        assert DOSSIER_CODE in msg["text"]
        await asyncio.sleep(0.3)
        assert len(fake.sent["s1"]) == 1
        assert fake.count("sendMessage") == 3
    finally:
        await services.stop()
    assert await officer_reminders(ctx, ctx.now()) == 0  # idempotent: the same key twice


async def test_duplicate_message_id_answered_once(bot, fake: FakeZalo) -> None:
    """The same message_id twice (restart, redelivery): one answer."""
    fake.push_text("c1", DOSSIER_CODE, message_id="m-dup")
    fake.push_text("c1", DOSSIER_CODE, message_id="m-dup")
    await fake.wait_for_messages("c1", 1)
    await asyncio.sleep(0.5)
    assert len(fake.sent["c1"]) == 1


async def test_webhook_mode_with_the_real_core(ctx: AppContext, fake: FakeZalo) -> None:
    """Webhook mode: the right secret gets an answer, a wrong one 403 and nothing."""
    use_fake(ctx, fake, zalo_webhook_url="https://bot.example.org/zalo",
             zalo_webhook_secret=SecretStr("dung-bi-mat-42"), zalo_webhook_port=0)
    await insert_dossier(ctx)
    channel = ZaloChannel(ctx, Core(ctx), retry_base=0.01)
    await channel.start()
    try:
        url = f"http://127.0.0.1:{channel.port}/zalo"
        update = fake.make_update("w1", DOSSIER_CODE)
        assert await fake.post_webhook(update, secret="sai-bi-mat-42", url=url) == 403
        await asyncio.sleep(0.2)
        assert fake.sent["w1"] == []
        assert await fake.post_webhook(update, url=url) == 200
        [msg] = await fake.wait_for_messages("w1", 1)
        assert DOSSIER_CODE in msg["text"]
    finally:
        await channel.stop()


async def test_leader_report_on_zalo_becomes_text_and_notes(bot, fake: FakeZalo, ctx) -> None:
    """/baocao: the .docx cannot go through Zalo; the leader gets the text summary (split at
    Zalo's 2,000 characters) with a note on how to get the file, then the chart's caption, its
    note and the period buttons as numbered choices."""
    member = await staff_store.create_staff(
        ctx.db, unit_id=await unit_id(ctx), name="Hoàng Thị Lan", role="leader",
        officer_code="LD01", now=ctx.now(),
    )
    await staff_store.link(ctx.db, member.id, "zalo", "L1", "L1", ctx.now())
    fake.push_text("L1", "/baocao quy2 2026")
    msgs = await fake.wait_for_messages("L1", 2, timeout=30)
    for _ in range(50):
        if any(m["text"].startswith("Biểu đồ") for m in msgs):
            break
        await asyncio.sleep(0.1)
        msgs = list(fake.sent["L1"])
    texts = [m["text"] for m in msgs]
    chart = next(i for i, t in enumerate(texts) if t.startswith("Biểu đồ Quý II năm 2026"))
    report = "\n".join(texts[:chart])
    assert "QUÝ II NĂM 2026" in report and "Báo cáo chung" in report
    assert "không gửi được qua Zalo" in report and "motcua report" in report
    assert all(len(t) <= 2000 for t in texts)
    assert IMAGE_NOTE in texts[chart]
    assert "Gửi 1 để" in texts[chart]
    assert all(m["method"] == "sendMessage" for m in msgs)
