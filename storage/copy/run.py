"""Copy every table of one store into another in one transaction on the target: the source's
ids shifted past the target's (foreign keys follow), a unit the target holds refused unless
replaced, then per table the rows counted and checksummed on both sides before the commit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.copy.canon import Tally
from storage.copy.ends import End, Row, quoted
from storage.copy.tables import (
    CURSOR,
    DATA_TABLES,
    DIRTY,
    SKIP,
    TABLES,
    UNIT,
    UNIT_ROWS,
    Table,
)

COPY_LOCK = 0x6D6F746375610003  # PostgreSQL advisory lock: one copy into a database at a time


class CopyRefused(Exception):
    """The copy cannot be done as asked; the message is Vietnamese and nothing was changed."""


@dataclass
class TableResult:
    """One table's outcome: rows read from the source, rows added, target's rows kept."""

    name: str
    policy: str
    source: Tally = field(default_factory=Tally)  # the source's rows as copied (ids mapped)
    target: Tally = field(default_factory=Tally)  # the same rows read back from the target
    read: int = 0  # rows read from the source
    kept: int = 0  # source rows whose key the target already had (its row kept)

    @property
    def ok(self) -> bool:
        """Counts and checksums equal on both sides."""
        return self.source == self.target


@dataclass
class CopyResult:
    """The whole copy: per table, and the units copied (source id, target id, name)."""

    tables: list[TableResult] = field(default_factory=list)
    units: list[tuple[int, int, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every table verified."""
        return all(t.ok for t in self.tables)


class CopyMismatch(Exception):
    """The rows read back from the target differ from those copied (rolled back)."""

    def __init__(self, result: CopyResult) -> None:
        super().__init__("store copy mismatch")
        self.result = result


def _coerce(kind: str) -> Callable[[Any], Any]:
    """A value made the target column's type (asyncpg wants exact types)."""
    def to_int(v: Any) -> Any:
        if v is None or v.__class__ is int:
            return v
        try:
            return int(v)
        except (TypeError, ValueError):
            return v  # the target refuses it with its own message

    def to_text(v: Any) -> Any:
        if v is None or v.__class__ is str:
            return v
        if isinstance(v, bytes | bytearray | memoryview):
            return bytes(v).decode("utf-8")
        return str(v)

    def to_bytes(v: Any) -> Any:
        if isinstance(v, str):
            return v.encode("utf-8")
        return bytes(v) if isinstance(v, bytearray | memoryview) else v

    return {"int": to_int, "text": to_text, "bytes": to_bytes}.get(kind, lambda v: v)


def _shifted(coerce: Callable[[Any], Any], shift: int) -> Callable[[Any], Any]:
    """An id moved past the target's ids (NULL stays NULL)."""
    return lambda v: None if v is None else coerce(v) + shift


def _looked_up(coerce: Callable[[Any], Any], units: dict[int, int]) -> Callable[[Any], Any]:
    """A unit id replaced by the target's id of that unit (NULL stays NULL)."""
    return lambda v: None if v is None else units[coerce(v)]


class _Copy:
    """One copy in progress: the ends, the id offsets and the unit map."""

    def __init__(self, source: End, target: End, replace_unit: bool) -> None:
        self.source = source
        self.target = target
        self.replace_unit = replace_unit
        self.offsets: dict[str, int] = {}
        self.unit_map: dict[int, int] = {}
        self.result = CopyResult()

    async def run(self) -> CopyResult:
        """Do the copy inside the ends' transactions (the caller commits or rolls back)."""
        src_tables, tgt_tables = await self.source.tables(), await self.target.tables()
        for needed in ("units", "schema_version"):
            if needed not in src_tables:
                raise CopyRefused("Kho nguồn không phải kho dữ liệu của motcua-bot "
                                  f"(không có bảng {needed}).")
        if self.target.engine == "postgresql":
            await self.target.execute(f"SELECT pg_advisory_xact_lock({COPY_LOCK})")
            await self.target.execute(
                "LOCK TABLE " + ", ".join(t.name for t in TABLES if t.name in tgt_tables)
                + " IN EXCLUSIVE MODE")
        await self._map_units()
        for table in TABLES:
            if table.name in src_tables and table.name in tgt_tables:
                await self._table(table)
        return self.result

    async def _map_units(self) -> None:
        """The target id of each source unit (same name: the target's; else shifted); refuse
        (or, with --replace-unit, empty) the target's units that hold data."""
        source_units = await self.source.fetch("SELECT id, name FROM units ORDER BY id")
        target_units = {str(n): int(i) for i, n in await self.target.fetch(
            "SELECT id, name FROM units")}
        shared = {int(i): target_units[str(n)] for i, n in source_units
                  if str(n) in target_units}
        held = await self._holding(sorted(shared.values()))
        if held:
            names = {v: k for k, v in target_units.items()}
            listed = ", ".join(f"«{names[u]}»" for u in held)
            if not self.replace_unit:
                raise CopyRefused(
                    f"Kho đích đã có dữ liệu của đơn vị {listed}: không chép đè. Nếu muốn thay "
                    "dữ liệu của đơn vị đó bằng dữ liệu của kho nguồn, chạy lại với "
                    "--replace-unit. Kho đích không bị thay đổi.")
            await self._empty_units(held)
            self.result.replaced = [names[u] for u in held]
        for name in (t.name for t in TABLES if t.id_col):
            rows = await self.target.fetch(f"SELECT MAX(id) FROM {quoted(name)}")
            self.offsets[name] = int(rows[0][0] or 0)
        for uid, name in source_units:
            target_id = shared.get(int(uid), int(uid) + self.offsets["units"])
            self.unit_map[int(uid)] = target_id
            self.result.units.append((int(uid), target_id, str(name)))

    async def _holding(self, unit_ids: Sequence[int]) -> list[int]:
        """Those of the target's units that have rows in a data table."""
        if not unit_ids:
            return []
        marks = ", ".join("?" for _ in unit_ids)
        held: set[int] = set()
        for table in DATA_TABLES:
            rows = await self.target.fetch(
                f"SELECT DISTINCT unit_id FROM {table} WHERE unit_id IN ({marks})", unit_ids)
            held.update(int(r[0]) for r in rows)
        return sorted(held)

    async def _empty_units(self, unit_ids: Sequence[int]) -> None:
        """Delete the target's rows of these units (--replace-unit), children first."""
        present = await self.target.tables()
        marks = ", ".join("?" for _ in unit_ids)
        for table, where in UNIT_ROWS:
            if table in present:
                await self.target.execute(
                    f"DELETE FROM {table} WHERE {where.format(ids=marks)}", unit_ids)

    def _mapper(self, table: Table, cols: Sequence[str], kinds: Sequence[str],
                source_kinds: dict[str, str]) -> Callable[[Row], list[Row]]:
        """A source row → the rows written to the target (ids shifted, units mapped, values
        made the target column's type); only the columns that need it are touched."""
        work: list[tuple[int, Callable[[Any], Any]]] = []
        identity = all(k == v for k, v in self.unit_map.items())
        for at, (col, kind) in enumerate(zip(cols, kinds, strict=True)):
            coerce = _coerce(kind)
            same_type = source_kinds.get(col) == kind
            if col == table.id_col or table.maps.get(col) not in (None, "units"):
                shift = self.offsets[table.name if col == table.id_col else table.maps[col]]
                if shift or not same_type:
                    work.append((at, _shifted(coerce, shift)))
            elif table.maps.get(col) == "units":
                if not identity or not same_type:
                    work.append((at, _looked_up(coerce, self.unit_map)))
            elif not same_type:
                work.append((at, coerce))
        all_units = sorted(set(self.unit_map.values()))
        expand = table.name == "staff_scopes"
        unit_at = cols.index("unit_id") if expand else -1

        def mapped(row: Row) -> list[Row]:
            if work:
                values = list(row)
                for at, fix in work:
                    values[at] = fix(values[at])
                row = tuple(values)
            if expand and row[unit_at] is None:  # «every unit» of the source: its own units
                return [(*row[:unit_at], u, *row[unit_at + 1:]) for u in all_units]
            return [row]

        return mapped

    async def _table(self, table: Table) -> None:
        """Copy one table by its policy and read it back."""
        res = TableResult(table.name, table.policy)
        self.result.tables.append(res)
        if table.policy == SKIP:
            return
        if table.policy == DIRTY:
            await self._dirty(res)
            return
        if table.policy == CURSOR:
            await self._cursor(res)
            return
        target_cols = await self.target.columns(table.name)
        source_cols = dict(await self.source.columns(table.name))
        missing = [c for c, _ in target_cols if c not in source_cols]
        if missing:
            raise CopyRefused(f"Bảng {table.name} của kho nguồn thiếu cột {', '.join(missing)}: "
                              "hai kho khác phiên bản lược đồ.")
        target_cols.sort()  # by name: the checksum is the same whichever engine holds the rows
        cols = [c for c, _ in target_cols]
        mapper = self._mapper(table, cols, [k for _, k in target_cols], source_cols)
        key_at = [cols.index(k) for k in table.key]
        added_keys: set[Row] = set()
        async for batch in self.source.rows(table.name, cols):
            res.read += len(batch)
            rows = [m for r in batch for m in mapper(r)]
            if table.policy == UNIT:
                await self.target.insert(table.name, cols, rows)
                res.source.add(rows)
                continue
            added = {tuple(k) for k in await self.target.insert_new(
                table.name, cols, rows, table.key)}
            res.kept += len(rows) - len(added)
            added_keys |= added
            res.source.add(r for r in rows if tuple(r[i] for i in key_at) in added)
        if table.id_col:
            await self.target.advance_ids(table.name, table.id_col)
        await self._read_back(table, cols, key_at, added_keys, res)

    async def _read_back(self, table: Table, cols: Sequence[str], key_at: Sequence[int],
                         added_keys: set[Row], res: TableResult) -> None:
        """Tally the copied rows as the target holds them."""
        if table.policy == UNIT:
            assert table.owner is not None
            owner = table.name if table.owner == table.id_col else table.maps[table.owner]
            where, params = f"{quoted(table.owner)} > ?", [self.offsets[owner]]
        elif table.id_col:
            where, params = f"{quoted(table.id_col)} > ?", [self.offsets[table.name]]
        else:
            where, params = "", []
        async for batch in self.target.rows(table.name, cols, where, params):
            if table.policy == UNIT:
                res.target.add(batch)
            else:
                res.target.add(r for r in batch if tuple(r[i] for i in key_at) in added_keys)

    async def _dirty(self, res: TableResult) -> None:
        """Mark every copied unit for a rebuild of its counters."""
        rows = [(u,) for u in sorted(set(self.unit_map.values()))]
        await self.target.insert_new("stats_dirty", ["unit_id"], rows, ["unit_id"])
        res.read = len(rows)

    async def _cursor(self, res: TableResult) -> None:
        """Each push cursor past the copied events: the larger of the target's and the
        source's moved by the events' shift (no old event is pushed again)."""
        shift = self.offsets.get("status_events", 0)
        for name, last_id, updated_at in await self.source.fetch(
                "SELECT name, last_id, updated_at FROM push_cursors"):
            res.read += 1
            moved = int(last_id) + shift
            have = await self.target.fetch(
                "SELECT last_id FROM push_cursors WHERE name = ?", [name])
            if not have:
                await self.target.execute(
                    "INSERT INTO push_cursors (name, last_id, updated_at) VALUES (?, ?, ?)",
                    [name, moved, updated_at])
            elif int(have[0][0]) < moved:
                await self.target.execute(
                    "UPDATE push_cursors SET last_id = ?, updated_at = ? WHERE name = ?",
                    [moved, updated_at, name])
            else:
                res.kept += 1


async def copy_store(source: End, target: End, *, replace_unit: bool = False) -> CopyResult:
    """Copy source into target in one transaction on the target, committed only when every
    table reads back equal (CopyMismatch otherwise, nothing kept); CopyRefused as asked."""
    await source.begin(write=False)
    try:
        await target.begin(write=True)
        try:
            result = await _Copy(source, target, replace_unit).run()
            if not result.ok:
                raise CopyMismatch(result)
        except BaseException:
            await target.rollback()
            raise
        await target.commit()
    finally:
        await source.rollback()
    return result
