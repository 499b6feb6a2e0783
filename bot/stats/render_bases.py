"""Each rate shown with its numerator and denominator where the denominator is not the obvious
one: "99,94% (3407/3409 hồ sơ của các DVCTT)", in text, JSON and the Word report."""

from __future__ import annotations

from dataclasses import dataclass

from bot.stats.figures import Figures, fmt_count, fmt_rate

IN_SCOPE = "hồ sơ thuộc thẩm quyền giải quyết"
RESULTS = "hồ sơ đã có kết quả"


@dataclass(frozen=True)
class RateBase:
    """A rate's numerator, denominator and what the denominator counts (Vietnamese)."""

    numerator: int
    denominator: int
    of: str


def rate_bases(fig: Figures) -> dict[str, RateBase]:
    """The rates of figures.md whose denominator is not printed beside them, by JSON key."""
    s, r, b = fig.services, fig.resolved, fig.base
    level_online = s.partial.online + s.full.online
    level_dossiers = s.partial.dossiers + s.full.dossiers
    return {
        "resolved.on_time_rate": RateBase(r.early + r.on_time, r.early + r.on_time + r.late,
                                          RESULTS),
        "services.active_rate": RateBase(s.partial.active + s.full.active,
                                         s.partial.procedures + s.full.procedures, "DVCTT"),
        "services.online_rate": RateBase(level_online, level_dossiers, "hồ sơ của các DVCTT"),
        "services.online_rate_all": RateBase(
            level_online + b.none_online, level_dossiers + s.none.dossiers,
            "hồ sơ của các thủ tục trong danh mục"),
        "digitization.input_rate": RateBase(b.digitized_input, b.in_scope, IN_SCOPE),
        "digitization.output_rate": RateBase(b.digitized_output, b.results, RESULTS),
        "digitization.both_rate": RateBase(b.digitized_both, b.results, RESULTS),
        "digitization.reuse_rate": RateBase(fig.digitization.reused, b.in_scope, IN_SCOPE),
    }


def with_base(value: float | None, base: RateBase) -> str:
    """'99,94% (3407/3409 hồ sơ của các DVCTT)'; just '—' when there is no denominator."""
    if value is None or base.denominator == 0:
        return fmt_rate(value)
    share = f"{fmt_count(base.numerator)}/{fmt_count(base.denominator)}"
    return f"{fmt_rate(value)} ({share} {base.of})"


def bases_json(fig: Figures) -> dict[str, dict[str, object]]:
    """The `rate_bases` object of the JSON: numerator, denominator and what it counts."""
    return {key: {"numerator": b.numerator, "denominator": b.denominator, "of": b.of}
            for key, b in rate_bases(fig).items()}
