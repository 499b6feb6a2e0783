"""Retry waits: exponential backoff with jitter, the one formula every retry loop uses."""

from __future__ import annotations

import random


def backoff(attempt: int, base: float = 1.0, cap: float = 60.0, *, least: float = 0.0) -> float:
    """Seconds to wait before retry number `attempt` (from 0): min(cap, base·2^attempt), of which
    the fraction `least` always and the rest at random (0: full jitter, 0.5: equal jitter,
    1: no jitter)."""
    full = min(cap, base * (2 ** min(attempt, 30)))
    return full * least + random.uniform(0, full * (1 - least))
