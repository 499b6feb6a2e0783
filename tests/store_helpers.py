"""Bulk inserts that tests and benchmarks build their stores with (rows in column order)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from storage.db import Database

UNIT_COLUMNS = ("id", "name", "created_at")
PROCEDURE_COLUMNS = (
    "id", "unit_id", "code", "name", "name_search", "field", "level", "days", "fee_text",
    "updated_at",
)  # fmt: skip
DOSSIER_COLUMNS = (
    "id", "unit_id", "code", "procedure_code", "procedure_name", "applicant", "phone_last4",
    "id_last4", "channel", "received_at", "due_at", "finished_at", "returned_at", "status",
    "status_at", "officer", "fully_online", "digitized_input", "digitized_output", "stored",
    "reused", "fee", "paid_online", "supplement_note", "row_hash", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "dossier_id", "old_status", "new_status", "status_at", "import_run_id", "recorded_at",
)  # fmt: skip
TABLE_COLUMNS = {
    "units": UNIT_COLUMNS,
    "procedures": PROCEDURE_COLUMNS,
    "dossiers": DOSSIER_COLUMNS,
    "status_events": EVENT_COLUMNS,
}


def insert_sql(table: str) -> str:
    """`INSERT INTO table (cols) VALUES (?, …)` for one of TABLE_COLUMNS' tables."""
    cols = TABLE_COLUMNS[table]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"


def bulk_insert_sync(conn: sqlite3.Connection, table: str, rows: Iterable[Sequence]) -> None:
    """Insert tuples (in TABLE_COLUMNS order) with executemany on a plain sqlite3 connection."""
    conn.executemany(insert_sql(table), rows)


async def bulk_insert(db: Database, table: str, rows: Iterable[Sequence]) -> None:
    """Insert tuples (in TABLE_COLUMNS order) in one write transaction."""
    async with db.transaction() as conn:
        await conn.executemany(insert_sql(table), list(rows))
