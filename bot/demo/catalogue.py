"""The demo's procedure catalogue: 379 procedures (160 partial, 219 full), real names where used."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    """One catalogue entry of the demo (fee in VND per dossier; 0 = free)."""

    key: str
    code: str
    name: str
    field: str
    level: str  # toan_trinh | mot_phan
    days: int
    fee: int = 0
    fee_text: str = "Không"
    officers: tuple[str, ...] = ()


_CT, _HT, _DD = "Chứng thực", "Hộ tịch", "Đất đai"
_BTXH, _KD, _XD = "Bảo trợ xã hội", "Thành lập và hoạt động của hộ kinh doanh", "Xây dựng"
_VH, _GD, _NN = "Văn hóa cơ sở", "Giáo dục và Đào tạo", "Nông nghiệp"
_TG, _NCC = "Tín ngưỡng, tôn giáo", "Người có công"

# Procedures with dossiers in Q1 2026: (key, name, field, level, days, fee, fee_text, officers)
ACTIVE: tuple[Procedure, ...] = (
    Procedure("P1", "1.001193", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ "
              "chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", _CT, "mot_phan", 1, 2000,
              "2.000 đồng/trang; từ trang thứ 3 trở lên 1.000 đồng/trang", ("CB01", "CB02")),
    Procedure("P2", "1.001195", "Chứng thực chữ ký trong các giấy tờ, văn bản", _CT, "mot_phan",
              1, 10000, "10.000 đồng/trường hợp", ("CB01", "CB02")),
    Procedure("P3", "1.004746", "Cấp bản sao trích lục hộ tịch theo yêu cầu tại Bộ phận Một cửa",
              _HT, "mot_phan", 1, 0, "Miễn lệ phí khi nộp trực tuyến", ("CB03",)),
    Procedure("P4", "2.000913", "Chứng thực hợp đồng, giao dịch liên quan đến quyền sử dụng đất, "
              "nhà ở", _CT, "mot_phan", 2, 50000, "50.000 đồng/hợp đồng", ("CB01",)),
    Procedure("P5", "2.000942", "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là "
              "quyền sử dụng đất, nhà ở", _CT, "mot_phan", 2, 50000, "50.000 đồng/văn bản",
              ("CB02",)),
    Procedure("P6", "1.000593", "Đăng ký khai sinh", _HT, "mot_phan", 1, 0,
              "Miễn lệ phí", ("CB03", "CB04")),
    Procedure("P7", "1.000894", "Đăng ký kết hôn", _HT, "mot_phan", 3, 0, "Miễn lệ phí",
              ("CB04",)),
    Procedure("P8", "1.000656", "Đăng ký khai tử", _HT, "mot_phan", 1, 0, "Miễn lệ phí",
              ("CB03",)),
    Procedure("P9", "1.004884", "Đăng ký lại khai sinh", _HT, "mot_phan", 5, 0,
              "Miễn lệ phí", ("CB04",)),
    Procedure("P10", "1.004859", "Thay đổi, cải chính, bổ sung, xác định lại thông tin hộ tịch",
              _HT, "mot_phan", 3, 15000, "15.000 đồng/trường hợp", ("CB03",)),
    Procedure("P11", "1.001022", "Đăng ký nhận cha, mẹ, con", _HT, "mot_phan", 3, 15000,
              "15.000 đồng/trường hợp", ("CB04",)),
    Procedure("P12", "1.000889", "Đăng ký giám hộ", _HT, "mot_phan", 3, 0, "Miễn lệ phí",
              ("CB04",)),
    Procedure("P13", "1.012795", "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn "
              "liền với đất", _DD, "mot_phan", 10, 30000, "30.000 đồng/hồ sơ",
              ("CB05", "CB06")),
    Procedure("P14", "1.012790", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận "
              "quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", _DD,
              "mot_phan", 20, 0, "Miễn lệ phí khi nộp trực tuyến", ("CB05",)),
    Procedure("P15", "2.000286", "Trợ giúp xã hội thường xuyên đối với đối tượng bảo trợ xã hội "
              "(trợ cấp xã hội hằng tháng)", _BTXH, "mot_phan", 7, 0, "Không", ("CB08",)),
    Procedure("P16", "2.000744", "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", _BTXH,
              "mot_phan", 3, 0, "Không", ("CB08",)),
    Procedure("F1", "2.000635", "Cấp bản sao trích lục hộ tịch", _HT, "toan_trinh", 1, 0,
              "Miễn lệ phí khi nộp trực tuyến", ("CB03",)),
    Procedure("F2", "1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", _HT, "toan_trinh", 3,
              0, "Miễn lệ phí khi nộp trực tuyến", ("CB04",)),
    Procedure("F3", "2.000720", "Đăng ký thành lập hộ kinh doanh", _KD, "toan_trinh", 3, 0,
              "Miễn lệ phí khi nộp trực tuyến", ("CB07",)),
    Procedure("F4", "2.000575", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", _KD,
              "toan_trinh", 3, 0, "Miễn lệ phí khi nộp trực tuyến", ("CB07",)),
    Procedure("F5", "2.000599", "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã "
              "thông báo của hộ kinh doanh", _KD, "toan_trinh", 3, 0, "Không", ("CB07",)),
    Procedure("F6", "2.000608", "Chấm dứt hoạt động hộ kinh doanh", _KD, "toan_trinh", 3, 0,
              "Không", ("CB07",)),
    Procedure("F7", "1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", _XD,
              "toan_trinh", 15, 0, "Miễn lệ phí khi nộp trực tuyến", ("CB07",)),
    Procedure("F8", "1.003645", "Thông báo tổ chức lễ hội cấp xã", _VH, "toan_trinh", 5, 0,
              "Không", ("CB09",)),
    Procedure("F9", "1.001055", "Đăng ký hoạt động tín ngưỡng", _TG, "toan_trinh", 15, 0,
              "Không", ("CB09",)),
    Procedure("F10", "1.008956", "Xác nhận hộ gia đình làm nông nghiệp, lâm nghiệp, ngư nghiệp "
              "có mức sống trung bình", _NN, "toan_trinh", 5, 0, "Không", ("CB10",)),
    Procedure("F11", "1.003227", "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", _BTXH,
              "toan_trinh", 7, 0, "Không", ("CB08",)),
    Procedure("F12", "1.000954", "Xét tặng danh hiệu Gia đình văn hóa", _VH, "toan_trinh", 5, 0,
              "Không", ("CB09",)),
    Procedure("F13", "1.005099", "Chuyển trường đối với học sinh trung học cơ sở", _GD,
              "toan_trinh", 3, 0, "Không", ("CB10",)),
    Procedure("F14", "1.010832", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", _NCC,
              "toan_trinh", 5, 0, "Không", ("CB08",)),
    Procedure("F15", "2.000628", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", _KD,
              "toan_trinh", 3, 0, "Miễn lệ phí khi nộp trực tuyến", ("CB07",)),
)

# Inter-level procedures outside the commune's published catalogue (figures.md: 30 dossiers).
OUTSIDE: tuple[Procedure, ...] = (
    Procedure("X1", "1.009794", "Liên thông các thủ tục hành chính về đăng ký khai sinh, đăng "
              "ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", _HT, "mot_phan", 5,
              0, "Miễn lệ phí", ("CB11",)),
    Procedure("X2", "1.009795", "Liên thông các thủ tục hành chính về đăng ký khai tử, xóa "
              "đăng ký thường trú, hưởng chế độ tử tuất, hỗ trợ chi phí mai táng", _HT,
              "mot_phan", 5, 0, "Miễn lệ phí", ("CB12",)),
)

# Q1 2026 dossiers per procedure (received 01/01–31/03/2026): the report's 2926 + 483 + 30.
Q1_COUNTS: dict[str, int] = {
    "P1": 1180, "P2": 520, "P3": 95, "P4": 150, "P5": 28, "P6": 260, "P7": 84, "P8": 71,
    "P9": 22, "P10": 64, "P11": 11, "P12": 7, "P13": 210, "P14": 48, "P15": 120, "P16": 56,
    "F1": 170, "F2": 118, "F3": 46, "F4": 31, "F5": 12, "F6": 9, "F7": 27, "F8": 4, "F9": 3,
    "F10": 21, "F11": 8, "F12": 5, "F13": 11, "F14": 7, "F15": 11,
    "X1": 18, "X2": 12,
}

# Names for the catalogue's other procedures (no dossiers in Q1): action × subject per field.
_ACTIONS = ("Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Xác nhận")
_SUBJECTS = {
    "Văn hóa cơ sở": ("giấy phép tổ chức biểu diễn nghệ thuật", "giấy phép kinh doanh karaoke",
                      "giấy chứng nhận câu lạc bộ văn hóa cơ sở", "danh hiệu khu dân cư văn hóa"),
    "Nông nghiệp": ("giấy xác nhận nguồn gốc nông sản", "giấy chứng nhận kinh tế trang trại",
                    "giấy xác nhận vùng trồng", "giấy phép khai thác thủy sản nội địa"),
    "Xây dựng": ("giấy phép sửa chữa, cải tạo nhà ở riêng lẻ", "giấy phép xây dựng có thời hạn",
                 "giấy phép di dời công trình", "giấy phép xây dựng công trình tín ngưỡng"),
    "Giao thông vận tải": ("giấy phép đấu nối đường giao thông nông thôn",
                           "giấy phép thi công trên đường xã", "đăng ký phương tiện thủy nội địa",
                           "giấy phép sử dụng tạm thời lòng đường"),
    "Tài nguyên nước": ("giấy xác nhận đăng ký khai thác nước dưới đất",
                        "giấy phép xả nước thải quy mô nhỏ", "kê khai giếng khoan",
                        "giấy phép khai thác nước mặt"),
    "Lao động, việc làm": ("xác nhận người lao động mất việc làm",
                           "xác nhận hộ gia đình được vay vốn giải quyết việc làm",
                           "giấy xác nhận thời gian tham gia dân quân",
                           "xác nhận đối tượng hỗ trợ học nghề"),
    "Y tế": ("giấy xác nhận kiến thức an toàn thực phẩm", "giấy chứng nhận cơ sở đủ điều kiện "
             "an toàn thực phẩm", "xác nhận hộ gia đình tham gia bảo hiểm y tế",
             "giấy xác nhận khuyết tật"),
    "Thi đua, khen thưởng": ("giấy khen của Chủ tịch Ủy ban nhân dân xã", "danh hiệu lao động "
                             "tiên tiến", "giấy khen đột xuất", "giấy khen theo chuyên đề"),
    "Dân tộc": ("xác nhận người có uy tín trong đồng bào dân tộc thiểu số",
                "xác nhận thành phần dân tộc", "hỗ trợ nhà ở cho hộ dân tộc thiểu số",
                "hỗ trợ đất sản xuất cho hộ dân tộc thiểu số"),
    "Tư pháp": ("giấy xác nhận hòa giải thành ở cơ sở", "công nhận tuyên truyền viên pháp luật",
                "công nhận hòa giải viên", "xác nhận trợ giúp pháp lý"),
}


def catalogue() -> list[Procedure]:
    """The whole catalogue: the 31 active procedures plus 348 more, 160 partial / 219 full."""
    entries = list(ACTIVE)
    want = {"mot_phan": 160, "toan_trinh": 219}
    have = {lvl: sum(1 for p in ACTIVE if p.level == lvl) for lvl in want}
    names = [
        (f"{action} {subject}", field)
        for field, subjects in _SUBJECTS.items()
        for subject in subjects
        for action in _ACTIONS
    ]
    i = 0
    for level in ("mot_phan", "toan_trinh"):
        for _ in range(want[level] - have[level]):
            name, field = names[i % len(names)]
            round_ = i // len(names)
            if round_:
                name = f"{name} (trường hợp {round_ + 1})"
            days = 3 + (i * 7) % 13
            code = f"{2 if level == 'mot_phan' else 1}.{7000 + i:06d}"
            entries.append(Procedure(f"C{i}", code, name, field, level, days))
            i += 1
    return entries
