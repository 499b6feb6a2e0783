"""The Zalo Bot Platform channel: client, sender and channel (see docs/zalo.md)."""

from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloApiError, ZaloClient, ZaloError, ZaloNetworkError
from bot.channels.zalo.sender import ZaloSender

__all__ = [
    "ZaloApiError",
    "ZaloChannel",
    "ZaloClient",
    "ZaloError",
    "ZaloNetworkError",
    "ZaloSender",
]
