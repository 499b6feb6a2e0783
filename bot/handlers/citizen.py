"""Citizens' commands: /tracuu, /theodoi, /huytheodoi, /thutuc, and /dangky for invited staff."""

from __future__ import annotations

import hmac
from datetime import timedelta
from functools import partial

from bot.core.cards import FOLLOWED, full_card, status_card
from bot.core.numbers import digits_arg, is_number_like, number_arg
from bot.core.procedure_card import procedure_card
from bot.core.registry import ROLE_NAMES, Request, Router
from bot.core.text import EXAMPLE_CODE, fold_words, parse_code
from bot.core.types import Button, Reply
from bot.handlers.common import INVITE, charge_miss, lookup, take_lookup, text
from storage import subscriptions
from storage.dossiers import Dossier, Found, select_for_chat
from storage.procedures import counts_version, procedure_by_id, search
from storage.staff import redeem_invite

router = Router()

NOT_A_CODE = (
    "Nội dung bạn gửi không giống mã hồ sơ một cửa. Mã hồ sơ in trên giấy biên nhận, có dạng "
    f"{EXAMPLE_CODE} (mã đơn vị, ngày tiếp nhận dạng năm-tháng-ngày, số thứ tự)."
)
USAGE = (
    "Cách tra cứu: /tracuu <mã hồ sơ> [4 số cuối], ví dụ:\n"
    f"/tracuu {EXAMPLE_CODE}\n/tracuu {EXAMPLE_CODE} 5678\n"
    "4 số cuối là 4 số cuối số điện thoại hoặc số CCCD của người nộp (không bắt buộc)."
)
NEED_FACTOR = (
    "Để bảo vệ thông tin, vui lòng gửi kèm 4 số cuối số điện thoại hoặc số CCCD của người nộp, "
    f"ví dụ: /tracuu {EXAMPLE_CODE} 5678"
)
NO_MATCH = (
    "Không tìm thấy hồ sơ khớp với mã và 4 số cuối bạn gửi. Vui lòng kiểm tra lại mã trên giấy "
    f"biên nhận (dạng {EXAMPLE_CODE}) và 4 số cuối số điện thoại hoặc số CCCD đã khai khi nộp."
)


def _not_found(shown: str) -> str:
    """The answer to an unknown code: clear, with the code's shape, no hint of similar codes."""
    return (
        f"Không tìm thấy hồ sơ có mã {shown}. Vui lòng kiểm tra lại mã in trên giấy biên nhận; "
        f"mã hồ sơ đầy đủ có dạng {EXAMPLE_CODE}."
    )


def _bad_factor_shape(raw: str) -> bool:
    """True when the text is a code followed by a number that is not exactly 4 ASCII digits
    (too short, too long, or typed in another script's digits)."""
    head, _, last = raw.rpartition(" ")
    if not head or not is_number_like(last) or parse_code(head) is None:
        return False
    digits = digits_arg(last)
    return digits is None or len(digits) != 4


def _factor_ok(d: Dossier, factor: str) -> bool:
    """True when factor equals the last 4 digits of the applicant's phone or ID number
    (compared as UTF-8 bytes, in constant time, whatever the stored text holds)."""
    ok = False
    for known in (d.phone_last4, d.id_last4):
        if known and hmac.compare_digest(str(known).strip()[-4:].encode(), factor.encode()):
            ok = True
    return ok


def _matching(rows: list[Dossier], factor: str | None) -> list[Dossier]:
    """The dossiers whose applicant's 4 digits equal factor (all of them without a factor)."""
    return rows if factor is None else [d for d in rows if _factor_ok(d, factor)]


def _miss_count(factor: str | None, found: Found) -> int:
    """1 when the lookup missed (no dossier, or not exactly one matching the 4 digits)."""
    if factor is not None:
        return int(len(_matching(found.dossiers, factor)) != 1)
    return int(not found.dossiers)


async def _resolve(req: Request, raw: str, need_factor: bool) -> tuple[
        list[Reply] | None, Dossier | None, str | None, bool]:
    """Parse, rate-limit and look up a code: (answer to send instead, dossier, factor, whether
    this chat account follows it).

    The lookup is spent (atomically, refused over the limit) before the store is read, and a
    miss is charged, in the same write transaction — one hop to the store — so nothing, not
    even whether a code exists, is revealed without spending. Staff are counted too when they
    give 4 digits: the second factor is guessed by no one for free.
    """
    if not raw.strip():
        return text(USAGE), None, None, False
    parsed = parse_code(raw)
    if parsed is None:
        if _bad_factor_shape(raw):
            return text("4 số cuối phải gồm đúng 4 chữ số (0–9), ví dụ: "
                        f"/tracuu {EXAMPLE_CODE} 5678"), None, None, False
        return text(NOT_A_CODE), None, None, False
    if need_factor and not parsed.factor:
        return text(NEED_FACTOR), None, None, False
    factor = parsed.factor
    inc = req.incoming
    read = partial(select_for_chat, code=parsed.code, tail=parsed.tail, channel=inc.channel,
                   user_id=inc.user_id)
    refusal, found = await lookup(req, read, partial(_miss_count, factor),
                                  staff_too=factor is not None)
    if refusal is not None:
        return [refusal], None, None, False
    assert found is not None  # read whenever the lookup was allowed
    rows = _matching(found.dossiers, factor)
    if factor is not None:
        if len(rows) != 1:
            return text(NO_MATCH), None, None, False
        return None, rows[0], factor, rows[0].code in found.followed
    if not rows:
        return text(_not_found(parsed.tail)), None, None, False
    if len(rows) > 1:
        return text("Mã bạn gửi thiếu phần đầu nên chưa xác định được hồ sơ. Vui lòng gửi đủ mã "
                    f"như trên giấy biên nhận, dạng {EXAMPLE_CODE}."), None, None, False
    return None, rows[0], None, rows[0].code in found.followed


@router.command("tracuu", "tra_cuu", "hoso",
                help="<mã hồ sơ> [4 số cuối] — Tra cứu tình trạng hồ sơ")
async def tracuu(req: Request) -> list[Reply]:
    """The status card (code alone) or the full card (code + last 4 digits)."""
    need = req.ctx.settings.require_second_factor
    answer, dossier, factor, followed = await _resolve(req, req.text_args, need)
    if answer is not None:
        return answer
    assert dossier is not None
    today = req.ctx.now().date()
    settings = req.ctx.settings
    stop = Button("🔕 Thôi theo dõi", f"/huytheodoi {dossier.code}")
    if factor is None:
        card = status_card(dossier, today, req.ctx.calendar, settings)
        if followed:
            return text(f"{card}\n{FOLLOWED}", ((stop,),))
        card += ("\n\nMuốn xem đầy đủ và nhận tin khi hồ sơ thay đổi? Gửi kèm 4 số cuối số điện "
                 f"thoại hoặc số CCCD của người nộp: /tracuu {dossier.code} <4 số cuối>")
        return text(card)
    card = full_card(dossier, today, req.ctx.calendar, settings, followed)
    follow = Button("🔔 Theo dõi hồ sơ này", f"/theodoi {dossier.code} {factor}")
    return text(card, ((stop if followed else follow,),))


@router.command(
    "theodoi", "theo_doi",
    help="<mã hồ sơ> <4 số cuối> — Theo dõi hồ sơ; /theodoi — xem danh sách đang theo dõi",
)
async def theodoi(req: Request) -> list[Reply]:
    """Follow a dossier (code + 4 digits), or list what this person follows."""
    inc = req.incoming
    if not req.args:
        rows = await subscriptions.followed_by(req.ctx.db, inc.channel, inc.user_id)
        if not rows:
            return text("Bạn chưa theo dõi hồ sơ nào. Để theo dõi, gửi: "
                        f"/theodoi <mã hồ sơ> <4 số cuối>, ví dụ /theodoi {EXAMPLE_CODE} 5678")
        from bot.core.cards import STATUS_TEXT

        lines = [f"Bạn đang theo dõi {len(rows)} hồ sơ:"]
        lines += [f"• {r.code} — {STATUS_TEXT.get(r.status, r.status)}" for r in rows]
        lines.append("Thôi theo dõi: /huytheodoi <mã hồ sơ>")
        return text("\n".join(lines))
    answer, dossier, _factor, _followed = await _resolve(req, req.text_args, need_factor=True)
    if answer is not None:
        return answer
    assert dossier is not None
    count = await subscriptions.count_followed(req.ctx.db, inc.channel, inc.user_id)
    if count >= subscriptions.MAX_PER_USER:
        return text(f"Bạn đã theo dõi {count} hồ sơ, mức tối đa. Hãy /huytheodoi bớt hồ sơ đã "
                    "xong trước khi theo dõi thêm.")
    new = await subscriptions.follow(req.ctx.db, dossier.id, inc.channel, inc.user_id,
                                     inc.chat_id, req.ctx.now(), dossier.unit_id)
    if not new:
        return text(f"Bạn đã theo dõi hồ sơ {dossier.code} từ trước; bot vẫn sẽ báo khi có "
                    "thay đổi.")
    return text(f"Đã theo dõi hồ sơ {dossier.code}. Bot sẽ nhắn cho bạn mỗi khi hồ sơ đổi "
                f"trạng thái. Thôi theo dõi: /huytheodoi {dossier.code}")


@router.command("huytheodoi", "huy_theo_doi", "botheodoi", help="<mã hồ sơ> — Thôi theo dõi hồ sơ")
async def huytheodoi(req: Request) -> list[Reply]:
    """Stop following a dossier."""
    inc = req.incoming
    if not req.args:
        return text("Gửi /huytheodoi <mã hồ sơ> để thôi theo dõi; /theodoi để xem danh sách.")
    parsed = parse_code(req.text_args)
    if parsed is None:
        return text(NOT_A_CODE)
    followed = await subscriptions.followed_by(req.ctx.db, inc.channel, inc.user_id)
    matching = [row for row in followed if row.code == parsed.tail
                or row.code.endswith("." + parsed.tail) or row.code.endswith("-" + parsed.tail)]
    removed: list[str] = []
    for row in matching:
        if await subscriptions.unfollow(req.ctx.db, row.unit_id, row.dossier_id, inc.channel,
                                        inc.user_id) and row.code not in removed:
            removed.append(row.code)
    if not removed:
        return text("Bạn không theo dõi hồ sơ này. Gửi /theodoi để xem danh sách đang theo dõi.")
    return text(f"Đã thôi theo dõi hồ sơ {', '.join(removed)}.")


@router.command("thutuc", "thu_tuc",
                help="<từ khóa> — Tìm thủ tục hành chính (có dấu hay không đều được)")
async def thutuc(req: Request) -> list[Reply]:
    """Search the catalogue (FTS5, busiest first): the best match's card, the others as buttons."""
    words = fold_words(req.text_args[:200]).split()[:8]
    if not words:
        return text("Gửi /thutuc <từ khóa>, ví dụ: /thutuc khai sinh hoặc /thutuc dat dai")
    since = (req.ctx.now() - timedelta(days=365)).strftime("%Y-%m-%dT00:00:00")
    key = ("procedure_counts", since, await counts_version(req.ctx.db))
    known = req.ctx.cache.get(key)
    if not isinstance(known, dict):
        known = {}
        req.ctx.remember(key, known)
    rows, total = await search(req.ctx.db, [w[:40] for w in words], limit=5, since=since,
                               known=known)
    if not rows:
        return text("Không tìm thấy thủ tục nào phù hợp với từ khóa bạn gửi. Hãy thử từ khóa "
                    "ngắn hơn, ví dụ: khai sinh, kết hôn, chứng thực.")
    body = procedure_card(rows[0])
    others = tuple((Button(_short(p.name), f"tt:{p.id}"),) for p in rows[1:])
    if others:
        body += f"\n\nCó {total} thủ tục phù hợp; các thủ tục khác:"
    return text(body, others)


def _short(name: str, limit: int = 60) -> str:
    """A procedure's name cut to fit a button."""
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


@router.button_prefix("tt")
async def procedure_button(req: Request) -> list[Reply]:
    """A pressed procedure button ('tt:<id>'): that procedure's card."""
    raw = req.args[0] if req.args else ""
    number = number_arg(raw, 11)
    found = await procedure_by_id(req.ctx.db, number) if number is not None else None
    if found is None:
        return text("Không tìm thấy thủ tục này. Gửi /thutuc <từ khóa> để tìm lại.")
    return text(procedure_card(found))


@router.command("dangky", "dang_ky", changes_role=True,
                help="<mã mời> — Cán bộ kích hoạt tài khoản bằng mã mời")
async def dangky(req: Request) -> list[Reply]:
    """Link this chat account to a staff member through a one-time invite code."""
    if not req.args:
        return text("Gửi /dangky <mã mời> với mã mời quản trị viên đã cấp cho bạn.")
    refusal = await take_lookup(req, INVITE, staff_too=True)
    if refusal is not None:
        return [refusal]
    inc = req.incoming
    member = await redeem_invite(req.ctx.db, "".join(req.args)[:64], inc.channel, inc.user_id,
                                 inc.chat_id, req.ctx.now())
    if member is None:
        await charge_miss(req, INVITE, staff_too=True)
        return text("Mã mời không đúng, đã được dùng hoặc đã hết hạn. Vui lòng xin quản trị viên "
                    "cấp mã mới.")
    role = ROLE_NAMES.get(member.role, member.role)
    return text(f"Đăng ký thành công: {member.name} — vai trò {role}. Gửi /start để xem các lệnh "
                "bạn dùng được.")
