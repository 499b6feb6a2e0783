"""The SQL of the service-index estimate (bot/stats/index766.py, index766.md): the dossiers that
count late for 2.1, the procedures with fees and with online payments (3.5b), the fee-bearing
dossiers not paid online (3.6) and the dossiers rated "không hài lòng" (5.4).

A period's dossiers are the same three disjoint row sets as the report's (storage/stats.py):
received in P, carried over unfinished, carried over and finished at or after the start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from storage import stats_counters as counters
from storage.dialect import Dialect
from storage.stats import (
    _ST_END,
    Bounds,
    Counted,
    _in_list,
    counted,
    only_ids,
    row_sets,
)
from storage.store import Store

# Per row (alias d): resolved in P; the supplement requests up to the end of P.
_RES = "(d.finished_at >= :s AND d.finished_at <= :e)"
_SUP_N = ("(SELECT COUNT(*) FROM status_events x WHERE x.dossier_id = d.id"
          " AND x.new_status = 'supplement' AND x.status_at <= :e)")
_SUP_AT = ("(SELECT MAX(x.status_at) FROM status_events x WHERE x.dossier_id = d.id"
           " AND x.new_status = 'supplement' AND x.status_at <= :e)")
_PROC_NAME = (
    "COALESCE((SELECT p.name FROM procedures p WHERE p.unit_id = d.unit_id"
    " AND p.code = d.procedure_code), d.procedure_name, d.procedure_code)"
)
# A pending row, its status at the end of P and its supplement requests, for 2.1.
_ROW = f"""SELECT d.id, d.unit_id, d.code, d.procedure_code, d.officer, d.due_at, d.finished_at,
  d.status, d.status_at,
  CASE WHEN {_RES} THEN NULL ELSE COALESCE({_ST_END}, '') END AS st_end,
  CASE WHEN {_RES} THEN 0 ELSE {_SUP_N} END AS sup_n,
  CASE WHEN {_RES} THEN NULL ELSE {_SUP_AT} END AS sup_at"""
# Rows that may be late or turn late by :mday (the last day of the month): a result finished
# after its due day; a pending row whose due day is before :mday or that waits for a supplement.
_MAYBE = f"""(CASE WHEN {_RES} THEN d.status NOT IN ('rejected', 'stopped', 'withdrawn')
    AND substr(d.finished_at, 1, 10) > substr(d.due_at, 1, 10)
  ELSE substr(d.due_at, 1, 10) < :mday OR d.status = 'supplement'
    OR EXISTS (SELECT 1 FROM status_events x WHERE x.dossier_id = d.id
               AND x.new_status = 'supplement') END)"""
# The verdict on those rows: 'late' (counts late in 2.1), 'soon' (pending, turns late before
# the month ends), else NULL (on time).
_VERDICT = """CASE
  WHEN st_end IS NULL THEN 'late'
  WHEN st_end = 'supplement' THEN CASE
    WHEN sup_n > 1 THEN 'late'
    WHEN substr(COALESCE(sup_at, status_at), 1, 10) > substr(due_at, 1, 10) THEN 'late' END
  WHEN substr(due_at, 1, 10) < :eday THEN 'late'
  WHEN substr(due_at, 1, 10) < :mday THEN 'soon' END"""


def _sets(dialect: Dialect, unit_sql: str) -> tuple[str, str, str]:
    """The period's three disjoint row sets as `FROM … WHERE …` for these units."""
    return row_sets(dialect, unit_sql)


@dataclass(frozen=True)
class LateDossier:
    """A dossier that counts late in 2.1 (or will before the month ends)."""

    id: int
    unit_id: int
    code: str
    procedure_code: str
    procedure: str
    officer: str | None
    due_day: str  # 'YYYY-MM-DD'
    finished_day: str | None  # resolved in P: its day; else None (pending)
    days_late: int  # calendar days past due (at the end of P, or when it finished)
    supplements: int  # supplement requests up to the end of P
    soon: bool  # not late yet; will be at the month's end if nothing is done


async def late_dossiers(
    db: Store, unit_ids: Sequence[int], bounds: Bounds, month_end_day: str,
    only: Sequence[int] | None = None,
) -> list[LateDossier]:
    """The period's dossiers that count late for 2.1 and those that turn late by month_end_day
    ('YYYY-MM-DD'), fewest days late first (only: among these dossiers)."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    unit_sql += only_ids(only)
    parts = [f"{_ROW}, {_PROC_NAME} AS pname {rows} AND {_MAYBE}"
             for rows in _sets(db.dialect, unit_sql)]
    # MATERIALIZED: each row's subqueries run once (flattened, every use of st_end, sup_n and
    # sup_at in the verdict would run them again).
    sql = f"""WITH r AS MATERIALIZED ({" UNION ALL ".join(parts)}),
v AS MATERIALIZED (SELECT *, {_VERDICT} AS verdict FROM r)
SELECT * FROM v WHERE verdict IS NOT NULL"""
    out = []
    async with db.reader.execute(sql, {**params, **bounds.params(), "mday": month_end_day}) as cur:
        for r in await cur.fetchall():
            due = str(r[5])[:10]
            fin = str(r[6])[:10] if r[9] is None else None
            days = _days_between(due, fin or bounds.end_day)
            out.append(LateDossier(
                int(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[12]),
                None if r[4] in (None, "") else str(r[4]), due, fin, max(days, 0), int(r[10]),
                r[13] == "soon",
            ))  # fmt: skip
    out.sort(key=lambda d: (d.soon, d.days_late, d.due_day, d.code))
    return out


def _days_between(a: str, b: str) -> int:
    """Calendar days from day a to day b ('YYYY-MM-DD')."""
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


async def late_counts(
    db: Store, unit_ids: Sequence[int], bounds: Bounds, done: Counted | None = None
) -> dict[int, int] | None:
    """Per unit, how many of the period's dossiers count late for 2.1, from the per-day
    counters (results finished late plus pending late at the end, and the inconsistent rows
    from late_dossiers); None for a period that is not made of whole days. done: the counters'
    figures when already read."""
    whole = await counters.whole_days(db, unit_ids, bounds)
    if whole is None:
        return None
    bounds = whole
    done = done or await counted(db, unit_ids, bounds)
    out = {int(u): c["resolved_late"] + c["late21"] for u, c in done.days.items()}
    if done.inconsistent:
        late = await late_dossiers(db, unit_ids, bounds, bounds.end_day, done.inconsistent)
        for d in late:
            out[d.unit_id] += not d.soon
    return out


def fees_counted(done: Counted) -> dict[int, tuple[int, int]]:
    """fee_procedures from the counters' figures."""
    return {u: (p[3], p[2]) for u, p in done.procs.items() if p[2]}


async def fee_procedures(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> dict[int, tuple[int, int]]:
    """Per unit: (procedures with a dossier paid online, procedures with a dossier with a fee),
    among the dossiers received in P (3.5b); units without a fee are left out."""
    whole = await counters.whole_days(db, unit_ids, bounds)
    if whole is not None:
        return fees_counted(await counted(db, unit_ids, whole))
    return await fee_procedures_rows(db, unit_ids, bounds)


async def fee_procedures_rows(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> dict[int, tuple[int, int]]:
    """fee_procedures from the dossiers' rows (any bounds)."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = f"""SELECT unit_id, COALESCE(SUM(paid), 0), COUNT(*) FROM (
SELECT d.unit_id, d.procedure_code,
  MAX(CASE WHEN d.paid_online <> 0 THEN 1 ELSE 0 END) AS paid
{_sets(db.dialect, unit_sql)[0]} AND d.fee > 0
GROUP BY d.unit_id, d.procedure_code) AS fees GROUP BY unit_id"""
    async with db.reader.execute(sql, {**params, **bounds.params()}) as cur:
        return {int(r[0]): (int(r[1]), int(r[2])) for r in await cur.fetchall()}


@dataclass(frozen=True)
class DossierRef:
    """A dossier named under an indicator: code, procedure and officer."""

    id: int
    unit_id: int
    code: str
    procedure: str
    officer: str | None


async def _refs(db: Store, sql: str, params: dict[str, object]) -> list[DossierRef]:
    """DossierRef rows of (id, unit_id, code, procedure name, officer)."""
    async with db.reader.execute(sql, params) as cur:
        return [
            DossierRef(int(r[0]), int(r[1]), str(r[2]), str(r[3]),
                       None if r[4] in (None, "") else str(r[4]))
            for r in await cur.fetchall()
        ]  # fmt: skip


async def unpaid_fees(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> list[DossierRef]:
    """The dossiers received in P with a fee that were not paid online (3.6), by code."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = (f"SELECT d.id, d.unit_id, d.code, {_PROC_NAME}, d.officer "
           f"{_sets(db.dialect, unit_sql)[0]} AND d.fee > 0 AND d.paid_online = 0"
           " ORDER BY d.code")
    return await _refs(db, sql, {**params, **bounds.params()})


async def unsatisfied(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> list[DossierRef]:
    """The period's dossiers rated "không hài lòng" (score 3) at or before its end (5.4)."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    # From the few "không hài lòng" ratings to their dossiers, then the period's row sets.
    rated = ("d.id IN (SELECT r.dossier_id FROM ratings r WHERE r.score = 3"
             " AND r.rated_at <= :e)")
    parts = [f"SELECT d.id, d.unit_id, d.code, {_PROC_NAME}, d.officer {rows} AND {rated}"
             for rows in _sets(db.dialect, unit_sql)]
    return await _refs(db, " UNION ALL ".join(parts) + " ORDER BY 3", {**params,
                                                                       **bounds.params()})
