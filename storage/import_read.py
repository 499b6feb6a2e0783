"""Read an import file row by row: CSV streamed (UTF-8, comma/semicolon/tab), XLSX (first sheet)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import python_calamine_plus

from storage.import_formulas import FormulaScan, NoSheet, first_sheet_xml
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


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')
_FORMULA_CHECK_ROWS = 4096  # how often the streaming rows look at the formula scan


def _declared_rows(path: Path) -> int:
    """The last row the sheet's <dimension> declares (0 when the writer left it out)."""
    with zipfile.ZipFile(path) as zf, zf.open(first_sheet_xml(zf)) as sheet:
        m = _DIMENSION.search(sheet.read(4096))
    return int(m[1]) if m else 0


def _broken(path: Path, detail: str) -> FileRefused:
    """The refusal of an XLSX file that cannot be read to its end."""
    return FileRefused(
        f"Tệp Excel «{path.name}» bị hỏng hoặc không đầy đủ ({detail}). Hãy xuất lại tệp từ phần "
        "mềm một cửa."
    )


def _formula_refusal(path: Path, cell: str) -> FileRefused:
    """The refusal of an XLSX file with a formula cell."""
    return FileRefused(
        f"Tệp Excel «{path.name}» có ô chứa công thức (ô {cell}). Hãy sao chép cả bảng và "
        "dán dạng giá trị (Paste Special → Values), lưu lại rồi nhập lại."
    )


def _xlsx_rows(path: Path) -> RawRows:
    """The first sheet's rows, streamed (python-calamine-plus: native dates, constant memory).

    A formula cell refuses the file: the scan for one (storage/import_formulas.py) runs beside
    the rows and is looked at every few thousand rows and at the end, so a refusal can come
    after rows were handed on; the importer's single transaction then stores none of them.
    """
    try:
        total = _declared_rows(path)
    except NoSheet:
        raise FileRefused(f"Tệp Excel «{path.name}» không có trang tính nào.") from None
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as exc:
        raise _broken(path, type(exc).__name__) from None
    try:
        book = python_calamine_plus.CalamineWorkbook.from_path(str(path))
        stream = book.stream_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types
        raise _broken(path, str(exc)) from None
    state = {"done": 0}

    def check(scan: FormulaScan, wait: bool) -> None:
        """Refuse the file if the scan (finished, or waited for) found a formula cell."""
        if not (wait or scan.done()):
            return
        found = scan.result()
        if found.startswith("broken:"):
            raise _broken(path, found.removeprefix("broken:"))
        if found:
            raise _formula_refusal(path, found)

    def rows() -> Iterator[tuple[int, list[object]]]:
        line = 0
        scan = FormulaScan(path)  # started with the first row asked for
        try:
            for values in stream:
                line += 1
                state["done"] = line
                if line % _FORMULA_CHECK_ROWS == 0:
                    check(scan, wait=False)
                yield line, values
            check(scan, wait=True)
        except FileRefused:
            raise
        except Exception as exc:  # a sheet cut short or malformed part-way through
            raise _broken(path, str(exc)) from None
        finally:
            scan.stop()

    return RawRows(rows(), "xlsx", total, lambda: state["done"])


def is_blank(values: list[object]) -> bool:
    """True when every cell of a row is empty (None, or text that is only whitespace)."""
    for v in values:
        if v.__class__ is str:
            if v and not v.isspace():  # what clean() would strip to "" is exactly this
                return False
        elif v is not None and clean(v) != "":
            return False
    return True
