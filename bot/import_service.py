"""The bot's import service: run the store's import pipeline (storage/imports/) with what the
context holds, then queue the status-change pushes and bring the figures' counters up to date.
(`motcua import` is bot/cli/importing.py; a file sent in chat, bot/handlers/admin.py.)"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.config import Settings
from bot.context import AppContext
from bot.import_text import progress_bar
from bot.push.status import catch_up
from storage.imports import ImportLimits, ImportOptions, ImportSummary, load_file
from storage.stats_counters import ensure_fresh

log = logging.getLogger(__name__)


def import_limits(settings: Settings) -> ImportLimits:
    """The caps of one import from the settings (MOTCUA_IMPORT_MAX_ROWS, …_MAX_SHEET_MB)."""
    return ImportLimits(settings.import_max_rows, settings.import_max_sheet_mb << 20)


async def store_file(
    ctx: AppContext,
    path: Path,
    kind: str,
    unit: str | None = None,
    strict: bool = False,
    progress: bool = False,
    limits: ImportLimits | None = None,
) -> ImportSummary:
    """The store's step alone: import the file into the context's store (no pushes queued),
    with the context's timezone, default unit, today and caps (and the progress bar on stderr
    when asked for)."""
    options = ImportOptions(
        tz_name=ctx.settings.timezone,
        unit=unit or ctx.settings.unit or "",
        today=ctx.now().replace(tzinfo=None).isoformat(timespec="seconds"),
        strict=strict,
        progress=progress_bar(Path(path).name) if progress else None,
        limits=limits or import_limits(ctx.settings),
        data_folder=Path(ctx.settings.db_path).resolve().parent,
    )
    return await load_file(ctx.db, Path(path), kind, options)


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
    summary = await store_file(ctx, path, kind, unit, strict, progress)
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
