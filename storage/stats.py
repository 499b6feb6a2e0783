"""All the SQL of the report figures: per-unit aggregates over dossiers (figures.md), top
procedures, late dossiers by officer, and bulk inserts for tests and the benchmark.

Period bounds are stored-format text ('YYYY-MM-DDTHH:MM:SS', local time), so comparisons are
text comparisons and a calendar day is substr(x, 1, 10). The candidate rows of a period are
three disjoint index-friendly sets: received in P (index dossiers_received), received before P
and unfinished (dossiers_finished, finished_at IS NULL), received before P and finished at or
after its start (dossiers_finished range). Only those rows are read; the status at the end of P
is looked up in status_events (index status_events_dossier) for the pending ones only.

A resolved dossier whose status is not rejected/stopped/withdrawn counts as a result (early,
on time or late by its days), so the identities of figures.md hold even on inconsistent data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from storage.db import Database

FINAL_NOT_RESULT = "('rejected', 'stopped', 'withdrawn')"

_COLS = (
    "d.id, d.unit_id, d.channel, d.received_at, d.due_at, d.finished_at, d.status, d.status_at,"
    " d.officer, d.procedure_code, d.fully_online, d.digitized_input, d.digitized_output,"
    " d.stored, d.reused, d.fee, d.paid_online"
)


def _in_list(name: str, values: Sequence[int]) -> tuple[str, dict[str, int]]:
    """`col IN (:u0, :u1, …)` and its parameters (an empty list matches nothing)."""
    if not values:
        return "0", {}
    keys = {f"u{i}": int(v) for i, v in enumerate(values)}
    return f"{name} IN ({', '.join(':' + k for k in keys)})", keys


def _rows_cte(unit_sql: str) -> str:
    """The CTEs `cand` (candidate rows) and `st` (flags and status at the end of P)."""
    return f"""
WITH cand AS (
  SELECT {_COLS}, 1 AS in_p, p.level AS level, p.id AS pid
  FROM dossiers d LEFT JOIN procedures p ON p.unit_id = d.unit_id AND p.code = d.procedure_code
  WHERE {unit_sql} AND d.received_at >= :s AND d.received_at <= :e
  UNION ALL
  SELECT {_COLS}, 0, NULL, NULL FROM dossiers d
  WHERE {unit_sql} AND d.finished_at IS NULL AND +d.received_at < :s
  UNION ALL
  SELECT {_COLS}, 0, NULL, NULL FROM dossiers d
  WHERE {unit_sql} AND d.finished_at >= :s AND d.received_at < :s
), fl AS (
  SELECT c.*,
    (c.finished_at IS NOT NULL AND c.finished_at >= :s AND c.finished_at <= :e) AS res,
    substr(c.finished_at, 1, 10) AS fday, substr(c.due_at, 1, 10) AS dday
  FROM cand c
), st AS (
  SELECT f.*,
    (f.res AND f.status NOT IN {FINAL_NOT_RESULT}) AS ok,
    (f.in_p AND f.status <> 'rejected') AS scope,
    CASE WHEN f.res = 0 THEN COALESCE(
      (SELECT e.new_status FROM status_events e
       WHERE e.dossier_id = f.id AND e.status_at <= :e
       ORDER BY e.status_at DESC, e.id DESC LIMIT 1),
      CASE WHEN f.status_at <= :e THEN f.status END) END AS st_end
  FROM fl f LIMIT -1
)"""


_AGGREGATE = """
SELECT unit_id,
  SUM(in_p) AS received_total,
  SUM(in_p AND channel = 'truc_tiep') AS received_direct,
  SUM(in_p AND channel = 'truc_tuyen') AS received_online,
  SUM(in_p AND channel = 'buu_chinh') AS received_postal,
  SUM(1 - in_p) AS carried_over,
  COUNT(*) AS total,
  SUM(res) AS resolved_total,
  SUM(ok AND fday < dday) AS resolved_early,
  SUM(ok AND fday = dday) AS resolved_on_time,
  SUM(ok AND fday > dday) AS resolved_late,
  SUM(res AND status IN ('rejected', 'stopped')) AS resolved_rejected,
  SUM(res AND status = 'withdrawn') AS resolved_withdrawn,
  SUM(res = 0) AS pending_total,
  SUM(res = 0 AND st_end = 'supplement') AS pending_supplement,
  SUM(res = 0 AND st_end = 'payment') AS pending_payment,
  SUM(res = 0 AND COALESCE(st_end, '') NOT IN ('supplement', 'payment') AND dday >= :eday)
    AS pending_on_track,
  SUM(res = 0 AND COALESCE(st_end, '') NOT IN ('supplement', 'payment') AND dday < :eday)
    AS pending_late,
  SUM(level = 'khong') AS none_dossiers,
  SUM(level = 'khong' AND channel = 'truc_tuyen') AS none_online,
  COUNT(DISTINCT CASE WHEN level = 'mot_phan' THEN pid END) AS partial_active,
  SUM(level = 'mot_phan') AS partial_dossiers,
  SUM(level = 'mot_phan' AND channel = 'truc_tuyen') AS partial_online,
  COUNT(DISTINCT CASE WHEN level = 'toan_trinh' THEN pid END) AS full_active,
  SUM(level = 'toan_trinh') AS full_dossiers,
  SUM(level = 'toan_trinh' AND channel = 'truc_tuyen') AS full_online,
  SUM(level = 'toan_trinh' AND channel = 'truc_tuyen' AND fully_online <> 0)
    AS full_fully_online,
  SUM(scope) AS in_scope,
  SUM(scope AND digitized_input <> 0) AS digitized_input,
  SUM(scope AND stored <> 0) AS stored,
  SUM(scope AND reused <> 0) AS reused,
  SUM(ok) AS results,
  SUM(ok AND digitized_output <> 0) AS digitized_output,
  SUM(ok AND digitized_input <> 0 AND digitized_output <> 0) AS digitized_both,
  SUM(in_p AND fee > 0) AS fees_charged,
  SUM(in_p AND fee > 0 AND paid_online <> 0) AS fees_paid_online
FROM st GROUP BY unit_id"""


@dataclass(frozen=True)
class Bounds:
    """A period as stored text: first instant, last instant (or now), and the end's day."""

    start: str  # 'YYYY-MM-DDT00:00:00'
    end: str  # 'YYYY-MM-DDT23:59:59', or now when the period has not ended
    end_day: str  # 'YYYY-MM-DD'

    def params(self) -> dict[str, str]:
        """The named parameters :s, :e, :eday."""
        return {"s": self.start, "e": self.end, "eday": self.end_day}


async def all_unit_ids(db: Database) -> list[int]:
    """Every unit id, in order."""
    async with db.reader.execute("SELECT id FROM units ORDER BY id") as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def unit_names(db: Database) -> dict[int, str]:
    """Every unit's name by id."""
    async with db.reader.execute("SELECT id, name FROM units ORDER BY id") as cur:
        return {int(r[0]): str(r[1]) for r in await cur.fetchall()}


async def unit_counts(
    db: Database, unit_ids: Sequence[int], bounds: Bounds
) -> dict[int, dict[str, int]]:
    """The raw counts (bot.stats.figures.COUNT_KEYS) of each unit for the period."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = _rows_cte(unit_sql) + _AGGREGATE
    out: dict[int, dict[str, int]] = {int(u): {} for u in unit_ids}
    async with db.reader.execute(sql, {**params, **bounds.params()}) as cur:
        names_ = [c[0] for c in cur.description]
        for row in await cur.fetchall():
            out[int(row[0])] = {k: int(v or 0) for k, v in zip(names_[1:], row[1:], strict=True)}
    proc_sql, proc_params = _in_list("unit_id", unit_ids)
    names = {"khong": "proc_none", "mot_phan": "proc_partial", "toan_trinh": "proc_full"}
    async with db.reader.execute(
        f"SELECT unit_id, level, COUNT(*) FROM procedures WHERE {proc_sql} "
        "GROUP BY unit_id, level",
        proc_params,
    ) as cur:
        for unit, level, n in await cur.fetchall():
            out[int(unit)][names[level]] = int(n)
    return out


async def top_procedures(
    db: Database, unit_ids: Sequence[int], bounds: Bounds, limit: int = 5
) -> list[tuple[str, str, int]]:
    """The procedures with the most dossiers received in P: (code, name, count)."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = f"""
SELECT d.procedure_code AS code,
       COALESCE(MAX(p.name), MAX(d.procedure_name), d.procedure_code) AS name, COUNT(*) AS n
FROM dossiers d LEFT JOIN procedures p ON p.unit_id = d.unit_id AND p.code = d.procedure_code
WHERE {unit_sql} AND d.received_at >= :s AND d.received_at <= :e
GROUP BY d.procedure_code ORDER BY n DESC, d.procedure_code LIMIT :lim"""
    async with db.reader.execute(sql, {**params, **bounds.params(), "lim": limit}) as cur:
        return [(str(r[0]), str(r[1]), int(r[2])) for r in await cur.fetchall()]


async def late_by_officer(
    db: Database, unit_ids: Sequence[int], bounds: Bounds
) -> list[tuple[str | None, int, int]]:
    """(officer, resolved late in P, pending late at the end of P) for officers with any,
    most late first; officer None for dossiers without an officer."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = (
        _rows_cte(unit_sql)
        + """
SELECT officer, SUM(ok AND fday > dday) AS rl,
  SUM(res = 0 AND COALESCE(st_end, '') NOT IN ('supplement', 'payment') AND dday < :eday) AS pl
FROM st GROUP BY officer HAVING rl + pl > 0 ORDER BY rl + pl DESC, officer"""
    )
    async with db.reader.execute(sql, {**params, **bounds.params()}) as cur:
        return [
            (None if r[0] in (None, "") else str(r[0]), int(r[1]), int(r[2]))
            for r in await cur.fetchall()
        ]


# ---- bulk inserts (tests and the benchmark build their stores with these) ----

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
