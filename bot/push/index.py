"""Pushes of issue 17: the ranking added to the quarterly push of a leader of several units, and
the monthly index push (the month-to-date estimate and the dossiers that will cost points).

Keys (recipient '<channel>:<chat_id>'):
- quarter:<unit id>:<year>Q<n>:<recipient>#ranking, #ranking-chart (beside the quarterly push)
- index:<staff id>:<YYYY-MM>:<recipient>  (+ '#part<n>' when the text needs several messages)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.context import AppContext
from bot.core.text import split_text
from bot.core.types import Reply
from bot.push.delivery import wake_worker
from bot.stats import periods
from bot.stats.index766 import IndexEstimate
from bot.stats.index_service import compute_index
from bot.stats.ranking import METRICS, Ranking, rank_units, ranking_chart, ranking_text
from bot.stats.render_index import index_text
from storage import outbox, prefs
from storage.staff import list_staff, staff_chats
from storage.staff_scope import scope_of

log = logging.getLogger(__name__)
MAX_TEXT = {"telegram": 4096, "zalo": 2000}


def fallers(now: Ranking, before: Ranking, count: int = 3) -> list[str]:
    """Lines naming the units whose value fell the most since the earlier ranking."""
    old = {r.unit_id: r.value for r in before.rows if r.value is not None}
    drops = []
    for r in now.rows:
        if r.value is None or r.unit_id not in old:
            continue
        change = r.value - old[r.unit_id]
        fall = -change if now.metric.higher_is_better else change
        if fall > 0:
            drops.append((fall, r.name, old[r.unit_id], r.value))
    drops.sort(key=lambda t: (-t[0], t[1]))
    shown = now.metric.shown
    word = "giảm" if now.metric.higher_is_better else "tăng"
    return [f"• {name}: {shown(was or 0)} → {shown(value)} ({word} {shown(fall)})"
            for fall, name, was, value in drops[:count]]


async def ranking_items(
    ctx: AppContext, period: periods.Period, units: Sequence[int] | None, home: Sequence[int],
    chats: list[tuple[str, str, str, int]],
) -> list[outbox.OutboxItem]:
    """The ranking of the leader's units for the quarterly push (text with the three units that
    fell most since the previous quarter, and the chart), for each (channel, chat, base key)."""
    metric = METRICS[0]
    ranking = await rank_units(ctx, period, units, metric, home)
    if not ranking.ranked:
        return []
    text = ranking_text(ranking)
    try:
        before = await rank_units(ctx, period.previous(), units, metric, home)
    except periods.PeriodError:
        before = None
    fell = fallers(ranking, before) if before is not None else []
    text += "\n\nBa đơn vị giảm nhiều nhất so với quý trước:\n" + (
        "\n".join(fell) if fell else "Không đơn vị nào giảm điểm.")
    png = ranking_chart(ranking)
    items = []
    for channel, chat_id, key, staff_id in chats:
        parts = split_text(text, MAX_TEXT.get(channel, 4096))
        items += [outbox.OutboxItem(channel, chat_id, f"{key}#ranking" + (f"{i + 1}" if i else ""),
                                    Reply(part), "quarter", staff_id)
                  for i, part in enumerate(parts)]
        items.append(outbox.OutboxItem(
            channel, chat_id, f"{key}#ranking-chart",
            Reply(f"Biểu đồ xếp hạng {period.label()}", image=png,
                  filename=f"xep-hang-quy-{period.number}-{period.year}.png"), "quarter", staff_id))
    return items


# --- monthly index push ---------------------------------------------------------------------


def index_due(ctx: AppContext, today: date) -> bool:
    """True from the first working day on or after MOTCUA_INDEX_DAY to the month's end: the
    daily run sends it then, or catches it up on a later day of the month."""
    day = today.replace(day=ctx.settings.index_day)
    while not ctx.calendar.is_working_day(day) and day.month == today.month:
        day += timedelta(days=1)
    return day.month == today.month and today >= day


def index_push_text(est: IndexEstimate) -> str:
    """The monthly push: a line saying why now, then the month-to-date estimate."""
    intro = ("Chỉ số phục vụ tháng này (ước tính, tính đến hôm nay). Các hồ sơ nêu dưới chỉ "
             "số 2.1 sẽ làm mất điểm nếu chưa giải quyết trước cuối tháng.")
    return f"{intro}\n\n{index_text(est)}"


async def monthly_index(ctx: AppContext, now: datetime) -> int:
    """Enqueue the month-to-date index estimate to every leader (their units) once a month;
    returns the rows added. Leaders who turned the periodic report off (/caidat) get nothing."""
    today = now.date()
    if not index_due(ctx, today):
        return 0
    off = await prefs.staff_without(ctx.db, "quarterly")
    period = periods.month(today.year, today.month)
    items: list[outbox.OutboxItem] = []
    for member in await list_staff(ctx.db, role="leader"):
        if member.id in off:
            continue
        chats = await prefs.push_chats(ctx.db, member.id, await staff_chats(ctx.db, member.id))
        todo = []
        for channel, chat_id in chats:
            key = f"index:{member.id}:{today:%Y-%m}:{outbox.chat_ref(channel, chat_id)}"
            if await outbox.keys_with_prefix(ctx.db, key) or await outbox.is_blocked(
                    ctx.db, channel, chat_id):
                continue
            todo.append((channel, chat_id, key))
        if not todo:
            continue
        units = await scope_of(ctx.db, member.id, member.unit_id)
        text = index_push_text(await compute_index(ctx, period, units))
        for channel, chat_id, key in todo:
            parts = split_text(text, MAX_TEXT.get(channel, 4096))
            items += [outbox.OutboxItem(channel, chat_id, key if i == 0 else f"{key}#part{i + 1}",
                                        Reply(part), "index", member.id)
                      for i, part in enumerate(parts)]
    if not items:
        return 0
    added = await outbox.enqueue(ctx.db, items, now)
    if added:
        log.info("%d monthly index push(es) enqueued", added)
        wake_worker(ctx)
    return added
