"""The XLSX reader adapter: the one module that knows which library reads a workbook's cells.

Today python-calamine-plus (streaming, constant memory; the trade-off against python-calamine
is written beside the pin in pyproject.toml and measured in BENCHMARKS.md, "Issue 15 — XLSX
reader"). Swapping the library is a change to this file only: the rest of the importer sees
rows as lists of plain Python values (str, int, float, bool, datetime, date, time, "" for an
empty cell) and one exception, `XlsxUnreadable`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import python_calamine_plus


class XlsxUnreadable(Exception):
    """The library could not open or read the workbook (its message, for the log only)."""


def first_sheet_rows(path: Path) -> Iterator[list[object]]:
    """The first sheet's rows, streamed; XlsxUnreadable now (cannot open) or while reading."""
    try:
        book = python_calamine_plus.CalamineWorkbook.from_path(str(path))
        stream = book.stream_sheet_by_index(0)
    except OSError:
        raise
    except Exception as exc:  # the library raises its own error types
        raise XlsxUnreadable(repr(exc)) from None
    return _rows(stream)


def _rows(stream: Iterable[list[Any]]) -> Iterator[list[object]]:
    """The stream's rows, the library's errors part-way through as XlsxUnreadable."""
    stream = iter(stream)
    while True:
        try:
            values = next(stream)
        except StopIteration:
            return
        except OSError:  # the system's error (a file gone, a disk error): said as such
            raise
        except Exception as exc:  # a sheet cut short or malformed part-way through
            raise XlsxUnreadable(repr(exc)) from None
        yield values
