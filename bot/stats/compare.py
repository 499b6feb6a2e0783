"""Comparison lines against the previous period and the same period a year before."""

from __future__ import annotations

from bot.stats.figures import Figures, fmt_change, fmt_count, fmt_rate


def _change(now: int, before: int, against: str) -> str:
    """'tăng 5,2% so với quý trước (3300 hồ sơ)' (before > 0)."""
    if now == before:
        return f"bằng {against} ({fmt_count(before)} hồ sơ)"
    word = "tăng" if now > before else "giảm"
    pct = (now - before) * 100 / before
    return f"{word} {fmt_change(pct)} so với {against} ({fmt_count(before)} hồ sơ)"


def comparison_lines(
    fig: Figures, previous: Figures | None, year_before: Figures | None
) -> list[str]:
    """Lines comparing received and resolved counts and the on-time rate; a comparison is left
    out when the other period holds no dossier received (no data). For a running period the
    caller passes the other periods cut to the same elapsed days ("cùng thời điểm")."""
    others: list[tuple[str, Figures]] = []
    name = fig.period.short_name()
    so_far = "cùng thời điểm " if fig.as_of is not None else ""
    if previous is not None and previous.received.total > 0:
        others.append((f"{so_far}{name} trước", previous))
    if (
        year_before is not None
        and year_before.received.total > 0
        and (previous is None or year_before.period != previous.period)
    ):
        others.append((f"{so_far or 'cùng kỳ '}năm trước", year_before))
    if not others:
        return []
    lines = []
    for title, get in (
        ("Hồ sơ tiếp nhận", lambda f: f.received.total),
        ("Hồ sơ đã giải quyết", lambda f: f.resolved.total),
    ):
        parts = [_change(get(fig), get(o), against) for against, o in others if get(o) > 0]
        if parts:
            lines.append(f"{title}: " + "; ".join(parts) + ".")
    rates = [
        f"{against} {fmt_rate(o.resolved.on_time_rate)}"
        for against, o in others
        if o.resolved.on_time_rate is not None
    ]
    if rates and fig.resolved.on_time_rate is not None:
        lines.append(
            f"Tỷ lệ giải quyết đúng hạn: {fmt_rate(fig.resolved.on_time_rate)} ("
            + "; ".join(rates)
            + ")."
        )
    return lines
