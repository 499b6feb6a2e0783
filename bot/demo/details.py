"""Card details of the demo's busiest procedures: required documents, office, online link."""

from __future__ import annotations

_PORTAL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc="
_UBND = "Ủy ban nhân dân xã Kẻ Sắt"

# code → (documents, one per line; office; link)
DETAILS: dict[str, tuple[str, str, str]] = {
    "1.001193": (
        "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao\n"
        "Bản sao cần chứng thực (nếu người yêu cầu tự chuẩn bị)",
        _UBND, _PORTAL + "1.001193"),
    "1.001195": (
        "Giấy tờ, văn bản cần chứng thực chữ ký\n"
        "Căn cước công dân, Căn cước hoặc Hộ chiếu còn giá trị sử dụng (bản chính để đối chiếu)",
        _UBND, _PORTAL + "1.001195"),
    "1.000593": (
        "Tờ khai đăng ký khai sinh theo mẫu\n"
        "Giấy chứng sinh (hoặc văn bản của người làm chứng xác nhận việc sinh)\n"
        "Giấy tờ tùy thân của người đi đăng ký (xuất trình)\n"
        "Giấy chứng nhận kết hôn của cha, mẹ (xuất trình, nếu có)",
        _UBND, _PORTAL + "1.000593"),
    "1.000894": (
        "Tờ khai đăng ký kết hôn theo mẫu (hai bên cùng ký)\n"
        "Giấy tờ tùy thân của hai bên nam, nữ (xuất trình)\n"
        "Giấy xác nhận tình trạng hôn nhân (khi đăng ký kết hôn khác nơi cư trú)",
        _UBND, _PORTAL + "1.000894"),
    "1.000656": (
        "Tờ khai đăng ký khai tử theo mẫu\n"
        "Giấy báo tử hoặc giấy tờ thay giấy báo tử\n"
        "Giấy tờ tùy thân của người đi đăng ký (xuất trình)",
        _UBND, _PORTAL + "1.000656"),
    "1.004746": (
        "Tờ khai cấp bản sao trích lục hộ tịch theo mẫu\n"
        "Giấy tờ tùy thân của người yêu cầu (xuất trình)\n"
        "Văn bản ủy quyền có chứng thực (nếu nhờ người khác làm thay)",
        _UBND, _PORTAL + "1.004746"),
    "2.000913": (
        "Phiếu yêu cầu chứng thực hợp đồng, giao dịch\n"
        "Dự thảo hợp đồng, giao dịch\n"
        "Bản sao giấy tờ tùy thân của người yêu cầu chứng thực\n"
        "Bản sao Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở",
        _UBND, _PORTAL + "2.000913"),
    "1.012795": (
        "Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo mẫu\n"
        "Bản gốc Giấy chứng nhận đã cấp\n"
        "Hợp đồng, văn bản về việc chuyển quyền đã được công chứng hoặc chứng thực\n"
        "Giấy tờ chứng minh việc nộp nghĩa vụ tài chính (nếu có)",
        "Chi nhánh Văn phòng đăng ký đất đai khu vực Kẻ Sắt", _PORTAL + "1.012795"),
}


def details(code: str) -> tuple[str, str, str]:
    """(documents, office, link) of a procedure, empty strings when the demo has none."""
    return DETAILS.get(code, ("", "", ""))
