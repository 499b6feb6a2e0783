"""The caps and size thresholds of one import, passed down as one value (no module globals)."""

from __future__ import annotations

from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class ImportLimits:
    """Caps (bounded memory) and thresholds (where work moves to another process) of an import."""

    max_rows: int = 500_000  # data rows one import may read (MOTCUA_IMPORT_MAX_ROWS)
    max_sheet_bytes: int = 600 << 20  # uncompressed sheet (MOTCUA_IMPORT_MAX_SHEET_MB)
    parallel_min_bytes: int = 4_000_000  # files this big are parsed in a helper process
    formula_process_min_bytes: int = 1_000_000  # sheets this big are scanned in a process
    formula_read_bytes: int = 1 << 20  # the formula scan reads the sheet's XML this much at once
    formula_check_rows: int = 4096  # how often the streaming rows look at the formula scan
    size_sample_bytes: int = 256 << 10  # the start of a sheet read to estimate its rows

    def args(self) -> list[str]:
        """The limits as command-line arguments of the parser process."""
        return [str(v) for v in astuple(self)]

    @classmethod
    def from_args(cls, args: list[str]) -> ImportLimits:
        """The limits back from `args()`."""
        return cls(*(int(a) for a in args))
