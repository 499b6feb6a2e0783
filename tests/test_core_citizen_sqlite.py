"""Core on SQLite only: how a citizen's lookup reaches the SQLite store (hops between the event
loop's thread and the store's threads); on PostgreSQL a lookup is one pool transaction."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.context import AppContext
from bot.core.router import Core
from storage.conn import Conn
from tests.core_helpers import D_OK, PHONE4, ask, joined


async def test_a_lookup_is_one_hop_to_the_store(ctx: AppContext, core: Core) -> None:
    """Issue 15 "Speed": the sender is identified (staff, blocked chat) on the event loop's
    thread with no hop; ONE hop spends the lookup, reads the dossier and whether this account
    follows it, and charges a miss (an officer's lookup: one read, nothing spent)."""
    await ask(core, f"/theodoi {D_OK} {PHONE4[D_OK]}")
    cases = [(D_OK, "citizen", "Bạn đang theo dõi hồ sơ này"),
             (f"/tracuu {D_OK} {PHONE4[D_OK]}", "citizen", "Bạn đang theo dõi hồ sơ này"),
             (f"/tracuu {D_OK} 0000", "citizen", "Không tìm thấy hồ sơ khớp"),
             ("000.00.12.H31-260401-0099", "citizen", "Không tìm thấy hồ sơ có mã"),
             (D_OK, "officer", "Đang xử lý")]
    for message, user, expected in cases:
        reader, writer = ctx.db.reader.hops, ctx.db.writer.hops
        assert expected in joined(await ask(core, message, user=user)), message
        hops = (ctx.db.reader.hops - reader, ctx.db.writer.hops - writer)
        assert hops == ((0, 1) if user == "citizen" else (1, 0)), (message, hops)
    assert ctx.db.loop_reader is not None and ctx.db.loop_reader.fallbacks == 0


async def test_a_lock_met_on_the_loop_hands_the_read_to_the_reader(ctx: AppContext) -> None:
    """The loop's read never waits: a lock met there (SQLITE_BUSY, here raised by the read
    itself on the loop's thread) sends the same read to the reader's thread; other errors
    are not hidden."""
    loop_thread = threading.current_thread()

    async def read(conn: Conn) -> str:
        """Busy on the loop's thread, a real read on the reader's."""
        if threading.current_thread() is loop_thread:
            raise sqlite3.OperationalError("database is locked")
        return str((await conn.execute_fetchall("SELECT COUNT(*) FROM staff"))[0][0])

    assert ctx.db.loop_reader is not None
    hops = ctx.db.reader.hops
    assert int(await ctx.db.quick_read(read)) >= 0
    assert (ctx.db.loop_reader.fallbacks, ctx.db.reader.hops - hops) == (1, 1)

    async def broken(conn: Conn) -> object:
        """A statement at fault, not a lock."""
        return await conn.execute_fetchall("SELECT no_such_column FROM staff")

    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        await ctx.db.quick_read(broken)
    assert ctx.db.loop_reader.fallbacks == 1
