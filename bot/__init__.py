"""motcua-bot: the chatbot of a commune's Public Administrative Service Center."""

__version__ = "0.1.0"
