"""What is pushed to whom: officers' reminders, leaders' digest and quarterly summary, and the
text of citizens' status changes (queued by bot/push/status.py) — each built here as a Reply and
stored in the outbox as its payload (never sent directly).

Every function takes an explicit `now` (or uses ctx.now()) and is safe to run twice: the
outbox's idempotency keys make the second run store nothing.

Keys (the recipient is '<channel>:<chat_id>', since a person may use several channels):
- remind:<officer code>:<YYYY-MM-DD>:<recipient>
- digest:<staff id>:<YYYY-MM-DD>:<recipient>
- quarter:<unit id>:<year>Q<n>:<recipient>  (+ '#chart', '#docx' for the two files)
- status:<status event id>:<recipient>  (queued by bot/push/status.py from the status events)
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.context import AppContext
from bot.core.cards import next_step, officer_line, status_label
from bot.core.text import split_text
from bot.core.types import Button, Reply
from bot.push.delivery import wake_worker
from bot.push.payload import push_item
from storage import outbox, prefs, reminders
from storage.dossiers import Dossier, officer_due_soon, officer_overdue, unit_overdue
from storage.staff import StaffMember, list_staff, officer_names, staff_chats
from storage.staff_scope import scope_of

if TYPE_CHECKING:
    from bot.stats.periods import Period

log = logging.getLogger(__name__)

MAX_TEXT = {"telegram": 4096, "zalo": 2000}  # the channels' Sender.max_text
RATE_PREFIX = "rate"
QUARTERLY_CATCH_UP_DAYS = 31  # a summary missed while the bot was down is sent up to this late
RATE_BUTTONS = ((1, "Rất hài lòng"), (2, "Hài lòng"), (3, "Không hài lòng"))


def vn_day(day: date) -> str:
    """A day as dd/mm/yyyy."""
    return day.strftime("%d/%m/%Y")


def max_text(channel: str) -> int:
    """The longest text one message may hold on this channel."""
    return MAX_TEXT.get(channel, 4096)


def fit(head: list[str], sections: list[tuple[str, list[str]]], limit: int) -> str:
    """Join a head and titled sections of lines, cutting lines so the text fits `limit` chars.

    Cut lines are replaced by one "… và N hồ sơ khác" line per section.
    """
    keep = [len(lines) for _, lines in sections]

    def render() -> str:
        """The text with the current number of kept lines per section."""
        out = list(head)
        for (title, lines), k in zip(sections, keep, strict=True):
            if not lines:
                continue
            out += ["", title, *lines[:k]]
            if k < len(lines):
                out.append(f"… và {len(lines) - k} hồ sơ khác.")
        return "\n".join(out)

    text = render()
    while len(text) > limit and any(keep):
        i = max(range(len(keep)), key=lambda j: keep[j])
        keep[i] -= max(1, keep[i] // 4)
        text = render()
    return text[:limit]


async def _recipients(ctx: AppContext, member: StaffMember) -> list[tuple[str, str]]:
    """The chats a staff member's pushes go to (all linked ones, or the channel they chose)."""
    return await prefs.push_chats(ctx.db, member.id, await staff_chats(ctx.db, member.id))


# --- officers' morning reminder ------------------------------------------------------------------


async def officer_reminders(ctx: AppContext, now: datetime) -> int:
    """Enqueue each officer's reminder (overdue + due soon) on a working day; returns rows added.

    An officer is any active staff member with an officer code (leaders may hold dossiers too).
    Nothing is sent to an officer with neither overdue nor due-soon dossiers, or who paused
    reminders (/tatnhacnho).
    """
    today = now.date()
    if not ctx.calendar.is_working_day(today):
        return 0
    until = ctx.calendar.add_working_days(today, ctx.settings.due_soon_working_days)
    paused = await prefs.staff_without(ctx.db, "reminders")
    items: list[outbox.OutboxItem] = []
    for member in await list_staff(ctx.db):
        if not member.officer_code or member.id in paused:
            continue
        code = member.officer_code
        late = await officer_overdue(ctx.db, code, today, member.unit_id)
        soon = await officer_due_soon(ctx.db, code, today, until, member.unit_id)
        if not late and not soon:
            continue
        for channel, chat_id in await _recipients(ctx, member):
            text = reminder_text(ctx, member, late, soon, today, until, max_text(channel))
            key = f"remind:{code}:{today.isoformat()}:{outbox.chat_ref(channel, chat_id)}"
            items.append(
                push_item(channel, chat_id, key, Reply(text), "remind", member.id)
            )
    return await _store(ctx, items, now)


def reminder_text(
    ctx: AppContext,
    member: StaffMember,
    late: list[Dossier],
    soon: list[Dossier],
    today: date,
    until: date,
    limit: int,
) -> str:
    """The reminder's text: overdue dossiers, then those due by `until`."""
    head = [
        f"☀️ Chào {member.name}, nhắc việc ngày {vn_day(today)}:",
        f"• Quá hạn: {len(late)} hồ sơ",
        f"• Đến hạn đến hết ngày {vn_day(until)}: {len(soon)} hồ sơ",
    ]
    sections = [
        ("⚠️ Hồ sơ quá hạn:", [officer_line(d, today, ctx.calendar) for d in late]),
        (
            f"⏰ Hồ sơ đến hạn (đến hết {vn_day(until)}):",
            [officer_line(d, today, ctx.calendar) for d in soon],
        ),
    ]
    text = fit(head, sections, limit - 60)
    return text + "\n\nTạm dừng nhắc việc: /tatnhacnho"


# --- leaders' daily digest -----------------------------------------------------------------------


def previous_working_day(ctx: AppContext, day: date) -> date:
    """The last working day strictly before day."""
    d = day - timedelta(days=1)
    for _ in range(60):
        if ctx.calendar.is_working_day(d):
            return d
        d -= timedelta(days=1)
    return day - timedelta(days=1)


async def leader_digests(ctx: AppContext, now: datetime) -> int:
    """Enqueue each leader's morning digest on a working day; returns rows added.

    Overdue dossiers (with the officers who hold them), due today, and received / resolved
    since the previous working day (a Monday's digest covers Friday to Sunday).
    """
    today = now.date()
    if not ctx.calendar.is_working_day(today):
        return 0
    since = previous_working_day(ctx, today)
    until = today - timedelta(days=1)
    off = await prefs.staff_without(ctx.db, "digest")
    leaders = [m for m in await list_staff(ctx.db, role="leader") if m.id not in off]
    items: list[outbox.OutboxItem] = []
    texts: dict[tuple[int, int], str] = {}
    for member in leaders:
        for channel, chat_id in await _recipients(ctx, member):
            limit = max_text(channel)
            if (member.unit_id, limit) not in texts:
                texts[(member.unit_id, limit)] = await digest_text(
                    ctx, member.unit_id, today, since, until, limit
                )
            text = texts[(member.unit_id, limit)]
            if not text:
                continue
            key = f"digest:{member.id}:{today.isoformat()}:{outbox.chat_ref(channel, chat_id)}"
            items.append(
                push_item(channel, chat_id, key, Reply(text), "digest", member.id)
            )
    return await _store(ctx, items, now)


async def digest_text(
    ctx: AppContext, unit_id: int, today: date, since: date, until: date, limit: int
) -> str:
    """The digest of one unit ('' when there is nothing at all to say)."""
    late = await unit_overdue(ctx.db, unit_id, today)
    counts = await reminders.digest_counts(ctx.db, unit_id, today, since, until)
    if not late and not (counts.due_today or counts.received or counts.resolved):
        return ""
    names = await officer_names(ctx.db, unit_id)
    by_officer: dict[str, int] = {}
    for d in late:
        by_officer[d.officer or ""] = by_officer.get(d.officer or "", 0) + 1
    span = (
        f"hôm qua ({vn_day(until)})"
        if since == until
        else f"từ {vn_day(since)} đến {vn_day(until)}"
    )
    head = [
        f"📊 Tình hình hồ sơ ngày {vn_day(today)}:",
        f"• Quá hạn: {len(late)} hồ sơ",
        f"• Đến hạn hôm nay: {counts.due_today} hồ sơ",
        f"• Tiếp nhận {span}: {counts.received} hồ sơ",
        f"• Đã giải quyết {span}: {counts.resolved} hồ sơ",
    ]
    lines = []
    for code, n in sorted(by_officer.items(), key=lambda kv: (-kv[1], kv[0])):
        who = f"{names.get(code, code)} ({code})" if code else "Chưa giao cán bộ"
        lines.append(f"• {who}: {n} hồ sơ")
    return fit(head, [("Hồ sơ quá hạn theo cán bộ:", lines)], limit)


# --- quarterly summary ---------------------------------------------------------------------------


def closed_quarter(ctx: AppContext, today: date) -> tuple[Period, date]:
    """The most recently closed quarter (settings' period rule) and its first working day after."""
    from bot.stats.periods import current_quarter

    period = current_quarter(today, ctx.settings.period_rule).previous()
    return period, ctx.calendar.next_working_day(period.end)


def quarter_due(ctx: AppContext, now: datetime, catch_up: bool = False) -> Period | None:
    """The quarter whose summary is due at `now`, or None.

    On schedule: the first working day after the quarter closes, from settings.quarterly_time.
    Catching up at start (the bot was down then): also up to QUARTERLY_CATCH_UP_DAYS later.
    """
    period, first = closed_quarter(ctx, now.date())
    today = now.date()
    if today < first or (today == first and now.time() < ctx.settings.quarterly_time):
        return None
    last = first + timedelta(days=QUARTERLY_CATCH_UP_DAYS) if catch_up else first
    return period if today <= last else None


async def quarterly_summaries(ctx: AppContext, now: datetime, catch_up: bool = False) -> int:
    """Enqueue the closed quarter's summary (text, chart, .docx) to every leader; rows added.

    Runs every day at settings.quarterly_time and does nothing except on the first working day
    after a quarter ends (or within QUARTERLY_CATCH_UP_DAYS after it, when catching up at
    start); the files are made only for leaders' chats that have not had this summary yet.
    """
    period = quarter_due(ctx, now, catch_up)
    if period is None:
        return 0
    off = await prefs.staff_without(ctx.db, "quarterly")
    leaders = [m for m in await list_staff(ctx.db, role="leader") if m.id not in off]
    label = f"{period.year}Q{period.number}"
    # (the leader's units, None: all; their own unit) -> chats (issue 17: leaders of several units)
    todo: dict[tuple[tuple[int, ...] | None, int], list[tuple[str, str, str, int]]] = {}
    for member in leaders:
        scope = await scope_of(ctx.db, member.id, member.unit_id)
        group = (None if scope is None else tuple(scope), member.unit_id)
        for channel, chat_id in await _recipients(ctx, member):
            key = f"quarter:{member.unit_id}:{label}:{outbox.chat_ref(channel, chat_id)}"
            if await outbox.keys_with_prefix(ctx.db, key + "#docx") > 0:  # one transaction
                continue
            if await outbox.is_blocked(ctx.db, channel, chat_id):
                continue
            todo.setdefault(group, []).append((channel, chat_id, key, member.id))
    if not todo:
        return 0
    from bot.push.index import ranking_items
    from bot.stats.service import leader_summary, report_files  # written by the stats helper

    items: list[outbox.OutboxItem] = []
    for (units, home), chats in todo.items():
        unit_id = None if units is None else units[0] if len(units) == 1 else list(units)
        if not isinstance(unit_id, int):  # a leader of several units: + the ranking
            items += await ranking_items(ctx, period, unit_id, [home], chats)
        text = await leader_summary(ctx, period, unit_id)
        docx, png = await report_files(ctx, period, unit_id)
        title = period.label()
        slug = f"quy-{period.number}-{period.year}"
        for channel, chat_id, key, staff_id in chats:
            parts = split_text(text, max_text(channel))  # Zalo's 2,000 may need two messages
            items += [
                push_item(
                    channel,
                    chat_id,
                    key if i == 0 else f"{key}#part{i + 1}",
                    Reply(part),
                    "quarter",
                    staff_id,
                )
                for i, part in enumerate(parts)
            ]
            items += [
                push_item(
                    channel,
                    chat_id,
                    key + "#chart",
                    Reply(f"Biểu đồ {title}", image=png, filename=f"bieu-do-{slug}.png"),
                    "quarter",
                    staff_id,
                ),
                push_item(
                    channel,
                    chat_id,
                    key + "#docx",
                    Reply(f"Báo cáo {title}", document=docx, filename=f"bao-cao-{slug}.docx"),
                    "quarter",
                    staff_id,
                ),
            ]
    return await _store(ctx, items, now)


# --- citizens' status changes --------------------------------------------------------------------


def rate_buttons(dossier_id: int, unit_id: int) -> tuple[tuple[Button, ...], ...]:
    """The three rating buttons (data 'rate:<unit id>:<dossier id>:<1|2|3>': the unit keys the
    dossier on a store spread by unit), on one row."""
    return (tuple(Button(label, f"{RATE_PREFIX}:{unit_id}:{dossier_id}:{n}")
                  for n, label in RATE_BUTTONS),)


def status_change_text(d: Dossier, new_status: str, today: date | None = None,
                       settings: Settings | None = None) -> str:
    """'Hồ sơ … đã chuyển sang …', the next step (the cards' advice, as of today), and the
    supplement note when asked."""
    shown = dataclasses.replace(d, status=new_status)
    lines = [
        f"🔔 Hồ sơ {d.code} đã chuyển sang trạng thái: {status_label(shown)}.",
        next_step(shown, today, settings),
    ]
    if new_status == "supplement":
        note = (d.supplement_note or "").strip()
        lines.append(
            f"Nội dung cần bổ sung: {note}"
            if note
            else "Nội dung cần bổ sung: vui lòng liên hệ Bộ phận Một cửa."
        )
    return "\n".join(lines)


async def _store(ctx: AppContext, items: list[outbox.OutboxItem], now: datetime) -> int:
    """Enqueue the items and wake the delivery worker of this process."""
    added = await outbox.enqueue(ctx.db, items, now)
    if added:
        log.info("%d push(es) enqueued", added)
        wake_worker(ctx)
    return added
