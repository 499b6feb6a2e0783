"""Imports for tests and benches: the store's step alone (no pushes), the kind given or guessed."""

from __future__ import annotations

from pathlib import Path

from bot.context import AppContext
from bot.import_service import store_file
from storage.imports import ImportLimits, ImportSummary, detect_kind


async def import_dossiers(
    ctx: AppContext, path: Path, unit: str | None = None, strict: bool = False,
    limits: ImportLimits | None = None,
) -> ImportSummary:
    """Import a dossier list into the context's store."""
    return await store_file(ctx, path, "dossiers", unit, strict, limits=limits)


async def import_procedures(
    ctx: AppContext, path: Path, unit: str | None = None, strict: bool = False,
    limits: ImportLimits | None = None,
) -> ImportSummary:
    """Import a procedure catalogue into the context's store."""
    return await store_file(ctx, path, "procedures", unit, strict, limits=limits)


async def import_file(
    ctx: AppContext, path: Path, unit: str | None = None, strict: bool = False
) -> ImportSummary:
    """Import a file of either kind, told apart by its header."""
    return await store_file(ctx, path, detect_kind(Path(path)), unit, strict)
