"""Several `motcua run` processes on one store: each side is a store opened separately on the
same database (its own pool or connections, as a second process has), on both engines."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.context import AppContext
from bot.push import scheduler
from bot.push.delivery import DeliveryWorker
from storage import job_runs, outbox, ratelimit, updates_seen
from storage.engine import open_store
from storage.poll_lock import PollLock
from storage.store import Store
from storage.timefmt import to_db
from tests.test_delivery import FakeSender, fast, items

pytestmark = pytest.mark.engines


@pytest.fixture
async def other(ctx: AppContext) -> AsyncIterator[Store]:
    """The same store opened a second time: what another process sees."""
    store = await open_store(ctx.settings.store_url)
    yield store
    await store.close()


def other_ctx(ctx: AppContext, store: Store) -> AppContext:
    """A context of the other process: same settings and clock, its own store connections."""
    return AppContext(ctx.settings, store, ctx.calendar, clock=ctx.clock)


def wall(ctx: AppContext, ahead: float = 0.0) -> str:
    """Real local time (+ahead seconds) as stored text."""
    tz = ctx.settings.tz
    return to_db(datetime.now(tz) + timedelta(seconds=ahead), tz)


async def test_two_workers_send_each_push_once(ctx: AppContext, other: Store) -> None:
    """Two delivery workers on one store drain 400 pushes together: each sent exactly once,
    and both took a share."""
    fast(ctx)
    await outbox.enqueue(ctx.db, items(400, 80), ctx.now())
    a, b = FakeSender(), FakeSender()
    one = DeliveryWorker(ctx, {"telegram": a}, backoff_base=0.02)
    two = DeliveryWorker(other_ctx(ctx, other), {"telegram": b}, backoff_base=0.02)
    left = await asyncio.gather(one.drain(timeout=60), two.drain(timeout=60))
    assert left == [0, 0]
    sent = Counter(text for _, text in a.delivered + b.delivered)
    assert len(sent) == 400 and set(sent.values()) == {1}
    assert a.delivered and b.delivered, (len(a.delivered), len(b.delivered))
    counts = await outbox.counts(ctx.db)
    assert (counts.pending, counts.sent) == (0, 400)
    assert await outbox.claimed_count(ctx.db) == 0


async def test_a_dead_workers_claims_return_after_the_lease(ctx: AppContext) -> None:
    """Rows claimed by a worker that died (never sent, never released) wait for its lease to
    end, then another worker sends them; a claim is refused while the lease runs."""
    fast(ctx)
    await outbox.enqueue(ctx.db, items(4, 4), ctx.now())
    rows = await outbox.due_rows(ctx.db, "telegram", wall(ctx, 1))
    for row in rows[:2]:
        assert await outbox.claim(ctx.db, row.id, "dead:1", wall(ctx), wall(ctx, 2))
    assert not await outbox.claim(ctx.db, rows[0].id, "alive:2", wall(ctx), wall(ctx, 30))
    sender = FakeSender()
    worker = DeliveryWorker(ctx, {"telegram": sender}, lease_seconds=5)
    assert await worker.drain(timeout=0.5) == 2  # the dead worker's two rows are still held
    assert sorted(t for _, t in sender.delivered) == ["m 2", "m 3"]
    assert await worker.drain(timeout=8) == 0  # its lease ended: they are sent, once
    assert sorted(t for _, t in sender.delivered) == ["m 0", "m 1", "m 2", "m 3"]


async def test_a_stopping_worker_gives_its_claims_back(ctx: AppContext) -> None:
    """Sends cut short by stop() leave no claim behind: the rows are free for the next worker."""
    fast(ctx)
    await outbox.enqueue(ctx.db, items(3, 3), ctx.now())

    class Slow(FakeSender):
        """Never finishes a send."""

        async def send(self, chat_id: str, reply: object) -> None:
            """Hang."""
            await asyncio.sleep(3600)

    worker = DeliveryWorker(ctx, {"telegram": Slow()}, lease_seconds=60)
    await worker.start()
    for _ in range(200):
        if await outbox.claimed_count(ctx.db) == 3:
            break
        await asyncio.sleep(0.02)
    assert await outbox.claimed_count(ctx.db) == 3
    await worker.stop(grace=0.1)
    assert await outbox.claimed_count(ctx.db) == 0
    sender = FakeSender()
    assert await DeliveryWorker(ctx, {"telegram": sender}).drain(timeout=10) == 0
    assert len(sender.delivered) == 3


async def test_renewal_keeps_a_long_send_claimed(ctx: AppContext, other: Store) -> None:
    """A send longer than the lease keeps its claim (renewed every third of the lease): the
    other process never sends the row too."""
    fast(ctx)
    await outbox.enqueue(ctx.db, items(1, 1), ctx.now())

    class Long(FakeSender):
        """Takes 3.5 s per send."""

        async def send(self, chat_id: str, reply: object) -> None:
            """Wait, then deliver."""
            await asyncio.sleep(3.5)
            await super().send(chat_id, reply)  # type: ignore[arg-type]

    slow, quick = Long(), FakeSender()
    one = DeliveryWorker(ctx, {"telegram": slow}, lease_seconds=1.5)
    two = DeliveryWorker(other_ctx(ctx, other), {"telegram": quick}, lease_seconds=1.5,
                         poll_seconds=0.1)
    await one.start()
    for _ in range(200):
        if await outbox.claimed_count(ctx.db) == 1:
            break
        await asyncio.sleep(0.02)
    await two.start()
    try:
        await asyncio.sleep(5)
    finally:
        await one.stop()
        await two.stop()
    assert [t for _, t in slow.delivered] == ["m 0"] and quick.delivered == []


async def test_a_job_runs_once_per_occasion(ctx: AppContext, other: Store) -> None:
    """Ten processes begin the same occasion at once: one runs it; a finished occasion is never
    run again; an unfinished one whose lease ended is taken over."""
    stores = [ctx.db, other] * 5
    won = await asyncio.gather(*(
        job_runs.begin(s, "daily", "2026-04-15", f"p{i}", wall(ctx), wall(ctx, 600))
        for i, s in enumerate(stores)
    ))
    assert won.count(True) == 1
    winner = f"p{won.index(True)}"
    await job_runs.finish(ctx.db, "daily", "2026-04-15", winner, wall(ctx), 7)
    assert not await job_runs.begin(other, "daily", "2026-04-15", "late", wall(ctx, 900),
                                    wall(ctx, 1500))
    assert await job_runs.begin(ctx.db, "daily", "2026-04-16", "dies", wall(ctx), wall(ctx, 1))
    assert not await job_runs.begin(other, "daily", "2026-04-16", "x", wall(ctx), wall(ctx, 60))
    await asyncio.sleep(1.1)
    assert await job_runs.begin(other, "daily", "2026-04-16", "next", wall(ctx, 1),
                                wall(ctx, 60))
    assert await job_runs.runs(ctx.db) == [
        ("daily", "2026-04-15", winner, 7), ("daily", "2026-04-16", "next", None)
    ]


async def test_the_scheduler_skips_an_occasion_already_run(
    ctx: AppContext, other: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """The job runner of two processes on one occasion: the job body runs once, the other
    process logs that it skipped it."""
    calls: list[str] = []

    async def job(c: AppContext, now: datetime) -> int:
        """Count the run."""
        calls.append(c.db.url)
        await asyncio.sleep(0.05)
        return 3

    caplog.set_level("INFO", logger="bot.push.scheduler")
    runners = [scheduler._runner(c, job, "test-job")
               for c in (ctx, other_ctx(ctx, other), ctx)]
    await asyncio.gather(*(r() for r in runners))
    assert len(calls) == 1
    assert caplog.text.count("job test-job: 3 push(es) enqueued") == 1
    assert caplog.text.count("job test-job (2026-04-15): run by another process; skipped") == 2
    assert [r[:2] + r[3:] for r in await job_runs.runs(ctx.db)] == [
        ("test-job", "2026-04-15", 3)
    ]


async def test_a_failed_job_can_run_again(ctx: AppContext) -> None:
    """A job that raised leaves no record of its occasion: the next try runs it."""
    tries: list[int] = []

    async def job(c: AppContext, now: datetime) -> int:
        """Fail the first time."""
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("store busy")
        return 1

    run = scheduler._runner(ctx, job, "flaky")
    await run()
    await run()
    await run()
    assert len(tries) == 2
    assert [r[3] for r in await job_runs.runs(ctx.db)] == [1]


async def test_webhook_update_taken_in_once(ctx: AppContext, other: Store) -> None:
    """The same update id delivered to two processes at once (a retried webhook behind a
    proxy): exactly one takes it in."""
    now = ctx.now()
    got = await asyncio.gather(*(
        updates_seen.mark_seen(s, "telegram", "u-1", now) for s in [ctx.db, other] * 10
    ))
    assert got.count(True) == 1
    assert not await updates_seen.mark_seen(other, "telegram", "u-1", now)
    assert await updates_seen.mark_seen(other, "zalo", "u-1", now)


async def test_rate_limit_shared_by_processes(ctx: AppContext, other: Store) -> None:
    """Twenty lookups at once from two processes with a limit of 5 a minute: exactly 5 pass and
    5 are counted (the refused ones spend nothing)."""
    now = ctx.now()
    results = await asyncio.gather(*(
        ratelimit.take(s, "telegram", "42", "lookup", now, 5, 50) for s in [ctx.db, other] * 10
    ))
    assert sum(r.allowed for r in results) == 5
    assert await ratelimit.used(ctx.db, "telegram", "42", "lookup", now) == 5
    assert await ratelimit.used(other, "telegram", "42", "lookup", now) == 5


async def test_polling_lock_one_process_at_a_time(ctx: AppContext, other: Store) -> None:
    """PostgreSQL: one process holds the polling lock; when it releases it (or its connection
    dies, as when the process is killed) the other takes it. SQLite: always granted (one
    `motcua run` per file is kept by the store's lock file)."""
    one, two = PollLock(ctx.db, "poll:test"), PollLock(other, "poll:test")
    assert await one.try_acquire()
    if ctx.db.engine != "postgresql":
        assert await two.try_acquire()
        return
    assert not await two.try_acquire()
    assert await one.still_held()
    await one.release()
    assert await two.try_acquire()
    assert not await one.try_acquire()
    two._conn.terminate()  # the holder is killed: the server drops its session and lock
    for _ in range(50):
        if await one.try_acquire():
            break
        await asyncio.sleep(0.1)
    assert one.held
    assert not await two.still_held()
    await one.release()


async def test_polling_turn_takes_over(ctx: AppContext, other: Store) -> None:
    """Two processes' polling turns: the first polls, the second stands by; when the first stops
    (or dies) the second starts polling within its retry period. SQLite: both poll (one bot per
    file is the store lock's job)."""
    from bot.channels.polling_turn import PollingTurn

    events: list[str] = []

    def turn(name: str, store: Store) -> PollingTurn:
        """A turn that records when its polling starts and stops."""

        async def start() -> None:
            """Record the start."""
            events.append(f"{name} polls")

        async def stop() -> None:
            """Record the stop."""
            events.append(f"{name} stops")

        return PollingTurn(store, name, "poll:telegram:test", start, stop, retry_seconds=0.1)

    first, second = turn("first", ctx.db), turn("second", other)
    await first.start()
    await second.start()
    try:
        if ctx.db.engine != "postgresql":
            assert events == ["first polls", "second polls"]
            return
        await asyncio.sleep(0.3)
        assert events == ["first polls"] and not second.polling
        await first.stop()
        for _ in range(50):
            if second.polling:
                break
            await asyncio.sleep(0.05)
        assert events == ["first polls", "first stops", "second polls"]
    finally:
        await first.stop()
        await second.stop()
    assert events[-1] == "second stops"


async def test_summary_version_sees_an_import_committed_late(ctx: AppContext) -> None:
    """Two imports overlap (PostgreSQL: two processes); the one that took the smaller ids commits
    last. The summaries' data version must still change at its commit, or every process keeps
    serving the summary cached before it. (On SQLite imports never overlap: each commit moves
    the version.)"""
    from storage import stats

    async def start_import(conn: object) -> None:
        """Record an import run inside the import's transaction (as the importer does)."""
        await conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO import_runs (kind, file_name, started_at) VALUES (?, ?, ?)",
            ("dossiers", "ho-so.csv", "2026-04-15T09:00:00"),
        )

    if ctx.db.engine != "postgresql":
        before = await stats.data_version(ctx.db)
        async with ctx.db.transaction() as conn:
            await start_import(conn)
        assert await stats.data_version(ctx.db) != before
        return
    import asyncpg

    url = ctx.settings.store_url
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        sql = "INSERT INTO import_runs (kind, file_name, started_at) VALUES ($1, $2, $3)"
        args = ("dossiers", "ho-so.csv", "2026-04-15T09:00:00")
        slow = first.transaction()
        await slow.start()
        await first.execute(sql, *args)  # takes id 1
        async with second.transaction():
            await second.execute(sql, *args)  # id 2, committed first
        cached = await stats.data_version(ctx.db)
        await slow.commit()
        assert await stats.data_version(ctx.db) != cached
    finally:
        await first.close()
        await second.close()


async def test_status_pushes_of_an_import_committed_late(ctx: AppContext) -> None:
    """Two processes' imports overlap and the one holding the smaller status event id commits
    last: its change still reaches the follower (the fan-out waits for it, never moving its
    cursor past an id that may still be committed)."""
    from bot.push.status import catch_up

    stamp = "2026-04-15T09:00:00"
    async with ctx.db.transaction() as conn:
        unit = int((await conn.execute_fetchall(
            "INSERT INTO units (name, created_at) VALUES (?, ?) RETURNING id", ("Xã A", stamp)
        ))[0][0])
        for n in (1, 2):
            await conn.execute(
                "INSERT INTO dossiers (unit_id, code, procedure_code, applicant, channel,"
                " received_at, due_at, status, status_at, row_hash, updated_at)"
                " VALUES (?, ?, '1.001612', 'Nguyễn Văn A', 'truc_tuyen', ?, ?, 'processing', ?,"
                " 'h', ?)",
                (unit, f"000.00.12.H31-260401-000{n}", stamp, "2026-04-30T17:00:00", stamp,
                 stamp),
            )
            await conn.execute(
                "INSERT INTO subscriptions (unit_id, dossier_id, channel, user_id, chat_id,"
                " created_at) VALUES (?, ?, 'telegram', ?, ?, ?)",
                (unit, n, f"{n}", f"{n}", stamp),
            )
    event = (
        "INSERT INTO status_events (unit_id, dossier_id, old_status, new_status, status_at,"
        " recorded_at) VALUES (?, ?, 'processing', 'result', ?, ?)"
    )
    if ctx.db.engine != "postgresql":
        async with ctx.db.transaction() as conn:
            await conn.execute(event, (unit, 1, stamp, stamp))
        await catch_up(ctx)
        keys = [k for _, _, k in await outbox.rows_by_state(ctx.db, "pending")]
        assert keys == ["status:1:telegram:1"]
        return
    import asyncpg

    pg_event = event.replace("?", "$1", 1).replace("?", "$2", 1).replace("?", "$3", 1)
    pg_event = pg_event.replace("?", "$4", 1)
    url = ctx.settings.store_url
    first, second = await asyncpg.connect(url), await asyncpg.connect(url)
    try:
        slow = first.transaction()
        await slow.start()
        await first.execute(pg_event, unit, 1, stamp, stamp)  # event id 1, committed last
        async with second.transaction():
            await second.execute(pg_event, unit, 2, stamp, stamp)  # event id 2
        fan_out = asyncio.create_task(catch_up(ctx))
        await asyncio.sleep(0.5)
        assert not fan_out.done()  # it waits for the import still writing events
        await slow.commit()
        await asyncio.wait_for(fan_out, 10)
    finally:
        await first.close()
        await second.close()
    await catch_up(ctx)
    keys = sorted(k for _, _, k in await outbox.rows_by_state(ctx.db, "pending"))
    assert keys == ["status:1:telegram:1", "status:2:telegram:2"]
