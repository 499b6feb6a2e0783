"""The Core: one Incoming in, Reply objects out — commands, aliases, roles, splitting, logging."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import replace

from bot.context import AppContext
from bot.core.receipt import looks_like_image
from bot.core.registry import Request, Routes
from bot.core.text import clean_incoming, fold, parse_code, split_text
from bot.core.types import Answer, Incoming, Reply
from bot.handlers import standard_routes
from storage.staff import StaffMember, identify, list_staff
from storage.staff import staff_chats as linked_chats

log = logging.getLogger("motcua.core")

MAX_INPUT = 5000  # longer messages are cut before parsing (no channel sends more)
CAPTION_MAX = 1024  # longest caption under an image or document
REFUSED = "Bạn không có quyền dùng lệnh này."
ERROR = ("Xin lỗi, bot gặp sự cố khi xử lý tin nhắn này. Vui lòng thử lại sau ít phút; nếu vẫn "
         "lỗi, xin liên hệ Bộ phận Một cửa.")

# Natural phrases (accent-folded) that start a command: (words, command). Longest first.
_PREFIX_ALIASES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        (("tra", "cuu", "ho", "so"), "tracuu"),
        (("tra", "cuu"), "tracuu"),
        (("tracuu",), "tracuu"),
        (("kiem", "tra", "ho", "so"), "tracuu"),
        (("huy", "theo", "doi"), "huytheodoi"),
        (("bo", "theo", "doi"), "huytheodoi"),
        (("ngung", "theo", "doi"), "huytheodoi"),
        (("theo", "doi"), "theodoi"),
        (("tim", "thu", "tuc"), "thutuc"),
        (("thu", "tuc"), "thutuc"),
        (("bao", "cao"), "baocao"),
        (("thong", "ke"), "thongke"),
        (("sap", "den", "han"), "sapden"),
        (("sap", "den"), "sapden"),
        (("quy", "1"), "quy1"),
        (("quy", "2"), "quy2"),
        (("quy", "3"), "quy3"),
        (("quy", "4"), "quy4"),
    ],
    key=lambda a: -len(a[0]),
)
# Whole-message phrases (accent-folded, punctuation dropped).
_WHOLE_ALIASES = {
    "start": "start", "bat dau": "start", "xin chao": "start", "chao": "start",
    "chao ban": "start", "hello": "start", "hi": "start", "menu": "start",
    "huong dan": "huongdan", "tro giup": "huongdan", "giup do": "huongdan", "help": "huongdan",
    "tro giup toi": "huongdan", "qua han": "quahan", "ho so qua han": "quahan",
    "ho so cua toi": "hosocuatoi", "danh sach theo doi": "theodoi",
}
# A Python exception's name, or a traceback, in a text meant for a person: "(KeyError)",
# "BadZipFile", "UnicodeDecodeError: …". Replies never carry them (see Core._fit).
_EXCEPTION_NAME = re.compile(
    r"\s*\((?:[A-Z][a-z0-9]+){2,}\)|\b[A-Z]\w*(?:Error|Exception|Warning)\b:?|"
    r"\bBadZipFile\b|Traceback \(most recent call last\):?"
)
_COMMAND_NAME = re.compile(r"^/([A-Za-z0-9_]{1,64})(?:@\S*)?$")
_CODE_LIKE = re.compile(r"[\w.\-–— ]{6,60}")


# Cheap signs that _EXCEPTION_NAME may match: one of them is in every text it matches (the
# regex alone cost ~35 µs on a card, a tenth of a whole lookup).
_EXCEPTION_HINTS = ("Error", "Exception", "Warning", "BadZipFile", "Traceback")
_CAMEL_IN_PARENS = re.compile(r"\([A-Z][a-z0-9]+[A-Z]")


def _may_name_an_exception(text: str) -> bool:
    """False when _EXCEPTION_NAME cannot match the text (checked without running it)."""
    return any(h in text for h in _EXCEPTION_HINTS) or _CAMEL_IN_PARENS.search(text) is not None


def _with_text(reply: Reply, text: str) -> Reply:
    """The reply with this text (the same object when the text is unchanged)."""
    return reply if text == reply.text else replace(reply, text=text)


def scrub_exception_names(text: str) -> str:
    """The text without Python exception names or tracebacks (logged when one was there)."""
    if not text or not _may_name_an_exception(text) or _EXCEPTION_NAME.search(text) is None:
        return text
    log.warning("an exception name was dropped from a reply (a handler leaked it)")
    return _EXCEPTION_NAME.sub("", text)


def _words(text: str) -> list[str]:
    """Split text into words on whitespace."""
    return text.split()


def _folded_word(word: str) -> str:
    """A word folded and stripped of surrounding punctuation, for alias matching."""
    return fold(word).strip(".,:;!?…\"'()[]")


class Core:
    """The transport-free core: routes messages to handlers by command and role."""

    def __init__(self, ctx: AppContext, routes: Routes | None = None) -> None:
        """Route by `routes` (default: every handler of bot/handlers, standard_routes())."""
        self.ctx = ctx
        self.routes = routes if routes is not None else standard_routes()

    async def _identify(self, channel: str, user_id: str,
                        chat_id: str | None = None) -> tuple[str, StaffMember | None]:
        """The person's role and staff record (if any), in one hop to the store; with the
        chat's id, a chat recorded as blocked is unblocked (the person wrote again)."""
        sender = await identify(self.ctx.db, channel, user_id, chat_id or "")
        if chat_id is not None and sender.blocked:
            await self._unblock(channel, chat_id)
        staff = sender.staff
        admins = set(self.ctx.settings.admin_ids)
        if f"{channel}:{user_id}" in admins or user_id in admins:
            return "admin", staff
        if staff is not None:
            return staff.role, staff
        return "citizen", None

    async def role_of(self, channel: str, user_id: str) -> str:
        """'admin', 'leader', 'officer' or 'citizen' for this chat account."""
        role, _ = await self._identify(channel, user_id)
        return role

    def menu(self, role: str) -> list[tuple[str, str]]:
        """The commands this role may use, for a channel's menu: (command, description)."""
        out = []
        for spec in self.routes.menu_specs(role):
            desc = spec.help.split(" — ", 1)[-1].strip() or spec.names[0]
            out.append((spec.names[0], desc[:256]))
        return out

    def help_text(self, role: str) -> str:
        """The help for this role: every command with its usage."""
        return self.routes.help_text(role)

    def _parse(self, text: str) -> tuple[str | None, list[str], str | None]:
        """(command, args, unknown_command) from a message's text."""
        if text.startswith("/"):
            first, *rest = text.split(None, 1)
            m = _COMMAND_NAME.match(first)
            name = fold(m[1]).lower() if m else fold(first[1:].split("@")[0]).lower()
            if m and not name.startswith("_") and self.routes.specs_for(name):
                return name, _words(rest[0]) if rest else [], None
            return None, [], name or "?"
        words = _words(text)
        folded = [_folded_word(w) for w in words[:6]]
        whole = " ".join(f for f in (_folded_word(w) for w in words[:8]) if f)
        if len(words) <= 8 and whole in _WHOLE_ALIASES:
            return _WHOLE_ALIASES[whole], [], None
        for phrase, name in _PREFIX_ALIASES:
            n = len(phrase)
            if tuple(folded[:n]) == phrase:
                return name, words[n:], None
        if parse_code(text) is not None:
            return "tracuu", words, None
        if _CODE_LIKE.fullmatch(text) and sum("0" <= ch <= "9" for ch in text) >= 6:
            return "tracuu", words, None
        return None, [], None

    async def handle(self, incoming: Incoming, max_text: int = 4096) -> list[Reply]:
        """Answer one message: never raises, always ≥ 1 reply, every text within max_text."""
        return (await self.answer(incoming, max_text)).replies

    async def answer(self, incoming: Incoming, max_text: int = 4096) -> Answer:
        """The replies to one message (as handle()) and the sender's role after it, so a channel
        asks the core once per message (e.g. for the menu to show after a /dangky)."""
        started = time.perf_counter()
        try:
            max_text = max(int(max_text), 1)
        except (TypeError, ValueError):
            max_text = 4096
        command, role = "?", "?"
        after: str | None = None
        try:
            role, staff = await self._identify(incoming.channel, incoming.user_id,
                                               incoming.chat_id)
            after = role
            command, replies = await self._dispatch(incoming, role, staff, max_text)
            if self.routes.changes_role(command, role):
                after, _ = await self._identify(incoming.channel, incoming.user_id)
        except Exception:
            log.exception("handler failed: channel=%s command=%s role=%s",
                          incoming.channel, command, role)
            replies = [Reply(text=ERROR)]
            after = await self._role_after_failure(incoming, after)
        try:
            out = self._fit(replies, max_text)
        except Exception:
            log.exception("reply fitting failed")
            out = [Reply(text=ERROR[:max_text])]
        log.info("message channel=%s command=%s role=%s replies=%d ms=%.1f", incoming.channel,
                 command, role, len(out), (time.perf_counter() - started) * 1000)
        return Answer(out, after)

    async def _role_after_failure(self, incoming: Incoming, before: str | None) -> str | None:
        """The sender's role asked again after a failed message (a handler may have changed it
        before failing); None when the store cannot tell."""
        if before is None:
            return None
        try:
            role, _ = await self._identify(incoming.channel, incoming.user_id)
        except Exception:
            log.exception("role lookup failed")
            return None
        return role

    async def staff_chats(self, channel: str) -> list[tuple[str, str]]:
        """(chat_id, role) of every staff member linked on this channel and of every admin of it
        in MOTCUA_ADMIN_IDS (`id` or `channel:id`), for a channel's per-chat menus."""
        found: dict[str, str] = {}
        for member in await list_staff(self.ctx.db):
            for linked, chat_id in await linked_chats(self.ctx.db, member.id):
                if linked == channel:
                    found[str(chat_id)] = member.role
        for item in self.ctx.settings.admin_ids:
            prefix, _, ident = item.rpartition(":")
            if prefix in ("", channel) and ident:
                found[ident] = "admin"
        return list(found.items())

    async def _unblock(self, channel: str, chat_id: str) -> None:
        """A person who had blocked the bot writes again: their pushes may flow again."""
        from storage import outbox

        if await outbox.unblock_chat(self.ctx.db, channel, chat_id):
            log.info("chat unblocked: channel=%s (the person wrote again)", channel)

    async def _dispatch(
        self, incoming: Incoming, role: str, staff: StaffMember | None, max_text: int
    ) -> tuple[str, list[Reply]]:
        """(command name for the log, replies) for one message."""
        text = clean_incoming((incoming.text or "")[: MAX_INPUT * 2])[:MAX_INPUT]
        if text != incoming.text:
            incoming = replace(incoming, text=text)

        def request(name: str, args: list[str]) -> Request:
            """A Request for this message."""
            return Request(self.ctx, incoming, role, staff, name, args, max_text, self.routes)

        if incoming.attachment is not None:
            att = incoming.attachment
            photo = self.routes.find("__image__", role)  # a receipt photo (bot/handlers/talk.py)
            if photo is not None and looks_like_image(att.filename, att.mime, att.data[:16]):
                return "image", await photo.handler(request("__image__", []))
            spec = self.routes.find("__file__", role)
            if spec is None:
                return "file", [Reply(text=REFUSED)]
            return "file", await spec.handler(request("__file__", []))
        if incoming.is_button and ":" in text and not text.startswith("/"):
            prefix, _, rest = text.partition(":")
            bspec = self.routes.button(prefix)
            if bspec is not None:
                if bspec.roles is not None and role not in bspec.roles:
                    return f"button:{prefix}", [Reply(text=REFUSED)]
                return f"button:{prefix}", await bspec.handler(request(prefix, [rest]))
        if not text:
            return "empty", [Reply(text=self.help_text(role))]
        # Free text (bot/handlers/talk.py): citizens' sentences first, staff's after the aliases.
        free = None if text.startswith("/") else self.routes.find("__text__", role)
        if free is not None and role == "citizen":
            replies = await free.handler(request("__text__", [text]))
            if replies:
                return "text", replies
        name, args, unknown = self._parse(text)
        if name is None and unknown is None and free is not None and role != "citizen":
            replies = await free.handler(request("__text__", [text]))
            if replies:
                return "text", replies
        if name is None:
            if unknown is not None:
                bare = unknown.replace("_", "")
                shown = bare.isalnum() and not bare.isdigit()  # never echo a number
                head = f"Không có lệnh /{unknown[:40]}." if shown else "Không có lệnh này."
                return "unknown", [Reply(text=f"{head}\n\n{self.help_text(role)}")]
            fallback = self.routes.find("__unknown__", role)
            if fallback is not None:
                return "text", await fallback.handler(request("__unknown__", [text]))
            intro = "Bot chưa hiểu tin nhắn này."
            return "text", [Reply(text=f"{intro}\n\n{self.help_text(role)}")]
        spec = self.routes.find(name, role)
        if spec is None:
            return name, [Reply(text=REFUSED)]
        replies = await spec.handler(request(name, args))
        return name, replies

    def _fit(self, replies: list[Reply], max_text: int) -> list[Reply]:
        """Split long texts at line boundaries; move long captions to their own message;
        drop Python exception names; guarantee at least one reply."""
        out: list[Reply] = []
        replies = [_with_text(r, scrub_exception_names(r.text)) for r in replies or []]
        if not any(r.kind != "text" or r.text.strip() or r.buttons for r in replies or []):
            replies = [Reply(text="Bot chưa có nội dung để trả lời. Gửi /huongdan để xem "
                                  "cách dùng.")]
        for reply in replies:
            if reply.kind == "text":
                if not reply.text.strip() and not reply.buttons:
                    continue
                chunks = split_text(reply.text or "…", max_text)
                for chunk in chunks[:-1]:
                    out.append(Reply(text=chunk))
                out.append(_with_text(reply, chunks[-1]))
            else:
                limit = min(max_text, CAPTION_MAX)
                if len(reply.text) > limit:
                    out.extend(Reply(text=c) for c in split_text(reply.text, max_text))
                    out.append(replace(reply, text=""))
                else:
                    out.append(reply)
        return out
