"""Read an import file row by row: CSV streamed (UTF-8, comma/semicolon/tab), XLSX (first sheet)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from storage.import_values import clean


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is Vietnamese."""


@dataclass
class RawRows:
    """The rows of a file: (line number, cell values) and how far the reading has got."""

    rows: Iterator[tuple[int, list[object]]]
    kind: str  # "csv" | "xlsx"
    total: int  # bytes (csv) or rows (xlsx), for the progress bar
    position: object  # callable () -> int, same unit as total


_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def open_rows(path: Path) -> RawRows:
    """Open a .csv or .xlsx file for row reading, refusing anything else with a reason."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(65536)
    except FileNotFoundError:
        raise FileRefused(f"Không tìm thấy tệp «{path}».") from None
    except OSError as exc:
        raise FileRefused(f"Không đọc được tệp «{path.name}»: {exc.strerror}.") from None
    if size == 0 or not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRefused(f"Tệp «{path.name}» rỗng: không có dòng nào để nhập.")
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            f"Tệp «{path.name}» là Excel đời cũ (.xls). Hãy mở bằng Excel và lưu lại dạng "
            ".xlsx (Excel Workbook) hoặc CSV UTF-8 rồi nhập lại."
        )
    if head.startswith(_XLSX_MAGIC):
        return _xlsx_rows(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise FileRefused(
            f"Tệp «{path.name}» không phải tệp Excel .xlsx hợp lệ (có thể bị hỏng hoặc tải về "
            "chưa xong)."
        )
    if b"\x00" in head or path.suffix.lower() in {".pdf", ".doc", ".docx", ".zip", ".png"}:
        raise FileRefused(
            f"Tệp «{path.name}» không phải CSV hay Excel (.xlsx). Chỉ nhận tệp .csv (UTF-8) "
            "hoặc .xlsx."
        )
    return _csv_rows(path, head, size)


def _check_utf8(head: bytes, name: str) -> None:
    """Refuse text that is not UTF-8 (Windows-1258/cp1252 exports), before reading on."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        raise FileRefused(_not_utf8(name)) from None


def _not_utf8(name: str, line: int | None = None) -> str:
    """The Vietnamese answer to a CSV that is not UTF-8."""
    where = f" (dòng {line})" if line else ""
    return (
        f"Tệp «{name}» không phải CSV mã UTF-8{where} — có vẻ được lưu bằng bảng mã "
        "Windows-1258 hoặc cp1252, tiếng Việt sẽ bị lỗi. Trong Excel chọn Lưu thành → "
        "«CSV UTF-8 (Comma delimited)» rồi nhập lại."
    )


def _delimiter(head: bytes) -> str:
    """The separator of the first non-empty line: semicolon, tab or comma."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
    for line in text.splitlines():
        if line.strip(" ,;\t"):
            counts = {d: line.count(d) for d in (";", "\t", ",")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _csv_rows(path: Path, head: bytes, size: int) -> RawRows:
    """Stream a CSV file's rows; never holds the whole file in memory."""
    _check_utf8(head, path.name)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, delimiter=_delimiter(head))

    def rows() -> Iterator[tuple[int, list[object]]]:
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError:
                    raise FileRefused(_not_utf8(path.name, reader.line_num + 1)) from None
                except csv.Error as exc:
                    raise FileRefused(
                        f"Tệp «{path.name}» hỏng ở dòng {reader.line_num}: {exc}."
                    ) from None
                yield reader.line_num, list(values)
        finally:
            text.close()

    return RawRows(rows(), "csv", size, raw.tell)


def _first_sheet_xml(zf: zipfile.ZipFile) -> str:
    """The archive path of the workbook's first sheet."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    first = book.find("m:sheets/m:sheet", ns)
    if first is None:
        raise FileRefused("Tệp Excel không có trang tính nào.")
    rid = first.get(f"{{{ns['r']}}}id")
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


_CELL_REF = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*>(?:(?!</c>).){0,400}$', re.S)


def _formula_cell(path: Path) -> str | None:
    """The reference of the first formula cell of the first sheet (None if it has none)."""
    with zipfile.ZipFile(path) as zf, zf.open(_first_sheet_xml(zf)) as sheet:
        tail = b""
        while chunk := sheet.read(1 << 20):
            buf = tail + chunk
            for marker in (b"<f>", b"<f "):
                at = buf.find(marker)
                if at >= 0:
                    m = _CELL_REF.search(buf[max(0, at - 500) : at])
                    return m[1].decode() if m else "?"
            tail = buf[-600:]
    return None


def _xlsx_rows(path: Path) -> RawRows:
    """The first sheet's rows (python-calamine: fast, native dates); formulas are refused."""
    try:
        # The formula scan (zlib, which lets go of the interpreter lock) runs beside the load.
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(_formula_cell, path)
            try:
                book = python_calamine.CalamineWorkbook.from_path(str(path))
                sheet = book.get_sheet_by_index(0)
            finally:
                cell = scan.result()
    except FileRefused:
        raise
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as exc:
        raise FileRefused(
            f"Tệp Excel «{path.name}» bị hỏng hoặc không đầy đủ ({type(exc).__name__}). Hãy "
            "xuất lại tệp từ phần mềm một cửa."
        ) from None
    except Exception as exc:  # calamine raises its own error types
        raise FileRefused(
            f"Tệp Excel «{path.name}» bị hỏng hoặc không đọc được ({exc}). Hãy xuất lại tệp."
        ) from None
    if cell is not None:
        raise FileRefused(
            f"Tệp Excel «{path.name}» có ô chứa công thức (ô {cell}). Hãy sao chép cả bảng và "
            "dán dạng giá trị (Paste Special → Values), lưu lại rồi nhập lại."
        )
    first_row = sheet.start[0] if sheet.start else 0
    total = sheet.height
    state = {"done": 0}

    def rows() -> Iterator[tuple[int, list[object]]]:
        for i, values in enumerate(sheet.iter_rows()):
            state["done"] = i + 1
            yield first_row + i + 1, values

    return RawRows(rows(), "xlsx", total, lambda: state["done"])


def is_blank(values: list[object]) -> bool:
    """True when every cell of a row is empty."""
    return all(clean(v) == "" for v in values)
