"""`motcua outbox`: pending/sent/dead push counts, blocked chats and the oldest pending push."""

from __future__ import annotations

import argparse

from bot.cli.common import SubCommands, run, with_context
from bot.context import AppContext
from storage import outbox


def register(sub: SubCommands) -> None:
    """Add the outbox sub-command."""
    p = sub.add_parser("outbox", help="tình trạng hàng đợi thông báo (chờ gửi / đã gửi / hỏng)")
    p.set_defaults(func=_outbox)


def render(c: outbox.OutboxCounts) -> str:
    """The counts as Vietnamese lines."""
    lines = [
        f"Chờ gửi: {c.pending}",
        f"Đã gửi: {c.sent}",
        f"Không gửi được (bỏ): {c.dead}",
        f"Cuộc trò chuyện đã chặn bot: {c.blocked_chats}",
    ]
    if c.oldest_pending_at is not None:
        at = c.oldest_pending_at.replace("T", " ")
        lines.append(f"Thông báo chờ lâu nhất: {c.oldest_pending_key} (tạo lúc {at})")
        if c.oldest_pending_error:
            lines.append(f"Lỗi gần nhất của nó: {c.oldest_pending_error}")
    return "\n".join(lines)


def _outbox(args: argparse.Namespace) -> int:
    """Print the outbox counts of the store named by the settings."""

    async def body(ctx: AppContext) -> str:
        """Read the counts."""
        return render(await outbox.counts(ctx.db))

    print(run(with_context(body)))
    return 0
