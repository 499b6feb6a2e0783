"""Import dossiers and the procedure catalogue from CSV/XLSX into the store (import-format.md).

One pass over the file; valid rows are upserted in batches inside one transaction; bad rows go,
unchanged plus a `reason` column, to `<file>.rejects.csv`; `strict` stores nothing if any row is
bad. Re-importing the same file changes nothing and records no status event.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import sys
import time as _time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite
from tqdm import tqdm

from storage.import_columns import ColumnMap, display_name, guess_kind, match_header
from storage.import_read import FileRefused, RawRows, is_blank, open_rows
from storage.import_rows import (
    DOSSIER_FIELDS,
    PROCEDURE_FIELDS,
    BadRow,
    DossierRow,
    ProcedureRow,
    row_hash,
)
from storage.import_values import clean
from storage.units import ensure_unit_in

if TYPE_CHECKING:
    from bot.context import AppContext

BATCH = 2000
HEADER_SEARCH_ROWS = 20
_KIND_VI = {"dossiers": "hồ sơ", "procedures": "danh mục thủ tục"}


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
    unknown_columns: list[str] = field(default_factory=list)
    stored: bool = True
    header_line: int = 1
    strict: bool = False

    def text(self) -> str:
        """The Vietnamese summary shown to the operator or the admin in chat."""
        what = _KIND_VI[self.kind]
        secs = f"{self.seconds:.1f}".replace(".", ",")
        lines = [f"Nhập {what} từ «{self.file_name}» ({secs} giây):"]
        lines.append(f"• Đọc {self.rows_read} dòng dữ liệu")
        if self.stored:
            lines.append(
                f"• Thêm mới {self.inserted} · cập nhật {self.updated} · "
                f"không đổi {self.unchanged}"
            )
        if self.kind == "dossiers" and self.stored:
            lines.append(f"• Ghi nhận {self.status_changes} lần thay đổi trạng thái")
        if self.rejected:
            where = f" — xem tệp «{self.rejects_path.name}»" if self.rejects_path else ""
            lines.append(f"• Bị loại {self.rejected} dòng{where}")
        if not self.stored:
            lines.append(
                f"• Chế độ nghiêm ngặt (--strict): KHÔNG lưu dòng nào vì có {self.rejected} "
                "dòng lỗi. Sửa các dòng đó rồi nhập lại."
            )
        if self.header_line > 1:
            lines.append(f"• Dòng tiêu đề ở dòng {self.header_line}; các dòng trên nó bị bỏ qua")
        if self.unknown_columns:
            lines.append("• Cột không dùng đến: " + ", ".join(self.unknown_columns))
        return "\n".join(lines)


def detect_kind(path: Path) -> str:
    """'dossiers' or 'procedures', told apart by the header row; ImportRefused otherwise."""
    raw = _open(Path(path))
    try:
        for _, values in _first_rows(raw):
            kind = guess_kind(values)
            if kind:
                return kind
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None
    finally:
        raw.rows.close()  # type: ignore[attr-defined]
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


def _open(path: Path) -> RawRows:
    """Open the file's rows, turning a read refusal into ImportRefused."""
    try:
        return open_rows(path)
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


def _find_header(raw: RawRows, kind: str, name: str) -> tuple[int, list[object], ColumnMap]:
    """The header row: the first non-blank row, or a later one under title lines."""
    seen: list[tuple[int, list[object], ColumnMap]] = []
    for line, values in raw.rows:
        if is_blank(values):
            continue
        columns = match_header(values, kind)
        if not columns.missing:
            return line, values, columns
        seen.append((line, values, columns))
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise ImportRefused(f"Tệp «{name}» không có dòng nào (chỉ có dòng trống).")
    other = "procedures" if kind == "dossiers" else "dossiers"
    if any(guess_kind(values) == other for _, values, _ in seen):
        command = "motcua import procedures" if other == "procedures" else "motcua import dossiers"
        raise ImportRefused(
            f"Tệp «{name}» là {_KIND_VI[other]}, không phải {_KIND_VI[kind]}. "
            f"Hãy dùng lệnh «{command}»."
        )
    line, _, columns = max(seen, key=lambda s: len(s[2].index))
    missing = ", ".join(display_name(kind, c) for c in columns.missing)
    raise ImportRefused(
        f"Tệp «{name}» thiếu cột bắt buộc: {missing} (đọc dòng tiêu đề ở dòng {line}). "
        "Không lưu dòng nào."
    )


class _Rejects:
    """Writes rejected rows, unchanged plus a `reason` column, beside the input file."""

    def __init__(self, source: Path, header: list[object]) -> None:
        self.path = source.with_name(source.name + ".rejects.csv")
        self.header = header
        self.count = 0
        self._file = None
        self._writer = None

    def add(self, line: int, values: list[object], reasons: list[str]) -> None:
        """Record one bad row."""
        if self._writer is None:
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow([clean(h) for h in self.header] + ["reason"])
        width = len(self.header)
        cells = [_raw_text(v) for v in values] + [""] * max(0, width - len(values))
        self._writer.writerow([*cells, f"dòng {line}: " + "; ".join(reasons)])
        self.count += 1

    def close(self) -> Path | None:
        """Close the file; returns its path when something was written."""
        if self._file is not None:
            self._file.close()
            return self.path
        if self.path.exists():
            self.path.unlink()  # a stale rejects file from an earlier run of this input
        return None


def _raw_text(value: object) -> str:
    """A raw cell as text for the rejects file."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


async def _import(
    ctx: AppContext, path: Path, kind: str, unit: str | None, strict: bool, progress: bool
) -> ImportSummary:
    """Run one import: header, row parsing, batched upserts, rejects, summary."""
    started = _time.perf_counter()
    raw = _open(path)
    summary = ImportSummary(kind, path.name, strict=strict)
    try:
        line, header, columns = _find_header(raw, kind, path.name)
        summary.header_line = line
        summary.unknown_columns = columns.unknown
        rejects = _Rejects(path, header)
        bar = tqdm(
            total=raw.total,
            unit="B" if raw.kind == "csv" else " dòng",
            unit_scale=raw.kind == "csv",
            desc=f"Nhập {path.name}",
            disable=not progress,
            file=sys.stderr,
            mininterval=0.5,
            leave=False,
        )
        try:
            async with ctx.db.transaction() as conn, _Writer(conn, ctx, kind, unit,
                                                              summary) as writer:
                summary.run_id = await _start_run(conn, kind, path, strict)
                parser = DossierRow(columns, ctx.settings.tz) if kind == "dossiers" else None
                cparser = ProcedureRow(columns) if kind == "procedures" else None
                for row_line, values in raw.rows:
                    if is_blank(values):
                        continue
                    summary.rows_read += 1
                    try:
                        record = (parser or cparser).parse(values)  # type: ignore[union-attr]
                        unit_name = parser.unit(values) if parser else ""
                    except BadRow as bad:
                        rejects.add(row_line, values, bad.args[0])
                        continue
                    problem = writer.add(row_line, unit_name, record)
                    if problem:
                        rejects.add(row_line, values, [problem])
                    if writer.full():
                        await writer.flush()
                        bar.update(raw.position() - bar.n)  # type: ignore[operator]
                    elif summary.rows_read % 200 == 0:
                        await asyncio.sleep(0)  # let the batch being written move on
                await writer.flush(last=True)
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
        finally:
            bar.close()
            summary.rejects_path = rejects.close()
    except FileRefused as exc:
        raise ImportRefused(str(exc)) from None
    finally:
        raw.rows.close()  # type: ignore[attr-defined]
    summary.seconds = _time.perf_counter() - started
    return summary


async def _start_run(conn: aiosqlite.Connection, kind: str, path: Path, strict: bool) -> int:
    """Record the import run (inside the import's transaction)."""
    cur = await conn.execute(
        "INSERT INTO import_runs (kind, file_name, started_at, strict) VALUES (?, ?, ?, ?)",
        (kind, path.name, _stamp(), int(strict)),
    )
    return int(cur.lastrowid or 0)


async def _finish_run(conn: aiosqlite.Connection, s: ImportSummary) -> None:
    """Store the run's counts and outcome."""
    await conn.execute(
        "UPDATE import_runs SET finished_at = ?, rows_read = ?, inserted = ?, updated = ?,"
        " unchanged = ?, rejected = ?, status_changes = ?, rejects_path = ?, outcome = 'done'"
        " WHERE id = ?",
        (
            _stamp(),
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


def _stamp() -> str:
    """Now, UTC ISO (bookkeeping times of the store)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Writer:
    """Buffers valid records and upserts them a batch at a time."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        ctx: AppContext,
        kind: str,
        unit: str | None,
        summary: ImportSummary,
    ) -> None:
        self.conn = conn
        self.kind = kind
        self.default_unit = unit or ctx.settings.unit
        self.summary = summary
        self.units: dict[str, int] = {}
        self.batch: list[tuple[str, tuple[object, ...], str]] = []
        self.seen: dict[tuple[str, str], tuple[int, str]] = {}
        self.pending: asyncio.Future[None] | None = None

    async def __aenter__(self) -> _Writer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Never leave the transaction with a batch still being written."""
        if self.pending is not None:
            with contextlib.suppress(Exception):
                await self.pending
            self.pending = None

    def add(self, line: int, unit_name: str, record: tuple[object, ...]) -> str | None:
        """Queue a record; returns a reason when it clashes with an earlier row of the file."""
        unit_name = unit_name or self.default_unit
        code = str(record[0])
        digest = row_hash(record)
        earlier = self.seen.get((unit_name, code))
        if earlier is not None:
            if earlier[1] == digest:
                self.summary.unchanged += 1
                return None
            return f"mã «{code}» đã có ở dòng {earlier[0]} với nội dung khác"
        self.seen[(unit_name, code)] = (line, digest)
        self.batch.append((unit_name, record, digest))
        return None

    def full(self) -> bool:
        """True when the batch should be written."""
        return len(self.batch) >= BATCH

    async def _unit_id(self, name: str) -> int:
        """The unit's id (created on first sight)."""
        if name not in self.units:
            self.units[name] = await ensure_unit_in(self.conn, name)
        return self.units[name]

    async def flush(self, last: bool = False) -> None:
        """Hand the queued records to the database thread; parsing goes on meanwhile.

        Batches are written one after another (each waits for the one before), so ids and
        the lookups of existing rows always see the earlier batches. `last` waits for all.
        """
        if self.pending is not None:
            await self.pending
            self.pending = None
        if self.batch:
            batch, self.batch = self.batch, []
            self.pending = asyncio.ensure_future(self._write(batch))
        if last and self.pending is not None:
            await self.pending
            self.pending = None

    async def _write(self, batch: list[tuple[str, tuple[object, ...], str]]) -> None:
        """Upsert one batch of records."""
        by_unit: dict[int, list[tuple[tuple[object, ...], str]]] = {}
        for unit_name, record, digest in batch:
            by_unit.setdefault(await self._unit_id(unit_name), []).append((record, digest))
        for unit_id, items in by_unit.items():
            if self.kind == "dossiers":
                await self._dossiers(unit_id, items)
            else:
                await self._procedures(unit_id, items)

    async def _existing(self, table: str, unit_id: int, codes: list[str]) -> dict[str, tuple]:
        """code → (id, row_hash-or-None, status-or-None) of the stored rows among codes."""
        found: dict[str, tuple] = {}
        extra = "row_hash, status" if table == "dossiers" else "NULL, NULL"
        for i in range(0, len(codes), 900):
            chunk = codes[i : i + 900]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT code, id, {extra} FROM {table} WHERE unit_id = ? AND code IN ({marks})"
            )
            async with self.conn.execute(sql, (unit_id, *chunk)) as cur:
                for row in await cur.fetchall():
                    found[row[0]] = (row[1], row[2], row[3])
        return found

    async def _dossiers(self, unit_id: int, items: list[tuple[tuple[object, ...], str]]) -> None:
        """Insert new dossiers, update changed ones, and record status events."""
        existing = await self._existing("dossiers", unit_id, [str(r[0]) for r, _ in items])
        now = _stamp()
        run = self.summary.run_id
        status_i = DOSSIER_FIELDS.index("status")
        status_at_i = DOSSIER_FIELDS.index("status_at")
        inserts, first_events, updates, change_events = [], [], [], []
        # Ids are given here (the transaction holds the write lock), so the first status
        # events need no lookup of the rows just inserted.
        async with self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers") as cur:
            next_id = int((await cur.fetchone())[0]) + 1
        for record, digest in items:
            old = existing.get(str(record[0]))
            if old is None:
                inserts.append((next_id, unit_id, *record, digest, now))
                first_events.append((next_id, record[status_i], record[status_at_i], run, now))
                next_id += 1
            elif old[1] == digest:
                self.summary.unchanged += 1
            else:
                updates.append((*record[1:], digest, now, old[0]))
                if old[2] != record[status_i]:
                    change_events.append(
                        (old[0], old[2], record[status_i], record[status_at_i], run, now)
                    )
        if inserts:
            cols = ", ".join(("id", "unit_id", *DOSSIER_FIELDS, "row_hash", "updated_at"))
            marks = ",".join("?" * (len(DOSSIER_FIELDS) + 4))
            await self.conn.executemany(f"INSERT INTO dossiers ({cols}) VALUES ({marks})", inserts)
            await self.conn.executemany(
                "INSERT INTO status_events (dossier_id, old_status, new_status, status_at,"
                " import_run_id, recorded_at) VALUES (?, NULL, ?, ?, ?, ?)",
                first_events,
            )
        if updates:
            sets = ", ".join(f"{f} = ?" for f in (*DOSSIER_FIELDS[1:], "row_hash", "updated_at"))
            await self.conn.executemany(f"UPDATE dossiers SET {sets} WHERE id = ?", updates)
        if change_events:
            await self.conn.executemany(
                "INSERT INTO status_events (dossier_id, old_status, new_status, status_at,"
                " import_run_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                change_events,
            )
        self.summary.inserted += len(inserts)
        self.summary.updated += len(updates)
        self.summary.status_changes += len(change_events)

    async def _procedures(self, unit_id: int, items: list[tuple[tuple[object, ...], str]]) -> None:
        """Insert new catalogue entries and update changed ones."""
        existing = await self._existing("procedures", unit_id, [str(r[0]) for r, _ in items])
        stored = await self._procedure_hashes(unit_id, list(existing))
        now = _stamp()
        inserts, updates = [], []
        for record, digest in items:
            old = existing.get(str(record[0]))
            if old is None:
                inserts.append((unit_id, *record, now))
            elif stored.get(str(record[0])) == digest:
                self.summary.unchanged += 1
            else:
                updates.append((*record[1:], now, old[0]))
        if inserts:
            cols = ", ".join(("unit_id", *PROCEDURE_FIELDS, "updated_at"))
            marks = ",".join("?" * (len(PROCEDURE_FIELDS) + 2))
            await self.conn.executemany(
                f"INSERT INTO procedures ({cols}) VALUES ({marks})", inserts
            )
        if updates:
            sets = ", ".join(f"{f} = ?" for f in (*PROCEDURE_FIELDS[1:], "updated_at"))
            await self.conn.executemany(f"UPDATE procedures SET {sets} WHERE id = ?", updates)
        self.summary.inserted += len(inserts)
        self.summary.updated += len(updates)

    async def _procedure_hashes(self, unit_id: int, codes: list[str]) -> dict[str, str]:
        """The content digest of stored catalogue entries (procedures keep no hash column)."""
        out: dict[str, str] = {}
        cols = ", ".join(PROCEDURE_FIELDS)
        for i in range(0, len(codes), 900):
            chunk = codes[i : i + 900]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {cols} FROM procedures WHERE unit_id = ? AND code IN ({marks})"
            async with self.conn.execute(sql, (unit_id, *chunk)) as cur:
                for row in await cur.fetchall():
                    out[row[0]] = row_hash(tuple(row))
        return out
