"""Queries the demo needs: is this the demo's own store, and sample dossiers for its tour."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.store import Store

_DATA_TABLES = ("dossiers", "procedures", "staff")


def store_state(path: Path) -> str:
    """'missing', 'empty', 'demo' (marked by mark_demo) or 'other', read without migrating."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return "missing"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            tables = {str(r["name"]) for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "schema_version" not in tables:
                return "empty" if not tables else "other"
            if "store_meta" in tables and conn.execute(
                    "SELECT 1 FROM store_meta WHERE key = 'demo'").fetchone():
                return "demo"
            rows = sum(conn.execute(f"SELECT COUNT(*) AS n FROM {t}").fetchone()["n"]
                       for t in _DATA_TABLES if t in tables)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return "other"
    return "empty" if rows == 0 else "other"


async def mark_demo(db: Store) -> None:
    """Mark the store as the demo's own (it holds only the demo data set)."""
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO store_meta (key, value) VALUES ('demo', '1')"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value")


async def is_demo(db: Store) -> bool:
    """True when mark_demo marked this store as the demo's own."""
    async with db.reader.execute("SELECT 1 FROM store_meta WHERE key = 'demo'") as cur:
        return await cur.fetchone() is not None


async def tour_samples(db: Store) -> list[tuple[str, str, str]]:
    """(label, code, phone's last 4) for a few telling dossiers of the demo."""
    wanted = (
        ("Hồ sơ đã trả kết quả", "status = 'returned' AND received_at >= '2026-06-01'"),
        ("Hồ sơ đang yêu cầu bổ sung", "status = 'supplement'"),
        ("Hồ sơ đang xử lý, đã quá hạn", "status = 'processing' AND due_at < '2026-06-30'"),
        ("Hồ sơ mới tiếp nhận", "status IN ('received', 'processing') AND due_at >= '2026-07-01'"),
    )
    out = []
    for label, where in wanted:
        sql = (
            f"SELECT code, phone_last4 FROM dossiers WHERE {where} AND phone_last4 IS NOT NULL"
            " ORDER BY received_at DESC LIMIT 1"
        )
        async with db.reader.execute(sql) as cur:
            row = await cur.fetchone()
        if row is not None:
            out.append((label, str(row["code"]), str(row["phone_last4"])))
    return out
