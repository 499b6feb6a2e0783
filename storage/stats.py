"""All the SQL of the report figures: per-unit aggregates over dossiers (figures.md), top
procedures, late dossiers by officer.

Period bounds are stored-format text ('YYYY-MM-DDTHH:MM:SS', local time), so comparisons are
text comparisons and a calendar day is substr(x, 1, 10). The candidate rows of a period are
three disjoint index-friendly sets: received in P (index dossiers_received), received before P
and unfinished (dossiers_finished, finished_at IS NULL), received before P and finished at or
after its start (dossiers_finished range: since migration 0008 that index holds received_at, so
only the carried-over rows are read from the table). Each set is counted by its own grouped
query and the sums are added per unit in Python; the status at the end of P is looked up in
status_events (index status_events_dossier) for the pending rows only.

For a period of whole days, unit_counts reads the per-day counters instead
(storage/stats_counters.py, docs/stats.md); the row path stays for other periods and for the
dossiers finished before they were received, and is what the counters are tested against.

A resolved dossier whose status is not rejected/stopped/withdrawn counts as a result (early,
on time or late by its days), so the identities of figures.md hold even on inconsistent data.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storage.dialect import Dialect
from storage.store import Store

FINAL_NOT_RESULT = "('rejected', 'stopped', 'withdrawn')"


def _in_list(name: str, values: Sequence[int]) -> tuple[str, dict[str, object]]:
    """`col IN (:u0, :u1, …)` and its parameters (an empty list matches nothing)."""
    if not values:
        return "1 = 0", {}
    keys: dict[str, object] = {f"u{i}": int(v) for i, v in enumerate(values)}
    return f"{name} IN ({', '.join(':' + k for k in keys)})", keys


# Per row (alias d): resolved in P, a result in P, the status at the end of P (pending rows).
_RES = "(d.finished_at >= :s AND d.finished_at <= :e)"
_OK = f"({_RES} AND d.status NOT IN {FINAL_NOT_RESULT})"
_FDAY, _DDAY = "substr(d.finished_at, 1, 10)", "substr(d.due_at, 1, 10)"
_ST_END = """COALESCE(
    (SELECT e.new_status FROM status_events e
     WHERE e.dossier_id = d.id AND e.status_at <= :e
     ORDER BY e.status_at DESC, e.id DESC LIMIT 1),
    CASE WHEN d.status_at <= :e THEN d.status END)"""

# The three disjoint row sets of a period's figures, as `FROM … WHERE` (units: {units}). Each is
# one range of an index whose first column is unit_id, so its rows come in unit order and
# `GROUP BY d.unit_id` needs no sorting. ({level_index}, {plus}: SQLite's index hints, empty on
# PostgreSQL, see Dialect.indexed_by and Dialect.no_index.)
_RECEIVED = "FROM dossiers d{join} WHERE {units} AND d.received_at >= :s AND d.received_at <= :e"
_LEVEL_JOIN = (
    " LEFT JOIN procedures p{level_index}"
    " ON p.unit_id = d.unit_id AND p.code = d.procedure_code"
)
_CARRIED_OPEN = (
    "FROM dossiers d WHERE {units} AND d.finished_at IS NULL AND {plus}d.received_at < :s"
)
_CARRIED_DONE = "FROM dossiers d WHERE {units} AND d.finished_at >= :s AND d.received_at < :s"


def row_sets(dialect: Dialect, unit_sql: str, level: bool = False) -> tuple[str, str, str]:
    """The period's three disjoint row sets as `FROM … WHERE …` for these units, in the
    engine's spelling (level: the received rows joined to their procedure, alias p)."""
    join = _LEVEL_JOIN.format(level_index=dialect.indexed_by("procedures_level")) if level else ""
    return (_RECEIVED.format(join=join, units=unit_sql),
            _CARRIED_OPEN.format(units=unit_sql, plus=dialect.no_index),
            _CARRIED_DONE.format(units=unit_sql))

# Counting is the hot path (a city's quarter is ~270 000 rows): each row evaluates one CASE per
# packed column instead of one expression per count. A packed column adds, per row, up to three
# 0/1 counts in 20-bit fields (F0, F1, F2); Python splits the sum. That is exact while a unit's
# row set has fewer than 2**20 rows; beyond (or on SQLite's integer overflow) the same
# expressions are summed one field at a time (`_plain`). On PostgreSQL SUM(bigint) is numeric
# (never overflows), so only the row count decides. A condition is counted as
# `CASE WHEN cond THEN k ELSE 0 END` (PostgreSQL neither multiplies nor sums booleans).
FIELD_BITS = 20
F0, F1, F2 = 1, 1 << FIELD_BITS, 1 << (2 * FIELD_BITS)


def _if(cond: str, value: object = 1) -> str:
    """`value` when cond holds, else 0 (a boolean counted on both engines)."""
    return f"CASE WHEN {cond} THEN {value} ELSE 0 END"

_OK_THEN = (
    f"CASE WHEN {_RES} THEN CASE d.status WHEN 'rejected' THEN NULL WHEN 'stopped' THEN NULL"
    " WHEN 'withdrawn' THEN NULL ELSE {then} END END"
)
# (expression, names of its fields F0, F1, F2): every row set (outcome in P, state at its end).
# (A day before due_at's day: finished_at < that day's text, one substr() less per row.)
_OUTCOME_PACKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        f"CASE WHEN {_RES} THEN CASE d.status WHEN 'rejected' THEN {F0} WHEN 'stopped' THEN {F0}"
        f" WHEN 'withdrawn' THEN {F1} ELSE {F2} END END",
        ("resolved_rejected", "resolved_withdrawn", "results"),
    ),
    (
        _OK_THEN.format(
            then=f"CASE WHEN d.finished_at < {_DDAY} THEN {F0} WHEN {_FDAY} > {_DDAY} THEN {F1}"
            f" ELSE 0 END + {_if('d.digitized_output <> 0', F2)}"
        ),
        ("resolved_early", "resolved_late", "digitized_output"),
    ),
    (_OK_THEN.format(then=_if("d.digitized_input <> 0 AND d.digitized_output <> 0")),
     ("digitized_both",)),
    (
        f"CASE WHEN {_RES} THEN NULL ELSE CASE COALESCE({_ST_END}, '')"
        f" WHEN 'supplement' THEN {F0} WHEN 'payment' THEN {F1}"
        f" ELSE {_if(f'{_DDAY} < :eday', F2)} END END",
        ("pending_supplement", "pending_payment", "pending_late"),
    ),
)  # fmt: skip
_ONLINE = "(d.channel = 'truc_tuyen')"
# The dossiers received in P only (channel, level of the procedure p, scope, fees).
_RECEIVED_PACKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        f"CASE d.channel WHEN 'truc_tiep' THEN {F0} WHEN 'truc_tuyen' THEN {F1} ELSE 0 END"
        f" + {_if('d.fee > 0', F2)}",
        ("received_direct", "received_online", "fees_charged"),
    ),
    (
        f"{_if('d.fee > 0 AND d.paid_online <> 0', F0)}"
        f" + CASE WHEN d.status <> 'rejected' THEN {F1} + {_if('d.digitized_input <> 0', F2)}"
        " ELSE 0 END",
        ("fees_paid_online", "in_scope", "digitized_input"),
    ),
    (
        f"CASE WHEN d.status <> 'rejected' THEN {_if('d.stored <> 0', F0)}"
        f" + {_if('d.reused <> 0', F1)}"
        f" ELSE 0 END + CASE WHEN p.level = 'toan_trinh' AND {_ONLINE} AND d.fully_online <> 0"
        f" THEN {F2} ELSE 0 END",
        ("stored", "reused", "full_fully_online"),
    ),
    (
        f"CASE p.level WHEN 'khong' THEN {F0} + {_if(_ONLINE, F1)} WHEN 'mot_phan' THEN {F2}"
        " ELSE 0 END",
        ("none_dossiers", "none_online", "partial_dossiers"),
    ),
    (
        f"CASE p.level WHEN 'mot_phan' THEN {_if(_ONLINE, F0)}"
        f" WHEN 'toan_trinh' THEN {F1} + {_if(_ONLINE, F2)} ELSE 0 END",
        ("partial_online", "full_dossiers", "full_online"),
    ),
)  # fmt: skip
_ACTIVE = """
  COUNT(DISTINCT CASE WHEN p.level = 'mot_phan' THEN p.id END) AS partial_active,
  COUNT(DISTINCT CASE WHEN p.level = 'toan_trinh' THEN p.id END) AS full_active"""


def _packed(packs: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    """The packed columns: `SUM(expr) AS "pack:a,b,c"`."""
    return ",\n  ".join(f'SUM({expr}) AS "pack:{",".join(names)}"' for expr, names in packs)


def _plain(packs: Sequence[tuple[str, tuple[str, ...]]]) -> str:
    """The same counts one column each: `SUM(((expr) >> shift) & 1) AS name`."""
    return ",\n  ".join(
        f"SUM((({expr}) >> {k * FIELD_BITS}) & 1) AS {name}"
        for expr, names in packs
        for k, name in enumerate(names)
    )


def _unpack(names: Sequence[str], row: sqlite3.Row) -> dict[str, int]:
    """These columns of a result row as counts, the packed columns split into their fields."""
    out: dict[str, int] = {}
    mask = (1 << FIELD_BITS) - 1
    for name in names:
        value = int(row[name] or 0)
        if name.startswith("pack:"):
            for k, field in enumerate(name[5:].split(",")):
                out[field] = (value >> (k * FIELD_BITS)) & mask
        else:
            out[name] = value
    return out


@dataclass(frozen=True)
class Bounds:
    """A period as stored text: first instant, last instant (or now), and the end's day."""

    start: str  # 'YYYY-MM-DDT00:00:00'
    end: str  # 'YYYY-MM-DDT23:59:59', or now when the period has not ended
    end_day: str  # 'YYYY-MM-DD'

    def params(self) -> dict[str, str]:
        """The named parameters :s, :e, :eday."""
        return {"s": self.start, "e": self.end, "eday": self.end_day}


async def all_unit_ids(db: Store) -> list[int]:
    """Every unit id, in order."""
    async with db.reader.execute("SELECT id FROM units ORDER BY id") as cur:
        return [int(r["id"]) for r in await cur.fetchall()]


async def unit_names(db: Store) -> dict[int, str]:
    """Every unit's name by id."""
    async with db.reader.execute("SELECT id, name FROM units ORDER BY id") as cur:
        return {int(r["id"]): str(r["name"]) for r in await cur.fetchall()}


async def _sums_by_unit(
    db: Store,
    select: str,
    rest: str,
    packs: Sequence[tuple[str, tuple[str, ...]]],
    params: Mapping[str, object],
) -> dict[int, dict[str, int]]:
    """`SELECT d.unit_id, COUNT(*) AS n, <select>, <packs> <rest>` grouped by unit:
    {unit: {name: count}}, packed while exact, else one column per count."""
    for columns in (_packed(packs), _plain(packs)):
        sql = f"SELECT d.unit_id, COUNT(*) AS n{select},\n  {columns}\n{rest} GROUP BY d.unit_id"
        try:
            async with db.reader.execute(sql, params) as cur:
                rows = await cur.fetchall()
                # (PostgreSQL describes the columns of rows only: none, no names needed.)
                names = [c[0] for c in cur.description][1:] if rows else []
        except sqlite3.OperationalError as exc:  # integer overflow of a packed sum
            if "overflow" not in str(exc):
                raise
            continue
        if all(int(r["n"]) < F1 for r in rows):
            break
    return {int(r["unit_id"]): _unpack(names, r) for r in rows}


def _derive(c: Counter[str]) -> dict[str, int]:
    """The counts that follow from the others (totals, postal, on time, on track)."""
    c["total"] = c["received_total"] + c["carried_over"]
    c["received_postal"] = c["received_total"] - c["received_direct"] - c["received_online"]
    c["resolved_total"] = c["resolved_rejected"] + c["resolved_withdrawn"] + c["results"]
    c["resolved_on_time"] = c["results"] - c["resolved_early"] - c["resolved_late"]
    c["pending_total"] = c["total"] - c["resolved_total"]
    c["pending_on_track"] = (
        c["pending_total"] - c["pending_supplement"] - c["pending_payment"] - c["pending_late"]
    )
    return dict(c)


async def _catalogue(db: Store, unit_ids: Sequence[int], out: dict[int, dict[str, int]]) -> None:
    """Add the catalogue's procedures by level (proc_none, proc_partial, proc_full)."""
    proc_sql, proc_params = _in_list("unit_id", unit_ids)
    names = {"khong": "proc_none", "mot_phan": "proc_partial", "toan_trinh": "proc_full"}
    async with db.reader.execute(
        f"SELECT unit_id, level, COUNT(*) FROM procedures WHERE {proc_sql} "
        "GROUP BY unit_id, level",
        proc_params,
    ) as cur:
        for unit, level, n in await cur.fetchall():
            out[int(unit)][names[level]] = int(n)


def only_ids(ids: Sequence[int] | None) -> str:
    """` AND d.id IN (…)` restricting a row set to these dossiers (None: no restriction)."""
    if ids is None:
        return ""
    return f" AND d.id IN ({', '.join(str(int(i)) for i in ids)})" if ids else " AND 1 = 0"


async def unit_counts(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> dict[int, dict[str, int]]:
    """The raw counts (bot.stats.figures.COUNT_KEYS) of each unit for the period: from the
    per-day counters (storage/stats_counters.py) for a period of whole days, else from the rows."""
    from storage import stats_counters as counters

    whole = await counters.whole_days(db, unit_ids, bounds)
    if whole is None:
        return await unit_counts_rows(db, unit_ids, bounds)
    return (await counted(db, unit_ids, whole)).counts


@dataclass(frozen=True)
class Counted:
    """What the per-day counters give for a period of whole days, per unit: the report's counts,
    the day counts (with 'late21', the pending late of index 2.1), the distinct procedures
    (storage.stats_counters.proc_counts) and the inconsistent dossiers (left to the row path)."""

    counts: dict[int, dict[str, int]]
    days: dict[int, dict[str, int]]
    procs: dict[int, tuple[int, int, int, int]]
    inconsistent: list[int]


async def counted(db: Store, unit_ids: Sequence[int], bounds: Bounds) -> Counted:
    """The counters' figures of a period of whole days (see Counted)."""
    from storage import stats_counters as counters

    await counters.ensure_fresh(db)
    first, last = bounds.start[:10], bounds.end_day
    days = await counters.day_counts(db, unit_ids, first, last, check=False)
    odd = await inconsistent_ids(db, unit_ids)
    extra = await unit_counts_rows(db, unit_ids, bounds, odd) if odd else {}
    procs = await counters.proc_counts(db, unit_ids, first, last, check=False)
    out: dict[int, dict[str, int]] = {}
    for unit in unit_ids:
        c = Counter(days[int(unit)])
        c.pop("late21", None)
        c.update({k: v for k, v in extra.get(int(unit), {}).items() if k in _NOT_RECEIVED})
        c["partial_active"], c["full_active"] = procs.get(int(unit), (0, 0, 0, 0))[:2]
        out[int(unit)] = _derive(c)
    for unit, procs_by_level in (await counters.catalogue(db, unit_ids, check=False)).items():
        out[unit].update(procs_by_level)
    return Counted(out, days, procs, odd)


# The counts of an inconsistent dossier (finished before received) that the counters leave out.
_NOT_RECEIVED = (
    "carried_over", "resolved_rejected", "resolved_withdrawn", "results", "resolved_early",
    "resolved_late", "digitized_output", "digitized_both", "pending_supplement",
    "pending_payment", "pending_late",
)  # fmt: skip


async def inconsistent_ids(db: Store, unit_ids: Sequence[int]) -> list[int]:
    """The dossiers of these units finished before they were received (index
    dossiers_inconsistent, migration 0022). No units, no query: with a WHERE that is false
    whatever the rows, SQLite finds no plan for the forced index ("no query solution")."""
    if not unit_ids:
        return []
    unit_sql, params = _in_list("unit_id", unit_ids)
    sql = (f"SELECT id FROM dossiers{db.dialect.indexed_by('dossiers_inconsistent')}"
           f" WHERE finished_at < received_at AND {unit_sql}")
    async with db.reader.execute(sql, params) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


async def unit_counts_rows(
    db: Store, unit_ids: Sequence[int], bounds: Bounds, only: Sequence[int] | None = None
) -> dict[int, dict[str, int]]:
    """The raw counts of each unit for the period from the dossiers' rows (only: these
    dossiers). Three grouped scans (received in P; carried over unfinished; carried over and
    finished at or after the start) whose sums are added per unit, then the catalogue's
    procedures by level.
    """
    unit_sql, units = _in_list("d.unit_id", unit_ids)
    unit_sql += only_ids(only)
    params: dict[str, object] = {**units, **bounds.params()}
    received_rows = row_sets(db.dialect, unit_sql, level=True)[0]
    received = await _sums_by_unit(
        db, "," + _ACTIVE, received_rows, _OUTCOME_PACKS + _RECEIVED_PACKS, params,
    )  # fmt: skip
    carried: dict[int, Counter[str]] = {}
    for rows in row_sets(db.dialect, unit_sql)[1:]:
        part = await _sums_by_unit(db, "", rows, _OUTCOME_PACKS, params)
        for unit, sums in part.items():
            carried.setdefault(unit, Counter()).update(sums)
    out: dict[int, dict[str, int]] = {}
    for unit in unit_ids:
        c = Counter(received.get(int(unit), {}))
        old = carried.get(int(unit), Counter())
        c["received_total"] = c.pop("n", 0)
        c["carried_over"] = old.pop("n", 0)
        c.update(old)
        out[int(unit)] = _derive(c)
    await _catalogue(db, unit_ids, out)
    return out


async def top_procedures(
    db: Store, unit_ids: Sequence[int], bounds: Bounds, limit: int = 5
) -> list[tuple[str, str, int]]:
    """The procedures with the most dossiers received in P: (code, name, count)."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sql = f"""
SELECT g.code, COALESCE(MAX(p.name), MAX(g.name), g.code) AS name, SUM(g.n) AS n
FROM (SELECT d.unit_id, d.procedure_code AS code, MAX(d.procedure_name) AS name, COUNT(*) AS n
      {row_sets(db.dialect, unit_sql)[0]} GROUP BY d.unit_id, d.procedure_code) g
LEFT JOIN procedures p ON p.unit_id = g.unit_id AND p.code = g.code
GROUP BY g.code ORDER BY n DESC, g.code LIMIT :lim"""
    async with db.reader.execute(sql, {**params, **bounds.params(), "lim": limit}) as cur:
        return [(str(r["code"]), str(r["name"]), int(r["n"])) for r in await cur.fetchall()]


async def late_counts_by_officer(
    db: Store, unit_ids: Sequence[int], bounds: Bounds
) -> list[tuple[str | None, int, int]]:
    """(officer, resolved late in P, pending late at the end of P) for officers with any,
    most late first; officer None for dossiers without an officer."""
    unit_sql, params = _in_list("d.unit_id", unit_ids)
    sums = f"""SELECT d.officer AS officer,
  COALESCE(SUM(CASE WHEN {_OK} THEN {_if(f"{_FDAY} > {_DDAY}")} END), 0) AS rl,
  COALESCE(SUM(CASE WHEN {_RES} THEN NULL WHEN {_DDAY} < :eday
      THEN {_if(f"COALESCE({_ST_END}, '') NOT IN ('supplement', 'payment')")} END), 0) AS pl"""
    maybe_late = f"(CASE WHEN {_RES} THEN {_OK} AND {_FDAY} > {_DDAY} ELSE {_DDAY} < :eday END)"
    parts = [
        f"{sums} {rows} AND {maybe_late} GROUP BY d.officer"
        for rows in row_sets(db.dialect, unit_sql)
    ]
    sql = (
        "SELECT officer, SUM(rl) AS rl, SUM(pl) AS pl FROM ("
        + " UNION ALL ".join(parts)
        + ") AS late GROUP BY officer HAVING SUM(rl) + SUM(pl) > 0"
        " ORDER BY SUM(rl) + SUM(pl) DESC, officer"
    )
    async with db.reader.execute(sql, {**params, **bounds.params()}) as cur:
        return [
            (None if r["officer"] in (None, "") else str(r["officer"]), int(r["rl"] or 0),
             int(r["pl"] or 0))
            for r in await cur.fetchall()
        ]


async def data_version(db: Store) -> tuple[int, ...]:
    """What a summary depends on, cheaply: the last import run, dossier and status event
    (primary-key maxima: only imports write them), the number of import runs (on PostgreSQL
    two processes' imports overlap, and the one holding the smaller ids may commit last: no
    maximum moves then, the count does), and the ratings' count and score sum (a re-rating
    updates a row in place)."""
    sql = (
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM import_runs),"
        " (SELECT COUNT(*) FROM import_runs),"
        " (SELECT COALESCE(MAX(id), 0) FROM dossiers),"
        " (SELECT COALESCE(MAX(id), 0) FROM status_events),"
        " (SELECT COUNT(*) FROM ratings), (SELECT COALESCE(SUM(score), 0) FROM ratings)"
    )
    async with db.reader.execute(sql) as cur:
        row = await cur.fetchone()
    assert row is not None  # an aggregate query always returns one row
    return tuple(int(v) for v in row)


async def received_span(db: Store, unit_id: int | None = None) -> tuple[str, str] | None:
    """The first and last day ('YYYY-MM-DD') on which the store's dossiers (of one unit, or
    all) were received; None when it holds none (issue 18: say so instead of zeros). Two index
    seeks per unit on dossiers_received, whatever the store's size."""
    ids = [unit_id] if unit_id is not None else await all_unit_ids(db)
    first: list[str] = []
    last: list[str] = []
    for uid in ids:
        for order, into in (("ASC", first), ("DESC", last)):
            async with db.reader.execute(
                "SELECT received_at FROM dossiers WHERE unit_id = ?"
                f" ORDER BY received_at {order} LIMIT 1", (uid,)
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                into.append(str(row[0]))
    if not first:
        return None
    return min(first)[:10], max(last)[:10]
