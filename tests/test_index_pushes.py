"""Pushes of issue 17: the quarterly push of a leader of several units carries the ranking and
the three units that fell most; the monthly index push from MOTCUA_INDEX_DAY; exactly once."""

from __future__ import annotations

from datetime import date

from bot.context import AppContext
from bot.push import index as index_pushes
from bot.push import messages as pushes
from bot.push import scheduler
from bot.push.index import fallers
from bot.stats.periods import quarter
from bot.stats.ranking import METRICS, Ranked, Ranking
from storage import outbox
from storage.staff_scope import set_scope
from tests import pushes_helpers as h
from tests.core_helpers import add_staff
from tests.stats_helpers import D, insert_store

UNITS = ("Xã An", "Xã Bình", "Xã Cường", "Xã Dũng", "Xã Em")


def quarter_rows() -> list[D]:
    """Q4 2025: every unit on time; Q1 2026: unit u has u - 1 of 5 dossiers late."""
    rows = []
    for u in range(1, 6):
        for k in range(5):
            rows.append(D(f"2025-11-{3 + k:02d}T08:00:00", due=f"2025-11-{6 + k:02d}T17:00:00",
                          status="result", finished=f"2025-11-{4 + k:02d}T08:00:00", unit=u))
            late = k < u - 1
            rows.append(D(f"2026-02-{3 + k:02d}T08:00:00", due=f"2026-02-{6 + k:02d}T17:00:00",
                          status="result", unit=u,
                          finished=f"2026-02-{(9 if late else 4) + k:02d}T08:00:00"))
    return rows


async def test_quarterly_push_carries_the_ranking(ctx: AppContext) -> None:
    """An all-units leader's quarterly push: summary, ranking text with fallers, chart; once."""
    await insert_store(ctx.db, quarter_rows(), units=UNITS)
    lead = await add_staff(ctx, "leader", "Lãnh Đạo Tỉnh", unit_id=2, channel="telegram",
                           user_id="700")
    await set_scope(ctx.db, lead.id, None)
    await add_staff(ctx, "leader", "Lãnh Đạo Xã", unit_id=3, channel="telegram", user_id="701")
    now = h.at(ctx, "2026-04-01 08:00")
    added = await pushes.quarterly_summaries(ctx, now)
    rows = await outbox.rows_by_state(ctx.db, "pending")
    keys = {k for _, _, k in rows}
    assert "quarter:2:2026Q1:telegram:700#ranking" in keys
    assert "quarter:2:2026Q1:telegram:700#ranking-chart" in keys
    assert not any(k.startswith("quarter:3:") and "#ranking" in k for k in keys)
    assert added == len(rows) == 3 + 2 + 3  # leader of all: text, chart, docx + ranking ×2
    assert await pushes.quarterly_summaries(ctx, now) == 0
    async with ctx.db.reader.execute(
        "SELECT payload FROM outbox WHERE idem_key = ?",
        ("quarter:2:2026Q1:telegram:700#ranking",),
    ) as cur:
        payload = (await cur.fetchone())[0]
    assert "XẾP HẠNG 5 ĐƠN VỊ" in payload
    assert "Ba đơn vị giảm nhiều nhất so với quý trước" in payload
    assert "Xã Em" in payload.split("giảm nhiều nhất")[1]


def test_fallers_lower_is_better() -> None:
    """For a count (lower is better) a rise is a fall; units without data are left out."""
    metric = next(m for m in METRICS if m.key == "quahan")
    q = quarter(2026, 1)
    now = Ranking(q, metric, [Ranked(1, "A", 1, 2.0), Ranked(2, "B", 2, 7.0),
                              Ranked(3, "C", None, None)], set())
    before = Ranking(q, metric, [Ranked(1, "A", 1, 3.0), Ranked(2, "B", 2, 1.0),
                                 Ranked(3, "C", 3, 1.0)], set())
    assert fallers(now, before) == ["• B: 1 → 7 (tăng 6)"]


async def test_monthly_index_push_once(ctx: AppContext) -> None:
    """From the 25th: each leader gets the month-to-date estimate and the dossiers turning late,
    once; not before; a day-off 25th moves to the next working day."""
    rows = [D("2026-06-10T08:00:00", due="2026-06-29T17:00:00", unit=1, officer="CB01"),
            D("2026-06-10T08:00:00", due="2026-06-12T17:00:00", unit=2, officer="CB02")]
    await insert_store(ctx.db, rows, units=UNITS)
    await add_staff(ctx, "leader", "Lãnh Đạo Xã", unit_id=1, channel="telegram", user_id="800")
    every = await add_staff(ctx, "leader", "Lãnh Đạo Tỉnh", unit_id=2, channel="zalo",
                            user_id="z801")
    await set_scope(ctx.db, every.id, None)
    assert await index_pushes.monthly_index(ctx, h.at(ctx, "2026-06-24 08:00")) == 0
    now = h.at(ctx, "2026-06-25 08:00")
    ctx.clock = lambda: now
    added = await index_pushes.monthly_index(ctx, now)
    rows_ = await outbox.rows_by_state(ctx.db, "pending")
    keys = {k for _, _, k in rows_}
    assert "index:1:2026-06:telegram:800" in keys and "index:2:2026-06:zalo:z801" in keys
    assert added == len(rows_) >= 2
    assert await index_pushes.monthly_index(ctx, now) == 0
    assert await index_pushes.monthly_index(ctx, h.at(ctx, "2026-06-26 08:00")) == 0
    async with ctx.db.reader.execute(
        "SELECT payload FROM outbox WHERE idem_key = 'index:1:2026-06:telegram:800'"
    ) as cur:
        one = (await cur.fetchone())[0]
    assert "Sẽ trễ hạn trước cuối tháng" in one and "hạn 29/06/2026" in one
    assert "Xã An" in one and "Tất cả đơn vị" not in one
    async with ctx.db.reader.execute(
        "SELECT group_concat(payload) FROM outbox WHERE idem_key LIKE 'index:2:%'"
    ) as cur:
        every_text = (await cur.fetchone())[0]
    assert "Tất cả đơn vị (5)" in every_text and "trễ 13 ngày" in every_text
    assert index_pushes.index_due(ctx, date(2026, 10, 26))  # Sun 25/10 → Mon 26/10
    assert not index_pushes.index_due(ctx, date(2026, 10, 25))
    assert index_pushes.index_due(ctx, date(2026, 4, 28))  # Sat 25 to Mon 27/04 are days off


def test_index_job_registered(ctx: AppContext) -> None:
    """The scheduler has the monthly index job, daily at the quarterly time."""
    sched = scheduler.build_scheduler(ctx)
    assert sched.get_job(scheduler.INDEX_JOB) is not None
