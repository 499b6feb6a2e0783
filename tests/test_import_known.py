"""Re-imports: rows unchanged since they were stored are recognised by their raw digest."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from bot.context import AppContext
from storage.imports import ImportLimits
from storage.imports.columns import match_header
from storage.imports.known import KnownRows, raw_digester
from storage.imports.rows import BadRow, DossierRow
from tests.import_helpers import import_dossiers
from tests.test_importer import HEADER, count, row, write_csv

pytestmark = pytest.mark.engines


async def digests(ctx: AppContext) -> dict[str, int | None]:
    """code → stored raw digest."""
    async with ctx.db.reader.execute("SELECT code, raw_digest FROM dossiers") as cur:
        return {str(r[0]): r[1] for r in await cur.fetchall()}


def refuse_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any dossier row that is parsed fail loudly (it should have been skipped)."""

    def parse(self: DossierRow, values: list[object]) -> tuple[object, ...]:
        raise BadRow([f"được đọc lại: {values[1]}"])

    monkeypatch.setattr(DossierRow, "parse", parse)


async def test_an_unchanged_file_is_not_parsed_again(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second import of the same file counts every row unchanged without parsing it."""
    path = write_csv(tmp_path / "a.csv", [row(n) for n in range(1, 8)])
    first = await import_dossiers(ctx, path)
    stored = await digests(ctx)
    assert first.inserted == 7 and all(v is not None for v in stored.values())
    events = await count(ctx, "status_events")
    refuse_parsing(monkeypatch)
    again = await import_dossiers(ctx, path)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 7, 0)
    assert await count(ctx, "status_events") == events and await digests(ctx) == stored


async def test_a_changed_row_among_known_ones_is_parsed_and_updated(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Only the row whose cells changed is parsed; its status change is recorded."""
    rows = [row(n, **{"Trạng thái": "Đang xử lý", "Ngày kết thúc xử lý": ""}) for n in (1, 2)]
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", rows))
    before = await digests(ctx)
    rows[1] = row(2)
    s = await import_dossiers(ctx, write_csv(tmp_path / "b.csv", rows))
    assert (s.unchanged, s.updated, s.status_changes) == (1, 1, 1)
    after = await digests(ctx)
    code1, code2 = sorted(after)
    assert after[code1] == before[code1] and after[code2] != before[code2]


async def test_same_content_written_differently_is_unchanged_and_learned(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NFD text and another date form parse to the same record: unchanged, digest refreshed."""
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [row(1), row(2)]))
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn An")
    other = [row(1, **{"Chủ hồ sơ": nfd, "Ngày tiếp nhận": "2026-01-05 08:00"}), row(2)]
    path = write_csv(tmp_path / "b.csv", other)
    s = await import_dossiers(ctx, path)
    assert (s.unchanged, s.updated, s.inserted) == (2, 0, 0)
    refuse_parsing(monkeypatch)  # the new form is now known too
    again = await import_dossiers(ctx, path)
    assert (again.unchanged, again.rejected) == (2, 0)


async def test_repeats_of_a_known_row_inside_the_file(ctx: AppContext, tmp_path: Path) -> None:
    """A known row repeated: identical or same content is a repeat, other content is refused."""
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [row(1)]))
    same = row(1, **{"STT": "99"})  # another line number column, same record
    changed = row(1, **{"Chủ hồ sơ": "Lê Thị Hoa"})
    s = await import_dossiers(ctx, write_csv(tmp_path / "b.csv", [row(1), row(1), same, changed]))
    assert (s.unchanged, s.rejected, s.updated) == (3, 1, 0)
    rejects = s.rejects_path.read_text(encoding="utf-8-sig") if s.rejects_path else ""
    assert "đã có ở dòng 2 với nội dung khác" in rejects and "Lê Thị Hoa" in rejects
    async with ctx.db.reader.execute("SELECT applicant FROM dossiers") as cur:
        assert [r[0] for r in await cur.fetchall()] == ["Nguyễn Văn An"]


async def test_a_reordered_header_is_parsed_again(ctx: AppContext, tmp_path: Path) -> None:
    """The digest is seeded with the header: the same cells under other columns never match."""
    await import_dossiers(ctx, write_csv(tmp_path / "a.csv", [row(1)]))
    before = await digests(ctx)
    order = [*HEADER[1:], HEADER[0]]
    moved = [[*r[1:], r[0]] for r in [row(1)]]
    s = await import_dossiers(ctx, write_csv(tmp_path / "b.csv", moved, header=order))
    assert (s.unchanged, s.updated) == (1, 0)
    after = await digests(ctx)
    assert after.keys() == before.keys() and after != before


async def test_the_helper_process_skips_known_rows_too(ctx: AppContext, tmp_path: Path) -> None:
    """Big files (parsed in the helper process) read the stored digests from the store file."""
    in_helper = ImportLimits(parallel_min_bytes=0)
    rows = [row(n) for n in range(1, 501)]
    path = write_csv(tmp_path / "lon.csv", rows)
    assert (await import_dossiers(ctx, path, limits=in_helper)).inserted == 500
    rows[7] = row(8, **{"Chủ hồ sơ": "Phạm Minh Đức"})
    s = await import_dossiers(ctx, write_csv(tmp_path / "lon2.csv", rows), limits=in_helper)
    assert (s.unchanged, s.updated, s.inserted) == (499, 1, 0)


def test_known_rows_without_a_store_file(tmp_path: Path) -> None:
    """No store file, no digests to read; digests differ by header and by time zone."""
    assert KnownRows.open(None) is None and KnownRows.open(tmp_path / "none.db") is None
    values = row(1)
    columns = match_header(HEADER, "dossiers")
    a = raw_digester("csv", HEADER, "Asia/Ho_Chi_Minh", columns)(values)
    assert a == raw_digester("csv", HEADER, "Asia/Ho_Chi_Minh", columns)(list(values))
    assert a != raw_digester("csv", HEADER, "Asia/Bangkok", columns)(values)
    other = [*HEADER[:-1], "Ghi chú khác"]
    assert a != raw_digester("csv", other, "Asia/Ho_Chi_Minh", match_header(other, "dossiers"))(
        values
    )
    assert -(2**63) <= a < 2**63  # fits SQLite's INTEGER


async def test_a_spreadsheet_is_skipped_too(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XLSX rows (typed cells) have digests too: the same workbook again is not parsed."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    for n in range(1, 6):
        cells: list[object] = list(row(n))
        cells[0] = n  # a number cell, as exports have
        book.active.append(cells)
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert (await import_dossiers(ctx, path)).inserted == 5
    refuse_parsing(monkeypatch)
    again = await import_dossiers(ctx, path)
    assert (again.unchanged, again.rejected, again.inserted) == (5, 0, 0)
