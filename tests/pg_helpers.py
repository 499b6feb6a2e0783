"""The PostgreSQL test database: found (or the PostgreSQL tests skipped, never in CI), emptied
before each test that uses it."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

ENGINES = ("sqlite", "postgresql")
PG_URL = os.environ.get(
    "MOTCUA_TEST_PG_URL", "postgresql://motcua:motcua@127.0.0.1:5432/motcua_test"
)
_state: dict[str, object] = {}


class _Keeper:
    """One connection to the test database, kept open on a thread of its own for the whole
    session (a connection per test cost more than the tests themselves)."""

    def __init__(self) -> None:
        import threading

        self.loop = asyncio.new_event_loop()
        self.conn: object | None = None
        threading.Thread(target=self.loop.run_forever, name="pg-test-reset", daemon=True).start()

    def run(self, coro: Any) -> Any:
        """Run a coroutine on the keeper's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()


_keeper: _Keeper | None = None


def run_sync(coro: Any) -> Any:
    """Run a coroutine from sync fixture code (inside or outside a running loop) on the
    keeper's own loop, and wait for its result."""
    global _keeper
    if _keeper is None:
        _keeper = _Keeper()
    return _keeper.run(coro)


async def _reset(first: bool) -> None:
    """Empty the test database: its whole schema the first time (so the migrations run from
    nothing), else every row of every table but schema_version, and identities restarted."""
    import asyncpg

    keeper = _keeper
    assert keeper is not None  # run_sync made it
    if keeper.conn is None:
        keeper.conn = await asyncpg.connect(PG_URL, timeout=5)
    conn: Any = keeper.conn
    if first:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return
    tables = [
        r[0] for r in await conn.fetch(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public'"
            " AND relname <> 'schema_version'"
        )
    ]
    # DELETE rather than TRUNCATE (which makes new files for every table: ~0.15 s a test);
    # replica mode skips foreign keys and triggers while emptying.
    await conn.execute(
        "SET session_replication_role = replica;"
        + "".join(f'DELETE FROM "{t}";' for t in tables)
        + "SET session_replication_role = DEFAULT;"
        " SELECT setval(c.oid, 1, false) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind = 'S' AND n.nspname = 'public';"
    )


def pg_test_database() -> str:
    """The URL of the emptied test database; skips the test when PostgreSQL is unreachable
    outside CI (in CI, where .ci/run starts it, that fails the test instead)."""
    if _state.get("down"):
        pytest.skip(str(_state["down"]))
    first = not _state.get("ready")
    try:
        run_sync(_reset(first))
    except (TimeoutError, OSError, Exception) as exc:
        if first and not os.environ.get("CI"):
            _state["down"] = (
                f"PostgreSQL tests skipped: no PostgreSQL at {PG_URL} ({type(exc).__name__})"
            )
            pytest.skip(str(_state["down"]))
        raise
    _state["ready"] = True
    return PG_URL
