"""Read an import file row by row: CSV streamed (UTF-8, comma/semicolon/tab), XLSX (first sheet)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from storage.imports.errors import (
    FileRefused,
    binary_kind,
    broken_xlsx,
    not_a_table,
    not_readable,
    refusal,
    zip_kind,
)
from storage.imports.formulas import FormulaScan, NoSheet, first_sheet_xml
from storage.imports.limits import ImportLimits
from storage.imports.values import clean
from storage.imports.xlsx_reader import XlsxUnreadable, first_sheet_rows

__all__ = ["FileRefused", "ImportLimits", "RawRows", "is_blank", "open_rows"]


def _thousands(n: int) -> str:
    """A count written the Vietnamese way: 500.000."""
    return f"{n:,}".replace(",", ".")


def _too_many_rows(name: str, limits: ImportLimits) -> FileRefused:
    """The refusal of a file with more rows than one import may read."""
    return FileRefused(
        f"Tệp «{name}» có hơn {_thousands(limits.max_rows)} dòng, quá giới hạn của một lần nhập "
        "(MOTCUA_IMPORT_MAX_ROWS). Hãy chia tệp thành nhiều phần rồi nhập từng phần. "
        "Không lưu dòng nào."
    )


def _too_big(name: str, size: int, limits: ImportLimits) -> FileRefused:
    """The refusal of a sheet larger, uncompressed, than one import may read."""
    mb, cap = -(-size // (1 << 20)), limits.max_sheet_bytes >> 20
    return FileRefused(
        f"Tệp «{name}» quá lớn: bảng tính khi giải nén khoảng {_thousands(mb)} MB, quá giới hạn "
        f"{_thousands(cap)} MB của một lần nhập (MOTCUA_IMPORT_MAX_SHEET_MB). Hãy chia tệp thành "
        "nhiều phần rồi nhập từng phần. Không lưu dòng nào."
    )


Rows = Generator[tuple[int, list[object]], None, None]  # (line number, cell values)

# The shared strings are held in memory whole by the reader (about 1.6 bytes per byte of XML,
# measured): they may take at most this fraction of the sheet cap (100 MB of 600).
_STRINGS_SHARE = 6


def _too_many_strings(name: str, size: int, limits: ImportLimits) -> FileRefused:
    """The refusal of a workbook whose shared strings would not fit in memory under the cap."""
    mb, cap = -(-size // (1 << 20)), (limits.max_sheet_bytes // _STRINGS_SHARE) >> 20
    return FileRefused(
        f"Tệp «{name}» quá lớn: bảng chữ dùng chung của tệp Excel khi giải nén khoảng "
        f"{_thousands(mb)} MB, quá giới hạn {_thousands(cap)} MB (một phần sáu của "
        "MOTCUA_IMPORT_MAX_SHEET_MB, vì phần này phải nằm trọn trong bộ nhớ). Hãy chia tệp thành "
        "nhiều phần, hoặc lưu dạng CSV UTF-8, rồi nhập lại. Không lưu dòng nào."
    )


def _counted(
    rows: Generator[tuple[int, list[object]], None, None], name: str, limits: ImportLimits
) -> Generator[tuple[int, list[object]], None, None]:
    """The rows, refusing the file once it has more than the cap (header and titles allowed)."""
    allowed = limits.max_rows + 20  # the header and the title lines above it
    count = 0
    try:
        for item in rows:
            count += 1
            if count > allowed:
                raise _too_many_rows(name, limits)
            yield item
    finally:
        rows.close()


@dataclass
class RawRows:
    """The rows of a file: (line number, cell values) and how far the reading has got."""

    rows: Rows
    kind: str  # "csv" | "xlsx"
    total: int  # bytes (csv) or rows (xlsx), for the progress bar
    position: Callable[[], int]  # same unit as total


_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def open_rows(path: Path, limits: ImportLimits | None = None) -> RawRows:
    """Open a .csv or .xlsx file for row reading, refusing anything else with a reason."""
    limits = limits or ImportLimits()
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(65536)
    except FileNotFoundError:
        raise FileRefused(f"Không tìm thấy tệp «{path}».") from None
    except OSError as exc:
        raise not_readable(path.name, exc) from None
    if size == 0 or not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRefused(f"Tệp «{path.name}» rỗng: không có dòng nào để nhập.")
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            f"Tệp «{path.name}» là Excel đời cũ (.xls). Hãy mở bằng Excel và lưu lại dạng "
            ".xlsx (Excel Workbook) hoặc CSV UTF-8 rồi nhập lại."
        )
    if head.startswith(_XLSX_MAGIC):
        raw = _xlsx_rows(path, limits)
    else:
        what = binary_kind(head)
        if what is not None:
            raise not_a_table(path.name, what)
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            raise FileRefused(
                f"Tệp «{path.name}» không phải tệp Excel .xlsx hợp lệ (có thể bị hỏng hoặc tải "
                "về chưa xong)."
            )
        if path.suffix.lower() in {".pdf", ".doc", ".docx", ".zip", ".png"}:
            raise not_a_table(path.name, f"tệp {path.suffix.lower()}")
        if size > limits.max_sheet_bytes:
            raise _too_big(path.name, size, limits)
        raw = _csv_rows(path, head, size)
    raw.rows = _counted(raw.rows, path.name, limits)
    return raw


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

    def rows() -> Rows:
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError:
                    raise FileRefused(_not_utf8(path.name, reader.line_num + 1)) from None
                except csv.Error:
                    raise FileRefused(
                        f"Tệp «{path.name}» hỏng ở dòng {reader.line_num}: một ô quá dài hoặc "
                        "có dấu ngoặc kép không đóng. Hãy xuất lại tệp dạng CSV UTF-8."
                    ) from None
                except OSError as exc:
                    raise not_readable(path.name, exc) from None
                yield reader.line_num, list(values)
        finally:
            text.close()

    return RawRows(rows(), "csv", size, raw.tell)


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _sheet_size(path: Path, limits: ImportLimits) -> int:
    """The sheet's rows: declared by <dimension>, else estimated from its size; refuses caps.

    The uncompressed sizes of the sheet and of its shared strings (which the reader holds in
    memory) are read from the zip's directory, before anything is decompressed.
    """
    with zipfile.ZipFile(path) as zf:
        what = zip_kind(zf)
        if what is not None:
            raise not_a_table(path.name, what)
        name = first_sheet_xml(zf)
        infos = {i.filename: i for i in zf.infolist()}
        sheet_bytes = infos[name].file_size
        strings = infos.get("xl/sharedStrings.xml")
        unpacked = sheet_bytes + (strings.file_size if strings else 0)
        if unpacked > limits.max_sheet_bytes:
            raise _too_big(path.name, unpacked, limits)
        if strings and strings.file_size > limits.max_sheet_bytes // _STRINGS_SHARE:
            raise _too_many_strings(path.name, strings.file_size, limits)
        with zf.open(name) as sheet:
            sample = sheet.read(limits.size_sample_bytes)
    m = _DIMENSION.search(sample[:4096])
    if m:
        return int(m[1])
    rows = sample.count(b"<row")  # no dimension (or just "A1"): rows × sheet size / sample
    if not rows or not sample:
        return 0
    return rows if len(sample) >= sheet_bytes else max(rows, sheet_bytes * rows // len(sample))


def _formula_refusal(path: Path, cell: str) -> FileRefused:
    """The refusal of an XLSX file with a formula cell."""
    return FileRefused(
        f"Tệp Excel «{path.name}» có ô chứa công thức (ô {cell}). Hãy sao chép cả bảng và "
        "dán dạng giá trị (Paste Special → Values), lưu lại rồi nhập lại."
    )


def _xlsx_rows(path: Path, limits: ImportLimits) -> RawRows:
    """The first sheet's rows, streamed (storage/imports/xlsx_reader.py: native dates).

    A formula cell refuses the file: the scan for one (storage/imports/formulas.py) runs beside
    the rows and is looked at every few thousand rows and at the end, so a refusal can come
    after rows were handed on; the importer's single transaction then stores none of them.
    """
    try:
        total = _sheet_size(path, limits)
    except FileRefused:
        raise
    except NoSheet:
        raise FileRefused(f"Tệp Excel «{path.name}» không có trang tính nào.") from None
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError) as exc:
        raise broken_xlsx(path.name, exc) from None
    except OSError as exc:
        raise not_readable(path.name, exc) from None
    try:
        stream = first_sheet_rows(path)
    except XlsxUnreadable as exc:
        raise broken_xlsx(path.name, exc) from None
    except OSError as exc:
        raise not_readable(path.name, exc) from None
    state = {"done": 0}

    def check(scan: FormulaScan, wait: bool) -> None:
        """Refuse the file if the scan (finished, or waited for) found a formula cell."""
        if not (wait or scan.done()):
            return
        found = scan.result()
        if found.startswith("broken:"):
            raise broken_xlsx(path.name, found)
        if found:
            raise _formula_refusal(path, found)

    def rows() -> Rows:
        line = 0
        scan = FormulaScan(path, limits)  # started with the first row asked for
        try:
            for values in stream:
                line += 1
                state["done"] = line
                if line % limits.formula_check_rows == 0:
                    check(scan, wait=False)
                yield line, values
            check(scan, wait=True)
        except FileRefused:
            raise
        except XlsxUnreadable as exc:  # a sheet cut short or malformed part-way through
            raise broken_xlsx(path.name, exc) from None
        except Exception as exc:
            raise refusal(path.name, exc) if isinstance(exc, OSError) else broken_xlsx(
                path.name, exc) from None
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
