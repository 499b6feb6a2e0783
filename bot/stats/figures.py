"""The figures object (every key of figures.md), its rates and the report's number formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from bot.stats.periods import Period


def rate(num: int, den: int) -> float | None:
    """num/den as a percentage rounded half-up to 2 decimals; None when den is 0."""
    if den == 0:
        return None
    value = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(value)


def fmt_count(n: int) -> str:
    """A count as in the report: '0', '03', '3474' (no thousands separator)."""
    return "0" if n == 0 else (f"{n:02d}" if 0 < n < 10 else str(n))


def fmt_rate(value: float | None) -> str:
    """A rate as in the report: '8,18%', '95,80%', '10%', '100%'; '—' for no denominator."""
    if value is None:
        return "—"
    if value == int(value):
        return f"{int(value)}%"
    return f"{value:.2f}".replace(".", ",") + "%"


def fmt_change(value: float) -> str:
    """A relative change with one decimal and a decimal comma: '5,2%', '12%'."""
    text = f"{abs(value):.1f}".replace(".", ",")
    return text.removesuffix(",0") + "%"


@dataclass
class Received:
    """Dossiers received in P, by channel."""

    total: int = 0
    direct: int = 0
    online: int = 0
    postal: int = 0


@dataclass
class Resolved:
    """Dossiers of the total finished in P, by outcome."""

    total: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    rejected: int = 0
    withdrawn: int = 0
    on_time_rate: float | None = None


@dataclass
class Pending:
    """Dossiers of the total not finished at the end of P."""

    total: int = 0
    supplement: int = 0
    payment: int = 0
    on_track: int = 0
    late: int = 0


@dataclass
class NoneLevel:
    """Catalogue procedures without online service (level `khong`) and their dossiers."""

    procedures: int = 0
    dossiers: int = 0


@dataclass
class Level:
    """Catalogue procedures of one online level (`mot_phan`) and their dossiers."""

    procedures: int = 0
    active: int = 0
    dossiers: int = 0
    online: int = 0
    direct: int = 0
    active_rate: float | None = None


@dataclass
class FullLevel(Level):
    """Procedures of the full online level (`toan_trinh`): also the fully-online dossiers."""

    fully_online: int = 0


@dataclass
class Services:
    """Section 2: online public services by procedure level."""

    procedures: int = 0
    none: NoneLevel = field(default_factory=NoneLevel)
    partial: Level = field(default_factory=Level)
    full: FullLevel = field(default_factory=FullLevel)
    active_rate: float | None = None
    online_rate: float | None = None
    online_rate_all: float | None = None


@dataclass
class Digitization:
    """Section 3: digitization rates and counts (Quyết định 766/QĐ-TTg)."""

    input_rate: float | None = None
    output_rate: float | None = None
    both_rate: float | None = None
    stored: int = 0
    reused: int = 0
    reuse_rate: float | None = None


@dataclass
class Fees:
    """Section 4: dossiers with a fee and those paid online."""

    charged: int = 0
    paid_online: int = 0
    online_rate: float | None = None


@dataclass
class Base:
    """Denominators behind the rates (not part of the JSON): in-scope dossiers and results."""

    in_scope: int = 0
    digitized_input: int = 0
    results: int = 0
    digitized_output: int = 0
    digitized_both: int = 0
    none_online: int = 0  # online dossiers of level-`khong` procedures (services.online_rate_all)


@dataclass
class Figures:
    """Every figure of figures.md for one period and one unit (unit_id None: all units)."""

    period: Period
    unit_id: int | None = None
    unit_name: str | None = None
    as_of: datetime | None = None  # set when the period has not ended: computed up to this time
    received: Received = field(default_factory=Received)
    carried_over: int = 0
    total: int = 0
    resolved: Resolved = field(default_factory=Resolved)
    pending: Pending = field(default_factory=Pending)
    services: Services = field(default_factory=Services)
    digitization: Digitization = field(default_factory=Digitization)
    fees: Fees = field(default_factory=Fees)
    base: Base = field(default_factory=Base)

    @property
    def has_data(self) -> bool:
        """True when the period holds at least one dossier (received or carried over)."""
        return self.total > 0


# The raw integer counts storage/stats.py returns per unit; everything else derives from them.
COUNT_KEYS = (
    "received_total", "received_direct", "received_online", "received_postal", "carried_over",
    "total", "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
    "resolved_rejected", "resolved_withdrawn", "pending_total", "pending_supplement",
    "pending_payment", "pending_on_track", "pending_late", "none_dossiers", "none_online",
    "partial_active", "partial_dossiers", "partial_online", "full_active", "full_dossiers",
    "full_online", "full_fully_online", "in_scope", "digitized_input", "stored", "reused",
    "results", "digitized_output", "digitized_both", "fees_charged", "fees_paid_online",
    "proc_none", "proc_partial", "proc_full",
)  # fmt: skip


def figures_from_counts(
    period: Period, c: dict[str, int], unit_id: int | None = None,
    unit_name: str | None = None, as_of: datetime | None = None,
) -> Figures:
    """Build the figures (with their rates) from the raw counts of COUNT_KEYS."""
    g = {k: int(c.get(k) or 0) for k in COUNT_KEYS}
    partial_procs, full_procs, none_procs = g["proc_partial"], g["proc_full"], g["proc_none"]
    early, on_time, late = g["resolved_early"], g["resolved_on_time"], g["resolved_late"]
    level_dossiers = g["partial_dossiers"] + g["full_dossiers"]
    level_online = g["partial_online"] + g["full_online"]
    return Figures(
        period=period, unit_id=unit_id, unit_name=unit_name, as_of=as_of,
        received=Received(g["received_total"], g["received_direct"], g["received_online"],
                          g["received_postal"]),
        carried_over=g["carried_over"],
        total=g["total"],
        resolved=Resolved(
            g["resolved_total"], early, on_time, late, g["resolved_rejected"],
            g["resolved_withdrawn"], rate(early + on_time, early + on_time + late),
        ),
        pending=Pending(g["pending_total"], g["pending_supplement"], g["pending_payment"],
                        g["pending_on_track"], g["pending_late"]),
        services=Services(
            procedures=none_procs + partial_procs + full_procs,
            none=NoneLevel(none_procs, g["none_dossiers"]),
            partial=Level(
                partial_procs, g["partial_active"], g["partial_dossiers"], g["partial_online"],
                g["partial_dossiers"] - g["partial_online"],
                rate(g["partial_active"], partial_procs),
            ),
            full=FullLevel(
                full_procs, g["full_active"], g["full_dossiers"], g["full_online"],
                g["full_dossiers"] - g["full_online"], rate(g["full_active"], full_procs),
                g["full_fully_online"],
            ),
            active_rate=rate(g["partial_active"] + g["full_active"], partial_procs + full_procs),
            online_rate=rate(level_online, level_dossiers),
            online_rate_all=rate(
                level_online + g["none_online"], level_dossiers + g["none_dossiers"]
            ),
        ),
        digitization=Digitization(
            input_rate=rate(g["digitized_input"], g["in_scope"]),
            output_rate=rate(g["digitized_output"], g["results"]),
            both_rate=rate(g["digitized_both"], g["results"]),
            stored=g["stored"], reused=g["reused"],
            reuse_rate=rate(g["reused"], g["in_scope"]),
        ),
        fees=Fees(g["fees_charged"], g["fees_paid_online"],
                  rate(g["fees_paid_online"], g["fees_charged"])),
        base=Base(g["in_scope"], g["digitized_input"], g["results"], g["digitized_output"],
                  g["digitized_both"], g["none_online"]),
    )  # fmt: skip


def sum_counts(parts: list[dict[str, int]]) -> dict[str, int]:
    """Add per-unit raw counts (procedures are per unit, so distinct counts add up too)."""
    out = dict.fromkeys(COUNT_KEYS, 0)
    for part in parts:
        for k, v in part.items():
            if v and k in out:
                out[k] += int(v)
    return out
