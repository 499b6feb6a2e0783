"""The one place where an import's read errors become Vietnamese messages (no exception names).

Every failure to read a file — the system refusing it, a zip that is not a workbook, a broken
sheet, an error in the parser process — goes through `refusal` here, so what reaches an operator
or an admin in chat is a sentence that says what the file is and what to do, never a Python
exception's name or an English library message (those go to the log).
"""

from __future__ import annotations

import errno
import logging
import zipfile

log = logging.getLogger(__name__)


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is Vietnamese."""


_OS_REASONS = {
    errno.ENOENT: "không tìm thấy tệp",
    errno.EACCES: "không có quyền đọc tệp",
    errno.EPERM: "không có quyền đọc tệp",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "đường dẫn không đúng",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EIO: "lỗi đọc đĩa",
}

# Parts of an Office zip that tell which program made it (a .docx renamed .xlsx, …).
_ZIP_KINDS = (
    ("word/", "tài liệu Word (.docx)"),
    ("ppt/", "bản trình chiếu PowerPoint (.pptx)"),
    ("content.xml", "tài liệu OpenDocument (.odt/.ods)"),
)

# Magic numbers of common non-text files someone may send by mistake.
_MAGIC = (
    (b"\x89PNG", "ảnh PNG"),
    (b"\xff\xd8\xff", "ảnh JPEG"),
    (b"GIF8", "ảnh GIF"),
    (b"%PDF", "tài liệu PDF"),
    (b"Rar!", "tệp nén RAR"),
    (b"7z\xbc\xaf", "tệp nén 7z"),
    (b"\x1f\x8b", "tệp nén gzip"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c")


def os_reason(exc: OSError) -> str:
    """A short Vietnamese reason for a system error (never its English strerror)."""
    return _OS_REASONS.get(exc.errno or 0, f"lỗi hệ thống (mã {exc.errno})")


def not_readable(name: str, exc: OSError) -> FileRefused:
    """The refusal of a file the system would not let us read."""
    return FileRefused(f"Không đọc được tệp «{name}»: {os_reason(exc)}.")


def binary_kind(head: bytes) -> str | None:
    """What a non-text file is ('ảnh PNG', …, 'tệp nhị phân'), or None when it looks like text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    sample = head[:4096]
    if not sample:
        return None
    controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS)
    if b"\x00" in sample or controls * 20 > len(sample):  # text has (almost) no control bytes
        return "tệp nhị phân"
    return None


def not_a_table(name: str, what: str) -> FileRefused:
    """The refusal of a file that is not a spreadsheet or a text file at all."""
    return FileRefused(
        f"Tệp «{name}» là {what}, không phải bảng tính hay tệp văn bản CSV. Chỉ nhận danh sách "
        "hồ sơ dạng .xlsx (Excel) hoặc .csv (UTF-8) xuất từ phần mềm một cửa."
    )


def zip_kind(zf: zipfile.ZipFile) -> str | None:
    """What a zip that is not an Excel workbook holds, or None when it has a workbook part."""
    names = zf.namelist()
    if "xl/workbook.xml" in names:
        return None
    for prefix, what in _ZIP_KINDS:
        if any(n.startswith(prefix) for n in names):
            return what
    return "tệp nén .zip"


def broken_xlsx(name: str, detail: object = None) -> FileRefused:
    """The refusal of a workbook that cannot be read to its end (detail logged, not shown)."""
    if detail is not None:
        log.info("workbook %s unreadable: %r", name, detail)
    return FileRefused(
        f"Tệp Excel «{name}» bị hỏng hoặc không đầy đủ (có thể tải về chưa xong). Hãy xuất lại "
        "tệp từ phần mềm một cửa."
    )


def refusal(name: str, exc: BaseException) -> FileRefused:
    """Any error met while reading the file, as the Vietnamese refusal to show."""
    if isinstance(exc, FileRefused):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return not_readable(name, exc)
    if isinstance(exc, MemoryError):
        return FileRefused(
            f"Tệp «{name}» quá lớn để đọc trên máy chủ này. Hãy chia tệp thành nhiều phần."
        )
    log.warning("reading %s failed: %r", name, exc)
    return FileRefused(
        f"Không đọc được tệp «{name}»: nội dung tệp không đúng dạng bảng tính. Hãy xuất lại tệp "
        "từ phần mềm một cửa (dạng .xlsx hoặc CSV UTF-8) rồi nhập lại."
    )
