"""Test helpers for the stats: hand-built rows inserted by SQL, a plain-Python recomputation
of figures.md, and the reference figures of the seed report (Q1 2026, Kẻ Sắt)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.config import Settings
from bot.context import AppContext
from bot.stats.figures import COUNT_KEYS, Figures, figures_from_counts
from bot.stats.periods import Period, quarter
from storage.db import Database
from storage.engine import open_store
from storage.store import Store
from tests.pg_helpers import pg_test_database
from tests.store_helpers import bulk_insert

FINAL = {"result", "returned", "rejected", "stopped", "withdrawn"}
STAMP = "2026-01-01T00:00:00"


@dataclass
class D:
    """One dossier row for a test; datetimes as stored text, unset fields get defaults."""

    received: str
    due: str = "2026-12-31T17:00:00"
    status: str = "processing"
    finished: str | None = None
    status_at: str | None = None
    channel: str = "truc_tuyen"
    procedure: str = "P-PART"
    unit: int = 1
    officer: str | None = None
    fully_online: int = 0
    digitized_input: int = 0
    digitized_output: int = 0
    stored: int = 0
    reused: int = 0
    fee: int = 0
    paid_online: int = 0
    events: list[tuple[str, str]] = field(default_factory=list)  # (new_status, status_at)

    def current_status_at(self) -> str:
        """status_at, or the import's default (finished_at for final statuses, else received)."""
        if self.status_at:
            return self.status_at
        return self.finished if self.status in FINAL and self.finished else self.received


# The default catalogue of unit 1: code -> level
CATALOGUE = {"P-NONE": "khong", "P-PART": "mot_phan", "P-PART2": "mot_phan", "P-FULL": "toan_trinh",
             "P-FULL2": "toan_trinh", "P-IDLE": "toan_trinh"}  # fmt: skip


async def insert_store(
    db: Database,
    dossiers: list[D],
    catalogue: dict[str, str] | None = None,
    units: tuple[str, ...] = ("Trung tâm Phục vụ hành chính công xã Kẻ Sắt",),
    catalogue_units: tuple[int, ...] | None = None,
) -> None:
    """Insert units, the catalogue (for each unit in catalogue_units, default all), dossiers and
    their status events straight into the store."""
    catalogue = CATALOGUE if catalogue is None else catalogue
    await bulk_insert(db, "units", [(i, n, STAMP) for i, n in enumerate(units, 1)])
    procs = []
    pid = itertools.count(1)
    for unit in catalogue_units or range(1, len(units) + 1):
        for code, level in catalogue.items():
            procs.append((next(pid), unit, code, f"Thủ tục {code}", code.lower(), None, level,
                          5, None, STAMP))
    await bulk_insert(db, "procedures", procs)
    rows, events = [], []
    eid = itertools.count(1)
    for i, d in enumerate(dossiers, 1):
        rows.append((
            i, d.unit, f"HS{i:06d}", d.procedure, None, "Nguyễn Văn A", "1234", "5678",
            d.channel, d.received, d.due, d.finished, None, d.status, d.current_status_at(),
            d.officer, d.fully_online, d.digitized_input, d.digitized_output, d.stored,
            d.reused, d.fee, d.paid_online, None, f"h{i}", STAMP,
        ))  # fmt: skip
        for status, at in d.events:
            events.append((next(eid), i, None, status, at, None, STAMP))
    await bulk_insert(db, "dossiers", rows)
    await bulk_insert(db, "status_events", events)
    await sync_identities(db, ("units", "procedures", "dossiers", "status_events"))


async def sync_identities(db: Store, tables: tuple[str, ...]) -> None:
    """After rows inserted with their ids: PostgreSQL's identities continue after the largest
    (SQLite's do by themselves), so rows added later without an id get new ones."""
    if db.engine != "postgresql":
        return
    async with db.transaction() as conn:
        for table in tables:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )


@asynccontextmanager
async def scratch_store(engine: str, folder: Path) -> AsyncIterator[tuple[Settings, Store]]:
    """Settings and a migrated empty store on this engine: a SQLite file in folder, or the
    emptied PostgreSQL test database (for tests that build many stores, as hypothesis does)."""
    url = pg_test_database() if engine == "postgresql" else None
    conf = Settings(db_path=folder / "s.db", database_url=url, _env_file=None)  # type: ignore[call-arg]
    db = await open_store(conf.store_url)
    try:
        yield conf, db
    finally:
        await db.close()


def _status_at_end(d: D, end: str) -> str | None:
    """The last event at or before end, else the current status if stamped at or before end."""
    best = None
    for status, at in d.events:  # later events win ties (insertion order = id order)
        if at <= end and (best is None or at >= best[1]):
            best = (status, at)
    if best:
        return best[0]
    return d.status if d.current_status_at() <= end else None


def python_counts(
    dossiers: list[D], catalogue: dict[str, str], start: str, end: str, end_day: str,
    units: tuple[int, ...] = (1,), catalogue_units: tuple[int, ...] = (1,),
) -> dict[str, int]:
    """figures.md computed in plain Python, one dossier at a time (the test oracle)."""
    c = dict.fromkeys(COUNT_KEYS, 0)
    for d in dossiers:
        if d.unit not in units:
            continue
        in_p = start <= d.received <= end
        carried = d.received < start and (d.finished is None or d.finished >= start)
        if not (in_p or carried):
            continue
        c["received_total"] += in_p
        c["carried_over"] += carried
        c["total"] += 1
        if in_p:
            c[{"truc_tiep": "received_direct", "truc_tuyen": "received_online",
               "buu_chinh": "received_postal"}[d.channel]] += 1  # fmt: skip
        resolved = d.finished is not None and start <= d.finished <= end
        is_result = resolved and d.status not in ("rejected", "stopped", "withdrawn")
        if resolved:
            c["resolved_total"] += 1
            if d.status in ("rejected", "stopped"):
                c["resolved_rejected"] += 1
            elif d.status == "withdrawn":
                c["resolved_withdrawn"] += 1
            else:
                fday, dday = d.finished[:10], d.due[:10]
                key = "early" if fday < dday else ("on_time" if fday == dday else "late")
                c["resolved_" + key] += 1
        else:
            c["pending_total"] += 1
            st = _status_at_end(d, end)
            if st == "supplement":
                c["pending_supplement"] += 1
            elif st == "payment":
                c["pending_payment"] += 1
            elif d.due[:10] >= end_day:
                c["pending_on_track"] += 1
            else:
                c["pending_late"] += 1
        level = catalogue.get(d.procedure) if d.unit in catalogue_units else None
        online = d.channel == "truc_tuyen"
        if in_p and level:
            name = {"khong": "none", "mot_phan": "partial", "toan_trinh": "full"}[level]
            c[f"{name}_dossiers"] += 1
            c[f"{name}_online"] += online
            if name == "full":
                c["full_fully_online"] += online and bool(d.fully_online)
        if in_p and d.status != "rejected":
            c["in_scope"] += 1
            c["digitized_input"] += bool(d.digitized_input)
            c["stored"] += bool(d.stored)
            c["reused"] += bool(d.reused)
        if is_result:
            c["results"] += 1
            c["digitized_output"] += bool(d.digitized_output)
            c["digitized_both"] += bool(d.digitized_input and d.digitized_output)
        if in_p and d.fee > 0:
            c["fees_charged"] += 1
            c["fees_paid_online"] += bool(d.paid_online)
    for level, name in (("mot_phan", "partial"), ("toan_trinh", "full")):
        active = set()
        for d in dossiers:
            if (d.unit in units and d.unit in catalogue_units and start <= d.received <= end
                    and catalogue.get(d.procedure) == level):
                active.add((d.unit, d.procedure))
        c[f"{name}_active"] = len(active)
    n_units = len([u for u in catalogue_units if u in units])
    for level, key in (("khong", "proc_none"), ("mot_phan", "proc_partial"),
                       ("toan_trinh", "proc_full")):
        c[key] = n_units * sum(1 for v in catalogue.values() if v == level)
    return c


REFERENCE_COUNTS = {
    "received_total": 3439, "received_direct": 3, "received_online": 3436, "received_postal": 0,
    "carried_over": 35, "total": 3474, "resolved_total": 3422, "resolved_early": 3378,
    "resolved_on_time": 0, "resolved_late": 2, "resolved_rejected": 30, "resolved_withdrawn": 12,
    "pending_total": 52, "pending_supplement": 8, "pending_payment": 0, "pending_on_track": 44,
    "pending_late": 0, "none_dossiers": 0, "none_online": 0, "partial_active": 16,
    "partial_dossiers": 2926, "partial_online": 2924, "full_active": 15, "full_dossiers": 483,
    "full_online": 483, "full_fully_online": 454, "in_scope": 3429, "digitized_input": 3429,
    "stored": 3314, "reused": 3285, "results": 3380, "digitized_output": 3380,
    "digitized_both": 3380, "fees_charged": 2163, "fees_paid_online": 2163, "proc_none": 0,
    "proc_partial": 160, "proc_full": 219,
}  # fmt: skip

# figures.md's reference JSON for Q1 2026 (without period/unit)
REFERENCE_JSON = {
    "received": {"total": 3439, "direct": 3, "online": 3436, "postal": 0},
    "carried_over": 35,
    "total": 3474,
    "resolved": {"total": 3422, "early": 3378, "on_time": 0, "late": 2, "rejected": 30,
                 "withdrawn": 12, "on_time_rate": 99.94},
    "pending": {"total": 52, "supplement": 8, "payment": 0, "on_track": 44, "late": 0},
    "services": {
        "procedures": 379,
        "none": {"procedures": 0, "dossiers": 0},
        "partial": {"procedures": 160, "active": 16, "dossiers": 2926, "online": 2924,
                    "direct": 2, "active_rate": 10.0},
        "full": {"procedures": 219, "active": 15, "dossiers": 483, "online": 483, "direct": 0,
                 "active_rate": 6.85, "fully_online": 454},
        "active_rate": 8.18, "online_rate": 99.94, "online_rate_all": 99.94,
    },
    "digitization": {"input_rate": 100.0, "output_rate": 100.0, "both_rate": 100.0,
                     "stored": 3314, "reused": 3285, "reuse_rate": 95.8},
    "fees": {"charged": 2163, "paid_online": 2163, "online_rate": 100.0},
}  # fmt: skip

SEED_FIGURES = (
    "3474", "3439", "03", "3436", "35", "3422", "3378", "02", "30", "12", "52", "44", "08",
    "379", "0", "160", "16", "2926", "2924", "02", "219", "15", "483", "454", "8,18%", "10%",
    "6,85%", "99,94%", "100%", "3314", "3285", "95,80%", "2163",
)  # fmt: skip


def reference_figures(unit_name: str = "Trung tâm Phục vụ hành chính công xã Kẻ Sắt") -> Figures:
    """A Figures object holding the seed report's numbers for Q1 2026."""
    return figures_from_counts(quarter(2026, 1), REFERENCE_COUNTS, 1, unit_name)


def q1() -> Period:
    """Calendar Q1 2026."""
    return quarter(2026, 1)


def day(y: int, m: int, d: int) -> date:
    """A date (short alias for tests)."""
    return date(y, m, d)


async def insert_ratings(db: Database, ratings: list[tuple[int, int, str]]) -> None:
    """Insert ratings (dossier id, score, rated_at), each from its own chat."""
    await bulk_insert_rows(
        db, "INSERT INTO ratings (dossier_id, channel, chat_id, score, rated_at)"
        " VALUES (?, 'test', ?, ?, ?)",
        [(d, str(k), score, at) for k, (d, score, at) in enumerate(ratings)])


async def bulk_insert_rows(db: Database, sql: str, rows: list[tuple]) -> None:
    """executemany in one write transaction."""
    async with db.transaction() as conn:
        await conn.executemany(sql, rows)


# The tables a store's figures and its demo mark live in, parents first.
COPIED = ("units", "procedures", "import_runs", "dossiers", "status_events", "staff",
          "push_cursors", "store_meta", "ratings")  # fmt: skip


async def copy_rows(src: Database, dst: Store, tables: tuple[str, ...] = COPIED) -> int:
    """Copy these tables' rows, ids included, from a SQLite store into an empty store of the
    other engine (the columns both have); returns the rows copied."""
    copied = 0
    async with dst.transaction() as conn:
        for table in tables:
            present = {
                str(r[0]) for r in await conn.execute_fetchall(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                    (table,),
                )
            } if dst.engine == "postgresql" else None
            async with src.reader.execute(f"SELECT * FROM {table}") as cur:
                rows = await cur.fetchall()
                names = [c[0] for c in cur.description or ()]
            keep = [i for i, n in enumerate(names) if present is None or n in present]
            if not rows or not keep:
                continue
            cols = ", ".join(names[i] for i in keep)
            await conn.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(keep))})",
                [tuple(r[i] for i in keep) for r in rows],
            )
            copied += len(rows)
    await sync_identities(dst, tuple(t for t in tables if t not in ("push_cursors", "store_meta")))
    return copied


async def load_demo_rows(ctx: AppContext, side: Path) -> None:
    """The demo in ctx's store: loaded by load_demo on SQLite; on PostgreSQL loaded into a
    SQLite store at side (a path) and its rows copied, so both engines hold the same rows."""
    from bot.demo.load import load_demo

    if ctx.db.engine == "sqlite":
        await load_demo(ctx)
        return
    src_settings = ctx.settings.model_copy(update={"db_path": side, "database_url": None})
    src = await Database.open(side)
    try:
        await load_demo(AppContext(src_settings, src, ctx.calendar, clock=ctx.clock))
        await copy_rows(src, ctx.db)
    finally:
        await src.close()
