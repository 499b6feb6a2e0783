"""The schema on both engines: distributable by unit (issue 16, item 5) and, on PostgreSQL,
compared byte by byte whatever the database's locale."""

from __future__ import annotations

import pytest

from storage.store import Store

pytestmark = pytest.mark.engines

# The tables that grow with the dossiers: each must carry unit_id in a unique key (its primary
# key on PostgreSQL), so the store can be distributed by unit without a schema change.
DISTRIBUTED = (
    "dossiers", "status_events", "subscriptions", "ratings", "procedures",
    "stats_days", "stats_months", "stats_catalogue", "stats_proc_days", "stats_proc_years",
)


async def _unique_keys(db: Store, table: str) -> list[list[str]]:
    """The column lists of the table's primary and unique keys."""
    if db.engine == "postgresql":
        rows = await db.reader.execute_fetchall(
            "SELECT i.indexrelid::regclass::text AS name, a.attname AS col, k.n"
            " FROM pg_index i"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            " WHERE i.indrelid = ?::regclass AND i.indisunique ORDER BY 1, 3",
            (table,),
        )
    else:
        rows = []
        read = db.reader.execute_fetchall  # the pragmas' table-valued forms (read-only)
        for index in await read("SELECT * FROM pragma_index_list(?)", (table,)):
            if index["unique"]:
                cols = await read("SELECT * FROM pragma_index_info(?)", (index["name"],))
                rows += [(index["name"], c["name"], c["seqno"]) for c in cols]
        pk = [r for r in await read("SELECT * FROM pragma_table_info(?)", (table,)) if r["pk"]]
        rows += [("pk", r["name"], r["pk"]) for r in pk]
    keys: dict[str, list[str]] = {}
    for name, col, _ in rows:
        keys.setdefault(str(name), []).append(str(col))
    return list(keys.values())


@pytest.mark.parametrize("table", DISTRIBUTED)
async def test_every_large_table_has_unit_id_in_a_unique_key(db: Store, table: str) -> None:
    """unit_id is in a unique key of every table that grows with the dossiers (on PostgreSQL,
    in its primary key: Citus requires the distribution column in every unique key)."""
    keys = await _unique_keys(db, table)
    assert any("unit_id" in k for k in keys), (table, keys)
    if db.engine == "postgresql":
        assert all("unit_id" in k for k in keys), (table, keys)


async def test_every_text_column_compares_bytewise_on_postgresql(db: Store) -> None:
    """On PostgreSQL every text column is COLLATE "C" (as SQLite's BINARY): a database created
    with a Vietnamese or English locale sorts codes and compares times as SQLite does."""
    if db.engine != "postgresql":
        pytest.skip("SQLite compares text byte by byte (BINARY) by default")
    rows = await db.reader.execute_fetchall(
        "SELECT table_name, column_name, collation_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND data_type = 'text'"
        " AND collation_name IS DISTINCT FROM 'C' ORDER BY 1, 2"
    )
    assert [tuple(r) for r in rows] == []
