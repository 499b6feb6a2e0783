"""The XLSX reader adapter (storage/imports/xlsx_reader.py): rows as plain values, one error."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.imports.errors import FileRefused
from storage.imports.read import open_rows
from storage.imports.xlsx_reader import XlsxUnreadable, first_sheet_rows


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook whose first sheet holds these rows (a second sheet that must not be read)."""
    book = Workbook()
    for r in rows:
        book.active.append(r)
    book.create_sheet("Khác").append(["không đọc"])
    book.save(path)
    return path


def test_rows_come_with_native_types_and_dates(tmp_path: Path) -> None:
    """Text, whole and decimal numbers, booleans, date-times, dates and times keep their type."""
    path = workbook(tmp_path / "a.xlsx", [
        ["Mã hồ sơ", "Số", "Phí", "Toàn trình", "Tiếp nhận", "Hẹn trả", "Giờ"],
        ["H31-0001", 7, 12500.5, True, datetime(2026, 3, 4, 7, 30), date(2026, 3, 5), time(8, 15)],
    ])
    rows = list(first_sheet_rows(path))
    assert rows == [
        ["Mã hồ sơ", "Số", "Phí", "Toàn trình", "Tiếp nhận", "Hẹn trả", "Giờ"],
        ["H31-0001", 7, 12500.5, True, datetime(2026, 3, 4, 7, 30), date(2026, 3, 5),
         time(8, 15)],
    ]
    assert type(rows[1][1]) is int and type(rows[1][3]) is bool


def test_empty_cells_are_empty_text_and_rows_keep_the_sheet_width(tmp_path: Path) -> None:
    """A gap, a blank row, a short row: "" for every empty cell, each row as wide as the sheet."""
    path = workbook(tmp_path / "b.xlsx", [
        ["Mã", None, "Trạng thái"],
        [None, None, None],
        ["H31-0002"],
    ])
    assert list(first_sheet_rows(path)) == [
        ["Mã", "", "Trạng thái"],
        ["", "", ""],
        ["H31-0002", "", ""],
    ]


def test_a_file_that_is_no_workbook_raises_our_error(tmp_path: Path) -> None:
    """The library's own exception types never leak: XlsxUnreadable, then a Vietnamese refusal."""
    junk = tmp_path / "rac.xlsx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(XlsxUnreadable):
        list(first_sheet_rows(junk))


def test_a_sheet_cut_part_way_raises_our_error_while_reading(tmp_path: Path) -> None:
    """A sheet whose XML ends mid-way: the rows before it come, then XlsxUnreadable."""
    good = workbook(tmp_path / "tot.xlsx", [["Mã", "Tên"], *[[f"H{n}", "x" * 50] for n in
                                                           range(3000)]])
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(cut, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            dst.writestr(info, data)
    with pytest.raises(XlsxUnreadable):
        for _ in first_sheet_rows(cut):
            pass
    with pytest.raises(FileRefused, match="bị hỏng"):
        for _ in open_rows(cut).rows:
            pass
