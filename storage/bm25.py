"""The catalogue search on PostgreSQL: SQLite FTS5's bm25 over procedure_terms (migration 0025).

FTS5 (SQLite, migration 0020) ranks a match by bm25 with the name weighing ten times the field;
here the same figures are read from the terms PostgreSQL keeps for each procedure (the tokens of
the folded name and field, per column; each procedure's size; the store's totals) and the same
formula is computed in double precision in FTS5's order of operations (fts5_aux.c), so both
engines give the same scores and put the same procedures first.
"""

from __future__ import annotations

from typing import Any

from storage.conn import Conn

NAME_WEIGHT = 10.0  # the column weights given to bm25() on SQLite
FIELD_WEIGHT = 1.0
_K1 = "1.2::float8"  # FTS5's constants, as written in fts5_aux.c
_B = "0.75::float8"
_F = "float8"

# A term of procedure_terms t starting with the word q.w (terms and words are [0-9a-z]: '{'
# sorts after all of them). Procedure ids are unique across units (one identity): the rows
# holding a term are counted by id alone, from the index on (term, procedure_id).
_IN_PREFIX = "t.term COLLATE \"C\" >= q.w AND t.term COLLATE \"C\" < q.w || '{'"

_HITS = f"""
WITH q AS MATERIALIZED (SELECT w, i FROM unnest(?::text[]) WITH ORDINALITY AS q(w, i)),
tot AS MATERIALIZED (
    SELECT docs, tokens::{_F} / docs::{_F} AS avgdl FROM procedure_search_totals
    WHERE id = 1 AND docs > 0),
n AS MATERIALIZED (
    SELECT q.i, (SELECT COUNT(DISTINCT t.procedure_id) FROM procedure_terms t
                 WHERE {_IN_PREFIX}) AS hits FROM q),
idf AS MATERIALIZED (
    SELECT n.i, ln(((tot.docs - n.hits)::{_F} + 0.5::{_F}) / (n.hits::{_F} + 0.5::{_F})) AS v
    FROM n, tot),
f AS MATERIALIZED (
    SELECT t.unit_id, t.procedure_id, q.i,
           {NAME_WEIGHT}::{_F} * SUM(t.in_name)::{_F}
           + {FIELD_WEIGHT}::{_F} * SUM(t.in_field)::{_F} AS freq
    FROM q JOIN procedure_terms t ON {_IN_PREFIX}{{unit}}
    GROUP BY t.unit_id, t.procedure_id, q.i),
m AS MATERIALIZED (
    SELECT unit_id, procedure_id FROM f GROUP BY unit_id, procedure_id HAVING COUNT(*) >= ?),
s AS (
    SELECT f.unit_id, f.procedure_id, -1.0::{_F} * SUM(
        CASE WHEN idf.v > 0.0::{_F} THEN idf.v ELSE 1e-6::{_F} END
        * ((f.freq * ({_K1} + 1.0::{_F}))
           / (f.freq + {_K1} * (1::{_F} - {_B} + {_B} * d.tokens::{_F} / tot.avgdl)))
        ORDER BY f.i) AS score
    FROM f JOIN m ON m.unit_id = f.unit_id AND m.procedure_id = f.procedure_id
    JOIN idf ON idf.i = f.i
    JOIN procedure_docs d ON d.unit_id = f.unit_id AND d.procedure_id = f.procedure_id
    CROSS JOIN tot
    GROUP BY f.unit_id, f.procedure_id)
SELECT {{columns}}, s.score, COUNT(*) OVER () AS total FROM s
JOIN procedures p ON p.unit_id = s.unit_id AND p.id = s.procedure_id
ORDER BY s.score, p.id LIMIT ?
"""


async def hits(conn: Conn, words: list[str], every: bool, columns: str, unit_id: int | None,
               keep: int) -> tuple[list[Any], int]:
    """The best `keep` procedures matching the prefixes `words` (all of them when `every`,
    else any) with `columns` of procedures p and their bm25 `score`, best first (ties by id),
    and how many match."""
    if not words:
        return [], 0
    params: list[object] = [words]
    unit = ""
    if unit_id is not None:
        unit = " AND t.unit_id = ?"
        params.append(unit_id)
    params += [len(words) if every else 1, keep]
    sql = _HITS.replace("{unit}", unit).replace("{columns}", columns)
    rows = await conn.execute_fetchall(sql, params)
    return rows, int(rows[0]["total"]) if rows else 0
