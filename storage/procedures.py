"""Catalogue search for chat: full-text over folded names and fields (SQLite FTS5; on PostgreSQL
the same bm25 over procedure_terms, storage/bm25.py), ranked by relevance and by how many
dossiers each procedure had lately; one procedure's card details."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from storage import bm25
from storage.conn import Conn
from storage.store import Store

RANKED = 50  # the best FTS hits whose recent dossiers are counted for the ranking
_COLUMNS = "p.id, p.unit_id, p.code, p.name, p.level, p.days, p.fee_text, p.documents, " \
    "p.office, p.url, p.field"
_FIELDS = tuple(c.strip().removeprefix("p.") for c in _COLUMNS.split(","))


def _procedure(row: Any) -> Procedure:
    """A catalogue entry from a row of _COLUMNS, by column name."""
    return Procedure(**{name: row[name] for name in _FIELDS})


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
    documents: str | None = None
    office: str | None = None
    url: str | None = None
    field: str | None = None


def _match(words: list[str], joiner: str) -> str:
    """An FTS5 query: each folded word as a quoted prefix term, joined by AND or OR."""
    terms = [f'"{w}"*' for w in words]
    return f" {joiner} ".join(terms)


async def _hits(conn: Conn, words: list[str], every: bool, unit_id: int | None,
                keep: int) -> tuple[list[Any], int]:
    """The best `keep` matches of the prefixes `words` (all of them when `every`, else any):
    procedure rows with their bm25 `score`, best first, ties by id; and how many match. FTS5
    on SQLite, storage/bm25.py on PostgreSQL (the same formula over the same terms)."""
    if conn.dialect.is_postgresql:
        return await bm25.hits(conn, words, every, _COLUMNS, unit_id, keep)
    params: list[object] = [_match(words, "AND" if every else "OR")]
    unit = ""
    if unit_id is not None:
        unit = " AND p.unit_id = ?"
        params.append(unit_id)
    # CROSS JOIN keeps the FTS index first (SQLite's join-order hint): a count by unit would
    # otherwise walk the unit's procedures and run the full-text query for each.
    where = f" FROM procedures_fts CROSS JOIN procedures p ON p.id = procedures_fts.rowid" \
        f" WHERE procedures_fts MATCH ?{unit}"
    rows = await conn.execute_fetchall(
        f"SELECT {_COLUMNS}, bm25(procedures_fts, {bm25.NAME_WEIGHT}, {bm25.FIELD_WEIGHT})"
        f" AS score{where} ORDER BY score, p.id LIMIT ?", [*params, keep],
    )
    if len(rows) < keep:
        return rows, len(rows)
    return rows, int((await conn.execute_fetchall("SELECT COUNT(*)" + where, params))[0][0])


async def recent_counts(db: Store, codes: list[str], since: str,
                        known: dict[str, int] | None = None) -> dict[str, int]:
    """How many dossiers of each procedure code were received since (local text stamp).

    `known` holds counts already made for the same `since` and data (the caller keeps it, e.g.
    on ctx.cache under counts_version); missing ones are counted and added to it.
    """
    known = {} if known is None else known
    missing = [code for code in dict.fromkeys(codes) if code not in known]
    if missing:
        known.update(await db.read(_count_received, missing, since))
    return known


async def _count_received(conn: Conn, codes: list[str], since: str) -> dict[str, int]:
    """recent_counts' one statement: dossiers received since, for each of these codes (0 for
    a code without any)."""
    rows = await conn.execute_fetchall(
        "SELECT procedure_code, COUNT(*) AS n FROM dossiers WHERE "
        + conn.dialect.in_list("procedure_code") + " AND received_at >= ?"
        " GROUP BY procedure_code",
        (conn.dialect.list_param(codes), since),
    )
    found = {str(r["procedure_code"]): int(r["n"]) for r in rows}
    return {code: found.get(code, 0) for code in codes}


async def counts_version(db: Store) -> tuple[int, int]:
    """What the recent counts depend on: the last import run and the last dossier (ids)."""
    async with db.reader.execute(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM import_runs),"
        " (SELECT COALESCE(MAX(id), 0) FROM dossiers)"
    ) as cur:
        row = await cur.fetchone()
    assert row is not None  # an aggregate query always returns one row
    return int(row[0]), int(row[1])


async def search(
    db: Store, words: list[str], limit: int = 10, unit_id: int | None = None,
    since: str | None = None, known: dict[str, int] | None = None,
) -> tuple[list[Procedure], int]:
    """Procedures matching the folded words (all of them, else any): (first `limit`, how many).

    Ranked by bm25 relevance (the name weighs ten times the field) times 1 + ln(1 + the
    procedure's dossiers received since `since`), so the busiest of equally relevant ones leads.
    `known`: counts already made (see recent_counts).
    """
    words = [w for w in (re.sub(r"[^0-9a-z]", "", w) for w in words) if w][:8]
    if not words:
        return [], 0
    keep = max(RANKED, limit)
    rows, total = await db.read(_hits, words, True, unit_id, keep)
    if not total and len(words) > 1:
        rows, total = await db.read(_hits, words, False, unit_id, keep)
    top = rows[:RANKED]
    counts = await recent_counts(db, [r["code"] for r in top], since, known) if since else {}

    def weight(row: Any) -> float:
        """Relevance (positive) times the popularity factor."""
        return -float(row["score"]) * (1.0 + math.log1p(counts.get(row["code"], 0)))

    ranked = sorted(top, key=weight, reverse=True) + rows[RANKED:]
    return [_procedure(r) for r in ranked[:limit]], total


async def procedure_by_id(db: Store, procedure_id: int) -> Procedure | None:
    """One catalogue entry by its id, or None."""
    async with db.reader.execute(
        f"SELECT {_COLUMNS} FROM procedures p WHERE p.id = ?", (procedure_id,)
    ) as cur:
        row = await cur.fetchone()
    return _procedure(row) if row else None
