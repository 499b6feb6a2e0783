"""Citizens' free text through the real Core: codes in sentences, intents, hints, cards, contact."""

from __future__ import annotations

import dataclasses

import pytest

from bot.context import AppContext
from bot.core import freetext, intents
from bot.core.router import Core
from tests.core_helpers import (
    D_LATE,
    D_OK,
    D_SUPP,
    ID4,
    PHONE4,
    ask,
    joined,
)

pytestmark = pytest.mark.engines


@pytest.fixture(autouse=True)
def _contact(ctx: AppContext) -> None:
    """The center's contact configured (the core fixture gives the sample world)."""
    ctx.settings = ctx.settings.model_copy(update={
        "contact_hotline": "0235 3861 234", "contact_address": "Số 1 Trần Phú, xã Kẻ Sắt",
        "contact_hours": "Sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu"})


def data_of(replies: list) -> list[str]:
    """Every button's data in the replies."""
    return [b.data for r in replies for row in r.buttons for b in row]


@pytest.mark.parametrize("sentence", [
    f"cho tôi hỏi hồ sơ {D_OK} đến đâu rồi",
    f"hs {D_OK.lower()} sao rồi ad",
    "ma ho so 000.00.12.h31–260401–0001 nhe",
    "Hồ sơ H31 - 260401 - 0001 của em",
    "0000012H312604010001 đến đâu rồi ạ",
    "https://dichvucong.example.vn/tra-cuu?ma=000.00.12.H31-260401-0001",
    "tra cuu h31 260401 0001",
])
async def test_code_inside_a_sentence_gives_the_status_card(core: Core, sentence: str) -> None:
    """A code anywhere in a sentence (separators off, lowercase, tail) gives the status card."""
    out = joined(await ask(core, sentence))
    assert f"Hồ sơ {D_OK}" in out and "Ngày hẹn trả: 20/04/2026" in out, sentence
    assert "Thủ tục:" not in out  # no 4 digits → no personal data


@pytest.mark.parametrize("template", [
    "hồ sơ {code} 4 số cuối {d}", "hs {code}, sđt đuôi {d} ạ", "{code} cccd …{d}",
    "mã {code} số điện thoại 09123{d}", "kiểm tra giúp em {code} {d}",
])
async def test_four_digits_anywhere_give_the_full_card(core: Core, template: str) -> None:
    """The 4 digits announced anywhere ("4 số cuối", "sđt đuôi", "cccd …") give the full card."""
    for d in (PHONE4[D_OK], ID4[D_OK]):
        out = joined(await ask(core, template.format(code=D_OK, d=d)))
        assert "Thủ tục: Đăng ký khai sinh" in out and "Nguyễn V** A*" in out, template
        assert d not in out


async def test_free_text_spends_the_same_rate_limit(ctx: AppContext, core: Core) -> None:
    """A lookup in a sentence spends the lookup limit like /tracuu (misses count double)."""
    for n in range(5):
        await ask(core, f"hồ sơ 000.00.12.H31-260101-{n:04d} đến đâu rồi", user="spender")
    out = joined(await ask(core, f"cho hỏi {D_OK}", user="spender"))
    assert "tạm dừng" in out and "Ngày hẹn trả" not in out


async def test_near_miss_gets_a_specific_hint(core: Core) -> None:
    """One separator off or the letter O among digits: a hint and the corrected code as button."""
    for typed in ("000.00.12.H31.260401.0001", "000.00.12.H31-26O401-OOO1"):
        replies = await ask(core, f"hồ sơ {typed}")
        assert "gần giống mã hồ sơ" in replies[0].text, typed
        assert data_of(replies) == [f"/tracuu {D_OK}"]
    typo = joined(await ask(core, f"hồ sơ {D_OK} 4 số cuối 24O8"))
    assert "chữ O" in typo and "Ngày hẹn trả" not in typo


@pytest.mark.parametrize(("message", "expected"), [
    ("hồ sơ của tôi đến đâu rồi", "dạng 000.00.12.H31-260101-0001"),
    ("ho so cua e bh co kq v ad", "dạng 000.00.12.H31-260101-0001"),
    ("làm giấy khai sinh cần gì", "Đăng ký khai sinh"),
    ("lệ phí chứng thực", "Chứng thực bản sao từ bản chính"),
    ("dang ky ket hon mat bao lau", "Đăng ký kết hôn"),
    ("giờ làm việc của trung tâm", "Sáng 7:30–11:30"),
    ("dia chi mot cua o dau", "Số 1 Trần Phú"),
    ("cho xin sdt hotline", "0235 3861 234"),
    ("cảm ơn ad nhiều", "Không có gì"),
    ("chào bạn", "Xin chào"),
    ("hướng dẫn sử dụng", "Hướng dẫn sử dụng"),
])
async def test_intents_answer(core: Core, message: str, expected: str) -> None:
    """Each intent gets its answer (accents or not, teen-code)."""
    assert expected in joined(await ask(core, message)), message


async def test_not_understood_gets_buttons_not_a_wall_of_text(core: Core) -> None:
    """Anything else: a short answer with 2–3 likeliest actions as buttons."""
    replies = await ask(core, "hôm nay trời đẹp quá")
    assert len(replies) == 1 and len(replies[0].text) < 120
    assert 2 <= len(data_of(replies)) <= 3 and "/tracuu" in data_of(replies)


async def test_follow_and_stop_in_a_sentence(core: Core) -> None:
    """Follow / stop following a dossier in a sentence; a followed card says so and offers stop."""
    out = joined(await ask(core, f"theo dõi hồ sơ {D_OK} sđt {PHONE4[D_OK]} giúp mình"))
    assert "Đã theo dõi hồ sơ" in out
    card = await ask(core, f"{D_OK} {PHONE4[D_OK]}")
    assert "Bạn đang theo dõi hồ sơ này" in card[0].text
    assert data_of(card) == [f"/huytheodoi {D_OK}"]
    stop = await ask(core, "không muốn nhận thông báo nữa")
    assert data_of(stop) == [f"/huytheodoi {D_OK}"]
    assert "Đã thôi theo dõi" in joined(await ask(core, f"hủy theo dõi {D_OK}"))
    again = await ask(core, f"{D_OK} {PHONE4[D_OK]}")
    assert data_of(again)[0].startswith("/theodoi")


async def test_overdue_card_apologises_and_names_the_contact(core: Core) -> None:
    """Overdue: said plainly, an apology, whom to contact — and never "nothing to do"."""
    out = joined(await ask(core, f"/tracuu {D_LATE}"))
    assert "quá ngày hẹn trả" in out and "xin lỗi" in out
    assert "0235 3861 234" in out and "Số 1 Trần Phú" in out
    assert "chưa cần làm gì" not in out


async def test_advice_per_situation_never_contradicts(ctx: AppContext, core: Core) -> None:
    """Every situation has one advice; open-and-late never says 'wait', finished never 'late'."""
    from bot.core.advice import ADVICE, situation
    from storage.dossiers import find_by_code

    late = (await find_by_code(ctx.db, D_LATE))[0]
    today = ctx.now().date()
    cases = {
        "on_track": dataclasses.replace(late, due_at="2026-04-20T17:00:00"),
        "due_today": dataclasses.replace(late, due_at="2026-04-15T17:00:00"),
        "overdue": late,
        "supplement": (await find_by_code(ctx.db, D_SUPP))[0],
        "payment": dataclasses.replace(late, status="payment"),
        "result_ready": dataclasses.replace(late, status="result",
                                            finished_at="2026-04-14T10:00:00"),
        "returned": dataclasses.replace(late, status="returned"),
        "refused": dataclasses.replace(late, status="rejected"),
        "withdrawn": dataclasses.replace(late, status="withdrawn"),
    }
    for name, d in cases.items():
        assert situation(d, today) == name
    assert set(ADVICE) >= set(cases)


async def test_lienhe_shows_the_settings(core: Core) -> None:
    """/lienhe shows the hotline, address and hours from the settings."""
    out = joined(await ask(core, "/lienhe"))
    assert "0235 3861 234" in out and "Số 1 Trần Phú" in out and "thứ Hai" in out


def test_a_phone_number_is_never_a_code() -> None:
    """A bare 10-digit phone number in a sentence is not read as a code's tail."""
    for text in ("sđt của tôi là 0901011234", "số 0901011234", "mã 0901011234"):
        assert freetext.find(text).code is None, text


def test_intent_table_is_deterministic_and_folded() -> None:
    """The same message with and without accents has the same intent."""
    for message in ("Làm giấy khai sinh cần gì?", "lam giay khai sinh can gi"):
        assert intents.classify(message) == "catalogue"
        assert intents.catalogue_words(message) == ["khai", "sinh"]


async def test_push_uses_the_same_advice(ctx: AppContext, core: Core) -> None:
    """A status push for a late dossier gives the card's advice (apology, contact), not 'wait'."""
    from bot.push.messages import status_change_text
    from storage.dossiers import find_by_code

    late = (await find_by_code(ctx.db, D_LATE))[0]
    text = status_change_text(late, "processing", ctx.now().date(), ctx.settings)
    assert "xin lỗi" in text and "0235 3861 234" in text and "chưa cần làm gì" not in text


def test_check_lists_the_contact_settings(settings: object) -> None:
    """`motcua check` shows each contact setting, and warns about the ones not set."""
    import io

    from bot.cli.run import Report, _check_contact

    out = io.StringIO()
    configured = settings.model_copy(update={"contact_hotline": "0235 3861 234"})  # type: ignore[attr-defined]
    _check_contact(configured, Report(out))
    text = out.getvalue()
    assert "✓ Đường dây nóng cho công dân: 0235 3861 234" in text
    assert "MOTCUA_CONTACT_ADDRESS" in text and "MOTCUA_CONTACT_HOURS" in text
