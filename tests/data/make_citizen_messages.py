"""Write tests/data/citizen_messages.csv: citizens' messages written from the demo data.

Run `python tests/data/make_citizen_messages.py` after changing the messages below. The sentences
are written by hand, as citizens type them (accents or not, typos, teen-code); the dossier codes
and 4 digits come from the demo data set (deterministic), in the ways people copy them.
Columns: message, intent, dossier (the code the answer must be about, empty when none).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from bot.demo.generate import dossiers

OUT = Path(__file__).with_name("citizen_messages.csv")

# {c} code as typed, {p} phone's last 4, {i} ID's last 4, {phone} the whole phone number.
WITH_CODE = {
    "lookup_code": [
        "cho tôi hỏi hồ sơ {c} đến đâu rồi", "hs {c} sao rồi ạ", "ho so {c} da xong chua",
        "Kiểm tra giúp em hồ sơ {c} với", "{c}", "mã hồ sơ: {c}", "tra cứu {c}",
        "hồ sơ {c} của mình bao giờ có kết quả vậy",
        "chào ad, e nộp hs {c} hôm trước, giờ sao r ạ", "{c} 4 số cuối {p}",
        "hồ sơ {c}, sđt đuôi {p}", "hs {c} cccd …{i}", "Mã {c} số điện thoại {phone}",
        "cho hỏi tình trạng hs {c} ạ, 4 số cuối cccd là {i}",
        "ko biết hs {c} dc duyệt chưa nhỉ", "hồ sơ {c} đã có kết quả chưa ạ? cảm ơn",
        "xin chào, mình muốn hỏi hồ sơ mã {c}", "{c} đâu rồi ad ơi", "check giúp hs {c}",
        "hồ sơ khai sinh cho con mã {c} xong chưa ạ", "{c} {p}", "ma hs {c} sdt {p}",
        "Hồ sơ số {c} của tôi đã trả kết quả chưa?", "dạ cho em hỏi {c} ạ",
        "kiem tra ho so {c} giup minh, 4 so cuoi la {i}", "hs {c} bao gio lay dc",
        "Hồ sơ {c} tới đâu rồi ạ, em cảm ơn", "{c} - sđt {phone}",
        "nhờ bot xem giúp hồ sơ {c}", "hồ sơ đất {c} đã xong chưa", "tra cuu hs {c} nhe",
        "Em nộp chứng thực, mã {c}, bao giờ nhận được ạ", "{c} ạ",
        "hs {c} cmnd đuôi {i}", "ad ơi {c} sao lâu thế",
    ],
    "follow": [
        "theo dõi hồ sơ {c} {p}", "theo doi hs {c} sdt {p}",
        "cho mình nhận thông báo hồ sơ {c} 4 số cuối {p}",
        "báo cho tôi khi hồ sơ {c} có kết quả, đuôi sđt {p}", "theo dõi giúp em {c} cccd {i}",
    ],
    "unfollow": [
        "hủy theo dõi {c}", "bo theo doi hs {c}", "ko muốn nhận tin hồ sơ {c} nữa",
        "thôi theo dõi hồ sơ {c} nhé",
    ],
}

NO_CODE = {
    "lookup": [
        "hồ sơ của tôi đến đâu rồi", "hs cua em bh co kq", "làm sao để tra cứu hồ sơ",
        "tôi muốn kiểm tra tình trạng hồ sơ", "hồ sơ nộp tuần trước giờ sao rồi",
        "bao giờ có kết quả ạ", "kiểm tra hồ sơ", "tra cuu ho so", "xem hồ sơ của tôi",
        "mất giấy hẹn thì tra cứu sao", "mã hồ sơ ở đâu", "hồ sơ xong chưa ad",
        "sổ đỏ của tôi bao giờ có", "kết quả hồ sơ đất của tôi khi nào có", "tinh trang ho so",
        "trạng thái hồ sơ", "hồ sơ đã duyệt chưa", "check hs giúp em", "4 số cuối là gì",
        "hs cua toi toi dau roi", "Cho hỏi hồ sơ của tôi xử lý chưa", "ho so minh sao roi",
        "em muốn tra cứu hồ sơ đã nộp", "giấy khai sinh của con bao giờ có ạ",
        "hồ sơ nộp online xem kết quả ở đâu", "tra cứu", "làm sao biết hồ sơ xong chưa",
        "kiểm tra giúp hồ sơ với", "hs nộp hôm qua có kết quả chưa", "xem tiến độ hồ sơ",
        "hồ sơ của mẹ tôi đến đâu rồi ạ", "ho so dat cua toi the nao roi",
    ],
    "catalogue": [
        "làm giấy khai sinh cần gì", "lệ phí chứng thực", "đăng ký kết hôn mất bao lâu",
        "thủ tục đăng ký khai tử", "chung thuc ban sao het bao nhieu tien", "tt ket hon can j",
        "làm sổ đỏ cần những giấy tờ gì", "đăng ký hộ kinh doanh cần gì",
        "xin giấy xác nhận tình trạng hôn nhân", "cấp lại giấy khai sinh", "trích lục khai sinh",
        "chứng thực chữ ký mất phí không", "khai sinh", "ket hon", "thủ tục đất đai",
        "giấy phép xây dựng nhà ở cần gì", "lệ phí đăng ký kết hôn bao nhiêu",
        "phí sao y bản chính", "làm giấy chứng nhận độc thân", "đăng ký khai sinh cho con",
        "thu tuc khai tu", "chứng thực hợp đồng mua bán đất", "cần mang gì khi đăng ký kết hôn",
        "khai sinh mất mấy ngày", "dang ky ket hon can giay to gi", "lệ phí trích lục hộ tịch",
        "hồ sơ đăng ký khai sinh gồm những gì", "làm lại giấy khai sinh bị mất",
        "sao y giấy tờ mất bao lâu", "thủ tục chia di sản thừa kế",
        "cấp giấy chứng nhận quyền sử dụng đất lần đầu", "đăng ký biến động đất đai cần gì",
        "tt chứng thực chữ ký", "làm thủ tục nhận cha mẹ con", "đăng ký giám hộ cần gì",
        "cải chính hộ tịch", "phí chứng thực bao nhiêu 1 trang", "ket hon mat bao lau",
        "muốn đăng ký kết hôn", "mẫu tờ khai khai sinh", "thủ tục tách thửa đất",
        "cần giấy tờ gì để chứng thực", "hướng dẫn làm khai sinh", "trợ cấp người có công",
        "đăng ký lại khai sinh", "thành phần hồ sơ kết hôn", "chi phí làm sổ đỏ",
        "nop ho so khai sinh truc tuyen", "bảo trợ xã hội cần giấy gì", "tt dk khai tu",
    ],
    "contact": [
        "giờ làm việc", "mấy giờ mở cửa", "thứ 7 có làm việc không", "địa chỉ bộ phận một cửa",
        "trung tâm ở đâu", "số hotline", "cho xin số điện thoại liên hệ", "sdt trung tam",
        "liên hệ ai", "chiều nay mấy giờ đóng cửa", "chủ nhật có làm không", "nộp hồ sơ ở đâu",
        "gio lam viec cua mot cua", "dia chi o dau", "sáng mấy giờ làm việc",
        "số tổng đài hỗ trợ", "ubnd xã ở chỗ nào", "cho hỏi địa chỉ trung tâm hành chính công",
        "thu bay co mo cua ko", "giờ nghỉ trưa", "muốn gọi điện hỏi thì gọi số nào",
        "liên lạc với cán bộ thế nào", "hotline một cửa", "lịch làm việc cuối tuần",
    ],
    "help": [
        "hướng dẫn", "huong dan su dung", "trợ giúp", "help", "bot làm được gì",
        "cách dùng bot", "giúp tôi với", "menu", "tro giup", "làm sao dùng cái này",
        "giúp mình", "bot này dùng như thế nào",
    ],
    "thanks": [
        "cảm ơn", "cam on ban", "cảm ơn ad nhiều", "thanks", "tks bot", "ok cảm ơn",
        "cảm ơn nhé", "thank you", "dạ em cảm ơn ạ", "camon", "vâng ạ", "ok rồi",
        "cảm ơn bạn đã hỗ trợ", "thank", "rõ rồi", "da cam on", "cam on nhieu nha",
        "ok", "đã rõ", "tốt quá cảm ơn",
    ],
    "greeting": [
        "xin chào", "chào bạn", "hello", "hi", "chào ad", "alo", "chao buoi sang",
        "Xin chào trung tâm", "ad ơi", "chào", "helo bot", "hey", "chào anh chị",
        "xin chao", "cho em hỏi", "alo alo", "chào buổi chiều", "hi ad",
    ],
    "unknown": [
        "hôm nay trời đẹp quá", "bot ơi kể chuyện cười đi", "haha", "bạn tên gì",
        "ai là chủ tịch xã", "xin việc làm", "bán đất không", "điểm thi đại học",
        "123", "??", "giá vàng hôm nay", "đi ăn trưa chưa", "bóng đá tối nay",
        "tôi buồn quá", "mua vé xe", "ờ", "abc xyz", "test", "lol", "bot ngu thế",
    ],
}

NEAR = [
    "hồ sơ {dots}", "{o} đến đâu rồi", "ma ho so {dots}", "kiểm tra giúp {o}",
]


def _forms(code: str) -> list[str]:
    """The ways people copy a code: as printed, lowercase, en-dashes, spaces, tail, no dots."""
    head, day, n = code.rsplit("-", 2)[0], code.split("-")[1], code.split("-")[2]
    unit_m = head.split(".")[-1]
    return [
        code, code.lower(), code.replace("-", " – "), head.replace(".", " ") + f" {day} {n}",
        f"{unit_m}-{day}-{n}", f"{day}-{n}", code.replace(".", ""), f"{unit_m.lower()} {day}-{n}",
    ]


def build() -> list[tuple[str, str, str]]:
    """Every (message, intent, dossier) row."""
    rng = random.Random(20260630)
    ds = dossiers()
    pool = ds[-400:]  # the latest dossiers: what people still ask about
    rows: list[tuple[str, str, str]] = []
    for intent, templates in WITH_CODE.items():
        for template in templates:
            for _ in range(3 if intent == "lookup_code" else 2):
                d = rng.choice(pool)
                form = rng.choice(_forms(d.code)) if "{p}" not in template else d.code
                text = template.format(c=form, p=d.phone[-4:], i=d.id_number[-4:],
                                       phone=d.phone)
                rows.append((text, intent, d.code))
    for template in NEAR:
        d = rng.choice(pool)
        dots = d.code.replace("-", ".")
        o = d.code[:-4] + d.code[-4:].replace("0", "O")  # ordinals start with 0: one O at least
        rows.append((template.format(dots=dots, o=o), "near_code", d.code))
    for intent, messages in NO_CODE.items():
        rows.extend((m, intent, "") for m in messages)
    return rows


def main() -> None:
    """Write the CSV."""
    rows = build()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(("message", "intent", "dossier"))
        w.writerows(rows)
    print(f"{len(rows)} messages → {OUT}")


if __name__ == "__main__":
    main()
