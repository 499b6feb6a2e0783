"""The store's import pipeline (this package): a CSV/XLSX file of dossiers or procedures in, rows
in the store and an `ImportSummary` out. It knows no bot (the bot's side: bot/import_service.py
runs it and queues the pushes, bot/import_text.py words the summary, bot/cli/importing.py is
`motcua import`, bot/handlers/admin.py takes a file sent in chat).

How the pieces fit, in the order a file goes through them:

  pipeline.load_file   entry: one transaction, the summary, the run's record
    → parallel.source  parse in this process, or in a helper process for a big file
      → parse          find the header (columns), turn rows into records in chunks (rows, values),
                       skipping rows already stored unchanged (known)
        → read         stream the file's rows: CSV, or XLSX through xlsx_reader (the one module
                       that knows the XLSX library) with the formula scan beside it (formulas)
    → write            upsert each chunk on the store's writer thread (SQLite)
    → write_pg         or COPY it into a staging table merged by one upsert (PostgreSQL;
                       known_pg reads the stored digests there)
    → rejects          bad rows, with their reasons, into `<file>.rejects.csv`
  errors: every read failure as one Vietnamese refusal; limits: the caps and thresholds.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.imports.limits import ImportLimits
    from storage.imports.pipeline import (
        ImportOptions,
        ImportRefused,
        ImportSummary,
        detect_kind,
        load_file,
    )

__all__ = [
    "ImportLimits", "ImportOptions", "ImportRefused", "ImportSummary", "detect_kind", "load_file",
]
_HOME = {"ImportLimits": "storage.imports.limits"}  # the rest live in storage.imports.pipeline


def __getattr__(name: str) -> object:
    """The public entry points, imported on first use: the helper processes
    (`python -m storage.imports.parallel`, `….formulas`) start without the pipeline's imports."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME.get(name, "storage.imports.pipeline")), name)
