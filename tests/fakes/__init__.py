"""Fake platform servers the tests start on 127.0.0.1 (Telegram Bot API, Zalo Bot Platform)."""
