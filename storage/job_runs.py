"""Scheduled jobs run once per occasion across processes: a row per (job, occasion) in job_runs.

The process that inserts the row runs the job; the others find it and skip. A run whose process
died before finishing leaves a row whose lease ends, after which another process may take it
over (the outbox keys make a second run of a push job store nothing twice).
"""

from __future__ import annotations

from storage.conn import Conn
from storage.store import Store


async def begin(
    db: Store, job: str, occasion: str, owner: str, now_text: str, until_text: str
) -> bool:
    """Take (job, occasion) for owner until until_text; True when this caller must run it.

    One INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING: a new occasion is inserted, an
    unfinished one whose lease ended (lease_until <= now_text) is taken over, anything else is
    left alone and returns no row. Concurrent callers are serialised on the key, so one wins.
    """
    return await db.write_in_one_hop(_begin, job, occasion, owner, now_text, until_text)


async def _begin(
    conn: Conn, job: str, occasion: str, owner: str, now_text: str, until_text: str
) -> bool:
    """begin's statement."""
    rows = await conn.execute_fetchall(
        "INSERT INTO job_runs (job, occasion, owner, started_at, lease_until)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (job, occasion) DO UPDATE"
        " SET owner = excluded.owner, started_at = excluded.started_at,"
        " lease_until = excluded.lease_until"
        " WHERE job_runs.finished_at IS NULL AND job_runs.lease_until <= excluded.started_at"
        " RETURNING owner",
        (job, occasion, owner, now_text, until_text),
    )
    return len(rows) == 1


async def finish(
    db: Store, job: str, occasion: str, owner: str, now_text: str, result: int
) -> None:
    """Record that owner's run of (job, occasion) ended with `result` (rows it produced)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE job_runs SET finished_at = ?, result = ?"
            " WHERE job = ? AND occasion = ? AND owner = ?",
            (now_text, result, job, occasion, owner),
        )


async def abandon(db: Store, job: str, occasion: str, owner: str) -> None:
    """Forget owner's unfinished run (it failed), so a later try of the occasion may run it."""
    async with db.transaction() as conn:
        await conn.execute(
            "DELETE FROM job_runs WHERE job = ? AND occasion = ? AND owner = ?"
            " AND finished_at IS NULL",
            (job, occasion, owner),
        )


async def runs(db: Store) -> list[tuple[str, str, str, int | None]]:
    """(job, occasion, owner, result) of every recorded run, by job and occasion."""
    sql = "SELECT job, occasion, owner, result FROM job_runs ORDER BY job, occasion"
    async with db.reader.execute(sql) as cur:
        return [
            (str(r[0]), str(r[1]), str(r[2]), None if r[3] is None else int(r[3]))
            for r in await cur.fetchall()
        ]
