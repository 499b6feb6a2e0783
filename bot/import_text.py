"""The words of an import's outcome: the Vietnamese summary an operator (CLI) or an admin (chat)
reads, from the store's plain `ImportSummary`."""

from __future__ import annotations

import sys

from tqdm import tqdm

from storage.imports import ImportSummary
from storage.imports.parse import KIND_VI
from storage.imports.pipeline import Progress, ProgressFactory


def summary_text(s: ImportSummary) -> str:
    """The Vietnamese summary shown to the operator or the admin in chat (bounded)."""
    what = KIND_VI[s.kind]
    secs = f"{s.seconds:.1f}".replace(".", ",")
    name = s.file_name if len(s.file_name) <= 80 else s.file_name[:79] + "…"
    lines = [f"Nhập {what} từ «{name}» ({secs} giây):"]
    lines.append(f"• Đọc {s.rows_read} dòng dữ liệu")
    if s.stored:
        lines.append(
            f"• Thêm mới {s.inserted} · cập nhật {s.updated} · "
            f"không đổi {s.unchanged}"
        )
    if s.kind == "dossiers" and s.stored:
        lines.append(f"• Ghi nhận {s.status_changes} lần thay đổi trạng thái")
    if s.odd_dates and s.stored:
        lines.append(
            f"• {s.odd_dates} dòng có ngày bất thường (ngày sau hôm nay, ngày trả trước "
            "ngày kết thúc…) — vẫn được lưu, đề nghị kiểm tra lại"
        )
    if s.rejected:
        lines.append(f"• Bị loại {s.rejected} dòng{_rejects_where(s)}")
    if not s.stored:
        lines.append(
            f"• Chế độ nghiêm ngặt (--strict): KHÔNG lưu dòng nào vì có {s.rejected} "
            "dòng lỗi. Sửa các dòng đó rồi nhập lại."
        )
    if s.header_line > 1:
        lines.append(f"• Dòng tiêu đề ở dòng {s.header_line}; các dòng trên nó bị bỏ qua")
    if s.unknown_columns:
        more = s.unknown_count - len(s.unknown_columns)
        rest = f" và {more:,} cột khác".replace(",", ".") if more > 0 else ""
        lines.append("• Cột không dùng đến: " + ", ".join(s.unknown_columns) + rest)
    return "\n".join(lines)


def _rejects_where(s: ImportSummary) -> str:
    """Where the rejected rows were written, for the summary."""
    if s.rejects_lost:
        return " — không ghi được tệp các dòng bị loại (thư mục không cho ghi)"
    if s.rejects_path is None:
        return ""
    if s.rejects_moved:
        return (
            f" — thư mục của tệp nhập không cho ghi, các dòng bị loại được ghi vào tệp "
            f"«{s.rejects_path}»"
        )
    return f" — xem tệp «{s.rejects_path.name}»"


class _Bar:
    """A tqdm progress bar on stderr, told absolute positions."""

    def __init__(self, bar: tqdm) -> None:
        self.bar = bar

    def update(self, position: int) -> None:
        """Move the bar to this position."""
        self.bar.update(position - self.bar.n)

    def close(self) -> None:
        """Take the bar off the terminal."""
        self.bar.close()


def progress_bar(file_name: str) -> ProgressFactory:
    """The operator's progress bar of an import: bytes for a CSV, rows for a spreadsheet."""

    def make(total: int, file_kind: str) -> Progress:
        """The bar, once the file's total and kind are known."""
        return _Bar(tqdm(
            total=total or None,  # a sheet may not declare its size
            unit="B" if file_kind == "csv" else " dòng",
            unit_scale=file_kind == "csv",
            desc=f"Nhập {file_name}",
            file=sys.stderr,
            mininterval=0.5,
            leave=False,
        ))

    return make
