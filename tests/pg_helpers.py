"""The PostgreSQL test database: found (or the PostgreSQL tests skipped, never in CI), emptied
before each test that uses it."""

from __future__ import annotations

import asyncio
import os

import pytest

ENGINES = ("sqlite", "postgresql")
PG_URL = os.environ.get(
    "MOTCUA_TEST_PG_URL", "postgresql://motcua:motcua@127.0.0.1:5432/motcua_test"
)
_state: dict[str, object] = {}


async def _reset(first: bool) -> None:
    """Empty the test database: its whole schema the first time (so the migrations run from
    nothing), else every table but schema_version (identities restarted)."""
    import asyncpg

    conn = await asyncpg.connect(PG_URL, timeout=5)
    try:
        if first:
            await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
            return
        tables = [
            r[0] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_version'"
            )
        ]
        if tables:
            await conn.execute(
                f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"
            )
    finally:
        await conn.close()


def _run(coro: object) -> None:
    """Run a coroutine from sync fixture code, inside or outside a running loop."""
    import threading

    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)  # type: ignore[arg-type]
        except BaseException as exc:  # handed to the caller
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def pg_test_database() -> str:
    """The URL of the emptied test database; skips the test when PostgreSQL is unreachable
    outside CI (in CI, where .ci/run starts it, that fails the test instead)."""
    if _state.get("down"):
        pytest.skip(str(_state["down"]))
    first = not _state.get("ready")
    try:
        _run(_reset(first))
    except (TimeoutError, OSError, Exception) as exc:
        if first and not os.environ.get("CI"):
            _state["down"] = (
                f"PostgreSQL tests skipped: no PostgreSQL at {PG_URL} ({type(exc).__name__})"
            )
            pytest.skip(str(_state["down"]))
        raise
    _state["ready"] = True
    return PG_URL
