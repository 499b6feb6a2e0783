"""The estimate of the national service index (Quyết định 766/QĐ-TTg) from the store: the rules
in one table (RULES, each with its source), the rates and points, and what cost the points.

See docs/stats.md and ../shared/docs/index766.md. Points are computed from the exact ratio and
rounded half-up to two decimals; the subtotal adds the rounded points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from bot.stats.figures import rate
from bot.stats.periods import Period
from storage.index766 import DossierRef, LateDossier

SOURCE_LINE = (
    "Ước tính theo Bộ chỉ số 766 (Quyết định 766/QĐ-TTg ngày 23/06/2022) từ dữ liệu hồ sơ của "
    "bot; công thức tổng hợp từ tài liệu công khai, điểm chính thức do Cổng Dịch vụ công quốc "
    "gia công bố."
)
# Where the rules were read (index766.md "Sources"): reference, not authority.
_SUMMARIES = "tóm tắt QĐ 766/QĐ-TTg (sonoivu.namdinh.gov.vn, thuviennhadat.vn)"
_CRAWLER = "ChippedTopaz/qd766 (công thức khớp điểm công bố trên Cổng DVCQG, 2026)"


@dataclass(frozen=True)
class Rule:
    """One estimable indicator: its points, how they follow from the rate, where that is from."""

    id: str
    name: str
    max_points: int
    threshold: float | None  # None: linear (points = max × rate); else full points at ≥ T
    source: str

    def points(self, num: int, den: int) -> Decimal | None:
        """The points for num/den (exact ratio, then rounded to 2 decimals); None when den is 0."""
        if den == 0:
            return None
        ratio = Decimal(num) / Decimal(den)
        if self.threshold is not None:
            t = Decimal(str(self.threshold))
            ratio = Decimal(1) if ratio >= t else ratio / t
        return (self.max_points * ratio).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def rule_text(self) -> str:
        """'tuyến tính' or 'đủ điểm khi ≥ 50%'."""
        if self.threshold is None:
            return "điểm = tối đa × tỷ lệ"
        return f"đủ điểm khi tỷ lệ ≥ {round(self.threshold * 100)}%"


# THE rules (index766.md): correct them here when the official annex is at hand.
RULES: tuple[Rule, ...] = (
    Rule("2.1", "Tiến độ giải quyết", 20, None, f"{_SUMMARIES}; {_CRAWLER}"),
    Rule("3.3", "Hồ sơ trực tuyến", 6, 0.5, _CRAWLER),
    Rule("3.5b", "TTHC có thanh toán trực tuyến", 2, 0.8, _CRAWLER),
    Rule("3.6", "Thanh toán trực tuyến", 6, None, f"{_SUMMARIES}; {_CRAWLER}"),
    Rule("4.1", "Số hóa kết quả", 6, None, _SUMMARIES),
    Rule("4.2", "Số hóa đầu vào", 4, None, _SUMMARIES),
    Rule("4.3", "Tái sử dụng dữ liệu số hóa", 2, 0.8, _CRAWLER),
    Rule("5.4", "Hài lòng trong giải quyết TTHC", 6, 0.9, _CRAWLER),
)
RULE_BY_ID = {r.id: r for r in RULES}
MAX_ESTIMABLE = sum(r.max_points for r in RULES)  # 52

# The indicators the store cannot compute: (ids, name, points, what they need).
NOT_COMPUTABLE: tuple[tuple[str, str, int, str], ...] = (
    ("1.1–1.3", "Công khai thủ tục đúng hạn, đầy đủ", 12, "Cơ sở dữ liệu quốc gia về TTHC"),
    ("1.4", "Đồng bộ hồ sơ lên Cổng DVCQG", 6, "trạng thái đồng bộ của Cổng DVCQG"),
    ("3.1–3.2", "Tỷ lệ TTHC cung cấp trực tuyến và DVCTT phát sinh hồ sơ", 6,
     "cách Cổng DVCQG chia điểm nhóm dịch vụ trực tuyến"),
    ("3.5a", "TTHC có phí, lệ phí phát sinh hồ sơ", 2, "dữ liệu phí của CSDL quốc gia về TTHC"),
    ("4.4–4.5", "Kho dữ liệu cá nhân, CSDL dân cư, chứng thực điện tử", 10,
     "dữ liệu khai thác của Cổng DVCQG"),
    ("5.2–5.3", "Phản ánh, kiến nghị được xử lý đúng hạn, hài lòng", 12, "hệ thống PAKN"),
)  # fmt: skip


@dataclass
class Indicator:
    """One estimated indicator: numerator/denominator, rate, points and what cost points."""

    rule: Rule
    num: int
    den: int
    rate: float | None
    points: Decimal | None
    note: str = ""  # how the rate is counted, in words
    cost: list[str] = field(default_factory=list)  # lines naming what cost points

    @property
    def lost(self) -> bool:
        """True when the indicator has a rate and did not get its full points."""
        return self.points is not None and self.points < self.rule.max_points


@dataclass
class IndexEstimate:
    """The estimate for one period and a set of units."""

    period: Period
    unit_label: str
    as_of: date | None  # the day it is computed up to, for a period not over yet
    total: int  # dossiers received in P plus carried over (0: no data)
    indicators: list[Indicator]
    late: list[LateDossier] = field(default_factory=list)
    soon: list[LateDossier] = field(default_factory=list)
    unpaid: list[DossierRef] = field(default_factory=list)
    unsatisfied: list[DossierRef] = field(default_factory=list)
    late_count: int | None = None  # set when only counted (rankings, trends): late is empty

    @property
    def late_total(self) -> int:
        """How many dossiers count late for 2.1."""
        return len(self.late) if self.late_count is None else self.late_count

    @property
    def has_data(self) -> bool:
        """True when the period holds at least one dossier."""
        return self.total > 0

    @property
    def subtotal(self) -> Decimal:
        """The points of every indicator with a rate."""
        return sum((i.points for i in self.indicators if i.points is not None), Decimal(0))

    @property
    def subtotal_max(self) -> int:
        """The maximum of the indicators with a rate (52 when all have one)."""
        return sum(i.rule.max_points for i in self.indicators if i.points is not None)

    def by_id(self, rule_id: str) -> Indicator:
        """The indicator with this id."""
        return next(i for i in self.indicators if i.rule.id == rule_id)


def indicator(rule_id: str, num: int, den: int, note: str) -> Indicator:
    """An Indicator of RULES[rule_id] for num/den."""
    rule = RULE_BY_ID[rule_id]
    return Indicator(rule, num, den, rate(num, den), rule.points(num, den), note)


def estimate(
    period: Period, unit_label: str, as_of: date | None, c: dict[str, int],
    late: list[LateDossier], soon: list[LateDossier], fee_procs: tuple[int, int],
    unpaid: list[DossierRef], unsatisfied: list[DossierRef],
    late_count: int | None = None, unhappy_count: int | None = None,
) -> IndexEstimate:
    """The estimate from the report's raw counts (figures.COUNT_KEYS) and the index's lists
    (late_count, unhappy_count: the counts when the late list is not built)."""
    g = {k: int(v or 0) for k, v in c.items()}
    total = g.get("total", 0)
    on_time = total - (len(late) if late_count is None else late_count)
    level_online = g.get("partial_online", 0) + g.get("full_online", 0) + g.get("none_online", 0)
    level_all = (g.get("partial_dossiers", 0) + g.get("full_dossiers", 0)
                 + g.get("none_dossiers", 0))
    late_ids = {d.id for d in late}
    unhappy = (len(late_ids | {d.id for d in unsatisfied}) if unhappy_count is None
               else unhappy_count)
    inds = [
        indicator("2.1", on_time, total,
                  "hồ sơ đã và đang giải quyết đúng hạn / tiếp nhận trong kỳ và tồn kỳ trước"),
        indicator("3.3", level_online, level_all,
                  "hồ sơ trực tuyến / tổng hồ sơ"),
        indicator("3.5b", fee_procs[0], fee_procs[1],
                  "TTHC có hồ sơ thanh toán trực tuyến / TTHC có hồ sơ phát sinh phí, lệ phí"),
        indicator("3.6", g.get("fees_paid_online", 0), g.get("fees_charged", 0),
                  "hồ sơ thanh toán trực tuyến / hồ sơ phát sinh phí, lệ phí"),
        indicator("4.1", g.get("digitized_output", 0), g.get("results", 0),
                  "kết quả được số hóa / kết quả trả trong kỳ"),
        indicator("4.2", g.get("digitized_input", 0), g.get("in_scope", 0),
                  "hồ sơ số hóa đầu vào / hồ sơ thuộc thẩm quyền"),
        indicator("4.3", g.get("reused", 0), g.get("in_scope", 0),
                  "hồ sơ tái sử dụng dữ liệu số hóa / hồ sơ thuộc thẩm quyền"),
        indicator("5.4", total - unhappy, total,
                  "hồ sơ không bị đánh giá «không hài lòng» và không trễ hạn / tổng hồ sơ"),
    ]  # fmt: skip
    return IndexEstimate(period, unit_label, as_of, total, inds, late, soon, unpaid, unsatisfied,
                         late_count)
