"""The bot's check of which unit an import goes to: refuse, in one line, a file that names none
when MOTCUA_UNIT is unset (there is no default unit outside the demo)."""

from __future__ import annotations

from pathlib import Path

from bot.config import UNIT_MISSING, Settings
from storage.imports.columns import guess_kind, match_header
from storage.imports.parse import HEADER_SEARCH_ROWS
from storage.imports.read import FileRefused, is_blank, open_rows


def file_names_unit(path: Path) -> bool:
    """Whether the file's header row has a "Đơn vị" column (False when unreadable: the import
    itself then says why)."""
    try:
        raw = open_rows(Path(path))
    except FileRefused:
        return False
    try:
        seen = 0
        for _, values in raw.rows:
            if is_blank(values):
                continue
            kind = guess_kind(values)
            if kind is not None:
                return "unit" in match_header(values, kind).index
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
    except FileRefused:
        return False
    finally:
        close = getattr(raw.rows, "close", None)
        if callable(close):
            close()
    return False


def unit_refusal(settings: Settings, path: Path, unit: str | None) -> str | None:
    """The one-line refusal when neither --unit, MOTCUA_UNIT nor the file names the unit."""
    if (unit and unit.strip()) or settings.unit or not Path(path).is_file():
        return None
    if file_names_unit(path):
        return None
    return UNIT_MISSING
