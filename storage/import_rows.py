"""Turn one raw row into a validated record (dossier or procedure), or the reasons it is bad."""

from __future__ import annotations

import hashlib
from datetime import time
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
    parse_days,
    parse_fee,
    parse_level,
    parse_status,
    to_iso,
)


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
_MIDNIGHT = time(0, 0)
_REQUIRED = ("code", "procedure_code", "applicant", "channel", "received_at", "due_at", "status")
_TEXT = (*_REQUIRED, "procedure_name", "officer", "supplement_note")
_ALL = (*_TEXT, "phone", "id_number", "finished_at", "returned_at", "status_at", *_BOOLS, "fee")
_DATES = (
    ("received_at", _MIDNIGHT),
    ("due_at", _DUE_DEFAULT),
    ("finished_at", _MIDNIGHT),
    ("returned_at", _MIDNIGHT),
    ("status_at", _MIDNIGHT),
)


def row_hash(values: tuple[object, ...]) -> str:
    """A short digest of a record's stored content (detects "unchanged" on re-import)."""
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=12).hexdigest()


def normalise_code(text: str) -> str:
    """A dossier or procedure code as stored: no spaces, upper case."""
    if " " in text or "\t" in text:
        text = "".join(text.split())
    return text.upper()


class DossierRow:
    """Parses dossier rows against one file's column map."""

    def __init__(self, columns: ColumnMap, tz: ZoneInfo) -> None:
        self.index = columns.index
        self.tz = tz
        self.width = max(columns.index.values(), default=0) + 1
        # A column the file lacks reads from an always-empty extra cell.
        self.pos = {name: columns.index.get(name, self.width) for name in _ALL}

    def _cells(self, values: list[object]) -> list[object]:
        """The row padded so every column index (and the empty extra cell) exists."""
        if len(values) <= self.width:
            return [*values, *([""] * (self.width + 1 - len(values)))]
        return [*values[: self.width], ""]

    def unit(self, values: list[object]) -> str:
        """The row's unit name ('' when the file has no unit column or the cell is empty)."""
        i = self.index.get("unit")
        return clean(values[i]) if i is not None and i < len(values) else ""

    def parse(self, values: list[object]) -> tuple[object, ...]:
        """The record in DOSSIER_FIELDS order, or BadRow with every reason found."""
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
        if received and due and due < received:
            reasons.append("ngày hẹn trả trước ngày tiếp nhận")
        final = status in FINAL_STATUSES
        if final and finished is None and not clean(cells[pos["finished_at"]]):
            reasons.append("trạng thái đã kết thúc nhưng thiếu «Ngày kết thúc xử lý»")
        if reasons:
            raise BadRow(reasons)
        if not final:
            finished = None  # finished_at means "reached a final status" (figures.md)
        if status_at is None:
            status_at = finished if final else received
        return (
            normalise_code(code),
            normalise_code(proc),
            clean(cells[pos["procedure_name"]]) or None,
            applicant,
            last4(cells[pos["phone"]]),
            last4(cells[pos["id_number"]]),
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
