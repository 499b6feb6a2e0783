"""The demo's people: applicants' names and numbers, the center's officers and leaders."""

from __future__ import annotations

import random

_SURNAMES = (
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 8), ("Hoàng", 5), ("Vũ", 5), ("Đặng", 3),
    ("Bùi", 3), ("Đỗ", 3), ("Hồ", 2), ("Ngô", 2), ("Dương", 2), ("Lý", 1), ("Đào", 2),
    ("Đinh", 2), ("Mai", 1), ("Trịnh", 1), ("Phan", 2), ("Lương", 1), ("Tạ", 1),
)
_MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thế", "Ngọc", "Xuân", "Công", "Đình")
_FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thị Thu", "Diệu")
_MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long",
    "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Việt",
)
_FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
    "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến",
)
_PHONE_PREFIXES = ("91", "94", "98", "97", "96", "86", "88", "83", "35", "36", "39", "33")

# The center's staff: code, name, role, what they handle.
STAFF: tuple[tuple[str, str, str, str], ...] = (
    ("CB01", "Nguyễn Thị Hoa", "officer", "Chứng thực"),
    ("CB02", "Trần Văn Hải", "officer", "Chứng thực"),
    ("CB03", "Lê Thị Thu Trang", "officer", "Hộ tịch"),
    ("CB04", "Phạm Minh Đức", "officer", "Hộ tịch"),
    ("CB05", "Vũ Văn Thành", "officer", "Đất đai"),
    ("CB06", "Đỗ Thị Ngân", "officer", "Đất đai"),
    ("CB07", "Bùi Quang Huy", "officer", "Kinh tế, hộ kinh doanh, xây dựng"),
    ("CB08", "Hoàng Thị Lan", "officer", "Lao động, bảo trợ xã hội, người có công"),
    ("CB09", "Đặng Văn Long", "officer", "Văn hóa, tín ngưỡng"),
    ("CB10", "Ngô Thị Hằng", "officer", "Nông nghiệp, giáo dục"),
    ("CB11", "Dương Văn Toàn", "officer", "Liên thông khai sinh"),
    ("CB12", "Lý Thị Yến", "officer", "Liên thông khai tử"),
    ("LD01", "Phạm Thế Thânh", "leader", "Phó Giám đốc Trung tâm"),
    ("LD02", "Nguyễn Văn Khải", "leader", "Giám đốc Trung tâm"),
)


def applicant(rng: random.Random) -> str:
    """A Vietnamese full name."""
    surname = rng.choices([s for s, _ in _SURNAMES], [w for _, w in _SURNAMES])[0]
    if rng.random() < 0.5:
        return f"{surname} {rng.choice(_MALE_MIDDLE)} {rng.choice(_MALE_GIVEN)}"
    return f"{surname} {rng.choice(_FEMALE_MIDDLE)} {rng.choice(_FEMALE_GIVEN)}"


def phone(rng: random.Random) -> str:
    """A 10-digit mobile number."""
    return "0" + rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def id_number(rng: random.Random) -> str:
    """A 12-digit citizen ID (CCCD) of Hải Dương (province code 030)."""
    return f"030{rng.randrange(2)}{rng.randrange(50, 100):02d}{rng.randrange(10**6):06d}"
