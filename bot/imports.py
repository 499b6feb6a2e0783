"""Importing as a service: run the store's importer, bring the figures' counters up to date,
then queue the status-change pushes."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.context import AppContext
from bot.pushes import enqueue_status_changes
from storage.importer import ImportSummary, import_dossiers, import_procedures
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
    """Import a file of the given kind; rebuild the counters of the units it changed (so the
    first leader to ask does not wait); after a dossier import, queue followers' pushes."""
    if kind == "procedures":
        summary = await import_procedures(ctx, path, unit, strict, progress)
        await ensure_fresh(ctx.db)
        return summary
    summary = await import_dossiers(ctx, path, unit, strict, progress)
    await ensure_fresh(ctx.db)
    if summary.stored and summary.status_changes:
        await _queue_pushes(ctx, summary.run_id)
    return summary


async def _queue_pushes(ctx: AppContext, run_id: int) -> None:
    """Hand the run's status events to the push module (followers' messages via the outbox)."""
    queued = await enqueue_status_changes(ctx, run_id)
    log.info("import run %s: %s status-change pushes queued", run_id, queued)
