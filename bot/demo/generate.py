"""Generate the demo's dossiers: Q4 2025, Q1 2026 (the seed report, exactly) and Q2 2026.

Q1 2026 is built to the reference of docs/figures.md: 3439 received (3 direct), 35 carried over
from December 2025, 3422 resolved (3378 early, 2 late, 10 refused at intake + 20 stopped,
12 withdrawn), 52 pending (8 supplement, 44 on track), 2163 with a fee, 3314 stored, 3285 reused.
Everything is drawn from one seeded random generator, so the data set is the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.demo import people
from bot.demo.catalogue import ACTIVE, OUTSIDE, Q1_COUNTS, Procedure
from bot.workdays import WorkCalendar

SEED = 20260401
UNIT_PREFIX = "000.34.27.H31"  # the demo center's identifier in the national code shape
AS_OF = datetime(2026, 6, 30, 17, 0)  # the demo's "now" (local time)
FINAL = ("result", "returned", "rejected", "stopped", "withdrawn")
_BY_KEY = {p.key: p for p in (*ACTIVE, *OUTSIDE)}
_SUPPLEMENT_NOTES = (
    "Bổ sung bản sao giấy tờ chứng minh nguồn gốc sử dụng đất.",
    "Bổ sung bản vẽ hiện trạng thửa đất có xác nhận của đơn vị đo đạc.",
    "Bổ sung giấy tờ chứng minh nơi cư trú của người yêu cầu.",
    "Bổ sung văn bản ủy quyền có chứng thực.",
    "Ký lại tờ khai do thông tin ngày sinh chưa khớp với Cơ sở dữ liệu quốc gia về dân cư.",
)


@dataclass
class Dossier:
    """One demo dossier, as the export will carry it."""

    procedure: Procedure
    received: datetime
    due: datetime
    status: str = "returned"
    finished: datetime | None = None
    returned: datetime | None = None
    status_at: datetime | None = None
    channel: str = "truc_tuyen"
    officer: str = ""
    applicant: str = ""
    phone: str = ""
    id_number: str = ""
    fully_online: bool = False
    digitized_input: bool = True
    digitized_output: bool = False
    stored: bool = True
    reused: bool = True
    fee: int = 0
    paid_online: bool = False
    supplement_note: str = ""
    code: str = ""
    tags: set[str] = field(default_factory=set)


class _Builder:
    """Draws dossiers with one random generator and the working-day calendar."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.cal = WorkCalendar()

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days in [start, end]."""
        out, day = [], start
        while day <= end:
            if self.cal.is_working_day(day):
                out.append(day)
            day += timedelta(days=1)
        return out

    def arrivals(self, start: date, end: date, n: int) -> list[datetime]:
        """n receipt times spread over the working days of [start, end], sorted."""
        days = self.working_days(start, end)
        weights = [self.rng.uniform(0.75, 1.25) for _ in days]
        scale = n / sum(weights)
        counts = [int(w * scale) for w in weights]
        order = sorted(range(len(days)), key=lambda i: (weights[i] * scale) % 1, reverse=True)
        for i in order[: n - sum(counts)]:
            counts[i] += 1
        times = []
        for day, k in zip(days, counts, strict=True):
            minutes = sorted(self.rng.randrange(7 * 60 + 30, 16 * 60 + 45) for _ in range(k))
            times += [datetime.combine(day, time(m // 60, m % 60, self.rng.randrange(60)))
                      for m in minutes]
        return times

    def due(self, received: datetime, proc: Procedure) -> datetime:
        """The appointment: `days` working days after receipt, at 17:00."""
        return datetime.combine(self.cal.add_working_days(received.date(), proc.days), time(17))

    def at(self, day: date, after: datetime | None = None) -> datetime:
        """A working-hours time on day (later than `after` when on the same day)."""
        if after is not None and after.date() == day:
            return after + timedelta(minutes=self.rng.randrange(15, 150), seconds=7)
        minute = self.rng.randrange(7 * 60 + 45, 16 * 60 + 50)
        return datetime.combine(day, time(minute // 60, minute % 60, self.rng.randrange(60)))

    def finish_early(self, d: Dossier, cap: date) -> None:
        """Finish d on a day before its due day and not after cap."""
        last = min(d.due.date() - timedelta(days=1), cap)
        days = self.working_days(d.received.date(), last) or [d.received.date()]
        day = days[min(len(days) - 1, int(self.rng.expovariate(1.2)))]
        d.finished = self.at(day, d.received)

    def person(self, d: Dossier) -> None:
        """Fill in the applicant, numbers, officer and fee."""
        rng = self.rng
        d.applicant = people.applicant(rng)
        d.phone = people.phone(rng)
        d.id_number = people.id_number(rng)
        d.officer = rng.choice(d.procedure.officers) if d.procedure.officers else "CB11"
        if d.procedure.fee:
            pages = rng.randint(1, 8) if d.procedure.key == "P1" else 1
            d.fee = d.procedure.fee * min(pages, 2) + 1000 * max(0, pages - 2)

    def new(self, key: str, received: datetime) -> Dossier:
        """A dossier of procedure `key` received at `received`."""
        proc = _BY_KEY[key]
        d = Dossier(proc, received, self.due(received, proc))
        self.person(d)
        return d


def _returned_after(b: _Builder, d: Dossier, cap: datetime) -> None:
    """Most results are handed over (returned) within two working days; some still wait."""
    if d.status not in ("result", "returned") or d.finished is None:
        return
    if b.rng.random() < 0.03:
        d.status = "result"
        return
    day = b.cal.add_working_days(d.finished.date(), b.rng.choice((0, 0, 1, 2)))
    moment = b.at(day, d.finished)
    if moment > cap:
        d.status = "result"
    else:
        d.status, d.returned = "returned", moment


def _pick(rng: random.Random, pool: list[int], n: int, taken: set[int]) -> list[int]:
    """n distinct indexes from pool not yet taken (marks them taken)."""
    free = [i for i in pool if i not in taken]
    chosen = rng.sample(free, n)
    taken.update(chosen)
    return chosen


def _q1(b: _Builder) -> list[Dossier]:
    """Q1 2026, received 01/01–31/03: the seed report's 3439 dossiers."""
    rng = b.rng
    keys = [k for k, n in Q1_COUNTS.items() for _ in range(n)]
    rng.shuffle(keys)
    times = b.arrivals(date(2026, 1, 1), date(2026, 3, 31), len(keys))
    ds = [b.new(k, t) for k, t in zip(keys, times, strict=True)]
    end = date(2026, 3, 31)
    taken: set[int] = set()

    def where(pred: Callable[[Dossier], bool]) -> list[int]:
        """The indexes of the dossiers pred holds for."""
        return [i for i, d in enumerate(ds) if pred(d)]

    before = lambda d, day: d.received.date() <= day  # noqa: E731
    direct = _pick(rng, where(lambda d: d.procedure.key in ("P6", "P7")), 2, taken)
    direct += _pick(rng, where(lambda d: d.procedure.key == "X1"), 1, taken)
    pending = _pick(rng, where(lambda d: d.received.date() >= date(2026, 3, 30)), 44, taken)
    supplement = _pick(
        rng,
        where(lambda d: d.procedure.key in ("P13", "P14", "P10", "F7")
              and date(2026, 3, 2) <= d.received.date() <= date(2026, 3, 20)),
        8,
        taken,
    )
    late = _pick(rng, where(lambda d: d.procedure.key == "P13"
                            and date(2026, 3, 2) <= d.received.date() <= date(2026, 3, 6)),
                 1, taken)
    free_keys = {"P6", "P7", "P8", "P15", "P16", "P3", "F1", "F2"}
    rejected = _pick(rng, where(lambda d: d.procedure.key in free_keys
                                and before(d, date(2026, 3, 26))), 10, taken)
    stopped = _pick(rng, where(lambda d: before(d, date(2026, 3, 25))), 20, taken)
    withdrawn = _pick(rng, where(lambda d: before(d, date(2026, 3, 25))), 12, taken)
    for i in direct:
        ds[i].channel = "truc_tiep"
    for i, d in enumerate(ds):
        if i in pending:
            _pending_then_done(b, d)
        elif i in supplement:
            d.status = "supplement"
            d.status_at = b.at(b.cal.add_working_days(d.received.date(), rng.randint(1, 3)))
            d.supplement_note = rng.choice(_SUPPLEMENT_NOTES)
            d.stored = False
        elif i in late:
            d.finished = b.at(b.cal.add_working_days(d.due.date(), 2))
            assert d.finished.date() <= end
            d.digitized_output = True
        elif i in rejected:
            d.status = "rejected"
            d.finished = d.received + timedelta(minutes=rng.randrange(10, 60))
            d.digitized_input = d.stored = d.reused = False
        elif i in stopped or i in withdrawn:
            b.finish_early(d, end)
            d.status = "stopped" if i in stopped else "withdrawn"
            d.stored = False
        else:
            b.finish_early(d, end)
            d.digitized_output = True
        _returned_after(b, d, AS_OF)
    # 31 more results not archived (3314 stored), 144 in scope not reused (3285 reused).
    results = where(lambda d: d.status in ("result", "returned")
                    and d.finished is not None and d.finished.date() <= end)
    for i in rng.sample(sorted(set(results) - set(late)), 31):
        ds[i].stored = False
    in_scope = where(lambda d: d.status != "rejected")
    for i in rng.sample(in_scope, 144):
        ds[i].reused = False
    full = where(lambda d: d.procedure.level == "toan_trinh")
    not_fully = set(rng.sample(full, 29))
    for i in full:
        ds[i].fully_online = i not in not_fully
    for d in ds:
        d.paid_online = d.fee > 0
    return ds


def _pending_then_done(b: _Builder, d: Dossier) -> None:
    """In progress on 31/03 (due on or after it); finished in April, by the demo's today."""
    d.stored = False
    start = max(d.received.date() + timedelta(days=1), date(2026, 4, 1))
    days = b.working_days(start, max(d.due.date(), start + timedelta(days=6)))
    d.finished = b.at(b.rng.choice(days[:4]))
    d.digitized_output = True


def _carried_over(b: _Builder) -> list[Dossier]:
    """The 35 dossiers received in late December 2025 and finished in January 2026."""
    rng = b.rng
    ds = []
    for key, n in (("P13", 20), ("P14", 10), ("P15", 4)):
        for _ in range(n):
            while True:
                t = b.at(rng.choice(b.working_days(date(2025, 12, 22), date(2025, 12, 31))))
                d = b.new(key, t)
                if d.due.date() >= date(2026, 1, 7):
                    break
            last = min(d.due.date() - timedelta(days=1), date(2026, 1, 30))
            d.finished = b.at(rng.choice(b.working_days(date(2026, 1, 2), last)[:6]))
            ds.append(d)
    late = b.new("P15", b.at(date(2025, 12, 22)))  # due 31/12/2025, finished 05/01/2026
    late.finished = b.at(date(2026, 1, 5))
    ds.append(late)
    for d in ds:
        d.digitized_output = True
        d.paid_online = d.fee > 0
        _returned_after(b, d, AS_OF)
    return ds


def _ordinary(
    b: _Builder, start: date, end: date, n: int, cap: datetime, extras: dict[str, int]
) -> list[Dossier]:
    """A quarter of everyday work: mostly early results, a few late, refused, stopped, withdrawn."""
    rng = b.rng
    weights = {k: v for k, v in Q1_COUNTS.items()}
    keys = rng.choices(list(weights), list(weights.values()), k=n)
    ds = [b.new(k, t) for k, t in zip(keys, b.arrivals(start, end, n), strict=True)]
    taken: set[int] = set()
    idx = list(range(n))
    early_pool = [i for i in idx if ds[i].received.date() < end - timedelta(days=10)]
    late_pool = [i for i in early_pool
                 if b.cal.add_working_days(ds[i].due.date(), 3) < cap.date()]
    picks = {name: _pick(rng, late_pool if name == "late" else early_pool, k, taken)
             for name, k in extras.items()}
    for i in _pick(rng, idx, max(1, n // 400), taken):
        ds[i].channel = "truc_tiep"
    for i in _pick(rng, idx, 2, taken):
        ds[i].channel = "buu_chinh"
    for i, d in enumerate(ds):
        if i in picks.get("late", ()):
            d.finished = b.at(b.cal.add_working_days(d.due.date(), rng.randint(1, 3)))
            d.digitized_output = True
        elif i in picks.get("rejected", ()):
            d.status = "rejected"
            d.finished = d.received + timedelta(minutes=rng.randrange(10, 60))
            d.digitized_input = d.stored = d.reused = False
        elif i in picks.get("stopped", ()) or i in picks.get("withdrawn", ()):
            b.finish_early(d, cap.date())
            d.status = "stopped" if i in picks.get("stopped", ()) else "withdrawn"
            d.stored = False
        else:
            b.finish_early(d, cap.date())
            d.digitized_output = rng.random() < 0.985
            d.stored = rng.random() < 0.96
        d.reused = d.status != "rejected" and rng.random() < 0.94
        d.fully_online = d.procedure.level == "toan_trinh" and rng.random() < 0.94
        d.paid_online = d.fee > 0 and d.channel == "truc_tuyen"
        if d.finished and d.finished > cap:
            d.finished = d.received + (cap - d.received) / 2
        _returned_after(b, d, AS_OF)
    return ds


def _open_at_as_of(b: _Builder, ds: list[Dossier]) -> None:
    """Leave Q2's late-June arrivals in progress on 30/06, and a few overdue or waiting."""
    rng = b.rng
    for d in ds:
        if d.status in ("result", "returned") and d.received.date() >= date(2026, 6, 25) \
                and d.due.date() > AS_OF.date() and rng.random() < 0.6:
            _reopen(d, rng.choice(("received", "processing", "processing")))
    long_ones = [d for d in ds if d.procedure.key in ("P13", "P14", "F7")
                 and date(2026, 5, 25) <= d.received.date() <= date(2026, 6, 12)
                 and d.due.date() < AS_OF.date() and d.status == "returned"]
    for d in rng.sample(long_ones, min(6, len(long_ones))):
        _reopen(d, "processing")  # overdue: officers' reminders have something to say
    june = [d for d in ds if d.status == "returned" and d.received.date() >= date(2026, 6, 8)
            and d.procedure.key in ("P13", "P10", "P7", "F3")]
    for d in rng.sample(june, 5):
        _reopen(d, "supplement")
        d.status_at = d.received + timedelta(days=1, hours=1)
        d.supplement_note = rng.choice(_SUPPLEMENT_NOTES)
    payment = [d for d in ds if d.status == "returned" and d.procedure.key == "P13"
               and d.received.date() >= date(2026, 6, 15)]
    for d in rng.sample(payment, 2):
        _reopen(d, "payment")
        d.status_at = d.received + timedelta(days=1, hours=2)


def _reopen(d: Dossier, status: str) -> None:
    """Turn a finished dossier back into one still in progress."""
    d.status, d.finished, d.returned = status, None, None
    d.digitized_output = d.stored = False


def _codes(ds: list[Dossier]) -> None:
    """Give every dossier its national-shape code: the day's ordinal in order of receipt."""
    ds.sort(key=lambda d: d.received)
    per_day: dict[date, int] = {}
    for d in ds:
        n = per_day[d.received.date()] = per_day.get(d.received.date(), 0) + 1
        d.code = f"{UNIT_PREFIX}-{d.received:%y%m%d}-{n:04d}"


def dossiers() -> list[Dossier]:
    """Every demo dossier, in order of receipt, with codes."""
    b = _Builder()
    q4 = _ordinary(b, date(2025, 10, 1), date(2025, 12, 31), 3015, datetime(2025, 12, 31, 17),
                   {"late": 3, "rejected": 8, "stopped": 15, "withdrawn": 10})
    carried = _carried_over(b)
    q1 = _q1(b)
    q2 = _ordinary(b, date(2026, 4, 1), date(2026, 6, 30), 3380, AS_OF,
                   {"late": 4, "rejected": 9, "stopped": 14, "withdrawn": 11})
    _open_at_as_of(b, q2)
    ds = q4 + carried + q1 + q2
    _codes(ds)
    return ds


def iter_staff() -> Iterator[tuple[str, str, str, str]]:
    """The center's staff (code, name, role, field)."""
    yield from people.STAFF
