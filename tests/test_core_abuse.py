"""Core under attack: non-ASCII digits, lookups spent before anything is revealed, and rate
limits that hold under real concurrency (one person in many chats, many processes, staff)."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from datetime import datetime

import pytest

from bot.context import AppContext
from bot.core.router import ERROR, Core, scrub_exception_names
from bot.core.types import Attachment, Incoming, Reply
from storage import ratelimit
from storage import staff as staff_store
from storage.engine import open_store
from storage.store import Store
from tests.core_helpers import (
    APPLICANT,
    D_DONE,
    D_OK,
    PHONE4,
    World,
    ask,
    joined,
)

pytestmark = pytest.mark.engines

ABSENT = "000.00.12.H31-260401-0999"  # the shape of a code, in no store
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
REFUSAL_MARK = "tạm dừng"  # both refusals (minute, day) say the bot pauses



def no_crash(replies: list[Reply]) -> str:
    """The replies' text, after checking none is the crash apology."""
    assert replies and all(r.text != ERROR for r in replies)
    return joined(replies)


async def used(ctx: AppContext, user: str = "citizen", channel: str = "test",
               bucket: str = "lookup") -> int:
    """Lookups counted today for one account."""
    return await ratelimit.used(ctx.db, channel, user, bucket, ctx.now())


# ---- non-ASCII digits ---------------------------------------------------------------------


async def test_fullwidth_digits_read_as_ascii(ctx: AppContext, core: Core) -> None:
    """Fullwidth 4 digits are the same digits: the right ones open the card, wrong ones miss."""
    right = PHONE4[D_OK].translate(FULLWIDTH)
    text = no_crash(await ask(core, f"/tracuu {D_OK} {right}"))
    assert "Nguyễn V** A*" in text
    text = no_crash(await ask(core, f"/tracuu {D_OK} {'9999'.translate(FULLWIDTH)}", user="b"))
    assert "Không tìm thấy hồ sơ khớp" in text
    assert await used(ctx, "b") == 2
    code = D_OK.translate(FULLWIDTH)  # the whole code typed in fullwidth
    assert "Đang xử lý" in no_crash(await ask(core, code, user="c"))


async def test_other_script_digits_get_a_clear_answer(ctx: AppContext, core: Core) -> None:
    """Arabic-Indic 4 digits: a clear Vietnamese answer, nothing looked up, nothing spent."""
    factor = PHONE4[D_OK].translate(ARABIC_INDIC)
    text = no_crash(await ask(core, f"/tracuu {D_OK} {factor}"))
    assert "4 số cuối phải gồm đúng 4 chữ số (0–9)" in text
    assert "Nguyễn" not in text
    assert await used(ctx) == 0


async def test_fullwidth_digits_reveal_no_existence(ctx: AppContext, core: Core) -> None:
    """A real code and an absent one with wrong fullwidth digits: same answer, same cost."""
    ctx.settings.require_second_factor = True
    wrong = "9999".translate(FULLWIDTH)
    real = no_crash(await ask(core, f"/tracuu {D_OK} {wrong}", user="r"))
    absent = no_crash(await ask(core, f"/tracuu {ABSENT} {wrong}", user="a"))
    assert real == absent
    assert await used(ctx, "r") == await used(ctx, "a") == 2


@pytest.mark.parametrize("digit", ["²", "٢", "２", "𝟐"])
async def test_odd_digits_in_every_numeric_argument(core: Core, world: World,
                                                    digit: str) -> None:
    """Superscript, Arabic-Indic, fullwidth and mathematical digits never crash a command."""
    dossier_id = world.dossier_ids[D_DONE]
    for text, user, button in [
        (f"/sapden {digit}", "officer", False), (f"/hosocuatoi {digit}", "officer", False),
        (f"hs:{digit}", "officer", True), (f"/thuhoi {digit}", "admin", False),
        (f"rate:{digit}:1", "citizen", True), (f"rate:{dossier_id}:{digit}", "citizen", True),
        (f"/quy1 {digit * 4}", "leader", False), (f"/thang {digit}/2026", "leader", False),
        (f"/thongke 0{digit}/01/2026 31/03/2026", "leader", False),
    ]:
        no_crash(await ask(core, text, user=user, is_button=button))
    # NFKC digits are the ASCII digits: "/sapden ²" is "/sapden 2"; other scripts are refused
    answer = joined(await ask(core, f"/sapden {digit}", user="officer"))
    assert ("Số ngày phải là số" in answer) == (digit == "٢")


# ---- spend before revealing -----------------------------------------------------------------


async def test_every_lookup_is_refused_alike_once_spent(ctx: AppContext, core: Core) -> None:
    """Over the limit, a real code, an absent one, with or without digits: the same refusal."""
    ctx.settings.lookup_per_minute = 3
    for _ in range(3):
        await ask(core, D_OK)
    answers = {
        no_crash(await ask(core, text))
        for text in (D_OK, ABSENT, f"/tracuu {D_OK} {PHONE4[D_OK]}", f"/tracuu {ABSENT} 1234",
                     f"/theodoi {D_OK} {PHONE4[D_OK]}")
    }
    assert len(answers) == 1 and REFUSAL_MARK in answers.pop()


# ---- concurrency ------------------------------------------------------------------------------


def _from_chat(text: str, user: str, chat: int, channel: str = "test") -> Incoming:
    """A message from `user` in the group chat number `chat`."""
    return Incoming(channel=channel, user_id=user, chat_id=f"group-{chat}", text=text)


async def test_one_person_in_200_chats_at_once_gets_the_limit(ctx: AppContext,
                                                              core: Core) -> None:
    """200 lookups at once from 200 chats of one person: exactly the minute's limit served."""
    ctx.settings.lookup_per_minute = 10
    replies = await asyncio.gather(
        *(core.handle(_from_chat(D_OK, "flooder", i)) for i in range(200)))
    served = [r for r in replies if "Đang xử lý" in joined(r)]
    refused = [r for r in replies if REFUSAL_MARK in joined(r)]
    assert len(served) == 10 and len(refused) == 190
    assert await used(ctx, "flooder") == 10


async def test_misses_at_once_stay_within_the_limit(ctx: AppContext, core: Core) -> None:
    """200 misses at once: never more answered than the limit allows."""
    ctx.settings.lookup_per_minute = 10
    replies = await asyncio.gather(
        *(core.handle(_from_chat(f"/tracuu {D_OK} 0000", "guesser", i)) for i in range(200)))
    answered = [r for r in replies if REFUSAL_MARK not in joined(r)]
    assert 1 <= len(answered) <= 10
    assert all("Không tìm thấy hồ sơ khớp" in joined(r) for r in answered)


async def test_invite_guesses_at_once_are_limited(ctx: AppContext, core: Core) -> None:
    """300 /dangky guesses at once: at most the limit are checked against the store."""
    ctx.settings.lookup_per_minute = 10
    replies = await asyncio.gather(
        *(core.handle(_from_chat(f"/dangky SAIMA{i:04d}", "guesser", i)) for i in range(300)))
    checked = [r for r in replies if "Mã mời không đúng" in joined(r)]
    assert 1 <= len(checked) <= 10
    assert len(checked) + sum(REFUSAL_MARK in joined(r) for r in replies) == 300


async def test_two_stores_on_one_file_share_the_limit(ctx: AppContext, settings) -> None:
    """Two processes' connections (a second store opened on the same file or database)
    taking at once: the limit holds in the store itself."""
    other = await open_store(settings.store_url)
    try:
        now = ctx.now()

        async def one(db: Store) -> bool:
            """One take of a lookup."""
            limit = await ratelimit.take(db, "test", "p", "lookup", now, 10, 50)
            return limit.allowed

        got = await asyncio.gather(*(one(ctx.db if i % 2 else other) for i in range(100)))
        assert sum(got) == 10
    finally:
        await other.close()


# ---- staff ------------------------------------------------------------------------------------


async def test_staff_guessing_the_four_digits_is_limited(ctx: AppContext, core: Core) -> None:
    """An officer trying 4-digit guesses is refused after the limit, like a citizen."""
    ctx.settings.lookup_per_minute = 1000
    ctx.settings.lookup_per_day = 20
    answers = [joined(await ask(core, f"/tracuu {D_OK} {n:04d}", user="officer"))
               for n in range(3000, 3015)]
    assert any(REFUSAL_MARK in a for a in answers)
    assert sum("Không tìm thấy hồ sơ khớp" in a for a in answers) == 10  # 10 misses = 20
    text = joined(await ask(core, f"/tracuu {D_OK} {PHONE4[D_OK]}", user="officer"))
    assert APPLICANT[D_OK] not in text and REFUSAL_MARK in text
    # status lookups without digits stay free for staff
    assert "Đang xử lý" in joined(await ask(core, D_OK, user="officer"))


async def test_staff_limit_counts_across_linked_channels(ctx: AppContext, core: Core) -> None:
    """A staff member linked on two channels has one count, not one per channel."""
    ctx.settings.lookup_per_minute = 4
    member = await staff_store.staff_for(ctx.db, "test", "officer")
    assert member is not None
    await staff_store.link(ctx.db, member.id, "zalo", "z-officer", "z-officer", ctx.now())
    for _ in range(2):  # two misses on the first channel = 4
        await ask(core, f"/tracuu {D_OK} 0000", user="officer")
    zalo = Incoming(channel="zalo", user_id="z-officer", chat_id="z-officer",
                    text=f"/tracuu {D_OK} {PHONE4[D_OK]}")
    assert REFUSAL_MARK in joined(await core.handle(zalo))


async def test_citizen_rate_limit_clock_is_fixed(fixed_now: datetime, ctx: AppContext) -> None:
    """The refusal's retry time comes from the context's clock, not the wall clock."""
    for _ in range(3):
        await ratelimit.take(ctx.db, "t", "u", "lookup", fixed_now, 3, 50)
    limit = await ratelimit.take(ctx.db, "t", "u", "lookup", fixed_now, 3, 50)
    assert not limit.allowed and limit.retry_at == fixed_now.replace(minute=1)


# ---- no exception name reaches a person ------------------------------------------------------


async def test_broken_uploads_get_no_exception_name(core: Core) -> None:
    """A .docx renamed .xlsx and a broken zip: a Vietnamese answer without KeyError/BadZipFile."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    for name, data in (("a.xlsx", buf.getvalue()), ("b.xlsx", b"PK\x03\x04junk")):
        text = no_crash(await ask(core, "", user="admin",
                                  attachment=Attachment(name, data)))
        assert "Tệp" in text
        # a Python class name: "Error"/"Exception", or CamelCase in brackets like (KeyError);
        # plain words in brackets such as "(Excel)" are Vietnamese text, not a leak
        assert not re.search(r"Error|Exception|BadZipFile|\((?:[A-Z][a-z0-9]+){2,}\)", text), text


def test_exception_names_are_scrubbed() -> None:
    """The core's last net: exception names and tracebacks never leave in a reply."""
    assert scrub_exception_names("Tệp hỏng (KeyError). Xuất lại.") == "Tệp hỏng. Xuất lại."
    assert scrub_exception_names("Lỗi (BadZipFile)") == "Lỗi"
    assert "Unicode" not in scrub_exception_names("UnicodeDecodeError: 'utf-8' codec")
    kept = "Tệp «b.csv» không phải CSV hay Excel (.xlsx), mã 000.00.12.H31-260101-0001 (UTF-8)."
    assert scrub_exception_names(kept) == kept


def test_typed_days_accept_ascii_digits_only() -> None:
    """A day typed with a superscript or Arabic-Indic digit is refused in Vietnamese."""
    from bot.stats.periods import PeriodError, parse_day

    for typed in ("²/01/2026", "٠١/٠١/٢٠٢٦"):
        with pytest.raises(PeriodError, match="không đúng dạng"):
            parse_day(typed)
