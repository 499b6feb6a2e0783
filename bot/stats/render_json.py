"""Figures as JSON (figures.md keys nested by their dots, rates with 2 decimals or null)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bot.stats.figures import Figures
from bot.stats.render_bases import bases_json


def figures_to_json(fig: Figures) -> dict[str, Any]:
    """The JSON object of `motcua stats --json`: period, unit and every figure of figures.md.

    `as_of` ('YYYY-MM-DDTHH:MM:SS') is added only when the period has not ended yet;
    `rate_bases` gives each rate's numerator and denominator where they are not obvious.
    """
    out: dict[str, Any] = {
        "period": {"from": fig.period.start.isoformat(), "to": fig.period.end.isoformat()},
        "unit": fig.unit_name,
        "received": asdict(fig.received),
        "carried_over": fig.carried_over,
        "total": fig.total,
        "resolved": asdict(fig.resolved),
        "pending": asdict(fig.pending),
        "services": asdict(fig.services),
        "digitization": asdict(fig.digitization),
        "fees": asdict(fig.fees),
        "rate_bases": bases_json(fig),
    }
    if fig.as_of is not None:
        out["as_of"] = fig.as_of.strftime("%Y-%m-%dT%H:%M:%S")
    return out
