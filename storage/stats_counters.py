"""Per-day counters of the figures (issue 17 "Speed"): rebuilt per dirty unit in a write
transaction of its own, read as sums over a few thousand rows for any period made of whole days.
One implementation for both engines (issue 16): on SQLite a unit's rebuild runs in one hop on
the writer's thread (Database.write_in_one_hop); on PostgreSQL several processes may rebuild at
once, and the stats_dirty row each deletes keeps them from rebuilding a unit twice.

Migration 0022 holds the tables and the triggers that mark a unit dirty. A period [S, D] of
whole days reads: the received and finished counts summed over S..D (stats_days r_*, f_*), the
levels at the end of D (pending by status at the end of the period: p_*), the cumulative counts
before S (carried over = received before S − finished before S), and the distinct procedures
from stats_proc_years (whole months: a bit per month) and stats_proc_days (the other days).
Dossiers finished before they were received are left out of everything but the received counts
and counted by the exact row path (storage/stats.py), so every figure equals the row path's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from storage.conn import Conn
from storage.stats import Bounds
from storage.store import Store

R_COLS = {
    "r_n": "received_total", "r_direct": "received_direct", "r_online": "received_online",
    "r_fees": "fees_charged", "r_fees_paid": "fees_paid_online", "r_scope": "in_scope",
    "r_dig_in": "digitized_input", "r_stored": "stored", "r_reused": "reused",
    "r_full_fully": "full_fully_online", "r_none": "none_dossiers",
    "r_none_online": "none_online", "r_partial": "partial_dossiers",
    "r_partial_online": "partial_online", "r_full": "full_dossiers",
    "r_full_online": "full_online",
}  # fmt: skip
F_COLS = {
    "f_rejected": "resolved_rejected", "f_withdrawn": "resolved_withdrawn", "f_results": "results",
    "f_early": "resolved_early", "f_late": "resolved_late", "f_dig_out": "digitized_output",
    "f_dig_both": "digitized_both",
}  # fmt: skip
P_COLS = ("p_supplement", "p_payment", "p_late", "p_late21")
C_COLS = ("c_received", "c_finished")
COLS = (*R_COLS, *F_COLS, *C_COLS, *P_COLS)
_IDX = {c: i for i, c in enumerate(COLS)}
_LEVELS = {"khong": ("r_none", "r_none_online"), "mot_phan": ("r_partial", "r_partial_online"),
           "toan_trinh": ("r_full", "r_full_online")}  # fmt: skip
NOT_RESULT = ("rejected", "stopped", "withdrawn")


def aligned(start: str, end: str, end_day: str) -> bool:
    """True when the bounds are whole days (the counters' grain): 00:00:00 to 23:59:59."""
    return start.endswith("T00:00:00") and end == f"{end_day}T23:59:59"


async def whole_days(db: Store, unit_ids: Sequence[int], bounds: Bounds) -> Bounds | None:
    """The bounds the counters can answer for: the same when they are whole days; for a period
    ending now (mid-day), its whole last day when none of the units' dossiers records anything
    later than now (so nothing differs); else None (the row path answers)."""
    if not bounds.start.endswith("T00:00:00"):
        return None
    if aligned(bounds.start, bounds.end, bounds.end_day):
        return bounds
    await ensure_fresh(db)
    unit_sql, params = _units(unit_ids)
    sql = f"SELECT COALESCE(MAX(max_at), '') FROM stats_units WHERE {unit_sql}"
    async with db.reader.execute(sql, params) as cur:
        row = await cur.fetchone()
        assert row is not None  # MAX() always returns one row
        latest = str(row[0])
    if latest > bounds.end:
        return None
    return Bounds(bounds.start, f"{bounds.end_day}T23:59:59", bounds.end_day)


def _next_day(day: str) -> str:
    """The day after 'YYYY-MM-DD'."""
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _pending_levels(
    r_day: str, f_day: str | None, due_day: str, status: str, status_at: str,
    events: list[tuple[str, str]],
) -> list[tuple[str, tuple[int, int, int, int]]]:
    """The dossier's (supplement, payment, late, late for 2.1) at the end of each day where any
    changes, as (day, values), from the definitions of storage/stats.py and storage/index766.py
    for a period ending that day. events: (status_at, new_status) in (status_at, id) order."""
    st_day = status_at[:10]
    points = {r_day, st_day, _next_day(due_day), *(at[:10] for at, _ in events)}
    if f_day is not None:
        points.add(f_day)
    out: list[tuple[str, tuple[int, int, int, int]]] = []
    last = (0, 0, 0, 0)
    for x in sorted(p for p in points if p >= r_day):
        if f_day is not None and x >= f_day:
            values = (0, 0, 0, 0)
        else:
            seen = [(at, s) for at, s in events if at[:10] <= x]
            st = seen[-1][1] if seen else (status if st_day <= x else "")
            if st == "supplement":
                asked = [at for at, s in seen if s == "supplement"]
                when = asked[-1] if asked else status_at
                values = (1, 0, 0, int(len(asked) > 1 or when[:10] > due_day))
            elif st == "payment":
                values = (0, 1, 0, int(due_day < x))
            else:
                values = (0, 0, int(due_day < x), int(due_day < x))
        if values != last:
            a, b, c, d = (v - w for v, w in zip(values, last, strict=True))
            out.append((x, (a, b, c, d)))
            last = values
        if f_day is not None and x >= f_day:
            break
    return out


_ROWS = """SELECT d.id, d.channel, d.received_at, d.due_at, d.finished_at, d.status, d.status_at,
  d.procedure_code, p.level, d.fully_online, d.digitized_input, d.digitized_output, d.stored,
  d.reused, d.fee, d.paid_online
FROM dossiers d LEFT JOIN procedures p ON p.unit_id = d.unit_id AND p.code = d.procedure_code
WHERE d.unit_id = ?"""
_EVENTS = """SELECT e.dossier_id, e.status_at, e.new_status FROM status_events e
JOIN dossiers d ON d.id = e.dossier_id WHERE d.unit_id = ?
ORDER BY e.dossier_id, e.status_at, e.id"""


def _received(row: tuple, acc: list[int]) -> None:
    """Add a dossier's received counts (storage/stats.py _RECEIVED_PACKS) to a day's row."""
    _, channel, _, _, _, status, _, _, level, fully, dig_in, _, stored, reused, fee, paid = row
    online = channel == "truc_tuyen"
    acc[_IDX["r_n"]] += 1
    acc[_IDX["r_direct"]] += channel == "truc_tiep"
    acc[_IDX["r_online"]] += online
    if fee > 0:
        acc[_IDX["r_fees"]] += 1
        acc[_IDX["r_fees_paid"]] += paid != 0
    if status != "rejected":
        acc[_IDX["r_scope"]] += 1
        acc[_IDX["r_dig_in"]] += dig_in != 0
        acc[_IDX["r_stored"]] += stored != 0
        acc[_IDX["r_reused"]] += reused != 0
    if level in _LEVELS:
        n, on = _LEVELS[level]
        acc[_IDX[n]] += 1
        acc[_IDX[on]] += online
        acc[_IDX["r_full_fully"]] += level == "toan_trinh" and online and fully != 0


def _finished(row: tuple, acc: list[int]) -> None:
    """Add a consistent dossier's outcome (storage/stats.py _OUTCOME_PACKS) to its day's row."""
    due, fin, status, dig_in, dig_out = row[3], row[4], row[5], row[10], row[11]
    acc[_IDX["c_finished"]] += 1
    if status in ("rejected", "stopped"):
        acc[_IDX["f_rejected"]] += 1
    elif status == "withdrawn":
        acc[_IDX["f_withdrawn"]] += 1
    else:
        acc[_IDX["f_results"]] += 1
        acc[_IDX["f_early"]] += fin < due[:10]
        acc[_IDX["f_late"]] += fin[:10] > due[:10]
        acc[_IDX["f_dig_out"]] += dig_out != 0
        acc[_IDX["f_dig_both"]] += dig_in != 0 and dig_out != 0


def _procs(grain: dict[tuple[str, str], list], key: str, bit: int, row: tuple) -> None:
    """Mark the dossier's procedure as having a dossier (with a fee, paid online) in a grain
    (bit: the grain's bit, 1 for a day, the month's for a year)."""
    code, level, fee, paid = row[7], row[8], row[14], row[15]
    cur = grain.setdefault((key, code), [level, 0, 0, 0])
    cur[1] |= bit
    cur[2] |= bit if fee > 0 else 0
    cur[3] |= bit if fee > 0 and paid != 0 else 0


async def rebuild_unit(conn: Conn, unit_id: int) -> None:
    """Recompute one unit's counters from its dossiers, events and catalogue (in the caller's
    write transaction; one implementation for both engines)."""
    events: dict[int, list[tuple[str, str]]] = {}
    async with conn.execute(_EVENTS, (unit_id,)) as cur:
        async for did, at, status in cur:
            events.setdefault(did, []).append((at, status))
    days: dict[str, list[int]] = {}
    by_day: dict[tuple[str, str], list] = {}
    by_year: dict[tuple[str, str], list] = {}

    def acc(day: str) -> list[int]:
        """The counters row of a day."""
        row = days.get(day)
        if row is None:
            row = days[day] = [0] * len(COLS)
        return row

    latest = max((at for evs in events.values() for at, _ in evs), default="")
    async with conn.execute(_ROWS, (unit_id,)) as cur:
        async for row in cur:
            rec, due, fin = row[2], row[3], row[4]
            latest = max(latest, rec, fin or "", row[6])
            r_day = rec[:10]
            _received(row, acc(r_day))
            _procs(by_day, r_day, 1, row)
            _procs(by_year, r_day[:4], 1 << (int(r_day[5:7]) - 1), row)
            if fin is not None and fin < rec:
                continue  # inconsistent: the row path counts it
            acc(r_day)[_IDX["c_received"]] += 1
            if fin is not None:
                _finished(row, acc(fin[:10]))
            for day, delta in _pending_levels(r_day, None if fin is None else fin[:10],
                                              due[:10], row[5], row[6], events.get(row[0], [])):
                target = acc(day)
                for col, v in zip(P_COLS, delta, strict=True):
                    target[_IDX[col]] += v
    running = dict.fromkeys((*C_COLS, *P_COLS), 0)
    out = []
    for day in sorted(days):
        values = days[day]
        for col in running:
            running[col] += values[_IDX[col]]
            values[_IDX[col]] = running[col]
        out.append((unit_id, day, *values))
    months: dict[str, list[int]] = {}
    n_sums = len(R_COLS) + len(F_COLS)
    for day in sorted(days):
        month = months.setdefault(day[:7], [0] * n_sums)
        for i, v in enumerate(days[day][:n_sums]):
            month[i] += v
    for table in ("stats_days", "stats_months", "stats_proc_days", "stats_proc_years",
                  "stats_catalogue", "stats_units"):
        await conn.execute(f"DELETE FROM {table} WHERE unit_id = ?", (unit_id,))
    await conn.executemany(
        f"INSERT INTO stats_days (unit_id, day, {', '.join(COLS)})"
        f" VALUES (?, ?{', ?' * len(COLS)})", out)
    await conn.executemany(f"INSERT INTO stats_months VALUES (?, ?{', ?' * n_sums})",
                           [(unit_id, m, *v) for m, v in months.items()])
    await conn.execute("INSERT INTO stats_units VALUES (?, ?)", (unit_id, latest))
    await conn.execute("INSERT INTO stats_catalogue SELECT unit_id, level, COUNT(*)"
                       " FROM procedures WHERE unit_id = ? GROUP BY unit_id, level", (unit_id,))
    await conn.executemany(
        "INSERT INTO stats_proc_days VALUES (?, ?, ?, ?, ?, ?)",
        [(unit_id, k, code, v[0], v[2], v[3]) for (k, code), v in by_day.items()])
    await conn.executemany(
        "INSERT INTO stats_proc_years VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(unit_id, k, code, *v) for (k, code), v in by_year.items()])


# Taking a dirty unit: deleting its stats_dirty row locks it (PostgreSQL) until the rebuild
# commits, so a second process rebuilding at the same time waits for it and then finds the row
# gone (nothing is rebuilt twice); the SKIP LOCKED form passes over a unit another process is
# rebuilding, to come back to it after the others (SQLite: one writer, both forms are one).
_TAKE = "DELETE FROM stats_dirty WHERE unit_id = ?"
_TAKE_FREE = ("DELETE FROM stats_dirty WHERE unit_id IN"
              " (SELECT unit_id FROM stats_dirty WHERE unit_id = ?{skip_locked})")


async def _rebuild_if_dirty(conn: Conn, unit_id: int, wait: bool) -> bool:
    """Rebuild one unit (in the caller's write transaction) if it is still marked dirty and,
    unless wait, not being rebuilt by another process; True when rebuilt here."""
    sql = _TAKE if wait else _TAKE_FREE.format(skip_locked=conn.dialect.skip_locked)
    async with conn.execute(sql, (unit_id,)) as cur:
        taken = cur.rowcount > 0
    if taken:
        await rebuild_unit(conn, unit_id)
    return taken


async def ensure_fresh(db: Store) -> int:
    """Rebuild the counters of the units changed since the last build (none: nothing to do);
    returns how many this call rebuilt. Called before every read of the counters and after each
    import. One write transaction per unit (SQLite: in one hop on the writer's thread), so other
    writers wait at most one unit's rebuild. On PostgreSQL several processes may call it at
    once: each takes the units no other is rebuilding, then waits for the others' (a unit is
    rebuilt once, and every unit is fresh when it returns)."""
    async with db.reader.execute("SELECT unit_id FROM stats_dirty ORDER BY unit_id") as cur:
        units = [int(r[0]) for r in await cur.fetchall()]
    rebuilt = 0
    passed: list[int] = []
    for unit in units:
        if await db.write_in_one_hop(_rebuild_if_dirty, unit, False):
            rebuilt += 1
        else:
            passed.append(unit)
    if db.dialect.is_postgresql:
        for unit in passed:  # clean by now, or being rebuilt elsewhere: wait for that
            rebuilt += await db.write_in_one_hop(_rebuild_if_dirty, unit, True)
    return rebuilt


def _units(values: Sequence[int]) -> tuple[str, dict[str, object]]:
    """`unit_id IN (:u0, …)` and its parameters (empty: matches nothing)."""
    if not values:
        return "1 = 0", {}
    keys: dict[str, object] = {f"u{i}": int(v) for i, v in enumerate(values)}
    return f"unit_id IN ({', '.join(':' + k for k in keys)})", keys


async def _levels_at(db: Store, unit_ids: Sequence[int], op: str, day: str,
                     cols: Sequence[str]) -> dict[int, dict[str, int]]:
    """The level columns of each unit's last row with `day <op> :day` (no row: zeros)."""
    if not unit_ids:
        return {}
    values = ", ".join(f"({int(u)})" for u in unit_ids)
    sql = (f"WITH u(id) AS (VALUES {values}) SELECT u.id, {', '.join('s.' + c for c in cols)}"
           " FROM u JOIN stats_days s ON s.unit_id = u.id AND s.day = (SELECT MAX(x.day)"
           f" FROM stats_days x WHERE x.unit_id = u.id AND x.day {op} :day)")
    async with db.reader.execute(sql, {"day": day}) as cur:
        return {int(r[0]): dict(zip(cols, map(int, r[1:]), strict=True))
                for r in await cur.fetchall()}


def month_split(first: str, last: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The whole months ('YYYY-MM') inside first..last (days) and the day ranges left over."""
    months, ranges = [], []
    lo = date.fromisoformat(first)
    end = date.fromisoformat(last)
    while lo <= end:
        month_start = lo.replace(day=1)
        month_end = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
        hi = min(end, month_end - timedelta(days=1))
        if lo == month_start and hi == month_end - timedelta(days=1):
            months.append(f"{lo:%Y-%m}")
        else:
            ranges.append((lo.isoformat(), hi.isoformat()))
        lo = hi + timedelta(days=1)
    return months, ranges


def _grains(
    cols: str, tables: tuple[str, str], unit_sql: str, params: dict[str, object],
    first: str, last: str,
) -> str:
    """`SELECT unit_id, <cols>` from the month table for the whole months of first..last and
    from the day table for the days left over, as one UNION ALL (params are added to)."""
    months, ranges = month_split(first, last)
    parts = []
    if months:
        keys = {f"m{i}": m for i, m in enumerate(months)}
        params.update(keys)
        parts.append(f"SELECT unit_id, {cols} FROM {tables[0]} WHERE {unit_sql}"
                     f" AND month IN ({', '.join(':' + k for k in keys)})")
    for i, (lo, hi) in enumerate(ranges):
        params.update({f"lo{i}": lo, f"hi{i}": hi})
        parts.append(f"SELECT unit_id, {cols} FROM {tables[1]} WHERE {unit_sql}"
                     f" AND day >= :lo{i} AND day <= :hi{i}")
    return " UNION ALL ".join(parts)


async def proc_counts(
    db: Store, unit_ids: Sequence[int], first: str, last: str, check: bool = True
) -> dict[int, tuple[int, int, int, int]]:
    """Per unit: distinct procedures with dossiers received in first..last of level mot_phan,
    of level toan_trinh, with a fee, with a fee paid online (check: as in catalogue)."""
    if check:
        await ensure_fresh(db)
    unit_sql, params = _units(unit_ids)
    months, ranges = month_split(first, last)
    masks: dict[str, int] = {}
    for m in months:
        masks[m[:4]] = masks.get(m[:4], 0) | 1 << (int(m[5:7]) - 1)
    parts = []
    for i, (year, mask) in enumerate(masks.items()):
        params.update({f"y{i}": year, f"k{i}": mask})
        parts.append(f"SELECT unit_id, code, level,"
                     f" CASE WHEN (fee_months & :k{i}) <> 0 THEN 1 ELSE 0 END AS fee,"
                     f" CASE WHEN (paid_months & :k{i}) <> 0 THEN 1 ELSE 0 END AS paid"
                     " FROM stats_proc_years WHERE"
                     f" {unit_sql} AND year = :y{i} AND (months & :k{i}) <> 0")
    for i, (lo, hi) in enumerate(ranges):
        params.update({f"lo{i}": lo, f"hi{i}": hi})
        parts.append("SELECT unit_id, code, level, fee, paid FROM stats_proc_days WHERE"
                     f" {unit_sql} AND day >= :lo{i} AND day <= :hi{i}")
    rows = parts[0] if len(parts) == 1 and masks else (
        "SELECT unit_id, code, MAX(level) AS level, MAX(fee) AS fee, MAX(paid) AS paid"
        f" FROM ({' UNION ALL '.join(parts)}) AS grains GROUP BY unit_id, code")
    sql = ("SELECT unit_id, SUM(CASE WHEN level = 'mot_phan' THEN 1 ELSE 0 END),"
           " SUM(CASE WHEN level = 'toan_trinh' THEN 1 ELSE 0 END), SUM(fee),"
           f" SUM(paid) FROM ({rows}) AS procs GROUP BY unit_id")
    async with db.reader.execute(sql, params) as cur:
        return {int(r[0]): (int(r[1] or 0), int(r[2] or 0), int(r[3] or 0), int(r[4] or 0))
                for r in await cur.fetchall()}


async def catalogue(
    db: Store, unit_ids: Sequence[int], check: bool = True
) -> dict[int, dict[str, int]]:
    """Per unit, the catalogue's procedures by level as proc_none, proc_partial, proc_full
    (check: rebuild stale counters first; False when the caller just did)."""
    if check:
        await ensure_fresh(db)
    unit_sql, params = _units(unit_ids)
    names = {"khong": "proc_none", "mot_phan": "proc_partial", "toan_trinh": "proc_full"}
    out: dict[int, dict[str, int]] = {int(u): {} for u in unit_ids}
    sql = f"SELECT unit_id, level, n FROM stats_catalogue WHERE {unit_sql}"
    async with db.reader.execute(sql, params) as cur:
        for unit, level, n in await cur.fetchall():
            out[int(unit)][names[level]] = int(n)
    return out


async def day_counts(
    db: Store, unit_ids: Sequence[int], first: str, last: str, check: bool = True
) -> dict[int, dict[str, int]]:
    """Per unit, for the whole days first..last, from the counters of consistent dossiers (and
    the received counts of every dossier): the count keys of bot.stats.figures that are sums
    (received, outcome, pending by status at the end, carried over) and 'late21' (index 2.1's
    pending late at the end). Inconsistent dossiers' other counts are the caller's to add.
    check: as in catalogue."""
    if check:
        await ensure_fresh(db)
    unit_sql, params = _units(unit_ids)
    cols = (*R_COLS, *F_COLS)
    rows = _grains(", ".join(cols), ("stats_months", "stats_days"), unit_sql, params, first,
                   last)
    sums = ", ".join(f"SUM({c})" for c in cols)
    sql = f"SELECT unit_id, {sums} FROM ({rows}) AS grains GROUP BY unit_id"
    keys = (*R_COLS.values(), *F_COLS.values())
    out: dict[int, dict[str, int]] = {int(u): dict.fromkeys(keys, 0) for u in unit_ids}
    async with db.reader.execute(sql, params) as cur:
        for r in await cur.fetchall():
            out[int(r[0])] = dict(zip(keys, (int(v or 0) for v in r[1:]), strict=True))
    at_end = await _levels_at(db, unit_ids, "<=", last, (*P_COLS, *C_COLS))
    before = await _levels_at(db, unit_ids, "<", first, C_COLS)
    for u in unit_ids:
        end, old = at_end.get(int(u), {}), before.get(int(u), {})
        c = out[int(u)]
        c["carried_over"] = old.get("c_received", 0) - old.get("c_finished", 0)
        c["pending_supplement"] = end.get("p_supplement", 0)
        c["pending_payment"] = end.get("p_payment", 0)
        c["pending_late"] = end.get("p_late", 0)
        c["late21"] = end.get("p_late21", 0)
    return out
