"""One test per definition of figures.md, with hand-built dossiers at its edges."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.context import AppContext
from bot.stats.periods import month, quarter
from bot.stats.render_text import figures_text
from bot.stats.service import compute_figures, figures_to_json, late_counts_by_officer
from tests.conftest import TZ
from tests.stats_helpers import D, insert_store

pytestmark = pytest.mark.engines

Q1 = quarter(2026, 1)


async def test_received_edges_of_the_period(ctx: AppContext) -> None:
    """00:00:00 of the first day and 23:59:59 of the last are in P; one second outside is not."""
    await insert_store(ctx.db, [
        D("2026-01-01T00:00:00"),
        D("2026-03-31T23:59:59", channel="truc_tiep"),
        D("2026-02-10T08:00:00", channel="buu_chinh"),
        D("2025-12-31T23:59:59", status="result", finished="2025-12-31T23:59:59"),
        D("2026-04-01T00:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    assert (f.received.total, f.received.online, f.received.direct, f.received.postal) == (
        3, 1, 1, 1,
    )
    assert f.carried_over == 0 and f.total == 3
    assert "qua bưu chính: 01 hồ sơ" in figures_text(f)


async def test_finished_on_the_due_day_is_on_time(ctx: AppContext) -> None:
    """Days compare by calendar day: before the due day early, on it on time, after it late."""
    due = "2026-02-10T17:00:00"
    await insert_store(ctx.db, [
        D("2026-02-01T08:00:00", due=due, status="result", finished="2026-02-09T23:59:59"),
        D("2026-02-01T08:00:00", due=due, status="returned", finished="2026-02-10T23:30:00"),
        D("2026-02-01T08:00:00", due=due, status="result", finished="2026-02-10T00:00:00"),
        D("2026-02-01T08:00:00", due=due, status="result", finished="2026-02-11T00:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    r = f.resolved
    assert (r.total, r.early, r.on_time, r.late) == (4, 1, 2, 1)
    assert r.on_time_rate == 75.0
    text = figures_text(f)
    assert "trước hạn 01 hồ sơ; đúng hạn 02 hồ sơ; quá hạn 01 hồ sơ" in text
    assert "Tỷ lệ giải quyết đúng hạn: 75% (03/04 hồ sơ đã có kết quả)." in text


async def test_supplement_requested_after_the_end(ctx: AppContext) -> None:
    """The status at the end of P comes from the events: a later supplement does not count."""
    await insert_store(ctx.db, [
        D("2026-03-01T08:00:00", status="supplement", status_at="2026-04-05T08:00:00",
          due="2026-04-20T17:00:00",
          events=[("received", "2026-03-01T08:00:00"), ("supplement", "2026-04-05T08:00:00")]),
        D("2026-03-02T08:00:00", status="supplement", status_at="2026-03-31T23:59:59",
          events=[("received", "2026-03-02T08:00:00"), ("supplement", "2026-03-31T23:59:59")]),
        # no event before the end and the current status stamped after it: neither
        D("2026-03-03T08:00:00", status="supplement", status_at="2026-04-02T08:00:00",
          due="2026-03-20T17:00:00"),
        # no event at all, current status stamped inside P
        D("2026-03-04T08:00:00", status="supplement", status_at="2026-03-05T08:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    p = f.pending
    assert (p.total, p.supplement, p.payment, p.on_track, p.late) == (4, 2, 0, 1, 1)
    assert "yêu cầu bổ sung 02 hồ sơ; quá hạn 01 hồ sơ" in figures_text(f)


async def test_carried_over_and_finished_after_the_end(ctx: AppContext) -> None:
    """Received before P, finished after it: carried over and pending in P, resolved in Q2."""
    await insert_store(ctx.db, [
        D("2025-12-20T08:00:00", status="result", finished="2026-04-02T08:00:00",
          due="2026-01-10T17:00:00"),
        D("2025-12-21T08:00:00", status="result", finished="2026-01-01T00:00:00",
          due="2026-01-10T17:00:00"),
        D("2025-12-22T08:00:00", status="result", finished="2025-12-31T23:59:59"),
        D("2025-11-01T08:00:00"),  # never finished
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    assert (f.received.total, f.carried_over, f.total) == (0, 3, 3)
    assert (f.resolved.total, f.resolved.early, f.pending.total) == (1, 1, 2)
    assert (f.pending.late, f.pending.on_track) == (1, 1)
    q2 = await compute_figures(ctx, quarter(2026, 2))  # clock: 15/04/2026, Q2 running
    assert (q2.carried_over, q2.resolved.total, q2.resolved.late, q2.pending.total) == (2, 1, 1, 1)


async def test_rejected_at_intake_versus_stopped(ctx: AppContext) -> None:
    """Both count as 'từ chối, không giải quyết'; only the intake refusal leaves the scope."""
    await insert_store(ctx.db, [
        D("2026-01-05T08:00:00", status="rejected", finished="2026-01-05T09:00:00",
          digitized_input=1, reused=1),
        D("2026-01-05T08:00:00", status="stopped", finished="2026-01-20T09:00:00",
          digitized_input=1, reused=1),
        D("2026-01-05T08:00:00", status="withdrawn", finished="2026-01-07T09:00:00"),
        D("2026-01-05T08:00:00", status="result", finished="2026-01-07T09:00:00",
          digitized_input=1, digitized_output=1, stored=1),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    assert (f.resolved.rejected, f.resolved.withdrawn, f.resolved.early) == (2, 1, 1)
    assert f.base.in_scope == 3 and f.base.results == 1
    assert f.digitization.input_rate == round(200 / 3, 2) == 66.67
    assert f.digitization.reused == 1 and f.digitization.reuse_rate == 33.33
    assert (f.digitization.output_rate, f.digitization.both_rate) == (100.0, 100.0)
    assert f.digitization.stored == 1


async def test_procedure_outside_the_catalogue(ctx: AppContext) -> None:
    """A dossier of an uncatalogued procedure counts in section 1, not in section 2."""
    await insert_store(ctx.db, [
        D("2026-01-05T08:00:00", procedure="X-LIENTHONG"),
        D("2026-01-05T08:00:00", procedure="P-PART", channel="truc_tiep"),
        D("2026-01-06T08:00:00", procedure="P-PART"),
        D("2026-01-06T08:00:00", procedure="P-FULL", fully_online=1),
        D("2026-01-06T08:00:00", procedure="P-FULL", fully_online=0),
        D("2026-01-07T08:00:00", procedure="P-NONE", channel="truc_tiep"),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    s = f.services
    assert f.received.total == 6
    assert s.procedures == 6 and s.none.procedures == 1 and s.none.dossiers == 1
    assert (s.partial.procedures, s.partial.active, s.partial.dossiers) == (2, 1, 2)
    assert (s.partial.online, s.partial.direct, s.partial.active_rate) == (1, 1, 50.0)
    assert (s.full.procedures, s.full.active, s.full.dossiers, s.full.online) == (3, 1, 2, 2)
    assert s.full.fully_online == 1 and s.full.active_rate == 33.33
    assert s.active_rate == 40.0  # 2 of 5 online-service procedures
    assert s.online_rate == 75.0  # 3 of 4
    assert s.online_rate_all == 60.0  # 3 of 5 (level none included)


async def test_payment_pending(ctx: AppContext) -> None:
    """Pending with status 'payment' at the end: its own line, shown only when > 0."""
    await insert_store(ctx.db, [
        D("2026-03-01T08:00:00", status="payment", status_at="2026-03-10T08:00:00",
          due="2026-03-05T17:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    assert (f.pending.payment, f.pending.late, f.pending.on_track) == (1, 0, 0)
    assert "chờ thực hiện nghĩa vụ tài chính 01 hồ sơ" in figures_text(f)


async def test_fees(ctx: AppContext) -> None:
    """Charged = received with a fee; paid online among them."""
    await insert_store(ctx.db, [
        D("2026-01-05T08:00:00", fee=50000, paid_online=1),
        D("2026-01-05T08:00:00", fee=20000, paid_online=0),
        D("2026-01-05T08:00:00", fee=0, paid_online=1),
    ])  # fmt: skip
    f = await compute_figures(ctx, Q1)
    assert (f.fees.charged, f.fees.paid_online, f.fees.online_rate) == (2, 1, 50.0)


async def test_zero_denominators(ctx: AppContext) -> None:
    """With no data every rate is '—' in the text and null in JSON."""
    await insert_store(ctx.db, [], catalogue={})
    f = await compute_figures(ctx, Q1)
    data = figures_to_json(f)
    assert data["resolved"]["on_time_rate"] is None
    assert data["services"]["active_rate"] is None
    assert data["fees"]["online_rate"] is None
    assert data["digitization"]["reuse_rate"] is None
    text = figures_text(f)
    assert "Tỷ lệ giải quyết đúng hạn: —." in text
    assert "đạt tỷ lệ —." in text and "Tổng số hồ sơ: 0 hồ sơ." in text


async def test_cutoff15_rule(ctx: AppContext) -> None:
    """Under cutoff15 Q1 2026 runs 15/12/2025–14/03/2026, and the summary prints that range."""
    ctx.settings.period_rule = "cutoff15"
    await insert_store(ctx.db, [
        D("2025-12-14T23:59:59"),
        D("2025-12-15T00:00:00"),
        D("2026-03-14T23:59:59"),
        D("2026-03-15T00:00:00"),
    ])  # fmt: skip
    period = quarter(2026, 1, ctx.settings.period_rule)
    f = await compute_figures(ctx, period)
    assert (f.received.total, f.carried_over) == (2, 1)
    assert "(Từ ngày 15/12/2025 đến ngày 14/03/2026)" in figures_text(f)
    assert figures_to_json(f)["period"] == {"from": "2025-12-15", "to": "2026-03-14"}


async def test_running_period_is_computed_up_to_now(ctx: AppContext) -> None:
    """Q2 2026 on 15/04/2026 09:00: up to now, says 'tính đến ngày', late against today."""
    await insert_store(ctx.db, [
        D("2026-04-15T08:59:59", due="2026-04-14T17:00:00"),
        D("2026-04-15T09:00:01"),  # after now: not yet received
        D("2026-04-02T08:00:00", status="result", finished="2026-04-15T10:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, quarter(2026, 2))
    assert f.as_of == datetime(2026, 4, 15, 9, 0, tzinfo=TZ)
    assert f.received.total == 2 and f.resolved.total == 0
    assert (f.pending.late, f.pending.on_track) == (1, 1)
    assert "tính đến ngày 15/04/2026" in figures_text(f)
    assert figures_to_json(f)["as_of"] == "2026-04-15T09:00:00"


async def test_units_and_late_counts_by_officer(ctx: AppContext) -> None:
    """unit_id selects one unit, None sums all; late dossiers are grouped by officer."""
    await insert_store(ctx.db, [
        D("2026-01-05T08:00:00", unit=1, officer="CB01", due="2026-01-10T17:00:00",
          status="result", finished="2026-01-12T08:00:00"),
        D("2026-01-05T08:00:00", unit=1, officer="CB01", due="2026-01-10T17:00:00"),
        D("2026-01-05T08:00:00", unit=2, officer="CB02", due="2026-01-10T17:00:00",
          status="result", finished="2026-01-08T08:00:00"),
        D("2026-01-05T08:00:00", unit=2, due="2026-01-10T17:00:00"),
    ], units=("Trung tâm A", "Trung tâm B"))  # fmt: skip
    one = await compute_figures(ctx, Q1, 1)
    both = await compute_figures(ctx, Q1)
    assert one.received.total == 2 and one.unit_name == "Trung tâm A"
    assert both.received.total == 4 and both.services.procedures == 12
    assert both.unit_name == "Tất cả đơn vị (2)"
    late = await late_counts_by_officer(ctx, Q1)
    assert [(o.officer, o.resolved_late, o.pending_late) for o in late] == [
        ("CB01", 1, 1), (None, 0, 1),
    ]
    assert [o.officer for o in await late_counts_by_officer(ctx, Q1, 2)] == [None]


async def test_month_period(ctx: AppContext) -> None:
    """A month counts like any period: received in it, carried over into it."""
    await insert_store(ctx.db, [
        D("2026-02-28T10:00:00"),
        D("2026-03-01T00:00:00", status="result", finished="2026-03-02T00:00:00"),
    ])  # fmt: skip
    f = await compute_figures(ctx, month(2026, 3))
    assert (f.received.total, f.carried_over, f.resolved.total) == (1, 1, 1)
