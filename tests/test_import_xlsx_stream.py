"""XLSX rows are streamed: a formula or a cut far into a big sheet still stores nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.context import AppContext
from storage.imports import ImportLimits, ImportRefused
from storage.imports import formulas as import_formulas
from storage.imports.read import open_rows
from tests.import_helpers import import_dossiers
from tests.test_importer import HEADER, count, row


def big_sheet(path: Path, n: int, formula_at: int | None = None) -> Path:
    """A workbook of n dossier rows (write-only: no <dimension>), one formula cell if asked."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(HEADER)
    for i in range(1, n + 1):
        cells: list[object] = list(row(i))
        if i == formula_at:
            cells[12] = "=5000*2"
        sheet.append(cells)
    book.save(path)
    return path


async def test_a_formula_far_down_refuses_the_whole_file(ctx: AppContext, tmp_path: Path) -> None:
    """Rows before the formula were already handed on; the transaction drops them all."""
    path = big_sheet(tmp_path / "cong-thuc.xlsx", 3000, formula_at=2900)
    with pytest.raises(ImportRefused, match=r"công thức \(ô M2901\)"):
        await import_dossiers(ctx, path, limits=ImportLimits(formula_check_rows=100))
    assert await count(ctx, "dossiers") == 0 and await count(ctx, "import_runs") == 0


async def test_a_sheet_cut_part_way_is_refused(ctx: AppContext, tmp_path: Path) -> None:
    """A sheet whose XML ends mid-row (a broken export) is refused, nothing stored."""
    good = big_sheet(tmp_path / "tot.xlsx", 2000)
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) * 2 // 3]
            dst.writestr(info, data)
    with pytest.raises(ImportRefused, match="hỏng"):
        await import_dossiers(ctx, cut)
    assert await count(ctx, "dossiers") == 0


async def test_rows_stream_with_their_line_numbers(tmp_path: Path) -> None:
    """Line numbers are the sheet's own; a sheet without <dimension> is counted from its XML."""
    path = big_sheet(tmp_path / "a.xlsx", 5)
    raw = open_rows(path)
    lines = [line for line, _ in raw.rows]
    assert lines == [1, 2, 3, 4, 5, 6] and raw.total == 6 and raw.position() == 6  # type: ignore[operator]
    book = Workbook()
    for r in [HEADER, row(1), row(2)]:
        book.active.append(r)
    book.save(tmp_path / "b.xlsx")
    assert open_rows(tmp_path / "b.xlsx").total == 3


def test_a_long_sheet_without_dimension_gets_an_estimated_total(tmp_path: Path) -> None:
    """No <dimension>: the progress bar's total is estimated from the sheet's size (issue 18)."""
    path = big_sheet(tmp_path / "dai.xlsx", 3000)
    raw = open_rows(path, ImportLimits(size_sample_bytes=16 << 10))  # the sample: a few rows
    assert 0.8 * 3001 <= raw.total <= 1.2 * 3001
    raw.rows.close()  # type: ignore[attr-defined]


async def test_the_scan_in_its_own_process_finds_the_formula(
    ctx: AppContext, tmp_path: Path
) -> None:
    """Big sheets are scanned by `python -m storage.imports.formulas`: same answers."""
    in_process = ImportLimits(formula_process_min_bytes=0)
    bad = big_sheet(tmp_path / "cong-thuc.xlsx", 50, formula_at=40)
    scan = import_formulas.FormulaScan(bad, in_process)
    assert scan.proc is not None and scan.result() == "M41"
    with pytest.raises(ImportRefused, match=r"công thức \(ô M41\)"):
        await import_dossiers(ctx, bad, limits=in_process)
    good = big_sheet(tmp_path / "tot.xlsx", 50)
    assert import_formulas.FormulaScan(good, in_process).result() == ""
    assert (await import_dossiers(ctx, good, limits=in_process)).inserted == 50
    junk = tmp_path / "rac.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert import_formulas.FormulaScan(junk, in_process).result().startswith("broken:")


@pytest.mark.parametrize(
    ("xml", "at"),
    [
        (b'<c r="A1"><f>1+1</f><v>2</v></c>', 10),
        (b'<c r="B7"><f t="shared" ref="B7:B9" si="0">A7*2</f><v>4</v></c>', 10),
        (b'<c r="B8"><f t="shared" si="0"/><v>6</v></c>', 10),
        (b"<f\n>x</f>", 0),
        (b'<c r="A1" t="inlineStr"><is><t>of pdf fff</t></is></c>', -1),  # the letter, in text
        (b"<sheetFormatPr defaultRowHeight=\"15\"/><pageMargins footer=\"0.3\"/>", -1),
        (b"<font/><foo>", -1),  # another tag that starts with f
        (b'<c r="A1"><v>1</v></c><', -1),
        (b'<c r="A1"><v>1</v></c><f', -1),  # cut after `<f`: left for the next buffer
        (b"f<f>", 1),
    ],
)
def test_the_formula_tag_is_found_by_its_rare_letter(xml: bytes, at: int) -> None:
    """`<f` followed by `>`, space or `/` is a formula; the letter f anywhere else is not."""
    assert import_formulas._formula_at(xml) == at


def test_a_formula_tag_split_between_two_reads_is_found(tmp_path: Path) -> None:
    """The scan reads the sheet 1 MB at a time; a tag cut at any boundary is still found."""
    path = big_sheet(tmp_path / "cong-thuc.xlsx", 40, formula_at=30)
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(import_formulas.first_sheet_xml(zf))
    tag = xml.index(b"<f>")
    for size in (tag + 1, tag + 2, tag + 3, 97):  # `<` | `f>`, `<f` | `>`, `<f>` |, and others
        assert import_formulas.formula_cell(path, read_bytes=size) == "M31", size
