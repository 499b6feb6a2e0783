"""The center's contact for citizens (hotline, address, hours) from the settings, as text."""

from __future__ import annotations

from bot.config import Settings

CONTACT_SETTINGS = (
    ("contact_hotline", "Đường dây nóng"),
    ("contact_address", "Địa chỉ"),
    ("contact_hours", "Giờ làm việc"),
)


def contact_lines(settings: Settings) -> list[str]:
    """'Label: value' for every contact setting that is set."""
    out = []
    for field, label in CONTACT_SETTINGS:
        value = (getattr(settings, field) or "").strip()
        if value:
            out.append(f"{label}: {value}")
    return out


def whom_to_contact(settings: Settings) -> str:
    """One sentence naming whom to contact, with the hotline and address when configured."""
    where = f"Bộ phận Một cửa — {settings.unit}"
    hotline = (settings.contact_hotline or "").strip()
    address = (settings.contact_address or "").strip()
    if not hotline and not address:
        return f"Xin vui lòng liên hệ {where} để được hỗ trợ."
    tail = []
    if hotline:
        tail.append(f"đường dây nóng {hotline}")
    if address:
        tail.append(f"địa chỉ {address}")
    return f"Xin vui lòng liên hệ {where}: {', '.join(tail)}."
