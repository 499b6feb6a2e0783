"""The import files' columns: canonical names, their Vietnamese aliases, and header matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.imports.values import clean, fold

DOSSIER_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã hồ sơ", "Số hồ sơ", "MaHoSo"),
    "procedure_code": ("Mã thủ tục", "Mã TTHC", "MaTTHC"),
    "procedure_name": ("Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "TenTTHC"),
    "applicant": ("Chủ hồ sơ", "Người nộp", "Tên người nộp", "ChuHoSo"),
    "phone": ("Số điện thoại", "SĐT", "SoDienThoai"),
    "id_number": ("Số giấy tờ", "CCCD", "Số định danh", "SoGiayToChuHoSo"),
    "channel": ("Hình thức nộp", "Kênh nộp", "KenhThucHien"),
    "received_at": ("Ngày tiếp nhận", "Ngày nhận", "NgayTiepNhan"),
    "due_at": ("Ngày hẹn trả", "NgayHenTra"),
    "finished_at": (
        "Ngày kết thúc xử lý",
        "Ngày có kết quả",
        "Ngày kết thúc",
        "NgayKetThucXuLy",
    ),
    "returned_at": ("Ngày trả kết quả", "NgayTra"),
    "status": ("Trạng thái", "Trạng thái hồ sơ", "TrangThaiHoSo"),
    "status_at": ("Ngày cập nhật trạng thái",),
    "officer": ("Cán bộ xử lý", "Người xử lý"),
    "unit": ("Đơn vị", "Đơn vị tiếp nhận"),
    "fully_online": ("Toàn trình", "Trực tuyến toàn trình"),
    "digitized_input": ("Số hóa đầu vào",),
    "digitized_output": ("Số hóa đầu ra",),
    "stored": ("Lưu kho",),
    "reused": ("Tái sử dụng", "Tái sử dụng dữ liệu số hóa"),
    "fee": ("Phí, lệ phí", "Phí", "Lệ phí"),
    "paid_online": ("Thanh toán trực tuyến",),
    "supplement_note": ("Nội dung yêu cầu bổ sung",),
}
DOSSIER_REQUIRED = (
    "code",
    "procedure_code",
    "applicant",
    "channel",
    "received_at",
    "due_at",
    "status",
)

PROCEDURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("Mã thủ tục", "Mã TTHC", "MaTTHC"),
    "name": ("Tên thủ tục", "Tên TTHC", "Tên thủ tục hành chính", "TenTTHC"),
    "field": ("Lĩnh vực",),
    "level": ("Mức độ", "Mức độ DVCTT"),
    "days": ("Thời hạn giải quyết",),
    "fee_text": ("Phí, lệ phí", "Phí", "Lệ phí"),
    # Optional details of a procedure's card (issue 13).
    "documents": ("Thành phần hồ sơ", "Hồ sơ gồm", "Giấy tờ cần nộp"),
    "office": ("Cơ quan thực hiện", "Cơ quan giải quyết"),
    "url": ("Đường dẫn", "URL", "Link", "Địa chỉ trực tuyến"),
}
PROCEDURE_REQUIRED = ("code", "name", "level")

# A header cell longer than this is no alias of ours (the longest has 26 characters): it is
# named unknown without being folded, which keeps a header of very many long cells quick.
_LONGEST_ALIAS = 64

# Columns exports carry that are not data: ignored without a warning.
_SILENT = {"stt", "tt", "so thu tu"}


def header_key(text: object) -> str:
    """A header cell folded for matching: case, accents, spaces and punctuation ignored."""
    return re.sub(r"[\s_.,:;()\-/]+", "", fold(clean(text)))


def _aliases(columns: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded alias → canonical column name."""
    out: dict[str, str] = {}
    for canon, names in columns.items():
        for name in (canon, *names):
            out.setdefault(header_key(name), canon)
    return out


_ALIASES = {"dossiers": _aliases(DOSSIER_COLUMNS), "procedures": _aliases(PROCEDURE_COLUMNS)}
_SILENT_KEYS = {header_key(s) for s in _SILENT}


@dataclass
class ColumnMap:
    """Which cell index holds each canonical column, and the header cells not understood."""

    index: dict[str, int]
    unknown: list[str]
    missing: list[str]


def match_header(cells: list[object], kind: str) -> ColumnMap:
    """Match a header row against one kind's columns (first match of a canonical name wins)."""
    aliases = _ALIASES[kind]
    required = DOSSIER_REQUIRED if kind == "dossiers" else PROCEDURE_REQUIRED
    index: dict[str, int] = {}
    unknown = []
    for i, cell in enumerate(cells):
        if type(cell) is str and len(cell) > _LONGEST_ALIAS:
            unknown.append(clean(cell))
            continue
        key = header_key(cell)
        if not key or key in _SILENT_KEYS:
            continue
        canon = aliases.get(key)
        if canon is None:
            unknown.append(clean(cell))
        elif canon not in index:
            index[canon] = i
    missing = [c for c in required if c not in index]
    return ColumnMap(index, unknown, missing)


def display_name(kind: str, canon: str) -> str:
    """The Vietnamese header to name a column by in messages."""
    columns = DOSSIER_COLUMNS if kind == "dossiers" else PROCEDURE_COLUMNS
    return columns[canon][0]


def guess_kind(cells: list[object]) -> str | None:
    """"dossiers" or "procedures" from a header row, or None when it matches neither."""
    dossiers = match_header(cells, "dossiers")
    if not dossiers.missing:
        return "dossiers"
    procedures = match_header(cells, "procedures")
    if not procedures.missing:
        return "procedures"
    return None
