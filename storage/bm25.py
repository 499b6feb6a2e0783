"""The catalogue search on PostgreSQL: SQLite FTS5's bm25 over procedure_terms (migration 0025).

FTS5 (SQLite, migration 0020) ranks a match by bm25 with the name weighing ten times the field;
here the same figures are read from the terms PostgreSQL keeps for each procedure (the tokens of
the folded name and field, per column; each procedure's size; the store's totals) and the same
formula is applied in the same order, so both engines put the same procedures first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from storage.conn import Conn

K1 = 1.2  # FTS5's bm25 constants (fts5_aux.c)
B = 0.75
NAME_WEIGHT = 10.0
FIELD_WEIGHT = 1.0
_AFTER_Z = "{"  # the character after 'z' (and every digit): the end of a prefix's range

_PHRASES = "SELECT w, i FROM unnest(?::text[]) WITH ORDINALITY AS q(w, i)"
_IN_PREFIX = (
    't.term COLLATE "C" >= q.w AND t.term COLLATE "C" < q.w || \'' + _AFTER_Z + "'"
)
_TOTALS = (
    "SELECT COALESCE(MAX(docs), 0) AS docs, COALESCE(MAX(tokens), 0) AS tokens"
    " FROM procedure_search_totals WHERE id = 1"
)
_HITS_PER_PHRASE = (
    f"WITH q AS ({_PHRASES})"
    " SELECT q.i, (SELECT COUNT(*) FROM (SELECT DISTINCT t.unit_id, t.procedure_id"
    f"  FROM procedure_terms t WHERE {_IN_PREFIX}) AS h) AS n FROM q ORDER BY q.i"
)


def idf(rows: int, hits: int) -> float:
    """FTS5's inverse document frequency of a phrase found in `hits` of `rows` rows."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def score(idfs: Sequence[float], freqs: Sequence[float], size: int, avgdl: float) -> float:
    """FTS5's bm25 of one row: `freqs` its weighted hits per phrase, `size` its tokens
    (negative: the best match has the lowest score, as FTS5 returns it)."""
    total = 0.0
    for weight, freq in zip(idfs, freqs, strict=True):
        total += weight * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * size / avgdl)))
    return -1.0 * total


async def hits(conn: Conn, words: list[str], every: bool, columns: str,
               unit_id: int | None) -> list[dict[str, Any]]:
    """The procedures matching the prefixes `words` (all of them when `every`, else any):
    `columns` of procedures p and their bm25 `score`, best first (ties by id)."""
    if not words:
        return []
    totals = (await conn.execute_fetchall(_TOTALS))[0]
    docs, tokens = int(totals["docs"]), int(totals["tokens"])
    if docs == 0:
        return []
    found = await conn.execute_fetchall(_HITS_PER_PHRASE, (words,))
    idfs = [idf(docs, int(r["n"])) for r in found]
    avgdl = float(tokens) / float(docs)
    params: list[object] = [words]
    unit = ""
    if unit_id is not None:
        unit = " AND t.unit_id = ?"
        params.append(unit_id)
    params.append(len(words) if every else 1)
    sql = (
        f"WITH q AS ({_PHRASES}),"
        " f AS (SELECT t.unit_id, t.procedure_id, q.i, SUM(t.in_name) AS in_name,"
        "  SUM(t.in_field) AS in_field FROM q JOIN procedure_terms t"
        f"  ON {_IN_PREFIX}{unit} GROUP BY t.unit_id, t.procedure_id, q.i),"
        " m AS (SELECT unit_id, procedure_id, array_agg(i ORDER BY i) AS phrases,"
        "  array_agg(in_name ORDER BY i) AS in_name, array_agg(in_field ORDER BY i) AS in_field"
        "  FROM f GROUP BY unit_id, procedure_id HAVING COUNT(*) >= ?)"
        f" SELECT {columns}, d.tokens AS size, m.phrases, m.in_name, m.in_field FROM m"
        " JOIN procedures p ON p.unit_id = m.unit_id AND p.id = m.procedure_id"
        " JOIN procedure_docs d ON d.unit_id = m.unit_id AND d.procedure_id = m.procedure_id"
    )
    out = []
    for r in await conn.execute_fetchall(sql, params):
        freqs = [0.0] * len(words)
        for i, in_name, in_field in zip(r["phrases"], r["in_name"], r["in_field"], strict=True):
            freqs[int(i) - 1] = NAME_WEIGHT * int(in_name) + FIELD_WEIGHT * int(in_field)
        row = {k: r[k] for k in r.keys() if k not in ("size", "phrases", "in_name", "in_field")}  # noqa: SIM118
        row["score"] = score(idfs, freqs, int(r["size"]), avgdl)
        out.append(row)
    out.sort(key=lambda row: (row["score"], row["id"]))
    return out
