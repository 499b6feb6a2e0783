"""The service-index estimate as chat text and as JSON (`motcua stats --index`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.stats.figures import fmt_count, fmt_rate
from bot.stats.index766 import MAX_ESTIMABLE, NOT_COMPUTABLE, SOURCE_LINE, IndexEstimate
from bot.stats.periods import fmt_day
from storage.index766 import DossierRef, LateDossier

LIST_CAP = 10


def fmt_points(value: Decimal | None) -> str:
    """Points with two decimals and a decimal comma ('19,99'); '—' when not computed."""
    return "—" if value is None else f"{value:.2f}".replace(".", ",")


def _late_line(d: LateDossier) -> str:
    """'• HS… — thủ tục — cán bộ CB01 — trễ 2 ngày'."""
    who = f"cán bộ {d.officer}" if d.officer else "chưa phân công"
    if d.soon:
        when = f"hạn {fmt_day(date.fromisoformat(d.due_day))}"
    elif d.supplements > 1:
        when = f"yêu cầu bổ sung {d.supplements} lần"
        when += f", trễ {d.days_late} ngày" if d.days_late else ""
    else:
        when = f"trễ {d.days_late} ngày" if d.days_late else "trễ hạn"
    return f"• {d.code} — {d.procedure} — {who} — {when}"


def _ref_line(d: DossierRef) -> str:
    """'• HS… — thủ tục — cán bộ CB01'."""
    who = f"cán bộ {d.officer}" if d.officer else "chưa phân công"
    return f"• {d.code} — {d.procedure} — {who}"


def _capped(title: str, lines: list[str]) -> list[str]:
    """A titled list of at most LIST_CAP lines, saying how many more there are."""
    if not lines:
        return []
    out = [f"  {title} ({fmt_count(len(lines))}):"] + ["  " + x for x in lines[:LIST_CAP]]
    if len(lines) > LIST_CAP:
        out.append(f"  … và {len(lines) - LIST_CAP} hồ sơ khác.")
    return out


# What the missing part of a rate is, for indicators whose dossiers are not listed one by one.
_MISSING = {
    "3.3": "hồ sơ nộp trực tiếp hoặc qua bưu chính",
    "3.5b": "TTHC có phí, lệ phí nhưng chưa hồ sơ nào thanh toán trực tuyến",
    "4.1": "kết quả chưa được số hóa",
    "4.2": "hồ sơ chưa số hóa đầu vào",
    "4.3": "hồ sơ chưa tái sử dụng dữ liệu số hóa",
}


def _costs(est: IndexEstimate, rule_id: str) -> list[str]:
    """What cost the indicator points, or will, as lines."""
    if rule_id in _MISSING:
        ind = est.by_id(rule_id)
        return [f"  Còn {fmt_count(ind.den - ind.num)} {_MISSING[rule_id]}."]
    if rule_id == "2.1":
        return (_capped("Hồ sơ trễ hạn, ít ngày trễ nhất trước", [_late_line(d) for d in est.late])
                + _capped("Sẽ trễ hạn trước cuối tháng nếu chưa giải quyết",
                          [_late_line(d) for d in est.soon]))
    if rule_id == "3.6":
        return _capped("Hồ sơ có phí, lệ phí chưa thanh toán trực tuyến",
                       [_ref_line(d) for d in est.unpaid])
    if rule_id == "5.4":
        return _capped("Hồ sơ bị đánh giá «không hài lòng»",
                       [_ref_line(d) for d in est.unsatisfied]) + (
            [f"  Cùng {fmt_count(len(est.late))} hồ sơ trễ hạn ở chỉ số 2.1."] if est.late else [])
    return []


def index_text(est: IndexEstimate) -> str:
    """The leader's /chiso answer."""
    head = [f"ƯỚC TÍNH CHỈ SỐ PHỤC VỤ (Bộ chỉ số 766) — {est.period.label()}",
            f"Đơn vị: {est.unit_label}"]
    if est.as_of is not None:
        head.append(f"(tính đến ngày {fmt_day(est.as_of)})")
    if not est.has_data:
        return "\n".join([
            *head, "Kỳ này chưa có hồ sơ nào (không có hồ sơ tiếp nhận và không có hồ sơ tồn), "
            "nên chưa ước tính được chỉ số.", SOURCE_LINE])
    head.append(f"Tạm tính: {fmt_points(est.subtotal)}/{est.subtotal_max} điểm "
                f"(các chỉ số tính được từ dữ liệu hồ sơ, tối đa {MAX_ESTIMABLE}).")
    lines = [*head, ""]
    for ind in est.indicators:
        r = ind.rule
        if ind.points is None:
            lines.append(f"{r.id} {r.name}: không phát sinh hồ sơ trong kỳ, chưa tính điểm "
                         f"(tối đa {r.max_points}).")
            continue
        lines.append(f"{r.id} {r.name}: {fmt_rate(ind.rate)} → {fmt_points(ind.points)}/"
                     f"{r.max_points} điểm ({r.rule_text()}; {ind.num}/{ind.den} {ind.note}).")
        if ind.lost or r.id == "2.1":
            lines += _costs(est, r.id)
    missing = sum(n[2] for n in NOT_COMPUTABLE)
    lines += ["", f"Chưa tính được ({missing} điểm):"]
    lines += [f"• {i} {name} ({pts} điểm): cần {need}." for i, name, pts, need in NOT_COMPUTABLE]
    lines += ["", SOURCE_LINE]
    return "\n".join(lines)


def _late_json(d: LateDossier) -> dict[str, object]:
    """A late (or soon late) dossier as JSON."""
    return {"code": d.code, "procedure_code": d.procedure_code, "procedure": d.procedure,
            "officer": d.officer, "due": d.due_day, "finished": d.finished_day,
            "days_late": d.days_late, "supplements": d.supplements}


def _ref_json(d: DossierRef) -> dict[str, object]:
    """A named dossier as JSON."""
    return {"code": d.code, "procedure": d.procedure, "officer": d.officer}


def index_json(est: IndexEstimate) -> dict[str, object]:
    """The estimate as JSON: points as numbers with 2 decimals, rates like figures.md."""
    return {
        "estimate": True,
        "source": SOURCE_LINE,
        "period": {"from": est.period.start.isoformat(), "to": est.period.end.isoformat()},
        "as_of": est.as_of.isoformat() if est.as_of else None,
        "unit": est.unit_label,
        "has_data": est.has_data,
        "subtotal": float(est.subtotal) if est.has_data else None,
        "subtotal_max": est.subtotal_max,
        "indicators": [
            {"id": i.rule.id, "name": i.rule.name, "rate": i.rate,
             "points": None if i.points is None else float(i.points),
             "max": i.rule.max_points, "rule": i.rule.rule_text(), "source": i.rule.source,
             "numerator": i.num, "denominator": i.den}
            for i in est.indicators
        ],
        "not_computable": [{"id": i, "name": n, "max": p, "needs": need}
                           for i, n, p, need in NOT_COMPUTABLE],
        "late": [_late_json(d) for d in est.late],
        "soon_late": [_late_json(d) for d in est.soon],
        "unpaid_fees": [_ref_json(d) for d in est.unpaid],
        "unsatisfied": [_ref_json(d) for d in est.unsatisfied],
    }  # fmt: skip
