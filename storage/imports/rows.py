"""Turn one raw row into a validated record (dossier or procedure), or the reasons it is bad."""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from operator import itemgetter
from typing import cast
from zoneinfo import ZoneInfo

from storage.imports.columns import ColumnMap, display_name
from storage.imports.values import (
    FINAL_STATUSES,
    BadValue,
    clean,
    fold,
    last4,
    parse_bool,
    parse_channel,
    parse_days,
    parse_fee,
    parse_level,
    parse_status,
    to_iso,
)

_normalize = unicodedata.normalize


class BadRow(ValueError):
    """A row that cannot be stored; args[0] is the list of Vietnamese reasons."""


# The stored dossier fields, in the order of the INSERT statement.
DOSSIER_FIELDS = (
    "code",
    "procedure_code",
    "procedure_name",
    "applicant",
    "phone_last4",
    "id_last4",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "status_at",
    "officer",
    "fully_online",
    "digitized_input",
    "digitized_output",
    "stored",
    "reused",
    "fee",
    "paid_online",
    "supplement_note",
)
PROCEDURE_FIELDS = ("code", "name", "name_search", "field", "level", "days", "fee_text",
                    "documents", "office", "url")

# In DOSSIER_FIELDS order: the five flags before `fee`, then `paid_online` after it.
_BOOLS = ("fully_online", "digitized_input", "digitized_output", "stored", "reused", "paid_online")
_DUE_DEFAULT = time(17, 0)
_MIDNIGHT = time(0, 0)
_REQUIRED = ("code", "procedure_code", "applicant", "channel", "received_at", "due_at", "status")
_TEXT = (*_REQUIRED, "procedure_name", "officer", "supplement_note")
_ALL = (*_TEXT, "phone", "id_number", "finished_at", "returned_at", "status_at", *_BOOLS, "fee")
# The cells the fast path reads, in the order it unpacks them (flags are read apart).
_FAST = (
    "code",
    "procedure_code",
    "applicant",
    "phone",
    "id_number",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "returned_at",
    "status",
    "status_at",
    "officer",
    "fee",
    "procedure_name",
    "supplement_note",
)
_MEMO_MAX = 4096  # entries per memo of one file's parser
_EARLIEST = "2000-01-01"  # a date before this is no dossier's
_DATE_LABELS = (
    "ngày tiếp nhận", "ngày hẹn trả", "ngày kết thúc xử lý", "ngày trả kết quả",
    "ngày cập nhật trạng thái",
)
_AHEAD_DAYS = 365  # received or finished more than this many days after today is impossible
_RECEIVED = DOSSIER_FIELDS.index("received_at")
_STATUS_AT = DOSSIER_FIELDS.index("status_at")
_OFFICER = DOSSIER_FIELDS.index("officer")
_DATES = (
    ("received_at", _MIDNIGHT),
    ("due_at", _DUE_DEFAULT),
    ("finished_at", _MIDNIGHT),
    ("returned_at", _MIDNIGHT),
    ("status_at", _MIDNIGHT),
)


def _remember(memo: dict[str, str], cell: object, value: str) -> str:
    """Keep `value` as what the text cell `cell` parses to (while the memo has room)."""
    if type(cell) is str and len(memo) < _MEMO_MAX:
        memo[cell] = value
    return value


def row_hash(values: tuple[object, ...]) -> str:
    """A short digest of a record's stored content (detects "unchanged" on re-import)."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=12).hexdigest()


def _dmy(iso: str) -> str:
    """A stored date 'YYYY-MM-DD…' as dd/mm/yyyy, for a reason."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def normalise_code(text: str) -> str:
    """A dossier or procedure code as stored: NFKC (fullwidth → ASCII), no spaces, upper case."""
    if not text.isascii():
        text = _normalize("NFKC", text)
    if " " in text or "\t" in text:
        text = "".join(text.split())
    return text.upper()


class DossierRow:
    """Parses dossier rows against one file's column map.

    `parse` first tries a fast path made for the common row: every cell read once, labels
    (channel, status, flags, procedure codes and names) looked up by their raw cell in small
    per-file memos of what the validating parsers answered. Whenever it is unsure (an empty
    required cell, a value no memo holds and that does not parse, dates out of order...) the
    row goes through `_parse_slow`, the reference parse, which gives the record or every reason.
    """

    def __init__(self, columns: ColumnMap, tz: ZoneInfo, today: str | None = None) -> None:
        self.index = columns.index
        self.tz = tz
        # `today`: the import's local now (ISO); the wall clock only when no caller gave one.
        now = datetime.fromisoformat(today) if today else datetime.now(tz).replace(tzinfo=None)
        self.today = now.date().isoformat()
        self.horizon = (now.date() + timedelta(days=_AHEAD_DAYS)).isoformat()
        self._today_end = self.today + "T23:59:59"
        self.odd = False  # the last row parsed is stored but flagged (odd dates)
        self.width = max(columns.index.values(), default=0) + 1
        # A column the file lacks reads from an always-empty extra cell.
        self.pos = {name: columns.index.get(name, self.width) for name in _ALL}
        # Every column present: a row at least `width` wide is read as it is, without a copy.
        self._whole = all(name in columns.index for name in _ALL)
        self._take = itemgetter(*(self.pos[name] for name in _FAST))
        self._take_flags = itemgetter(*(self.pos[name] for name in _BOOLS))
        self._unit_at = columns.index.get("unit")
        # Raw cell → parsed value, for values that parsed; each holds at most _MEMO_MAX.
        self._channels: dict[str, str] = {}
        self._statuses: dict[str, str] = {}
        self._codes: dict[str, str] = {}  # procedure code, officer: normalise_code(clean(cell))
        self._texts: dict[str, str] = {}  # procedure name, supplement note: clean(cell)
        self._flags: dict[tuple[object, ...], tuple[int, ...]] = {}  # the six flag cells

    def _cells(self, values: Sequence[object]) -> list[object]:
        """The row padded so every column index (and the empty extra cell) exists."""
        if len(values) <= self.width:
            return [*values, *([""] * (self.width + 1 - len(values)))]
        return [*values[: self.width], ""]

    def unit(self, values: Sequence[object]) -> str:
        """The row's unit name ('' when the file has no unit column or the cell is empty)."""
        i = self._unit_at
        return clean(values[i]) if i is not None and i < len(values) else ""

    def parse(self, values: Sequence[object]) -> tuple[object, ...]:
        """The record in DOSSIER_FIELDS order, or BadRow with every reason found."""
        try:
            record = self._parse_fast(values)
        except Exception:  # whatever went wrong, the reference parse decides (and says why)
            record = None
        if record is None:
            return self._parse_slow(values)
        received, due, finished, returned, _, status_at = cast(  # the fast parse's types
            "tuple[str, str, str | None, str | None, object, str]", record[_RECEIVED:_OFFICER]
        )
        end = self._today_end
        if (  # the common row: every date between 2000 and today, in order (no more to check)
            _EARLIEST <= received <= end
            and received[:10] <= status_at <= end
            and (finished is None or received <= finished <= end)
            and (returned is None or _EARLIEST <= returned <= end)
            and (returned is None or finished is None or finished <= returned)
        ):
            self.odd = False
            return record
        reasons, self.odd = self.check_dates(received, due, finished, returned, status_at)
        if reasons:
            raise BadRow(reasons)
        return record

    def check_dates(
        self,
        received: object,
        due: object,
        finished: object,
        returned: object,
        status_at: object,
    ) -> tuple[list[str], bool]:
        """(reasons a row's dates are impossible, whether they are merely odd).

        Impossible: any date before 2000, received or any end date more than a year after
        today, finished on a day before the day received. Odd (stored, counted in the summary):
        received or an end date after today, finished earlier the same day than received,
        returned before finished, the status dated before received.
        """
        reasons: list[str] = []
        named = [(label, d) for label, d in zip(
            _DATE_LABELS, (received, due, finished, returned, status_at), strict=True
        ) if isinstance(d, str)]
        horizon, today = self.horizon, self.today
        for label, d in named:
            if d < _EARLIEST:
                reasons.append(f"{label} {_dmy(d)} trước năm 2000")
            elif d[:10] > horizon and label != _DATE_LABELS[1]:  # a due date may lie far ahead
                reasons.append(f"{label} {_dmy(d)} quá một năm sau hôm nay")
        if isinstance(finished, str) and isinstance(received, str) and (
            finished[:10] < received[:10]
        ):
            reasons.append("ngày kết thúc xử lý trước ngày tiếp nhận")
        if reasons:
            return reasons, False
        ends = [d for d in (received, finished, returned, status_at) if isinstance(d, str)]
        odd = any(d[:10] > today for d in ends) or (
            isinstance(received, str)
            and (
                (isinstance(finished, str) and finished < received)
                or (isinstance(status_at, str) and status_at[:10] < received[:10])
            )
        ) or (isinstance(returned, str) and isinstance(finished, str) and returned < finished)
        return reasons, odd

    def _parse_fast(self, values: Sequence[object]) -> tuple[object, ...] | None:
        """The record of a row the common way, or None when the reference parse must decide."""
        if len(values) >= self.width and self._whole:
            cells = values
        elif len(values) == self.width:
            cells = [*values, ""]
        else:
            cells = self._cells(values)
        (
            code,
            proc,
            applicant,
            phone,
            id_number,
            channel_cell,
            received,
            due,
            finished,
            returned,
            status_cell,
            status_at,
            officer,
            fee,
            name,
            note,
        ) = self._take(cells)

        if type(code) is str:
            code = code.strip()
            if not code.isascii():
                code = _normalize("NFKC", code)
        else:
            code = clean(code)
        if not code:
            return None
        if " " in code or "\t" in code:
            code = "".join(code.split())
        code = code.upper()
        codes = self._codes
        proc_code = codes.get(proc)
        if proc_code is None:
            proc_code = _remember(codes, proc, normalise_code(clean(proc)))
        if not proc_code:
            return None
        if type(applicant) is str:
            applicant = applicant.strip()
            if not applicant.isascii():
                applicant = _normalize("NFC", applicant)
        else:
            applicant = clean(applicant)
        if not applicant:
            return None

        channel = self._channels.get(channel_cell)
        if channel is None:
            text = clean(channel_cell)
            if not text:
                return None
            channel = _remember(self._channels, channel_cell, parse_channel(text))
        status = self._statuses.get(status_cell)
        if status is None:
            text = clean(status_cell)
            if not text:
                return None
            status = _remember(self._statuses, status_cell, parse_status(text))

        tz = self.tz
        received = to_iso(received, tz, _MIDNIGHT)
        due = to_iso(due, tz, _DUE_DEFAULT)
        if received is None or due is None or due < received:
            return None
        finished = None if finished == "" else to_iso(finished, tz, _MIDNIGHT)
        returned = None if returned == "" else to_iso(returned, tz, _MIDNIGHT)
        status_at = None if status_at == "" else to_iso(status_at, tz, _MIDNIGHT)

        flag_cells = self._take_flags(cells)
        flags = self._flags.get(flag_cells)
        if flags is None:
            flags = tuple(int(parse_bool(cell)) for cell in flag_cells)
            if len(self._flags) < _MEMO_MAX:
                self._flags[flag_cells] = flags
        if (type(fee) is str and fee.isdigit()) or (
            type(fee) is float and fee >= 0 and fee.is_integer()  # XLSX numbers
        ):
            fee = int(fee)
        else:
            fee = parse_fee(fee)

        if status in FINAL_STATUSES:
            if finished is None:
                return None  # a reason, unless the cell holds something unreadable
            if status_at is None:
                status_at = finished
        else:
            finished = None  # finished_at means "reached a final status" (figures.md)
            if status_at is None:
                status_at = received

        if type(phone) is str and (digits := phone.strip()).isascii() and digits.isdigit():
            phone = digits[-4:] if len(digits) >= 4 else None
        else:
            phone = last4(phone)
        if (
            type(id_number) is str
            and (digits := id_number.strip()).isascii()
            and digits.isdigit()
        ):
            id_number = digits[-4:] if len(digits) >= 4 else None
        else:
            id_number = last4(id_number)
        texts = self._texts
        name_text = texts.get(name)
        if name_text is None:
            name_text = _remember(texts, name, clean(name))
        note_text = texts.get(note)
        if note_text is None:
            note_text = _remember(texts, note, clean(note))
        officer_code = codes.get(officer)
        if officer_code is None:
            officer_code = _remember(codes, officer, normalise_code(clean(officer)))
        f0, f1, f2, f3, f4, f5 = flags
        return (
            code,
            proc_code,
            name_text or None,
            applicant,
            phone,
            id_number,
            channel,
            received,
            due,
            finished,
            returned,
            status,
            status_at,
            officer_code or None,
            f0,
            f1,
            f2,
            f3,
            f4,
            fee,
            f5,
            note_text or None,
        )

    def _parse_slow(self, values: Sequence[object]) -> tuple[object, ...]:
        """The reference parse, field by field: any row the fast path is unsure of comes here."""
        cells = self._cells(values)
        pos = self.pos
        code, proc, applicant, channel_text, received_text, due_text, status_text = (
            clean(cells[pos[name]]) for name in _REQUIRED
        )
        reasons = [
            f"thiếu «{display_name('dossiers', name)}»"
            for name, text in zip(
                _REQUIRED,
                (code, proc, applicant, channel_text, received_text, due_text, status_text),
                strict=True,
            )
            if not text
        ]
        tz = self.tz
        channel = status = fee = None
        try:
            channel = parse_channel(channel_text) if channel_text else None
        except BadValue as exc:
            reasons.append(str(exc))
        try:
            status = parse_status(status_text) if status_text else None
        except BadValue as exc:
            reasons.append(str(exc))
        dates: list[str | None] = []
        for name, default in _DATES:
            try:
                dates.append(to_iso(cells[pos[name]], tz, default))
            except BadValue as exc:
                reasons.append(str(exc))
                dates.append(None)
        received, due, finished, returned, status_at = dates
        flags: list[bool] = []
        for name in _BOOLS:
            try:
                flags.append(parse_bool(cells[pos[name]]))
            except BadValue as exc:
                reasons.append(str(exc))
        try:
            fee = parse_fee(cells[pos["fee"]])
        except BadValue as exc:
            reasons.append(str(exc))
        private: list[str | None] = []
        for name in ("phone", "id_number"):
            try:
                private.append(last4(cells[pos[name]]))
            except BadValue as exc:
                reasons.append(str(exc))
        if received and due and due < received:
            reasons.append("ngày hẹn trả trước ngày tiếp nhận")
        final = status in FINAL_STATUSES
        if final and finished is None and not clean(cells[pos["finished_at"]]):
            reasons.append("trạng thái đã kết thúc nhưng thiếu «Ngày kết thúc xử lý»")
        if not final:
            finished = None  # finished_at means "reached a final status" (figures.md)
        if status_at is None:
            status_at = finished if final else received
        date_reasons, odd = self.check_dates(received, due, finished, returned, status_at)
        reasons += date_reasons
        if reasons:
            raise BadRow(reasons)
        self.odd = odd
        return (
            normalise_code(code),
            normalise_code(proc),
            clean(cells[pos["procedure_name"]]) or None,
            applicant,
            private[0],
            private[1],
            channel,
            received,
            due,
            finished,
            returned,
            status,
            status_at,
            normalise_code(clean(cells[pos["officer"]])) or None,
            int(flags[0]),
            int(flags[1]),
            int(flags[2]),
            int(flags[3]),
            int(flags[4]),
            fee,
            int(flags[5]),
            clean(cells[pos["supplement_note"]]) or None,
        )


class ProcedureRow:
    """Parses catalogue rows against one file's column map."""

    def __init__(self, columns: ColumnMap) -> None:
        self.index = columns.index

    def parse(self, values: Sequence[object]) -> tuple[object, ...]:
        """The record in PROCEDURE_FIELDS order, or BadRow with every reason found."""
        reasons: list[str] = []

        def cell(name: str) -> str:
            i = self.index.get(name)
            return clean(values[i]) if i is not None and i < len(values) else ""

        for name in ("code", "name", "level"):
            if not cell(name):
                reasons.append(f"thiếu «{display_name('procedures', name)}»")
        level = days = None
        try:
            level = parse_level(cell("level")) if cell("level") else None
        except BadValue as exc:
            reasons.append(str(exc))
        try:
            days = parse_days(cell("days"))
        except BadValue as exc:
            reasons.append(str(exc))
        if reasons:
            raise BadRow(reasons)
        name = cell("name")
        return (
            normalise_code(cell("code")),
            name,
            fold(name),
            cell("field") or None,
            level,
            days,
            cell("fee_text") or None,
            cell("documents") or None,
            cell("office") or None,
            cell("url") or None,
        )
