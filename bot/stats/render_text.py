"""The chat summary: the report's sections, order and wording, figures.md number formats."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.stats.figures import Figures, fmt_count, fmt_rate, rate
from bot.stats.periods import fmt_day
from bot.stats.render_bases import rate_bases, with_base

MAX_TEXT = 4096


def _n(n: int) -> str:
    """A count followed by 'hồ sơ'."""
    return f"{fmt_count(n)} hồ sơ"


@dataclass
class Extras:
    """What a leader's summary adds after the figures (each part optional)."""

    comparisons: list[str] = field(default_factory=list)
    top_procedures: list[tuple[str, str, int]] = field(default_factory=list)  # code, name, n
    officers: list[tuple[str | None, int, int]] = field(default_factory=list)  # resolved, pending
    units: list[tuple[str, Figures]] = field(default_factory=list)
    # Citizens' ratings of dossiers finished (very satisfied, satisfied, unsatisfied).
    ratings: tuple[int, int, int] = (0, 0, 0)


def satisfaction_line(ratings: tuple[int, int, int]) -> str | None:
    """'* Mức độ hài lòng: …' — only when someone rated a dossier in the period."""
    very, ok, bad = ratings
    total = very + ok + bad
    if total == 0:
        return None
    return (
        f"* Mức độ hài lòng: {fmt_count(total)} đánh giá — rất hài lòng {fmt_count(very)}, "
        f"hài lòng {fmt_count(ok)}, không hài lòng {fmt_count(bad)}; "
        f"tỷ lệ hài lòng {fmt_rate(rate(very + ok, total))}."
    )


def header_lines(fig: Figures) -> list[str]:
    """Title, unit, the exact date range and, for a running period, 'tính đến ngày …'."""
    lines = [f"THỐNG KÊ GIẢI QUYẾT TTHC — {fig.period.label().upper()}"]
    if fig.unit_name:
        lines.append(fig.unit_name)
    rng = f"({fig.period.range_text()}"
    if fig.as_of is not None:
        rng += f", tính đến ngày {fmt_day(fig.as_of.date())}"
    lines.append(rng + ")")
    return lines


def general_lines(fig: Figures) -> list[str]:
    """Báo cáo chung: total, resolved (with the on-time rate line), pending."""
    r, res, p = fig.received, fig.resolved, fig.pending
    channels = f"trực tiếp: {_n(r.direct)}, trực tuyến: {_n(r.online)}"
    if r.postal > 0:
        channels += f", qua bưu chính: {_n(r.postal)}"
    outcome = [f"trước hạn {_n(res.early)}"]
    if res.on_time > 0:
        outcome.append(f"đúng hạn {_n(res.on_time)}")
    outcome += [
        f"quá hạn {_n(res.late)}",
        f"từ chối, không giải quyết {_n(res.rejected)}",
        f"rút hồ sơ {_n(res.withdrawn)}",
    ]
    pending = [f"trong hạn: {_n(p.on_track)}", f"yêu cầu bổ sung {_n(p.supplement)}"]
    if p.payment > 0:
        pending.append(f"chờ thực hiện nghĩa vụ tài chính {_n(p.payment)}")
    if p.late > 0:
        pending.append(f"quá hạn {_n(p.late)}")
    return [
        "* Báo cáo chung:",
        f"Tổng số hồ sơ: {_n(fig.total)}. (tiếp nhận trong kỳ: {_n(r.total)} gồm {channels}, "
        f"tồn từ kỳ trước: {_n(fig.carried_over)}).",
        f"Số hồ sơ đã giải quyết: {_n(res.total)}. ({'; '.join(outcome)}).",
        f"Tỷ lệ giải quyết đúng hạn: "
        f"{with_base(res.on_time_rate, rate_bases(fig)['resolved.on_time_rate'])}.",
        f"Số hồ sơ đang giải quyết: {_n(p.total)} ({'; '.join(pending)}).",
    ]


def services_lines(fig: Figures) -> list[str]:
    """Thống kê mức độ theo thủ tục (online public services by level)."""
    s = fig.services
    pa, fu = s.partial, s.full
    bases = rate_bases(fig)
    return [
        "* Thống kê mức độ theo thủ tục (Cung cấp dịch vụ công trực tuyến):",
        f"Tổng số thủ tục hành chính: {fmt_count(s.procedures)} TTHC. Trong đó:",
        f"Số TTHC chưa cung cấp DVCTT: {fmt_count(s.none.procedures)} thủ tục; "
        f"(hồ sơ phát sinh: {_n(s.none.dossiers)}).",
        f"Số TTHC thuộc DVCTT một phần: {fmt_count(pa.procedures)} thủ tục (Số DVCTT phát sinh "
        f"hồ sơ: {fmt_count(pa.active)} DVCTT gồm {_n(pa.dossiers)} (trực tuyến: "
        f"{_n(pa.online)}, trực tiếp: {_n(pa.direct)})).",
        f"Số TTHC thuộc DVCTT toàn trình: {fmt_count(fu.procedures)} thủ tục; Số DVCTT phát sinh "
        f"hồ sơ: {fmt_count(fu.active)} DVCTT gồm {_n(fu.dossiers)} (trực tuyến: "
        f"{_n(fu.online)}, trực tiếp: {_n(fu.direct)}), Hồ sơ trực tuyến toàn trình: "
        f"{_n(fu.fully_online)}.",
        f"Tỷ lệ % DVCTT phát sinh hồ sơ: "
        f"{with_base(s.active_rate, bases['services.active_rate'])}.",
        f"Tỷ lệ % DVCTT một phần phát sinh hồ sơ: {fmt_rate(pa.active_rate)}.",
        f"Tỷ lệ % DVCTT toàn trình phát sinh hồ sơ: {fmt_rate(fu.active_rate)}.",
        f"Tỷ lệ % hồ sơ trực tuyến trên tổng hồ sơ của các DVCTT: "
        f"{with_base(s.online_rate, bases['services.online_rate'])}.",
        f"Tỷ lệ % hồ sơ trực tuyến trên tổng hồ sơ: "
        f"{with_base(s.online_rate_all, bases['services.online_rate_all'])}.",
    ]


def digitization_lines(fig: Figures) -> list[str]:
    """Số hóa hồ sơ."""
    d = fig.digitization
    bases = rate_bases(fig)
    return [
        "* Số hóa hồ sơ:",
        f"Tỷ lệ % hồ sơ được số hóa đầu vào: "
        f"{with_base(d.input_rate, bases['digitization.input_rate'])}.",
        f"Tỷ lệ % hồ sơ được số hóa đầu ra: "
        f"{with_base(d.output_rate, bases['digitization.output_rate'])}.",
        f"Tỷ lệ % hồ sơ được số hóa đầu vào và số hóa đầu ra: "
        f"{with_base(d.both_rate, bases['digitization.both_rate'])}.",
        f"Hồ sơ có lưu kho: {_n(d.stored)}.",
        f"Hồ sơ tái sử dụng dữ liệu số hóa: {_n(d.reused)} đạt tỷ lệ "
        f"{with_base(d.reuse_rate, bases['digitization.reuse_rate'])}.",
    ]


def fee_lines(fig: Figures) -> list[str]:
    """Lệ phí (online payment of fees)."""
    f = fig.fees
    return [
        "* Lệ phí (thanh toán phí, lệ phí trực tuyến):",
        f"- Tổng số hồ sơ phát sinh phí, lệ phí: {_n(f.charged)}.",
        f"- Số hồ sơ thanh toán phí, lệ phí trực tuyến: {_n(f.paid_online)}, "
        f"đạt {fmt_rate(f.online_rate)}.",
    ]


def figures_text(fig: Figures) -> str:
    """The summary of the figures alone (header and the four sections)."""
    blocks = [
        header_lines(fig),
        general_lines(fig),
        services_lines(fig),
        digitization_lines(fig),
        fee_lines(fig),
    ]
    return "\n\n".join("\n".join(b) for b in blocks)


def _clip(text: str, limit: int) -> str:
    """Cut text to limit characters on a line boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit("\n", 1)[0]
    return cut + "\n…"


def _unit_line(name: str, f: Figures) -> str:
    """One unit's short line."""
    return (
        f"- {name}: tiếp nhận {fmt_count(f.received.total)}, đã giải quyết "
        f"{fmt_count(f.resolved.total)}, đang giải quyết {fmt_count(f.pending.total)}, "
        f"đúng hạn {fmt_rate(f.resolved.on_time_rate)}"
    )


def _dmy(iso: str) -> str:
    """'2026-06-30' → '30/06/2026'."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def no_data_text(fig: Figures, span: tuple[str, str] | None) -> str:
    """What to say instead of a page of zeros: the period holds no dossier, and which days the
    store's dossiers were received on (span), if any."""
    where = f" của {fig.unit_name}" if fig.unit_name else ""
    days = fig.period.range_text()
    if fig.period.kind != "range":
        days = f"{fig.period.label()} ({days[0].lower()}{days[1:]})"
    head = f"{days}: kho dữ liệu chưa có hồ sơ nào{where} trong kỳ này."
    if span is None:
        return (head + " Kho chưa có hồ sơ nào; quản trị viên nhập danh sách hồ sơ (tệp "
                ".xlsx hoặc .csv) thì mới có số liệu.")
    return (head + f" Hồ sơ trong kho được tiếp nhận từ ngày {_dmy(span[0])} đến ngày "
            f"{_dmy(span[1])}; hãy chọn một kỳ trong khoảng này.")


def summary_text(fig: Figures, extras: Extras | None = None, max_len: int = MAX_TEXT) -> str:
    """The leader's summary: figures, then comparisons, top procedures, late dossiers by officer
    and per-unit lines while they fit in max_len characters (one Telegram message)."""
    text = figures_text(fig)
    if extras is None:
        return _clip(text, max_len)
    blocks: list[list[str]] = []
    satisfaction = satisfaction_line(extras.ratings)
    if satisfaction:
        blocks.append([satisfaction])
    if extras.comparisons:
        blocks.append(["* So sánh:", *extras.comparisons])
    if extras.top_procedures:
        lines: list[str] = ["* Thủ tục nhiều hồ sơ nhất:"]
        for i, (code, name, n) in enumerate(extras.top_procedures, 1):
            short = name if len(name) <= 70 else name[:69] + "…"
            lines.append(f"{i}. {short} ({code}): {_n(n)}")
        blocks.append(lines)
    if extras.officers:
        lines = ["* Hồ sơ quá hạn theo cán bộ:"]
        for officer, done_late, open_late in extras.officers[:10]:
            lines.append(
                f"- {officer or 'Chưa giao cán bộ'}: {fmt_count(done_late + open_late)} "
                f"(đã giải quyết quá hạn {fmt_count(done_late)}, đang quá hạn "
                f"{fmt_count(open_late)})"
            )
        if len(extras.officers) > 10:
            lines.append(f"… và {len(extras.officers) - 10} cán bộ khác.")
        blocks.append(lines)
    for block in blocks:
        candidate = text + "\n\n" + "\n".join(block)
        if len(candidate) <= max_len:
            text = candidate
    if extras.units:
        head = "\n\n* Theo đơn vị:"
        units = sorted(extras.units, key=lambda u: (-u[1].received.total, u[0]))
        lines = []
        for i, (name, f) in enumerate(units):
            rest = len(units) - i - 1
            tail = f"\n… và {rest} đơn vị khác (xem từng đơn vị với --unit)." if rest else ""
            line = _unit_line(name, f)
            trial = text + head + "\n" + "\n".join([*lines, line]) + tail
            if len(trial) > max_len:
                more = len(units) - i
                text = text + head + "\n" + "\n".join(lines) if lines else text
                more_line = f"\n… và {more} đơn vị khác (xem từng đơn vị với --unit)."
                if len(text) + len(more_line) <= max_len and lines:
                    text += more_line
                break
            lines.append(line)
        else:
            text = text + head + "\n" + "\n".join(lines)
    return _clip(text, max_len)
