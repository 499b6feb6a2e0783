"""Catalogue search for chat (/thutuc): accent-insensitive LIKE on procedures.name_search."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database


@dataclass
class Procedure:
    """One catalogue entry as shown to citizens."""

    id: int
    unit_id: int
    code: str
    name: str
    level: str
    days: int | None
    fee_text: str | None


def _escape(word: str) -> str:
    """Escape LIKE wildcards in a search word."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search(
    db: Database, words: list[str], limit: int = 10, unit_id: int | None = None
) -> tuple[list[Procedure], int]:
    """Procedures whose folded name holds every folded word: (first `limit`, how many in all)."""
    words = [w for w in words if w][:8]
    if not words:
        return [], 0
    where = " AND ".join("name_search LIKE ? ESCAPE '\\'" for _ in words)
    params: list[object] = [f"%{_escape(w)}%" for w in words]
    if unit_id is not None:
        where += " AND unit_id = ?"
        params.append(unit_id)
    async with db.reader.execute(f"SELECT COUNT(*) FROM procedures WHERE {where}", params) as cur:
        total = int((await cur.fetchone())[0])
    async with db.reader.execute(
        "SELECT id, unit_id, code, name, level, days, fee_text FROM procedures"
        f" WHERE {where} ORDER BY length(name), name LIMIT ?",
        [*params, limit],
    ) as cur:
        rows = [Procedure(*r) for r in await cur.fetchall()]
    return rows, total
