"""A catalogue procedure as citizens read it: the full card of one, and one line for a list."""

from __future__ import annotations

import re

from storage.procedures import Procedure

LEVELS = {
    "toan_trinh": "dịch vụ công trực tuyến toàn trình",
    "mot_phan": "dịch vụ công trực tuyến một phần",
    "khong": "nộp trực tiếp hoặc qua bưu chính",
}
MAX_DOCUMENTS = 12  # documents listed on a card; the rest are summed up


def days_text(p: Procedure) -> str:
    """The time limit in working days, or 'theo quy định'."""
    return f"{p.days} ngày làm việc" if p.days is not None else "theo quy định"


def fee_text(p: Procedure) -> str:
    """The fees, or a clear 'no information'."""
    return (p.fee_text or "").strip() or "không có thông tin"


def documents(p: Procedure) -> list[str]:
    """The required documents, one per item (the cell lists them by line or by ';')."""
    items = [i.strip(" -•+\t") for i in re.split(r"[\n;]+", p.documents or "")]
    return [i for i in items if i]


def procedure_card(p: Procedure) -> str:
    """Everything the catalogue holds on one procedure, in the order a citizen needs it."""
    lines = [
        f"📋 {p.name}",
        f"Hình thức: {LEVELS.get(p.level, p.level)}",
        f"Thời hạn giải quyết: {days_text(p)}",
        f"Phí, lệ phí: {fee_text(p)}",
    ]
    docs = documents(p)
    if docs:
        lines.append("Thành phần hồ sơ:")
        lines += [f"  {n}. {d}" for n, d in enumerate(docs[:MAX_DOCUMENTS], 1)]
        if len(docs) > MAX_DOCUMENTS:
            lines.append(f"  … và {len(docs) - MAX_DOCUMENTS} giấy tờ khác (xem tại đường dẫn).")
    if p.office:
        lines.append(f"Cơ quan thực hiện: {p.office}")
    if p.url:
        lines.append(f"Nộp trực tuyến, xem chi tiết: {p.url}")
    return "\n".join(lines)
