"""Channels: translate between a chat platform (Telegram, Zalo, console) and the core."""
