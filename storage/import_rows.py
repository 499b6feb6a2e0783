"""Turn one raw row into a validated record (dossier or procedure), or the reasons it is bad."""

from __future__ import annotations

import hashlib
from datetime import datetime, time
from zoneinfo import ZoneInfo

from storage.import_columns import ColumnMap, display_name
from storage.import_values import (
    FINAL_STATUSES,
    BadValue,
    clean,
    fold,
    last4,
    parse_bool,
    parse_channel,
    parse_datetime,
    parse_days,
    parse_fee,
    parse_level,
    parse_status,
)
from storage.timefmt import FORMAT


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
PROCEDURE_FIELDS = ("code", "name", "name_search", "field", "level", "days", "fee_text")

# In DOSSIER_FIELDS order: the five flags before `fee`, then `paid_online` after it.
_BOOLS = ("fully_online", "digitized_input", "digitized_output", "stored", "reused", "paid_online")
_DUE_DEFAULT = time(17, 0)


def row_hash(values: tuple[object, ...]) -> str:
    """A short digest of a record's stored content (detects "unchanged" on re-import)."""
    text = "\x1f".join("" if v is None else str(v) for v in values)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def normalise_code(text: str) -> str:
    """A dossier or procedure code as stored: no spaces, upper case."""
    return "".join(text.split()).upper()


class DossierRow:
    """Parses dossier rows against one file's column map."""

    def __init__(self, columns: ColumnMap, tz: ZoneInfo) -> None:
        self.index = columns.index
        self.tz = tz

    def _cell(self, values: list[object], name: str) -> object:
        """The raw cell of a canonical column ('' when the column is absent)."""
        i = self.index.get(name)
        return values[i] if i is not None and i < len(values) else ""

    def unit(self, values: list[object]) -> str:
        """The row's unit name ('' when the file has no unit column or the cell is empty)."""
        return clean(self._cell(values, "unit"))

    def parse(self, values: list[object]) -> tuple[object, ...]:
        """The record in DOSSIER_FIELDS order, or BadRow with every reason found."""
        reasons: list[str] = []
        cell = self._cell

        def required(name: str) -> str:
            text = clean(cell(values, name))
            if not text:
                reasons.append(f"thiếu «{display_name('dossiers', name)}»")
            return text

        def attempt(fn, *args):  # type: ignore[no-untyped-def]
            try:
                return fn(*args)
            except BadValue as exc:
                reasons.append(str(exc))
                return None

        code = normalise_code(required("code"))
        procedure_code = normalise_code(required("procedure_code"))
        applicant = required("applicant")
        channel = attempt(parse_channel, cell(values, "channel")) if required("channel") else None
        status = attempt(parse_status, cell(values, "status")) if required("status") else None
        received = due = None
        if required("received_at"):
            received = attempt(parse_datetime, cell(values, "received_at"), self.tz)
        if required("due_at"):
            due = attempt(parse_datetime, cell(values, "due_at"), self.tz, _DUE_DEFAULT)
        finished = attempt(parse_datetime, cell(values, "finished_at"), self.tz)
        returned = attempt(parse_datetime, cell(values, "returned_at"), self.tz)
        status_at = attempt(parse_datetime, cell(values, "status_at"), self.tz)
        flags = [attempt(parse_bool, cell(values, name)) for name in _BOOLS]
        fee = attempt(parse_fee, cell(values, "fee"))
        if received and due and due < received:
            reasons.append("ngày hẹn trả trước ngày tiếp nhận")
        if status in FINAL_STATUSES and finished is None and not clean(cell(values, "finished_at")):
            reasons.append("trạng thái đã kết thúc nhưng thiếu «Ngày kết thúc xử lý»")
        if reasons:
            raise BadRow(reasons)
        if status not in FINAL_STATUSES:
            finished = None  # finished_at means "reached a final status" (figures.md)
        if status_at is None:
            status_at = finished if status in FINAL_STATUSES else received
        return (
            code,
            procedure_code,
            clean(cell(values, "procedure_name")) or None,
            applicant,
            last4(cell(values, "phone")),
            last4(cell(values, "id_number")),
            channel,
            _fmt(received),
            _fmt(due),
            _fmt(finished),
            _fmt(returned),
            status,
            _fmt(status_at),
            normalise_code(clean(cell(values, "officer"))) or None,
            *(int(bool(f)) for f in flags[:5]),
            fee,
            int(bool(flags[5])),
            clean(cell(values, "supplement_note")) or None,
        )


class ProcedureRow:
    """Parses catalogue rows against one file's column map."""

    def __init__(self, columns: ColumnMap) -> None:
        self.index = columns.index

    def parse(self, values: list[object]) -> tuple[object, ...]:
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
        )


def _fmt(value: datetime | None) -> str | None:
    """A naive local datetime as stored text."""
    return None if value is None else value.strftime(FORMAT)
