"""SIGKILL the real `motcua import` at random moments (seeded) of an import whose dossiers
have followers: the store stays intact and, after the catch-up, every follower of every
changed dossier has exactly one queued push. The full version (200k rows) is
`python -m bench.import_kill`."""

from __future__ import annotations

from pathlib import Path

from bench.import_kill import run


async def test_killed_imports_lose_no_push_and_leave_the_store_intact(tmp_path: Path) -> None:
    """20 kills of a 5,000-row import, half at random moments, half just after the commit."""
    report = await run(tmp_path, rows=5000, kills=20, followers=1000, seed=14)
    assert sum(report.phases.values()) == 20
    assert report.phases["killed before the commit"] > 0
    # The window that lost pushes before: the import committed, its pushes were not queued.
    assert report.phases["killed after the commit, pushes not queued"] > 0
    assert report.catch_up_rows > 0
    assert report.pushes > 0  # checked after every kill: exactly one per follower and change
