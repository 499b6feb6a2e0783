"""Officer codes checked against the staff and the dossiers: the Vietnamese notes the CLI and
the admin chat print when inviting and listing staff."""

from __future__ import annotations

from storage import staff as staff_store
from storage.staff import CodeCount, StaffEntry, StaffMember
from storage.store import Store

NO_CODE = (
    "Lưu ý: cán bộ này chưa có mã cán bộ nên sẽ không nhận nhắc việc buổi sáng và không có tên "
    "trong danh sách quá hạn theo cán bộ. Mã cán bộ là giá trị ở cột «Cán bộ xử lý» của tệp xuất."
)


def taken_text(code: str, holder: StaffMember, how: str) -> str:
    """The refusal when a code is already held; `how` says how to hand it over."""
    return (
        f"Mã cán bộ {code} đang thuộc {holder.name} (số {holder.id}) trong cùng đơn vị, nên chưa "
        f"tạo lời mời. {how}"
    )


async def invite_notes(db: Store, unit_id: int, role: str, code: str | None) -> list[str]:
    """Warnings after an invite: an officer without a code, or a code no dossier carries."""
    if role != "officer":
        return []
    if code is None:
        return [NO_CODE]
    counts = await staff_store.officer_code_counts(db, unit_id)
    if code in counts:
        return []
    return [
        f"Lưu ý: chưa có hồ sơ nào của đơn vị mang mã cán bộ {code}; nếu mã gõ nhầm, hãy thu hồi "
        "và mời lại với mã đúng (cột «Cán bộ xử lý» của tệp xuất)."
    ]


def open_text(entry: StaffEntry, counts: dict[str, CodeCount]) -> str:
    """', 12 hồ sơ đang giải quyết' for an officer code ('' for staff without a code)."""
    code = entry.member.officer_code
    if code is None:
        return ", chưa có mã cán bộ" if entry.member.role == "officer" else ""
    found = counts.get(code)
    if found is None:
        return ", chưa có hồ sơ nào mang mã này" if entry.member.role == "officer" else ""
    return f", {found.open} hồ sơ đang giải quyết"


def unheld_line(entries: list[StaffEntry], counts: dict[str, CodeCount]) -> str | None:
    """The codes of open dossiers that no active staff member holds, or None."""
    held = {e.member.officer_code for e in entries if not e.revoked}
    free = sorted((c, n.open) for c, n in counts.items() if n.open and c not in held)
    if not free:
        return None
    listed = ", ".join(f"{code} ({n} hồ sơ)" for code, n in free)
    return f"Mã cán bộ có hồ sơ đang giải quyết nhưng chưa giao cho ai: {listed}."
