"""Run the bot: the core, the channels that have a token, the push services; stop on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from bot.context import AppContext

log = logging.getLogger("motcua.runner")


class RunError(Exception):
    """The bot could not start; the message is Vietnamese, for the operator."""


def _has(secret: Any) -> bool:
    """Whether an optional SecretStr setting holds a non-empty value."""
    return secret is not None and bool(secret.get_secret_value().strip())


def _install_signals(stop: asyncio.Event) -> list[signal.Signals]:
    """Set `stop` on SIGTERM/SIGINT; returns the signals handled (none where unsupported)."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(sig)
    return installed


def _remove_signals(installed: list[signal.Signals]) -> None:
    """Give the signals back to their default handling."""
    loop = asyncio.get_running_loop()
    for sig in installed:
        with contextlib.suppress(Exception):
            loop.remove_signal_handler(sig)


async def run_bot(
    ctx: AppContext, *, demo: bool = False, stop: asyncio.Event | None = None
) -> None:
    """Serve until SIGTERM/SIGINT (or `stop` is set): Telegram and/or Zalo, else the console.

    Raises RunError (Vietnamese) when a channel cannot start, e.g. a token Telegram refuses.
    """
    from bot.core.router import Core

    core = Core(ctx)
    settings = ctx.settings
    if not _has(settings.telegram_token) and not _has(settings.zalo_token):
        log.info("No MOTCUA_TELEGRAM_TOKEN nor MOTCUA_ZALO_TOKEN: console chat")
        await _run_console(ctx, core, demo)
        return

    stop = stop or asyncio.Event()
    installed = _install_signals(stop)
    channels: list[Any] = []
    senders: dict[str, Any] = {}
    services = None
    try:
        if _has(settings.telegram_token):
            channels.append(await _start_telegram(ctx, core))
        if _has(settings.zalo_token):
            channels.append(await _start_zalo(ctx, core))
        for channel in channels:
            senders[channel.sender.name] = channel.sender
        services = await _start_services(ctx, senders)
        log.info("motcua-bot is running (%s); SIGTERM or Ctrl+C stops it", ", ".join(senders))
        await stop.wait()
        log.info("Stopping…")
    finally:
        if services is not None:
            try:
                await services.stop()
            except Exception:
                log.exception("stopping the services failed")
        for channel in reversed(channels):
            try:
                await channel.stop()
            except Exception:
                log.exception("stopping a channel failed")
        _remove_signals(installed)
    log.info("Stopped cleanly.")


async def _run_console(ctx: AppContext, core: Any, demo: bool) -> None:
    """The terminal chat, with the delivery worker printing pushes in it (no scheduler in the
    demo, whose clock is not the wall clock)."""
    from bot.channels.console import ConsoleSender, run_console
    from bot.push.services import start_services

    services = await start_services(ctx, {"console": ConsoleSender()}, scheduler=not demo)
    try:
        await run_console(ctx, core, demo=demo, flush=lambda: services.worker.drain(timeout=3))
    finally:
        await services.stop()


async def _start_telegram(ctx: AppContext, core: Any) -> Any:
    """Build and start the Telegram channel, or raise RunError saying what is wrong."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

    from bot.channels.telegram import TelegramChannel, TelegramConfigError

    try:
        channel = TelegramChannel(ctx, core)
    except TelegramConfigError as exc:
        raise RunError(str(exc)) from None
    try:
        await channel.start()
    except InvalidToken:
        await _quiet_stop(channel)
        raise RunError(
            "Telegram từ chối MOTCUA_TELEGRAM_TOKEN (token sai hoặc đã bị thu hồi). "
            "Lấy lại token từ @BotFather."
        ) from None
    except NetworkError as exc:
        await _quiet_stop(channel)
        raise RunError(
            f"Không kết nối được tới Telegram ({ctx.settings.telegram_api_url}): {exc}"
        ) from None
    except (TelegramError, OSError) as exc:
        await _quiet_stop(channel)
        raise RunError(f"Không khởi động được kênh Telegram: {exc}") from None
    return channel


async def _start_zalo(ctx: AppContext, core: Any) -> Any:
    """Build and start the Zalo channel, or raise RunError."""
    from bot.channels.zalo import ZaloChannel

    try:
        channel = ZaloChannel(ctx, core)
        await channel.start()
    except Exception as exc:
        raise RunError(f"Không khởi động được kênh Zalo: {exc}") from None
    return channel


async def _start_services(ctx: AppContext, senders: dict[str, Any]) -> Any:
    """Start the scheduler and the outbox delivery worker."""
    from bot.push.services import start_services

    return await start_services(ctx, senders)


async def _quiet_stop(channel: Any) -> None:
    """Stop a channel that failed to start, ignoring further errors."""
    with contextlib.suppress(Exception):
        await channel.stop()
