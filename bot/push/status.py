"""Citizens' status-change pushes, derived from the status events beyond a cursor in the store.

Each step queues the pushes of a range of events and moves the cursor past it in one
transaction (storage/status_fanout.py), so a push is queued exactly once per follower and
event (key status:<event id>:<channel>:<chat>) and none is lost when a process dies: whatever
an import committed is fanned out by the next call — after every import (`bot.import_service`), at
the bot's start and periodically while it runs (`bot.push.services`).
"""

from __future__ import annotations

import functools
import logging
from datetime import date

from bot.config import Settings
from bot.context import AppContext
from bot.core.cards import STATUS_TEXT
from bot.core.types import Reply
from bot.push.delivery import wake_worker
from bot.push.messages import max_text, rate_buttons, status_change_text
from bot.push.payload import push_item
from storage import outbox, status_fanout
from storage.dossiers import Dossier
from storage.status_fanout import FollowerEvent
from storage.timefmt import to_db

log = logging.getLogger(__name__)

RATING_QUESTION = "\n\nBạn có hài lòng với việc giải quyết hồ sơ này không?"


def build_pushes(
    events: list[FollowerEvent],
    dossiers: dict[int, Dossier],
    today: date | None = None,
    settings: Settings | None = None,
) -> list[outbox.OutboxItem]:
    """One push per following chat and status change; at result/returned it asks for a
    rating (three buttons) unless this chat rated the dossier already."""
    items: list[outbox.OutboxItem] = []
    texts: dict[int, str] = {}
    for ev in events:
        d = dossiers.get(ev.dossier_id)
        if d is None or ev.new_status not in STATUS_TEXT:
            continue
        if ev.event_id not in texts:
            texts[ev.event_id] = status_change_text(d, ev.new_status, today, settings)
        text = texts[ev.event_id]
        limit = max_text(ev.channel)
        reply = Reply(text[:limit])
        if ev.new_status in ("result", "returned") and not ev.rated:
            reply = Reply(
                text[: limit - len(RATING_QUESTION)] + RATING_QUESTION,
                buttons=rate_buttons(d.id, d.unit_id),
            )
        key = f"status:{ev.event_id}:{outbox.chat_ref(ev.channel, ev.chat_id)}"
        items.append(push_item(ev.channel, ev.chat_id, key, reply, "status"))
    return items


async def catch_up(ctx: AppContext, span: int = status_fanout.SPAN) -> int:
    """Queue the pushes of every status event not fanned out yet; returns the rows added.

    Safe to run at any time, in several processes at once: the cursor is read and moved under
    the write lock, and the outbox keys store each push once.
    """
    if not await status_fanout.behind(ctx.db):
        return 0
    now = ctx.now()
    stamp = to_db(now, ctx.settings.tz)
    build = functools.partial(build_pushes, today=now.date(), settings=ctx.settings)
    added = 0
    while True:
        step = await ctx.db.write_in_one_hop(
            status_fanout.fan_out_step, build, stamp, span
        )
        added += step.added
        if step.done:
            break
    if added:
        log.info("%d status-change push(es) queued (events up to %d)", added, step.cursor)
        wake_worker(ctx)
    return added
