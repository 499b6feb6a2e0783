"""Citizens' free text: a code in a sentence, intents, receipt photos, /lienhe and the fallback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.core import freetext, intents
from bot.core.contact import contact_lines
from bot.core.receipt import read_texts
from bot.core.registry import Request, Router
from bot.core.text import EXAMPLE_CODE
from bot.core.types import Button, Reply
from bot.handlers import citizen
from bot.handlers.common import huongdan, text
from storage import subscriptions

router = Router()

LOOKUP_HOWTO = (
    "Để xem hồ sơ đang ở bước nào, xin vui lòng gửi mã hồ sơ in trên giấy biên nhận (Giấy tiếp "
    f"nhận hồ sơ và hẹn trả kết quả), dạng {EXAMPLE_CODE}. Gửi kèm 4 số cuối số điện thoại hoặc "
    "số CCCD của người nộp để xem đầy đủ, ví dụ: "
    f"«hồ sơ {EXAMPLE_CODE} 4 số cuối 5678». Bạn cũng có thể gửi ảnh chụp mã QR trên giấy biên "
    "nhận."
)
FACTOR_TYPO = (
    "4 số cuối chỉ gồm chữ số; có lẽ bạn đã gõ chữ O thay cho số 0. Xin vui lòng gửi lại mã hồ sơ "
    f"kèm 4 chữ số, ví dụ: {EXAMPLE_CODE} 5678"
)
THANKS = ("Không có gì ạ. Chúc bạn một ngày tốt lành. Khi cần tra cứu hồ sơ, bạn chỉ cần gửi "
          "mã hồ sơ cho bot.")
GREETING = (
    "Xin chào bạn. Đây là trợ lý tự động của {unit}. Bạn có thể gửi mã hồ sơ để tra cứu, hỏi về "
    "thủ tục (ví dụ «làm giấy khai sinh cần gì»), hoặc hỏi giờ làm việc, địa chỉ."
)
NOT_UNDERSTOOD = "Xin lỗi, bot chưa hiểu ý bạn. Bạn muốn làm việc nào dưới đây?"
UNREADABLE = "Không đọc được mã trên ảnh, vui lòng chụp rõ phần mã QR hoặc gõ mã hồ sơ"

B_LOOKUP = Button("🔎 Tra cứu hồ sơ", "/tracuu")
B_CATALOGUE = Button("📚 Tìm thủ tục", "/thutuc")
B_CONTACT = Button("📞 Liên hệ, giờ làm việc", "/lienhe")


def _as(req: Request, name: str, args: list[str]) -> Request:
    """The same request, as if the person had typed /name args."""
    return replace(req, command=name, args=args)


def likeliest(message: str) -> tuple[tuple[Button, ...], ...]:
    """Two or three likeliest actions for a message the bot did not understand."""
    if any(ch.isdigit() for ch in message):
        return ((B_LOOKUP,), (B_CONTACT,))
    return ((B_LOOKUP,), (B_CATALOGUE,), (B_CONTACT,))


async def answer_code(req: Request, found: freetext.Found, intent: str) -> list[Reply]:
    """A sentence holding a code: lookup (or follow / stop following) through the commands."""
    assert found.code is not None
    if found.factor_typo:
        return text(FACTOR_TYPO)
    if intent == "unfollow":
        return await citizen.huytheodoi(_as(req, "huytheodoi", [found.code]))
    if intent == "follow":
        return await citizen.theodoi(_as(req, "theodoi", found.args))
    return await citizen.tracuu(_as(req, "tracuu", found.args))


def near_hint(code: str) -> list[Reply]:
    """Almost a code: say what is off and offer the corrected code as a button."""
    body = (
        "Mã bạn gửi gần giống mã hồ sơ nhưng có ký tự chưa đúng (dấu phân cách, hoặc chữ O thay "
        f"cho số 0). Mã hồ sơ đúng có dạng {EXAMPLE_CODE}: dấu chấm ở phần mã đơn vị, dấu gạch "
        "ngang trước ngày tiếp nhận và trước số thứ tự. Có phải bạn muốn tra cứu mã dưới đây?"
    )
    return text(body, ((Button(f"🔎 {code}", f"/tracuu {code}"),),))


async def _unfollow_choices(req: Request) -> list[Reply]:
    """Stop following, without a code: the followed dossiers as buttons."""
    inc = req.incoming
    rows = await subscriptions.followed_by(req.ctx.db, inc.channel, inc.user_id)
    if not rows:
        return text("Bạn chưa theo dõi hồ sơ nào.")
    buttons = tuple((Button(f"🔕 {r.code}", f"/huytheodoi {r.code}"),) for r in rows[:5])
    return text("Bạn muốn thôi theo dõi hồ sơ nào? Bấm vào mã hồ sơ bên dưới, hoặc gửi "
                "«hủy theo dõi <mã hồ sơ>».", buttons)


async def answer_intent(req: Request, intent: str, message: str) -> list[Reply]:
    """The answer to a message without a code, by intent ([] when the intent is unknown)."""
    if intent == "lookup":
        return text(LOOKUP_HOWTO)
    if intent == "follow":
        return await citizen.theodoi(_as(req, "theodoi", []))
    if intent == "unfollow":
        return await _unfollow_choices(req)
    if intent == "catalogue":
        return await citizen.thutuc(_as(req, "thutuc", intents.catalogue_words(message)))
    if intent == "contact":
        return await lienhe(req)
    if intent == "help":
        return await huongdan(req)
    if intent == "thanks":
        return text(THANKS)
    if intent == "greeting":
        unit = req.ctx.settings.unit
        return text(GREETING.format(unit=unit), ((B_LOOKUP,), (B_CATALOGUE,), (B_CONTACT,)))
    return []


@router.command("__text__", help="", menu=False)
async def understand(req: Request) -> list[Reply]:
    """Free text: a code anywhere → the lookup; else the intent's answer; [] when not understood."""
    message = req.text_args
    intent, found = decide(message)
    if found.code is not None:
        return await answer_code(req, found, intent)
    if found.near is not None:
        return near_hint(found.near)
    return await answer_intent(req, intent, message)


def decide(message: str) -> tuple[str, freetext.Found]:
    """What a message asks: (intent, what it holds). With a code the intent is lookup_code,
    follow or unfollow; almost a code → near_code; else the intent table's answer."""
    found = freetext.find(message)
    intent = intents.classify(message)
    if found.code is not None:
        return (intent if intent in ("follow", "unfollow") else "lookup_code"), found
    if found.near is not None:
        return "near_code", found
    return intent, found


@router.command("__image__", help="", menu=False)
async def receipt_photo(req: Request) -> list[Reply]:
    """A receipt photo: the code its QR code or barcode holds → the lookup, else a clear answer."""
    att = req.incoming.attachment
    if att is None:
        return text(UNREADABLE)
    texts = await asyncio.to_thread(read_texts, att.data, req.ctx.settings.receipt_max_bytes)
    for content in texts:
        found = freetext.find(content)
        if found.code is not None:
            factor = freetext.factor_in(req.incoming.text or "")
            return await answer_code(req, freetext.Found(code=found.code, factor=factor), "lookup")
    return text(UNREADABLE)


@router.command("__unknown__", help="", menu=False)
async def not_understood(req: Request) -> list[Reply]:
    """A short answer with the two or three likeliest actions as buttons."""
    return text(NOT_UNDERSTOOD, likeliest(req.text_args))


@router.command("lienhe", "lien_he",
                help="— Giờ làm việc, địa chỉ, đường dây nóng của Bộ phận Một cửa")
async def lienhe(req: Request) -> list[Reply]:
    """The center's contact: unit, hotline, address, hours (those configured)."""
    lines = [f"Bộ phận Một cửa — {req.ctx.settings.unit}", *contact_lines(req.ctx.settings)]
    if len(lines) == 1:
        lines.append("Xin vui lòng liên hệ trực tiếp Bộ phận Một cửa trong giờ hành chính.")
    return text("\n".join(lines))
