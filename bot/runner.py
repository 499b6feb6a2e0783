"""Run the bot: the core, the channels that have a token, the push services; stop on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.channels.base import Channel, ChatCore, Sender
from bot.context import AppContext

if TYPE_CHECKING:
    from bot.push.services import Services

log = logging.getLogger("motcua.runner")


class RunError(Exception):
    """The bot could not start; the message is Vietnamese, for the operator."""


def _has(secret: SecretStr | None) -> bool:
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
    ctx: AppContext,
    *,
    core: ChatCore | None = None,
    channels: list[Channel] | None = None,
    demo: bool = False,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT (or `stop` is set): the channels, else the console.

    `core` defaults to the bot's Core on ctx, `channels` to build_channels() (Telegram and/or
    Zalo, those with a token); with no channel the console chat runs instead.
    Raises RunError (Vietnamese) when a channel cannot start, e.g. a token Telegram refuses.
    """
    if core is None:
        from bot.core.router import Core

        core = Core(ctx)
    if channels is None:
        channels = build_channels(ctx, core)
    if not channels:
        log.info("No MOTCUA_TELEGRAM_TOKEN nor MOTCUA_ZALO_TOKEN: console chat")
        await _run_console(ctx, core, demo)
        return

    stop = stop or asyncio.Event()
    installed = _install_signals(stop)
    senders: dict[str, Sender] = {}
    services = None
    try:
        for channel in channels:
            await _start(ctx, channel)
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
        for channel in reversed(channels):  # one never started stops at once
            try:
                await channel.stop()
            except Exception:
                log.exception("stopping a channel failed")
        _remove_signals(installed)
    log.info("Stopped cleanly.")


def build_channels(ctx: AppContext, core: ChatCore) -> list[Channel]:
    """The channels whose token is set, not yet started: Telegram, then Zalo.

    Raises RunError (Vietnamese) when a channel's settings cannot work.
    """
    settings = ctx.settings
    channels: list[Channel] = []
    if _has(settings.telegram_token):
        from bot.channels.telegram import TelegramChannel, TelegramConfigError

        try:
            channels.append(TelegramChannel(ctx, core))
        except TelegramConfigError as exc:
            raise RunError(str(exc)) from None
    if _has(settings.zalo_token):
        from bot.channels.zalo import ZaloChannel

        try:
            channels.append(ZaloChannel(ctx, core))
        except Exception as exc:
            raise RunError(f"Không khởi động được kênh Zalo: {exc}") from None
    return channels


async def _run_console(ctx: AppContext, core: ChatCore, demo: bool) -> None:
    """The terminal chat, with the delivery worker printing pushes in it (no scheduler in the
    demo, whose clock is not the wall clock)."""
    from bot.channels.console import ConsoleSender, run_console
    from bot.push.services import start_services

    services = await start_services(ctx, {"console": ConsoleSender()}, scheduler=not demo)
    try:
        await run_console(ctx, core, demo=demo, flush=lambda: services.worker.drain(timeout=3))
    finally:
        await services.stop()


async def _start(ctx: AppContext, channel: Channel) -> None:
    """Start one channel, or raise RunError saying what is wrong."""
    if channel.sender.name == "telegram":
        await _start_telegram(ctx, channel)
        return
    try:
        await channel.start()
    except Exception as exc:
        name = {"zalo": "Zalo"}.get(channel.sender.name, channel.sender.name)
        raise RunError(f"Không khởi động được kênh {name}: {exc}") from None


async def _start_telegram(ctx: AppContext, channel: Channel) -> None:
    """Start the Telegram channel, or raise RunError saying what is wrong."""
    from telegram.error import InvalidToken, NetworkError, TelegramError

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


async def _start_services(ctx: AppContext, senders: dict[str, Sender]) -> Services:
    """Start the scheduler and the outbox delivery worker."""
    from bot.push.services import start_services

    return await start_services(ctx, senders)


async def _quiet_stop(channel: Channel) -> None:
    """Stop a channel that failed to start, ignoring further errors."""
    with contextlib.suppress(Exception):
        await channel.stop()
