"""The rejects file of an import: each bad row as it is found, masked and safe to open in Excel.

Rows are written as the parser finds them (nothing piles up in memory). The file is sent to
admins and opened in spreadsheet programs, so:
- phone and ID numbers keep only their last 4 digits (what the store keeps; the line number,
  the reason and those digits are what an officer needs to find and fix the row); in the columns
  the importer ignores, any run of 9 digits or more, perhaps split by spaces, dots or dashes (a
  phone number in a note) is masked the same way, and in the others and the reasons any 9 digits
  in a row (dates and codes stay readable);
- a cell that a spreadsheet would run as a formula (beginning with `=`, `+`, `-`, `@`, tab or
  carriage return) gets a leading `'`, as OWASP advises against CSV injection.
It is written beside the input; when that is impossible (a read-only folder, a directory of that
name…) it goes to the store's data folder, and the summary says where.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from storage.imports.values import clean

log = logging.getLogger(__name__)


class _RowWriter(Protocol):
    """What the rejects file uses of csv.writer()'s result (its class is not public)."""

    def writerow(self, row: Iterable[object], /) -> object:
        """Write one row."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGIT = re.compile(r"\d")
# Nine digits or more, perhaps split by single spaces, dots or dashes: a phone or ID number.
_LONG_NUMBER = re.compile(r"\d(?:[ .\-]?\d){8,}")
_LONG_RUN = re.compile(r"\d{9,}")  # in reasons, where dates and fees are quoted as written


def mask_number(text: str) -> str:
    """Every digit but the last 4 replaced by '*' ('0912 345 678' → '**** **5 678')."""
    count = len(_DIGIT.findall(text))
    if count <= 4:
        return text
    hidden = count - 4
    out = []
    for ch in text:
        if hidden and ch.isdecimal():
            out.append("*")
            hidden -= 1
        else:
            out.append(ch)
    return "".join(out)


def mask_long_numbers(text: str, pattern: re.Pattern[str] = _LONG_NUMBER) -> str:
    """Long runs of digits (phone or ID numbers written anywhere) masked to their last 4."""
    if not _DIGIT.search(text):
        return text
    return pattern.sub(lambda m: mask_number(m[0]), text)


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula, prefixed with ' (OWASP CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def raw_text(value: object) -> str:
    """A raw cell as text for the rejects file."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return str(value)


class Rejects:
    """Writes rejected rows (masked, neutralised) plus a `reason` column as they are found."""

    def __init__(
        self,
        source: Path,
        header: list[object],
        fallback_dir: Path | None,
        private: tuple[int, ...] = (),
        keys: tuple[int, ...] = (),
        parsed: tuple[int, ...] = (),
    ) -> None:
        name = source.name + ".rejects.csv"
        self.beside = source.with_name(name)
        self.fallback = fallback_dir / "rejects" / name if fallback_dir is not None else None
        self.path: Path | None = None  # where the rows went (None until the first row)
        self.header = header
        self.private = frozenset(private)
        self.keys = frozenset(keys)
        self.parsed = frozenset(parsed)
        self.count = 0
        self.lost = False  # no place would take the file (the rows are still counted)
        self._file: IO[str] | None = None
        self._writer: Any = None  # a csv writer once the file is open

    @property
    def moved(self) -> bool:
        """True when the file could not go beside the input and went to the data folder."""
        return self.path is not None and self.path != self.beside

    def _open(self) -> None:
        """Open the file beside the input, else in the data folder, and write its header."""
        for path in (self.beside, self.fallback):
            if path is None:
                continue
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._file = path.open("w", encoding="utf-8-sig", newline="")
            except OSError as exc:
                log.warning("cannot write the rejects file %s: %s", path, exc)
                continue
            self.path = path
            self._writer = csv.writer(self._file)
            self._writer.writerow([neutralise(clean(h)) for h in self.header] + ["reason"])
            return
        self.lost = True

    def add(self, line: int, values: list[object], reasons: list[str]) -> None:
        """Record one bad row (written at once)."""
        self.count += 1
        if self._writer is None and not self.lost:
            self._open()
        if self._writer is None:
            return
        width = len(self.header)
        cells = [self._cell(i, v) for i, v in enumerate(values[:width])]
        cells += [""] * (width - len(cells))
        reason = mask_long_numbers(f"dòng {line}: " + "; ".join(reasons), _LONG_RUN)
        self._writer.writerow([*cells, neutralise(reason)])

    def _cell(self, i: int, value: object) -> str:
        """One cell as written: personal numbers masked, formulas neutralised."""
        text = raw_text(value)
        if i in self.private:
            text = mask_number(text)
        elif i in self.parsed:  # dates like 05.01.2026 08:00 stay readable; codes untouched
            if i not in self.keys:
                text = mask_long_numbers(text, _LONG_RUN)
        else:
            text = mask_long_numbers(text)
        return neutralise(text)

    def discard(self) -> None:
        """Close and remove what was written (the import was refused: nothing stored)."""
        if self._file is not None:
            self._file.close()
            self._file = None
            if self.path is not None:
                with contextlib.suppress(OSError):
                    self.path.unlink()

    def close(self) -> Path | None:
        """Close the file; its path when something was written (a stale one is removed)."""
        if self._file is not None:
            self._file.close()
            return self.path
        for stale in (self.beside, self.fallback):  # from an earlier run of this input
            if stale is not None and stale.is_file():
                with contextlib.suppress(OSError):
                    stale.unlink()
        return None
