"""Importing as a service: run the store's importer, bring the figures' counters up to date,
then queue the status-change pushes."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.context import AppContext
from bot.push.status import catch_up
from storage.imports.pipeline import ImportSummary, import_dossiers, import_procedures
from storage.stats_counters import ensure_fresh

log = logging.getLogger(__name__)


async def run_import(
    ctx: AppContext,
    path: Path,
    kind: str,
    unit: str | None = None,
    strict: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import a file of the given kind, then queue followers' pushes of every status event
    not fanned out yet (this import's, and those of an earlier import killed after its commit),
    then rebuild the figures' counters of the units it changed (so the first leader to ask does
    not wait; a failure there only defers the rebuild to the next read)."""
    if kind == "procedures":
        summary = await import_procedures(ctx, path, unit, strict, progress)
    else:
        summary = await import_dossiers(ctx, path, unit, strict, progress)
    try:
        queued = await catch_up(ctx)
    except Exception:  # the import is stored; the bot's periodic catch-up queues them later
        log.exception("import run %s: status-change pushes not queued yet", summary.run_id)
        queued = 0
    if queued:
        log.info("import run %s: %s status-change pushes queued", summary.run_id, queued)
    try:
        await ensure_fresh(ctx.db)
    except Exception:  # the counters stay marked dirty and are rebuilt before the next read
        log.exception("import run %s: figures' counters not rebuilt yet", summary.run_id)
    return summary
