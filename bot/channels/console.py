"""The console channel: a terminal chat on the same Core (line editing and history on a tty;
buttons as numbered choices; `/as <role>` switches the simulated person in demo mode; pushes
from the outbox printed in the chat as they arrive)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.channels.base import ChatCore
from bot.context import AppContext
from bot.core.numbers import number_arg
from bot.core.registry import ROLE_NAMES
from bot.core.types import Attachment, Button, Incoming, Reply
from bot.demo.persona import become, describe

CHANNEL = "console"
MAX_TEXT = 4096
EXIT_WORDS = {"/thoat", "/thoát", "/exit", "/quit", "thoat", "thoát"}


@dataclass
class Person:
    """Who the console user currently is."""

    user_id: str
    role: str


class _Reader:
    """Reads one line at a time from a tty (with readline) or any text stream, off the loop."""

    def __init__(self, stream: IO[str] | None, out: IO[str]) -> None:
        """Use stdin (with readline history when a tty) unless a stream is given."""
        self.stream = stream if stream is not None else sys.stdin
        self.out = out
        self.tty = stream is None and sys.stdin.isatty() and out is sys.stdout
        if self.tty:
            with contextlib.suppress(ImportError):  # no readline on Windows
                import readline  # noqa: F401  (line editing and history for input())

    async def read(self, prompt: str) -> str | None:
        """The next line without its newline, or None at end of input."""
        if self.tty:
            try:
                return await asyncio.to_thread(input, prompt)
            except EOFError:
                return None
        line = await asyncio.to_thread(self.stream.readline)
        if line == "":
            return None
        return line.rstrip("\r\n")


def _save(reply: Reply, folder: Callable[[], Path]) -> Path:
    """Write an image or document reply to the console's folder; returns the path."""
    name = Path(reply.filename or ("anh.png" if reply.kind == "image" else "tep.bin")).name
    path = folder() / name
    path.write_bytes(reply.image if reply.image is not None else reply.document or b"")
    return path


def render(replies: list[Reply], out: IO[str], folder: Callable[[], Path]) -> list[Button]:
    """Print replies; buttons become numbered choices. Returns the buttons in number order."""
    buttons: list[Button] = []
    for reply in replies:
        if reply.kind != "text":
            path = _save(reply, folder)
            kind = "Ảnh" if reply.kind == "image" else "Tệp"
            print(f"[{kind}: {path.name} — đã lưu tại {path}]", file=out)
        if reply.text:
            print(reply.text, file=out)
        for row in reply.buttons:
            for b in row:
                buttons.append(b)
                print(f"  Gửi {len(buttons)} để {b.label}", file=out)
        print(file=out)
    out.flush()
    return buttons


class ConsoleSender:
    """The console's outgoing side for the delivery worker: prints each push in the chat."""

    name = CHANNEL
    max_text = MAX_TEXT

    def __init__(self, out: IO[str] | None = None) -> None:
        """Print to `out` (stdout by default); files go to a temporary folder."""
        self.out = out if out is not None else sys.stdout
        self._folder: list[Path] = []

    def folder(self) -> Path:
        """The folder where pushed files are saved (created on first use)."""
        if not self._folder:
            self._folder.append(Path(tempfile.mkdtemp(prefix="motcua-console-")))
        return self._folder[0]

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Print one push, naming who it is for (the simulated person in the demo)."""
        role = ROLE_NAMES.get(chat_id.removeprefix("demo-"))
        who = f"{role} ({chat_id})" if role else chat_id
        print(f"\n🔔 Tin nhắn bot gửi tới {who}:", file=self.out)
        render([Reply(text=reply.text, image=reply.image, document=reply.document,
                      filename=reply.filename)], self.out, self.folder)


def _attachment(arg: str) -> Attachment | str:
    """An Attachment from a file path typed after /tep, or a Vietnamese error."""
    path = Path(arg.strip().strip('"').strip("'")).expanduser()
    if not arg.strip():
        return "Gửi /tep <đường dẫn tệp .xlsx hoặc .csv> để gửi tệp cho bot."
    if not path.is_file():
        return f"Không tìm thấy tệp {path}."
    return Attachment(filename=path.name, data=path.read_bytes())


def _image(arg: str, max_bytes: int) -> Attachment | str:
    """A receipt photo from a path typed after /anh (sent as an image), or a Vietnamese error."""
    path = Path(arg.strip().strip('"').strip("'")).expanduser()
    if not arg.strip():
        return "Gửi /anh <đường dẫn ảnh> để gửi ảnh giấy biên nhận (mã QR hoặc mã vạch)."
    if not path.is_file():
        return f"Không tìm thấy tệp {path}."
    too_big = path.stat().st_size > max_bytes  # not read: the core answers as for any large photo
    return Attachment(filename=path.name, data=b"" if too_big else path.read_bytes(),
                      mime="image/*")


async def run_console(
    ctx: AppContext, core: ChatCore, *, demo: bool, input_stream: IO[str] | None = None,
    output: IO[str] | None = None, flush: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Chat with the core in a terminal until /thoat or end of input; `flush` (the delivery
    worker's drain) is awaited before saying goodbye, so pushes already queued are shown."""
    out = output if output is not None else sys.stdout
    reader = _Reader(input_stream, out)
    person = Person(await become(ctx, CHANNEL, "citizen") if demo else "local", "citizen")
    person.role = await core.role_of(CHANNEL, person.user_id)
    folder_holder: list[Path] = []

    def folder() -> Path:
        """The folder where files the bot sends are saved (created on first use)."""
        if not folder_holder:
            folder_holder.append(Path(tempfile.mkdtemp(prefix="motcua-console-")))
        return folder_holder[0]

    print("motcua-bot — trò chuyện ngay trên màn hình. Gõ /huongdan để xem cách dùng, "
          "/thoat để thoát.", file=out)
    if demo:
        print("Chế độ thử: đổi vai bằng /as citizen | officer | leader | admin.", file=out)
    print("Gửi tệp cho bot: /tep <đường dẫn>; gửi ảnh giấy biên nhận: /anh <đường dẫn>.",
          file=out)
    print(await describe(ctx, CHANNEL, person.user_id, person.role), file=out)
    print(file=out)
    out.flush()
    buttons: list[Button] = []
    while True:
        try:
            line = await reader.read(f"[{ROLE_NAMES.get(person.role, person.role)}] › ")
        except KeyboardInterrupt:
            line = None
        if line is None:
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in EXIT_WORDS:
            break
        if text.split()[0].lower() == "/as":
            person, message = await _switch(ctx, core, person, text, demo)
            print(message + "\n", file=out)
            out.flush()
            buttons = []
            continue
        attachment = None
        if text.split()[0].lower() == "/tep":
            got = _attachment(text[4:])
            if isinstance(got, str):
                print(got + "\n", file=out)
                continue
            attachment, text = got, ""
        if text and text.split()[0].lower() == "/anh":
            got = _image(text[4:], ctx.settings.receipt_max_bytes)
            if isinstance(got, str):
                print(got + "\n", file=out)
                continue
            attachment, text = got, ""
        choice = number_arg(text, 3)
        is_button = choice is not None and 1 <= choice <= len(buttons)
        if choice is not None and is_button:
            text = buttons[choice - 1].data
        incoming = Incoming(channel=CHANNEL, user_id=person.user_id, chat_id=person.user_id,
                            text=text, attachment=attachment, is_button=is_button)
        answer = await core.answer(incoming, MAX_TEXT)
        buttons = render(answer.replies, out, folder)
        person.role = answer.role or person.role
    if flush is not None:
        await flush()
    print("Tạm biệt!", file=out)
    out.flush()


async def _switch(ctx: AppContext, core: ChatCore, person: Person, text: str,
                  demo: bool) -> tuple[Person, str]:
    """Handle `/as <role>`: a new simulated person in demo mode, a refusal otherwise."""
    if not demo:
        return person, "Lệnh /as chỉ dùng trong chế độ thử (motcua demo)."
    parts = text.split()
    role = parts[1].lower() if len(parts) > 1 else ""
    if role not in ROLE_NAMES:
        return person, "Gửi /as citizen, /as officer, /as leader hoặc /as admin."
    new = Person(await become(ctx, CHANNEL, role), role)
    new.role = await core.role_of(CHANNEL, new.user_id)
    return new, await describe(ctx, CHANNEL, new.user_id, new.role)
