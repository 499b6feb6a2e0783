"""The importer's reading side: find the header, parse and check rows, hand them on in chunks.

`parse_file` is plain synchronous code with no store access, so it can run in the importing
process or, for big files, in a helper process (storage/imports/parallel.py) while the importing
process writes the previous chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from storage.imports.columns import ColumnMap, display_name, guess_kind, match_header
from storage.imports.known import Known, raw_digester
from storage.imports.limits import ImportLimits
from storage.imports.read import FileRefused, RawRows, is_blank, open_rows
from storage.imports.rows import BadRow, DossierRow, ProcedureRow, normalise_code, row_hash
from storage.imports.values import clean

BATCH = 2000  # rows (valid or rejected) per chunk
CHUNK_CELLS = 200_000  # raw cells of rejected rows per chunk, whatever the rows' width
HEADER_SEARCH_ROWS = 20
UNKNOWN_NAMED = 5  # unknown columns named in the summary; the rest are counted
_NAME_CHARS = 40  # an unknown column's name is cut to this many characters
KIND_VI = {"dossiers": "hồ sơ", "procedures": "danh mục thủ tục"}


@dataclass
class Header:
    """The header row found, and how long the file is (for the progress bar)."""

    line: int
    cells: list[object]
    unknown: list[str]  # the first UNKNOWN_NAMED unknown columns' names, cut short
    total: int
    file_kind: str  # "csv" | "xlsx"
    unknown_count: int = 0  # how many unknown columns there are in all
    private: tuple[int, ...] = ()  # the cells of phone and ID numbers (masked in rejects)
    keys: tuple[int, ...] = ()  # the cells of codes (never masked in rejects)
    parsed: tuple[int, ...] = ()  # every cell the parser reads (dates are not masked there)


def _named(unknown: list[str]) -> list[str]:
    """The first few unknown column names, each cut to a readable length."""
    return [
        name if len(name) <= _NAME_CHARS else name[: _NAME_CHARS - 1] + "…"
        for name in unknown[:UNKNOWN_NAMED]
    ]


@dataclass
class Chunk:
    """Parsed rows: valid records (unit, record, digest, raw digest), rejected rows, counts."""

    records: list[tuple[str, tuple[object, ...], str, int | None]] = field(default_factory=list)
    rejects: list[tuple[int, list[object], list[str]]] = field(default_factory=list)
    rows_read: int = 0
    odd: int = 0  # rows stored but flagged (odd dates)
    repeats: int = 0  # rows identical to an earlier row of the file (counted unchanged)
    known: int = 0  # rows identical to the stored ones, not parsed (counted unchanged)
    position: int = 0


def find_header(raw: RawRows, kind: str, name: str) -> tuple[int, list[object], ColumnMap]:
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
        raise FileRefused(f"Tệp «{name}» không có dòng nào (chỉ có dòng trống).")
    other = "procedures" if kind == "dossiers" else "dossiers"
    if any(guess_kind(values) == other for _, values, _ in seen):
        command = "motcua import procedures" if other == "procedures" else "motcua import dossiers"
        raise FileRefused(
            f"Tệp «{name}» là {KIND_VI[other]}, không phải {KIND_VI[kind]}. "
            f"Hãy dùng lệnh «{command}»."
        )
    line, _, columns = max(seen, key=lambda s: len(s[2].index))
    missing = ", ".join(display_name(kind, c) for c in columns.missing)
    raise FileRefused(
        f"Tệp «{name}» thiếu cột bắt buộc: {missing} (đọc dòng tiêu đề ở dòng {line}). "
        "Không lưu dòng nào."
    )


def parse_file(
    path: Path,
    kind: str,
    tz_name: str,
    default_unit: str,
    batch: int = BATCH,
    known: Known | None = None,
    limits: ImportLimits | None = None,
    today: str | None = None,
) -> Iterator[Header | Chunk]:
    """Yield the Header, then Chunks of at most `batch` rows; FileRefused on a bad file.

    Chunks are bounded in rows, valid and rejected together, and in the cells of rejected rows,
    so memory stays bounded whatever the mix of good and bad rows. `today`: the import's local
    "now" (ISO text) that impossible dates are judged against (the wall clock when None).

    A code seen twice in the file: an identical row counts as a repeat, a different one is
    rejected naming the line of the first. With `known` (the store's raw digests), a dossier
    row identical to the stored one is counted unchanged without being parsed.
    """
    raw = open_rows(path, limits)
    try:
        line, cells, columns = find_header(raw, kind, path.name)
        unknown = columns.unknown
        index = columns.index
        private = tuple(index[c] for c in ("phone", "id_number") if c in index)
        keys = tuple(index[c] for c in ("code", "procedure_code") if c in index)
        yield Header(line, cells, _named(unknown), raw.total, raw.kind, len(unknown), private,
                     keys, tuple(index.values()))
        if kind == "dossiers":
            dossier = DossierRow(columns, ZoneInfo(tz_name), today)
            yield from _dossier_chunks(raw, columns, dossier, cells, tz_name, default_unit,
                                       batch, known)
        else:
            yield from _procedure_chunks(raw, columns, default_unit, batch, len(cells))
    finally:
        raw.rows.close()


Seen = dict[tuple[str, str], tuple[int, str | None, int | None]]  # (unit, code) → first row
NO_UNIT = "không rõ đơn vị: ô «Đơn vị» trống và chưa đặt MOTCUA_UNIT"


def _dossier_chunks(
    raw: RawRows,
    columns: ColumnMap,
    dossier: DossierRow,
    header: list[object],
    tz_name: str,
    default_unit: str,
    batch: int,
    known: Known | None,
) -> Iterator[Chunk]:
    """The dossier rows in chunks: skipped when known, else parsed, deduplicated, digested."""
    parse, unit_of = dossier.parse, dossier.unit
    digest_raw = raw_digester(raw.kind, header, tz_name, columns)
    code_at = columns.index["code"]
    seen: Seen = {}

    def handle(chunk: Chunk, line: int, values: list[object]) -> None:
        """Skip a row identical to the stored one or to its code's first row; else keep it."""
        unit_name = unit_of(values) or default_unit
        raw_key = digest_raw(values)
        if known is not None:
            code = normalise_code(clean(values[code_at])) if code_at < len(values) else ""
            earlier = seen.get((unit_name, code))
            if earlier is None:
                if raw_key in known.digests(unit_name):
                    seen[(unit_name, code)] = (line, None, raw_key)
                    chunk.known += 1
                    return
            elif earlier[2] == raw_key:
                chunk.repeats += 1
                return
        _keep(chunk, seen, known, line, values, unit_name, parse, raw_key)
        if dossier.odd:
            dossier.odd = False
            chunk.odd += 1

    return _chunked(raw, handle, batch, len(header))


def _procedure_chunks(
    raw: RawRows, columns: ColumnMap, default_unit: str, batch: int, width: int
) -> Iterator[Chunk]:
    """The catalogue rows in chunks: parsed, deduplicated by code, digested."""
    parse = ProcedureRow(columns).parse
    seen: Seen = {}

    def handle(chunk: Chunk, line: int, values: list[object]) -> None:
        """Keep a catalogue row (no raw digests: the catalogue is small)."""
        _keep(chunk, seen, None, line, values, default_unit, parse, None)

    return _chunked(raw, handle, batch, width)


def _chunked(
    raw: RawRows, handle: Callable[[Chunk, int, list[object]], None], batch: int, width: int
) -> Iterator[Chunk]:
    """Hand each non-blank row to handle; yield Chunks of at most `batch` rows, good or bad.

    A rejected row keeps only the cells under the header (`width`): what lies beyond is no
    column of the file. A chunk is also handed on once its rejected rows hold CHUNK_CELLS cells.
    """
    chunk = Chunk()
    cells = 0
    for line, values in raw.rows:
        if is_blank(values):
            continue
        chunk.rows_read += 1
        bad = len(chunk.rejects)
        handle(chunk, line, values)
        if len(chunk.rejects) > bad:
            at, kept, reasons = chunk.rejects[-1]
            if len(kept) > width:
                chunk.rejects[-1] = (at, kept[:width], reasons)
            cells += min(len(kept), width)
        if chunk.rows_read >= batch or cells >= CHUNK_CELLS:
            chunk.position = int(raw.position())
            yield chunk
            chunk = Chunk()
            cells = 0
    chunk.position = raw.total or int(raw.position())
    yield chunk  # (a sheet that declares no size counts its rows for the progress bar)


def _keep(
    chunk: Chunk,
    seen: Seen,
    known: Known | None,
    line: int,
    values: list[object],
    unit_name: str,
    parse: Callable[[list[object]], tuple[object, ...]],
    raw_key: int | None,
) -> None:
    """Parse a row, then keep it, count it as a repeat, or reject it with the reason."""
    if not unit_name:  # no "Đơn vị" cell, no --unit, no MOTCUA_UNIT (no default unit)
        chunk.rejects.append((line, values, [NO_UNIT]))
        return
    try:
        record = parse(values)
    except BadRow as bad:
        chunk.rejects.append((line, values, bad.args[0]))
        return
    digest = row_hash(record)
    key = (unit_name, str(record[0]))
    earlier = seen.get(key)
    if earlier is None:
        seen[key] = (line, digest, raw_key)
        chunk.records.append((unit_name, record, digest, raw_key))
    elif _first_digest(earlier, key, known) == digest:
        chunk.repeats += 1
    else:
        reason = f"mã «{record[0]}» đã có ở dòng {earlier[0]} với nội dung khác"
        chunk.rejects.append((line, values, [reason]))


def _first_digest(
    earlier: tuple[int, str | None, int | None], key: tuple[str, str], known: Known | None
) -> str | None:
    """The record digest of a code's first row in the file (the stored one if it was known)."""
    if earlier[1] is not None or known is None:
        return earlier[1]
    return known.row_hash(*key)
