"""Status changes reach the followers of the changed dossier only; ratings; /caidat & co."""

from __future__ import annotations

from pathlib import Path

from bot.context import AppContext
from bot.core.router import Core
from bot.core.types import Incoming
from bot.push.messages import fit
from bot.push.payload import from_payload
from bot.push.status import catch_up
from storage import prefs, ratings, subscriptions
from tests import pushes_helpers as h
from tests.import_helpers import import_dossiers

HEADER = "Mã hồ sơ,Mã thủ tục,Tên thủ tục,Chủ hồ sơ,Kênh nộp,Ngày tiếp nhận,Ngày hẹn trả,"
HEADER += "Ngày kết thúc xử lý,Trạng thái,Nội dung yêu cầu bổ sung\n"
A = "000.00.12.H31-260401-0001"
B = "000.00.12.H31-260401-0002"


def write(path: Path, a_status: str, a_finished: str = "", note: str = "") -> Path:
    """A two-dossier CSV export; dossier A's status (and note) vary, B stays the same."""
    rows = [
        f"{A},1.001,Đăng ký khai sinh,Nguyễn Văn An,Trực tiếp,01/04/2026,10/04/2026,"
        f"{a_finished},{a_status},{note}",
        f"{B},1.001,Đăng ký khai sinh,Lê Thị Bình,Trực tiếp,01/04/2026,10/04/2026,,Đang xử lý,",
    ]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


async def texts(ctx: AppContext) -> dict[tuple[str, str], list[str]]:
    """Pending outbox texts by (channel, chat)."""
    out: dict[tuple[str, str], list[str]] = {}
    async with ctx.db.reader.execute(
        "SELECT channel, chat_id, payload FROM outbox ORDER BY id"
    ) as cur:
        for r in await cur.fetchall():
            out.setdefault((r[0], r[1]), []).append(from_payload(r[2]).text)
    return out


async def test_status_change_from_a_file_reaches_followers_only(
    ctx: AppContext, tmp_path: Path
) -> None:
    """A's followers (two chats) get A's change; B's follower gets nothing; twice → once."""
    await import_dossiers(ctx, write(tmp_path / "v1.csv", "Đang xử lý"))
    assert await catch_up(ctx) == 0  # first sight: no old status
    async with ctx.db.reader.execute("SELECT id, code FROM dossiers") as cur:
        ids = {str(r[1]): int(r[0]) for r in await cur.fetchall()}
    now = ctx.now()
    await subscriptions.follow(ctx.db, ids[A], "telegram", "11", "11", now)
    await subscriptions.follow(ctx.db, ids[A], "zalo", "z12", "z12", now)
    await subscriptions.follow(ctx.db, ids[B], "telegram", "13", "13", now)

    second = await import_dossiers(
        ctx, write(tmp_path / "v2.csv", "Yêu cầu bổ sung", note="Bản sao giấy chứng sinh")
    )
    assert second.status_changes == 1
    assert await catch_up(ctx) == 2
    assert await catch_up(ctx) == 0
    got = await texts(ctx)
    assert set(got) == {("telegram", "11"), ("zalo", "z12")}
    text = got[("telegram", "11")][0]
    assert f"Hồ sơ {A} đã chuyển sang trạng thái: Yêu cầu bổ sung." in text
    assert "bổ sung giấy tờ" in text and "Bản sao giấy chứng sinh" in text

    await import_dossiers(ctx, write(tmp_path / "v3.csv", "Đã có kết quả", "09/04/2026"))
    assert await catch_up(ctx) == 2
    async with ctx.db.reader.execute(
        "SELECT payload FROM outbox WHERE chat_id = '11' ORDER BY id DESC LIMIT 1"
    ) as cur:
        reply = from_payload((await cur.fetchone())[0])
    assert "Đã có kết quả" in reply.text and "hài lòng" in reply.text
    labels = [b.label for b in reply.buttons[0]]
    assert labels == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    unit_id = await h.unit(ctx)
    assert reply.buttons[0][0].data == f"rate:{unit_id}:{ids[A]}:1"


async def test_rating_button_through_the_core(ctx: AppContext) -> None:
    """A follower's press stores the rating (re-rating replaces); others are refused."""
    unit_id = await h.unit(ctx)
    d = await h.dossier(
        ctx,
        unit_id,
        officer="CB01",
        received="2026-04-01",
        due="2026-04-10",
        status="result",
        finished="2026-04-09",
    )
    await subscriptions.follow(ctx.db, d, "telegram", "11", "11", ctx.now())
    core = Core(ctx)

    async def press(user: str, data: str) -> str:
        """Press a button as this Telegram user; the reply's text."""
        replies = await core.handle(Incoming("telegram", user, user, data, is_button=True))
        return replies[0].text

    assert "Cảm ơn" in await press("11", f"rate:{unit_id}:{d}:2")
    assert await ratings.get_rating(ctx.db, d, "telegram", "11") == 2
    assert "Cảm ơn" in await press("11", f"rate:{d}:1")  # a button sent before issue 16
    assert await ratings.get_rating(ctx.db, d, "telegram", "11") == 1
    assert "đang theo dõi" in await press("99", f"rate:{unit_id}:{d}:3")
    assert "đang theo dõi" in await press("11", f"rate:{unit_id + 1}:{d}:3")  # not that unit's
    for bad in (f"rate:{unit_id}:{d}:7", f"rate:x:{d}:1", f"rate:{unit_id}:{d}:1:1", "rate:"):
        assert "không hợp lệ" in await press("11", bad), bad
    counts = await ratings.rating_counts(ctx.db, ctx.now().date(), ctx.now().date())
    assert (counts.total, counts.very_satisfied, counts.satisfied_rate) == (1, 1, 1.0)


async def test_reminder_commands_and_caidat(ctx: AppContext) -> None:
    """/tatnhacnho, /batnhacnho and /caidat buttons change the stored preferences."""
    unit_id = await h.unit(ctx)
    officer = await h.staff(ctx, unit_id, "Trần Thị Bình", "officer", "CB01", [("telegram", "5")])
    leader = await h.staff(
        ctx, unit_id, "Phạm Minh Đức", "leader", None, [("telegram", "9"), ("zalo", "z9")]
    )
    core = Core(ctx)

    async def say(channel: str, user: str, text: str, button: bool = False) -> str:
        """Send as this person; all reply texts joined."""
        replies = await core.handle(Incoming(channel, user, user, text, is_button=button))
        return "\n".join(r.text for r in replies)

    assert "Đã tạm dừng" in await say("telegram", "5", "/tatnhacnho")
    assert not (await prefs.get_prefs(ctx.db, officer.id)).reminders
    assert "07:30" in await say("telegram", "5", "/batnhacnho")
    assert (await prefs.get_prefs(ctx.db, officer.id)).reminders
    shown = await say("telegram", "9", "/caidat")
    assert "Báo cáo quý" in shown and "đang bật" in shown
    await say("telegram", "9", "caidat:quarterly:0", button=True)
    assert not (await prefs.get_prefs(ctx.db, leader.id)).quarterly
    await say("telegram", "9", "caidat:channel:zalo", button=True)
    assert (await prefs.get_prefs(ctx.db, leader.id)).channel == "zalo"
    assert await prefs.push_chats(ctx.db, leader.id, [("telegram", "9"), ("zalo", "z9")]) == [
        ("zalo", "z9")
    ]
    # Officers cannot switch the leaders' pushes; citizens cannot use the commands.
    await say("telegram", "5", "caidat:quarterly:0", button=True)
    assert (await prefs.get_prefs(ctx.db, officer.id)).quarterly
    assert "Đã tạm dừng" not in await say("telegram", "77", "/tatnhacnho")


def test_fit_cuts_long_sections() -> None:
    """fit() keeps within the limit and says how many were left out."""
    text = fit(["Đầu"], [("Danh sách:", [f"• dòng {i:03d} " + "x" * 40 for i in range(100)])], 600)
    assert len(text) <= 600 and "… và" in text and "dòng 000" in text


async def test_the_leader_summary_gains_a_satisfaction_line_once_rated(ctx: AppContext) -> None:
    """No ratings → no line; after ratings in the quarter → counts and the satisfied rate."""
    from bot.stats.periods import quarter
    from bot.stats.service import leader_summary

    unit_id = await h.unit(ctx)
    ids = [
        await h.dossier(ctx, unit_id, officer="CB01", received="2026-04-01", due="2026-04-10",
                        status="returned", finished="2026-04-09")
        for _ in range(3)
    ]
    q2 = quarter(2026, 2)
    assert "Mức độ hài lòng" not in await leader_summary(ctx, q2, unit_id)
    for n, (dossier, score) in enumerate(zip(ids, (1, 2, 3), strict=True)):
        await ratings.rate(ctx.db, dossier, "telegram", str(n), score, ctx.now())
    text = await leader_summary(ctx, q2, unit_id)
    assert ("* Mức độ hài lòng: 03 đánh giá — rất hài lòng 01, hài lòng 01, không hài lòng 01; "
            "tỷ lệ hài lòng 66,67%.") in text
