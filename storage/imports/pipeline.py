"""The store's import pipeline (`load_file`): one file of dossiers or procedures into the store.

One pass over the file; valid rows are upserted in batches inside one transaction; bad rows go,
unchanged plus a `reason` column, to `<file>.rejects.csv`; `strict` stores nothing if any row is
bad. Re-importing the same file changes nothing and records no status event. It knows no bot:
the caller passes the store, the timezone, the default unit, the clock and the limits, and gets
plain data back (`ImportSummary`; the bot words it, bot/import_text.py).
"""

from __future__ import annotations

import time as _time
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from storage.conn import Conn
from storage.db import Database
from storage.imports.ahead import OneAhead
from storage.imports.columns import guess_kind
from storage.imports.errors import refusal
from storage.imports.limits import ImportLimits
from storage.imports.parallel import source
from storage.imports.parse import HEADER_SEARCH_ROWS, Chunk, Header
from storage.imports.read import FileRefused, RawRows, is_blank, open_rows
from storage.imports.rejects import Rejects
from storage.imports.write import Batch, WriteState, finish_writes, stamp, write_batch
from storage.store import Store

if TYPE_CHECKING:
    from storage.imports.write_pg import PgWriter


class ImportRefused(Exception):
    """The whole file was refused and nothing was stored; str(exc) says why, in Vietnamese."""


class _Rollback(Exception):
    """Internal: undo the transaction (strict mode with bad rows)."""


class Progress(Protocol):
    """Where an import reports how far it has read (a progress bar, for instance)."""

    def update(self, position: int) -> None:
        """The position reached: bytes of a CSV, rows of a sheet (the unit of the total)."""

    def close(self) -> None:
        """The import is over."""


# Makes the Progress of one import from the file's total (0 when unknown) and kind (csv|xlsx).
ProgressFactory = Callable[[int, str], Progress]


@dataclass(frozen=True)
class ImportOptions:
    """What one import needs besides the store and the file."""

    tz_name: str  # the timezone of the file's dates (the settings' MOTCUA_TIMEZONE)
    unit: str = ""  # the unit of rows when the file has no "Đơn vị" column ("" for none)
    today: str | None = None  # the import's local now (ISO text), for the odd-date checks
    strict: bool = False  # store nothing if any row is bad
    progress: ProgressFactory | None = None  # told how far the import has read, if given
    limits: ImportLimits = field(default_factory=ImportLimits)
    # Where a rejects file goes when the input's folder refuses it and the store has no folder
    # of its own (PostgreSQL): the bot's data folder.
    data_folder: Path | None = None


@dataclass
class ImportSummary:
    """What an import did: counts, time, rejects file, ignored columns."""

    kind: str
    file_name: str
    run_id: int = 0
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    status_changes: int = 0
    seconds: float = 0.0
    rejects_path: Path | None = None
    unknown_columns: list[str] = field(default_factory=list)  # the first few, named
    stored: bool = True
    header_line: int = 1
    strict: bool = False
    unknown_count: int = 0  # all unknown columns (more than are named)
    odd_dates: int = 0  # rows stored whose dates look odd (flagged, not refused)
    rejects_moved: bool = False  # the rejects file went to the data folder
    rejects_lost: bool = False  # no folder would take the rejects file


def detect_kind(path: Path) -> str:
    """'dossiers' or 'procedures', told apart by the header row; ImportRefused otherwise."""
    raw = _open(Path(path), ImportLimits(1 << 62, 1 << 62))  # the import itself checks the caps
    try:
        for _, values in _first_rows(raw):
            kind = guess_kind(values)
            if kind:
                return kind
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None
    finally:
        raw.rows.close()
    raise ImportRefused(
        f"Không nhận ra tệp «{Path(path).name}»: không thấy dòng tiêu đề của danh sách hồ sơ "
        "(cần các cột Mã hồ sơ, Mã thủ tục, Chủ hồ sơ, Hình thức nộp, Ngày tiếp nhận, Ngày hẹn "
        "trả, Trạng thái) hay của danh mục thủ tục (Mã thủ tục, Tên thủ tục, Mức độ)."
    )


async def load_file(
    db: Store, path: Path, kind: str, options: ImportOptions
) -> ImportSummary:
    """Import a file of the given kind ('dossiers' or 'procedures') into the store (SQLite or
    PostgreSQL: the writing differs, storage/imports/write.py and write_pg.py)."""
    return await _import(db, Path(path), kind, options)


def _open(path: Path, limits: ImportLimits) -> RawRows:
    """Open the file's rows, turning a read refusal into ImportRefused."""
    try:
        return open_rows(path, limits)
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None


def _first_rows(raw: RawRows) -> list[tuple[int, list[object]]]:
    """The first non-blank rows (where a header may be)."""
    out = []
    for line, values in raw.rows:
        if not is_blank(values):
            out.append((line, values))
            if len(out) >= HEADER_SEARCH_ROWS:
                break
    return out


async def _import(db: Store, path: Path, kind: str, options: ImportOptions) -> ImportSummary:
    """Run one import: header, parsed chunks, batched upserts, rejects, summary."""
    started = _time.perf_counter()
    strict = options.strict
    summary = ImportSummary(kind, path.name, strict=strict)
    rows: AsyncGenerator[Header | Chunk, None] | None = None
    rejects: Rejects | None = None
    bar: Progress | None = None
    try:
        try:
            async with db.transaction() as conn, _writer(db, conn, kind, summary) as writer:
                # The parser reads the store's raw digests (storage/imports/known.py) only once
                # this transaction holds the write lock: it sees the state the import starts from.
                rows = _vietnamese_errors(path, source(
                    path, kind, options.tz_name, options.unit, _known_source(db),
                    options.limits, options.today,
                ))
                header = await anext(rows)
                assert isinstance(header, Header)
                summary.header_line = header.line
                summary.unknown_columns = header.unknown
                summary.unknown_count = header.unknown_count
                rejects = Rejects(path, header.cells, _data_folder(db, options), header.private,
                                  header.keys, header.parsed)
                if options.progress is not None:
                    bar = options.progress(header.total, header.file_kind)
                summary.run_id = await _start_run(conn, kind, path, strict)
                async for chunk in rows:
                    assert isinstance(chunk, Chunk)
                    summary.rows_read += chunk.rows_read
                    summary.unchanged += chunk.repeats + chunk.known
                    summary.odd_dates += chunk.odd
                    for line, values, reasons in chunk.rejects:
                        rejects.add(line, values, reasons)
                    await writer.write(chunk.records)
                    if bar is not None:
                        bar.update(chunk.position)
                await writer.close()
                summary.rejected = rejects.count
                if strict and summary.rejected:
                    raise _Rollback
                summary.seconds = _time.perf_counter() - started
                await _finish_run(conn, summary)
        except _Rollback:
            summary.stored = False
            summary.inserted = summary.updated = summary.unchanged = 0
            summary.status_changes = 0
            summary.run_id = 0
        except BaseException:
            if rejects is not None:  # nothing was stored: no half-written list of bad rows
                rejects.discard()
                rejects = None
            raise
        finally:
            if bar is not None:
                bar.close()
            if rejects is not None:
                summary.rejects_path = rejects.close()
                summary.rejects_moved, summary.rejects_lost = rejects.moved, rejects.lost
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None
    finally:
        if rows is not None:
            await rows.aclose()
    summary.seconds = _time.perf_counter() - started
    return summary


async def _vietnamese_errors(
    path: Path, rows: AsyncGenerator[Header | Chunk, None]
) -> AsyncGenerator[Header | Chunk, None]:
    """The parsed items; any error met reading the file becomes its Vietnamese refusal."""
    try:
        async for item in rows:
            yield item
    except Exception as exc:
        raise refusal(path.name, exc) from None
    finally:
        await rows.aclose()


def _writer(db: Store, conn: Conn, kind: str, summary: ImportSummary) -> _Writer | PgWriter:
    """The engine's writer of the import's chunks, on the import's transaction."""
    if db.engine == "postgresql":
        from storage.imports.write_pg import PgWriter
        from storage.pg.conn import PgConn

        assert isinstance(conn, PgConn)
        return PgWriter(conn.raw, kind, summary)
    assert isinstance(db, Database)
    return _Writer(db, kind, summary)


def _known_source(db: Store) -> str | Path | None:
    """Where the parser reads the stored raw digests: the SQLite file, or the PostgreSQL DSN."""
    if db.engine == "postgresql":
        return str(getattr(db, "dsn", "")) or None
    return getattr(db, "path", None)


def _data_folder(db: Store, options: ImportOptions) -> Path | None:
    """The store's folder, where a rejects file goes when the input's folder refuses it (the
    data folder given in the options for a PostgreSQL store: it has no folder here)."""
    if db.engine != "sqlite":
        return options.data_folder
    db_path = str(getattr(db, "path", ":memory:"))
    return None if db_path == ":memory:" else Path(db_path).resolve().parent


async def _start_run(conn: Conn, kind: str, path: Path, strict: bool) -> int:
    """Record the import run (inside the import's transaction)."""
    rows = await conn.execute_fetchall(
        "INSERT INTO import_runs (kind, file_name, started_at, strict) VALUES (?, ?, ?, ?)"
        " RETURNING id",
        (kind, path.name, stamp(), int(strict)),
    )
    return int(rows[0][0])


async def _finish_run(conn: Conn, s: ImportSummary) -> None:
    """Store the run's counts and outcome."""
    await conn.execute(
        "UPDATE import_runs SET finished_at = ?, rows_read = ?, inserted = ?, updated = ?,"
        " unchanged = ?, rejected = ?, status_changes = ?, rejects_path = ?, outcome = 'done'"
        " WHERE id = ?",
        (
            stamp(),
            s.rows_read,
            s.inserted,
            s.updated,
            s.unchanged,
            s.rejected,
            s.status_changes,
            str(s.rejects_path) if s.rejects_path else None,
            s.run_id,
        ),
    )


class _Writer(OneAhead):
    """Writes chunks of records on the writer thread, one chunk behind the parsing."""

    def __init__(self, db: Database, kind: str, summary: ImportSummary) -> None:
        self.db = db
        self.kind = kind
        self.summary = summary
        self.state = WriteState()

    async def __aenter__(self) -> _Writer:
        return self

    def _start(self, records: Batch) -> Awaitable[Any]:
        """One chunk's upserts on the writer thread (ids stay in order)."""
        return self.db.run_in_writer(write_batch, self.kind, records, self.summary.run_id,
                                     self.state)

    async def close(self) -> None:
        """After the last chunk: build any index dropped for a first load."""
        await self.finish()
        await self.db.run_in_writer(finish_writes, self.state)

    def _done(self, counts: Any) -> None:
        """Add up what a written chunk did."""
        self.summary.inserted += counts.inserted
        self.summary.updated += counts.updated
        self.summary.unchanged += counts.unchanged
        self.summary.status_changes += counts.status_changes
