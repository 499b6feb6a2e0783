"""The chat's storage modules on both engines: each function's answer and what it changes,
on the sample world (two units), with the unit carried in the keys where the caller knows it."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from bot.context import AppContext
from storage import (
    dossiers,
    dossiers_demo,
    prefs,
    ratelimit,
    ratings,
    reminders,
    shared_files,
    staff,
    staff_scope,
    status_fanout,
    subscriptions,
    units,
)
from storage.outbox import OutboxItem
from tests.core_helpers import D_LATE, D_LATE2, D_OK, D_OTHER, OTHER_UNIT, UNIT, World

pytestmark = pytest.mark.engines


async def test_units_are_found_by_normalised_name(ctx: AppContext) -> None:
    """ensure_unit creates once (NFC, spaces collapsed); find_unit and list_units read it."""
    first = await units.ensure_unit(ctx.db, "  Xã   Kẻ Sắt ")
    assert await units.ensure_unit(ctx.db, "Xã Kẻ Sắt") == first
    assert await units.find_unit(ctx.db, "Xã Kẻ  Sắt") == first
    assert await units.find_unit(ctx.db, "Xã khác") is None
    assert await units.list_units(ctx.db) == [(first, "Xã Kẻ Sắt")]


async def test_staff_ids_links_and_code_counts(ctx: AppContext, world: World) -> None:
    """create_staff returns the stored id; a relink replaces the account's link; the officer
    codes of a unit's dossiers are counted open and in all, per unit."""
    a = await staff.create_staff(ctx.db, unit_id=world.unit_id, name="Cán  Bộ A", role="officer",
                                 officer_code=" cb07 ", now=ctx.now())
    b = await staff.create_staff(ctx.db, unit_id=world.other_unit_id, name="Cán Bộ B",
                                 role="leader", officer_code=None, now=ctx.now())
    assert b.id > a.id and (await staff.get_staff(ctx.db, a.id)) == a
    assert a.officer_code == "CB07" and a.name == "Cán Bộ A"
    await staff.link(ctx.db, a.id, "zalo", "u1", "c1", ctx.now())
    await staff.link(ctx.db, b.id, "zalo", "u1", "c2", ctx.now())  # the account moves to b
    assert await staff.staff_for(ctx.db, "zalo", "u1") == b
    assert await staff.staff_chats(ctx.db, a.id) == []
    assert await staff.staff_chats(ctx.db, b.id) == [("zalo", "c2")]
    counts = await staff.officer_code_counts(ctx.db, world.unit_id)
    assert (counts["CB01"].open, counts["CB01"].total) == (4, 6)
    assert (counts["CB02"].open, counts["CB02"].total) == (1, 1)
    assert "CB09" not in counts
    assert (await staff.officer_code_counts(ctx.db, world.other_unit_id))["CB09"].total == 1
    names = await staff.officer_names(ctx.db, [world.unit_id, world.other_unit_id])
    assert names["CB07"] == "Cán Bộ A" and names["CB01"] == "Nguyễn Thị Hoa"
    entries = {e.member.id: e for e in await staff.list_entries(ctx.db, None, ctx.now())}
    assert entries[b.id].links == 1 and not entries[b.id].pending_invite


async def test_an_invite_redeemed_twice_at_once_links_one_account(ctx: AppContext,
                                                                 world: World) -> None:
    """Two chats redeeming one code at the same moment: exactly one is linked."""
    member, code, _ = await staff.invite(ctx.db, unit_id=world.unit_id, name="Mới",
                                         role="officer", officer_code="CB42", now=ctx.now())
    got = await asyncio.gather(*(
        staff.redeem_invite(ctx.db, code, "telegram", f"u{n}", f"c{n}", ctx.now())
        for n in range(6)))
    assert [g.id for g in got if g is not None] == [member.id]
    assert len(await staff.staff_chats(ctx.db, member.id)) == 1


async def test_scopes_replace_and_cover_every_unit(ctx: AppContext, world: World) -> None:
    """A leader sees their own unit, then the units set (once each), then every unit."""
    leader = await staff.create_staff(ctx.db, unit_id=world.unit_id, name="Lãnh đạo",
                                      role="leader", officer_code=None, now=ctx.now())
    assert await staff_scope.scope_of(ctx.db, leader.id, world.unit_id) == [world.unit_id]
    await staff_scope.set_scope(ctx.db, leader.id, [world.other_unit_id, world.unit_id,
                                                     world.unit_id])
    assert await staff_scope.scope_of(ctx.db, leader.id, world.unit_id) == sorted(
        [world.unit_id, world.other_unit_id])
    await staff_scope.set_scope(ctx.db, leader.id, None)
    assert await staff_scope.scope_of(ctx.db, leader.id, world.unit_id) is None


async def test_following_by_unit_and_dossier(ctx: AppContext, world: World) -> None:
    """follow carries the unit; a second follow refreshes the chat; unfollow by (unit, id)."""
    ok, other = world.dossier_ids[D_OK], world.dossier_ids[D_OTHER]
    now = ctx.now()
    assert await subscriptions.follow(ctx.db, ok, "zalo", "u", "c1", now, world.unit_id)
    assert not await subscriptions.follow(ctx.db, ok, "zalo", "u", "c2", now, world.unit_id)
    assert await subscriptions.follow(ctx.db, other, "zalo", "u", "c2", now)  # unit by trigger
    assert await subscriptions.followers(ctx.db, ok, world.unit_id) == [("zalo", "c2")]
    assert await subscriptions.followers(ctx.db, ok, world.other_unit_id) == []
    rows = await subscriptions.followed_by(ctx.db, "zalo", "u")
    assert [(r.code, r.unit_id) for r in rows] == [
        (D_OK, world.unit_id), (D_OTHER, world.other_unit_id)]
    assert await subscriptions.count_followed(ctx.db, "zalo", "u") == 2
    assert not await subscriptions.unfollow(ctx.db, world.other_unit_id, ok, "zalo", "u")
    assert await subscriptions.unfollow(ctx.db, world.unit_id, ok, "zalo", "u")
    assert await subscriptions.count_followed(ctx.db, "zalo", "u") == 1
    found = await ctx.db.read(dossiers.select_for_chat, D_OTHER, "", "zalo", "u")
    assert found.followed == frozenset({D_OTHER})


async def test_ratings_replace_and_count_per_unit(ctx: AppContext, world: World) -> None:
    """One rating per chat and dossier (a new one replaces it); counts per unit and period."""
    ok, other = world.dossier_ids[D_OK], world.dossier_ids[D_OTHER]
    now = ctx.now()
    assert await ratings.rate(ctx.db, ok, "zalo", "c", 3, now, world.unit_id)
    assert not await ratings.rate(ctx.db, ok, "zalo", "c", 1, now, world.unit_id)
    assert await ratings.rate(ctx.db, other, "zalo", "c", 2, now)
    assert await ratings.get_rating(ctx.db, ok, "zalo", "c", world.unit_id) == 1
    assert await ratings.get_rating(ctx.db, ok, "zalo", "c", world.other_unit_id) is None
    today = now.date()
    mine = await ratings.rating_counts(ctx.db, today, today, world.unit_id)
    assert (mine.very_satisfied, mine.satisfied, mine.unsatisfied) == (1, 0, 0)
    both = await ratings.rating_counts(ctx.db, today, today, [world.unit_id,
                                                               world.other_unit_id])
    assert both.total == 2 and both.satisfied_rate == 1.0
    assert (await ratings.rating_counts(ctx.db, today + timedelta(days=1),
                                        today + timedelta(days=1))).total == 0
    with pytest.raises(ValueError):
        await ratings.rate(ctx.db, ok, "zalo", "c", 4, now)
    assert await ratings.get_rating(ctx.db, ok, "zalo", "c") == 1


async def test_push_prefs(ctx: AppContext, world: World) -> None:
    """Defaults on; a kind off is listed by staff_without; one channel only."""
    assert await prefs.get_prefs(ctx.db, 7) == prefs.PushPrefs()
    changed = await prefs.set_pref(ctx.db, 7, "digest", False, ctx.now())
    assert not changed.digest and changed.reminders
    assert await prefs.staff_without(ctx.db, "digest") == {7}
    assert await prefs.staff_without(ctx.db, "reminders") == set()
    await prefs.set_channel(ctx.db, 7, "zalo", ctx.now())
    chats = [("telegram", "1"), ("zalo", "2")]
    assert await prefs.push_chats(ctx.db, 7, chats) == [("zalo", "2")]
    assert (await prefs.set_pref(ctx.db, 7, "digest", True, ctx.now())).channel == "zalo"


async def test_shared_files_expire(ctx: AppContext) -> None:
    """A file is served until it expires, byte for byte; expired ones are dropped."""
    now = ctx.now()
    data = bytes(range(256)) * 3
    kept = await shared_files.put(ctx.db, "bd.png", "image/png", data, now,
                                  now + timedelta(hours=1))
    assert await shared_files.get(ctx.db, kept, now) == ("bd.png", "image/png", data)
    assert await shared_files.get(ctx.db, kept, now + timedelta(hours=2)) is None
    await shared_files.put(ctx.db, "x.txt", "text/plain", b"x", now + timedelta(hours=2),
                           now + timedelta(hours=3))
    assert await shared_files.get(ctx.db, kept, now) is None  # dropped by the later put


async def test_digest_counts_and_dossier_code(ctx: AppContext, world: World) -> None:
    """The leaders' digest counts of one unit; a dossier's unit and code by id."""
    today = date(2026, 4, 15)
    got = await reminders.digest_counts(ctx.db, world.unit_id, date(2026, 4, 13), date(2026, 3, 1),
                                        today)
    assert (got.due_today, got.received, got.resolved) == (1, 7, 2)
    assert await reminders.dossier_code(ctx.db, world.dossier_ids[D_OTHER]) == (
        world.other_unit_id, D_OTHER)
    assert await reminders.dossier_code(ctx.db, 10**9) is None


async def test_officer_lists_and_code_lookup(ctx: AppContext, world: World) -> None:
    """Lookups by code, by its tail and an officer's and a unit's late lists, per unit."""
    today = date(2026, 4, 15)
    assert [d.code for d in await dossiers.find_by_code(ctx.db, D_OK)] == [D_OK]
    assert await dossiers.code_prefixes(ctx.db) == ["000.00.12.H31", "000.00.15.H56"]
    tails = {d.code for d in await dossiers.find_by_tail(ctx.db, "260401-0001")}
    assert tails == {D_OK, D_OTHER}
    assert [d.code for d in await dossiers.find_by_tail(ctx.db, "H56-260401-0001")] == [D_OTHER]
    late = await dossiers.officer_overdue(ctx.db, "CB01", today, world.unit_id)
    assert [d.code for d in late] == [D_LATE]
    page, total = await dossiers.officer_open(ctx.db, "CB01", 0, 2, world.unit_id)
    assert total == 4 and len(page) == 2
    assert [d.code for d in await dossiers.unit_overdue(ctx.db, world.unit_id, today)] == [
        D_LATE, D_LATE2]
    assert await dossiers.unit_overdue(ctx.db, [world.other_unit_id], today) == []
    assert await dossiers.busiest_officer(ctx.db, world.unit_id) == "CB01"
    assert await dossiers.busiest_officer(ctx.db, world.other_unit_id) == "CB09"


async def test_rate_limit_windows(ctx: AppContext) -> None:
    """take spends until the minute's limit; used counts the day; prune drops old windows."""
    now = ctx.now()
    got = [(await ratelimit.take(ctx.db, "zalo", "p", "lookup", now, 3, 10)).allowed
           for _ in range(5)]
    assert got == [True, True, True, False, False]
    assert await ratelimit.used(ctx.db, "zalo", "p", "lookup", now) == 3
    later = now + timedelta(days=1)
    assert (await ratelimit.take(ctx.db, "zalo", "q", "lookup", later, 3, 10)).allowed
    assert await ratelimit.prune(ctx.db, later) == 2  # p's minute and day of yesterday
    assert await ratelimit.used(ctx.db, "zalo", "p", "lookup", now) == 0
    assert await ratelimit.used(ctx.db, "zalo", "q", "lookup", later) == 1


async def test_status_fan_out_follows_unit_keys(ctx: AppContext, world: World) -> None:
    """A status change of a followed dossier queues one push per following chat, with whether
    that chat rated; the cursor moves past it once."""
    ok = world.dossier_ids[D_OK]
    await subscriptions.follow(ctx.db, ok, "zalo", "u1", "c1", ctx.now(), world.unit_id)
    await subscriptions.follow(ctx.db, ok, "zalo", "u2", "c2", ctx.now(), world.unit_id)
    await ratings.rate(ctx.db, ok, "zalo", "c2", 1, ctx.now(), world.unit_id)
    async with ctx.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO status_events (unit_id, dossier_id, old_status, new_status, status_at,"
            " recorded_at) VALUES (?, ?, 'processing', 'result', ?, ?)",
            (world.unit_id, ok, "2026-04-15T08:00:00", "2026-04-15T08:00:00"))
    assert await status_fanout.behind(ctx.db)
    seen: list[tuple[str, bool, str]] = []

    def build(events: list[status_fanout.FollowerEvent],
              found: dict[int, dossiers.Dossier]) -> list[OutboxItem]:
        """One push per event and chat, noting what the fan-out handed over."""
        seen.extend((e.chat_id, e.rated, found[e.dossier_id].code) for e in events)
        return [OutboxItem(e.channel, e.chat_id, f"s{e.event_id}:{e.chat_id}", "{}")
                for e in events]

    async with ctx.db.transaction() as conn:
        step = await status_fanout.fan_out_step(conn, build, "2026-04-15T09:00:00")
    assert (step.added, step.done) == (2, True)
    assert sorted(seen) == [("c1", False, D_OK), ("c2", True, D_OK)]
    assert not await status_fanout.behind(ctx.db)


async def test_demo_mark(ctx: AppContext, world: World) -> None:
    """mark_demo marks the store once (twice is harmless); tour samples read the dossiers."""
    assert not await dossiers_demo.is_demo(ctx.db)
    await dossiers_demo.mark_demo(ctx.db)
    await dossiers_demo.mark_demo(ctx.db)
    assert await dossiers_demo.is_demo(ctx.db)
    samples = await dossiers_demo.tour_samples(ctx.db)
    assert ("Hồ sơ đang yêu cầu bổ sung", "000.00.12.H31-260402-0004", "3333") in samples


def test_units_of_the_sample_world() -> None:
    """The sample world's two units are distinct (the per-unit assertions above rely on it)."""
    assert UNIT != OTHER_UNIT


async def test_catalogue_terms_follow_every_change(ctx: AppContext, world: World) -> None:
    """Procedures added, renamed, moved to another field and deleted: the search finds what
    the catalogue holds now, on both engines; on PostgreSQL the kept terms, sizes and totals
    equal those made afresh from the catalogue (migration 0025's triggers)."""
    from storage.procedures import search

    async with ctx.db.transaction() as conn:
        await conn.execute(
            "UPDATE procedures SET name = 'Đăng ký nuôi rồng', name_search = 'dang ky nuoi rong',"
            " field = 'Thú cưng' WHERE code = '1.002'")
        await conn.execute("DELETE FROM procedures WHERE code = '2.001'")
        await conn.execute(
            "INSERT INTO procedures (unit_id, code, name, name_search, field, level, updated_at)"
            " VALUES (?, '9.001', 'Chứng thực chữ ký', 'chung thuc chu ky', 'Chứng thực',"
            " 'khong', '2026-04-15T09:00:00')", (world.other_unit_id,))
    names = [p.name for p in (await search(ctx.db, ["chung", "thuc"]))[0]]
    assert names == ["Chứng thực chữ ký"]
    assert [p.name for p in (await search(ctx.db, ["thu", "cung"]))[0]] == ["Đăng ký nuôi rồng"]
    assert (await search(ctx.db, ["ket", "hon"]))[1] == 0
    if not ctx.db.dialect.is_postgresql:
        return
    fresh = await ctx.db.reader.execute_fetchall(
        "SELECT COUNT(*) AS docs, SUM((SELECT COUNT(*) FROM search_tokens(name_search))"
        " + (SELECT COUNT(*) FROM search_tokens(field))) AS tokens FROM procedures")
    kept = await ctx.db.reader.execute_fetchall(
        "SELECT docs, tokens FROM procedure_search_totals")
    assert (int(kept[0]["docs"]), int(kept[0]["tokens"])) == (
        int(fresh[0]["docs"]), int(fresh[0]["tokens"]))
    drift = await ctx.db.reader.execute_fetchall(
        "SELECT COUNT(*) FROM (SELECT p.id, d.tokens FROM procedures p"
        " LEFT JOIN procedure_docs d ON d.unit_id = p.unit_id AND d.procedure_id = p.id"
        " WHERE d.tokens IS DISTINCT FROM (SELECT COUNT(*) FROM search_tokens(p.name_search))"
        " + (SELECT COUNT(*) FROM search_tokens(p.field))) AS x")
    assert int(drift[0][0]) == 0
    orphans = await ctx.db.reader.execute_fetchall(
        "SELECT COUNT(*) FROM procedure_terms t WHERE NOT EXISTS (SELECT 1 FROM procedures p"
        " WHERE p.unit_id = t.unit_id AND p.id = t.procedure_id)")
    assert int(orphans[0][0]) == 0
