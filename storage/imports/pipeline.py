"""Import dossiers and the procedure catalogue from CSV/XLSX into the store (import-format.md).

One pass over the file; valid rows are upserted in batches inside one transaction; bad rows go,
unchanged plus a `reason` column, to `<file>.rejects.csv`; `strict` stores nothing if any row is
bad. Re-importing the same file changes nothing and records no status event.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sys
import time as _time
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite
from tqdm import tqdm

from storage.imports.columns import guess_kind
from storage.imports.errors import refusal
from storage.imports.parallel import source
from storage.imports.parse import HEADER_SEARCH_ROWS, KIND_VI, Chunk, Header
from storage.imports.read import FileRefused, Limits, RawRows, is_blank, open_rows
from storage.imports.rejects import Rejects
from storage.imports.write import Batch, WriteState, finish_writes, stamp, write_batch

if TYPE_CHECKING:
    from bot.context import AppContext
    from storage.db import Database



class ImportRefused(Exception):
    """The whole file was refused and nothing was stored; str(exc) says why, in Vietnamese."""


class _Rollback(Exception):
    """Internal: undo the transaction (strict mode with bad rows)."""


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

    def text(self) -> str:
        """The Vietnamese summary shown to the operator or the admin in chat (bounded)."""
        what = KIND_VI[self.kind]
        secs = f"{self.seconds:.1f}".replace(".", ",")
        name = self.file_name if len(self.file_name) <= 80 else self.file_name[:79] + "…"
        lines = [f"Nhập {what} từ «{name}» ({secs} giây):"]
        lines.append(f"• Đọc {self.rows_read} dòng dữ liệu")
        if self.stored:
            lines.append(
                f"• Thêm mới {self.inserted} · cập nhật {self.updated} · "
                f"không đổi {self.unchanged}"
            )
        if self.kind == "dossiers" and self.stored:
            lines.append(f"• Ghi nhận {self.status_changes} lần thay đổi trạng thái")
        if self.odd_dates and self.stored:
            lines.append(
                f"• {self.odd_dates} dòng có ngày bất thường (ngày sau hôm nay, ngày trả trước "
                "ngày kết thúc…) — vẫn được lưu, đề nghị kiểm tra lại"
            )
        if self.rejected:
            lines.append(f"• Bị loại {self.rejected} dòng{self._rejects_where()}")
        if not self.stored:
            lines.append(
                f"• Chế độ nghiêm ngặt (--strict): KHÔNG lưu dòng nào vì có {self.rejected} "
                "dòng lỗi. Sửa các dòng đó rồi nhập lại."
            )
        if self.header_line > 1:
            lines.append(f"• Dòng tiêu đề ở dòng {self.header_line}; các dòng trên nó bị bỏ qua")
        if self.unknown_columns:
            more = self.unknown_count - len(self.unknown_columns)
            rest = f" và {more:,} cột khác".replace(",", ".") if more > 0 else ""
            lines.append("• Cột không dùng đến: " + ", ".join(self.unknown_columns) + rest)
        return "\n".join(lines)

    def _rejects_where(self) -> str:
        """Where the rejected rows were written, for the summary."""
        if self.rejects_lost:
            return " — không ghi được tệp các dòng bị loại (thư mục không cho ghi)"
        if self.rejects_path is None:
            return ""
        if self.rejects_moved:
            return (
                f" — thư mục của tệp nhập không cho ghi, các dòng bị loại được ghi vào tệp "
                f"«{self.rejects_path}»"
            )
        return f" — xem tệp «{self.rejects_path.name}»"


def detect_kind(path: Path) -> str:
    """'dossiers' or 'procedures', told apart by the header row; ImportRefused otherwise."""
    raw = _open(Path(path), Limits(1 << 62, 1 << 62))  # the import itself checks the caps
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


async def import_file(
    ctx: AppContext, path: Path, unit: str | None = None, strict: bool = False
) -> ImportSummary:
    """Import a file of either kind, told apart by its header."""
    kind = detect_kind(Path(path))
    if kind == "procedures":
        return await import_procedures(ctx, path, unit, strict)
    return await import_dossiers(ctx, path, unit, strict)


async def import_dossiers(
    ctx: AppContext,
    path: Path,
    unit: str | None = None,
    strict: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import a dossier list (`motcua import dossiers FILE`)."""
    return await _import(ctx, Path(path), "dossiers", unit, strict, progress)


async def import_procedures(
    ctx: AppContext,
    path: Path,
    unit: str | None = None,
    strict: bool = False,
    progress: bool = False,
) -> ImportSummary:
    """Import the procedure catalogue (`motcua import procedures FILE`)."""
    return await _import(ctx, Path(path), "procedures", unit, strict, progress)


def _open(path: Path, limits: Limits) -> RawRows:
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


async def _import(
    ctx: AppContext, path: Path, kind: str, unit: str | None, strict: bool, progress: bool
) -> ImportSummary:
    """Run one import: header, parsed chunks, batched upserts, rejects, summary."""
    started = _time.perf_counter()
    summary = ImportSummary(kind, path.name, strict=strict)
    rows: AsyncGenerator[Header | Chunk, None] | None = None
    rejects: Rejects | None = None
    bar: tqdm | None = None
    collecting = gc.isenabled()
    gc.disable()  # the batches are millions of small objects freed by reference counting
    try:
        try:
            async with ctx.db.transaction() as conn, _Writer(ctx.db, kind, summary) as writer:
                # The parser reads the store's raw digests (storage/imports/known.py) only once
                # this transaction holds the write lock: it sees the state the import starts from.
                limits = Limits(
                    ctx.settings.import_max_rows, ctx.settings.import_max_sheet_mb << 20
                )
                today = ctx.now().replace(tzinfo=None).isoformat(timespec="seconds")
                rows = _vietnamese_errors(path, source(
                    path, kind, ctx.settings.timezone, unit or ctx.settings.unit or "", ctx.db.path,
                    limits, today,
                ))
                header = await anext(rows)
                assert isinstance(header, Header)
                summary.header_line = header.line
                summary.unknown_columns = header.unknown
                summary.unknown_count = header.unknown_count
                rejects = Rejects(path, header.cells, _data_folder(ctx), header.private,
                                  header.keys, header.parsed)
                bar = _progress_bar(path, header, progress)
                summary.run_id = await _start_run(conn, kind, path, strict)
                async for chunk in rows:
                    assert isinstance(chunk, Chunk)
                    summary.rows_read += chunk.rows_read
                    summary.unchanged += chunk.repeats + chunk.known
                    summary.odd_dates += chunk.odd
                    for line, values, reasons in chunk.rejects:
                        rejects.add(line, values, reasons)
                    await writer.write(chunk.records)
                    bar.update(chunk.position - bar.n)
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
        if collecting:
            gc.enable()
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


def _data_folder(ctx: AppContext) -> Path | None:
    """The store's folder, where a rejects file goes when the input's folder refuses it."""
    db_path = str(ctx.db.path)
    return None if db_path == ":memory:" else Path(db_path).resolve().parent


def _progress_bar(path: Path, header: Header, progress: bool) -> tqdm:
    """The progress bar: bytes for a CSV, rows for a spreadsheet (hidden unless asked for)."""
    return tqdm(
        total=header.total or None,  # a sheet may not declare its size
        unit="B" if header.file_kind == "csv" else " dòng",
        unit_scale=header.file_kind == "csv",
        desc=f"Nhập {path.name}",
        disable=not progress,
        file=sys.stderr,
        mininterval=0.5,
        leave=False,
    )


async def _start_run(conn: aiosqlite.Connection, kind: str, path: Path, strict: bool) -> int:
    """Record the import run (inside the import's transaction)."""
    cur = await conn.execute(
        "INSERT INTO import_runs (kind, file_name, started_at, strict) VALUES (?, ?, ?, ?)",
        (kind, path.name, stamp(), int(strict)),
    )
    return int(cur.lastrowid or 0)


async def _finish_run(conn: aiosqlite.Connection, s: ImportSummary) -> None:
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


class _Writer:
    """Writes chunks of records on the writer thread, one chunk behind the parsing."""

    def __init__(self, db: Database, kind: str, summary: ImportSummary) -> None:
        self.db = db
        self.kind = kind
        self.summary = summary
        self.state = WriteState()
        self.pending: asyncio.Future | None = None

    async def __aenter__(self) -> _Writer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Never leave the transaction with a batch still being written."""
        if self.pending is not None:
            with contextlib.suppress(Exception):
                await self.pending
            self.pending = None

    async def write(self, records: Batch) -> None:
        """Start writing these records once the previous chunk is written (ids stay in order)."""
        await self.finish()
        if records:
            self.pending = asyncio.ensure_future(
                self.db.run_in_writer(write_batch, self.kind, records, self.summary.run_id,
                                      self.state)
            )

    async def close(self) -> None:
        """After the last chunk: build any index dropped for a first load."""
        await self.finish()
        await self.db.run_in_writer(finish_writes, self.state)

    async def finish(self) -> None:
        """Wait for the chunk being written and add up what it did."""
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        counts = await pending
        self.summary.inserted += counts.inserted
        self.summary.updated += counts.updated
        self.summary.unchanged += counts.unchanged
        self.summary.status_changes += counts.status_changes
