"""Queries the demo needs: is the demo loaded, and sample dossiers for its tour."""

from __future__ import annotations

from storage.db import Database


async def has_demo(db: Database, unit_name: str) -> bool:
    """True when the store holds dossiers of the demo unit."""
    sql = (
        "SELECT 1 FROM dossiers d JOIN units u ON u.id = d.unit_id WHERE u.name = ? LIMIT 1"
    )
    async with db.reader.execute(sql, (unit_name,)) as cur:
        return await cur.fetchone() is not None


async def tour_samples(db: Database) -> list[tuple[str, str, str]]:
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
            out.append((label, str(row[0]), str(row[1])))
    return out
