"""`motcua store copy` knows every table of the store, on both engines: a table added by a
migration without a copy policy would be silently left behind."""

from __future__ import annotations

import pytest

from storage.copy.tables import DERIVED, TABLES
from storage.store import Store

pytestmark = pytest.mark.engines


async def test_every_table_has_a_copy_policy(db: Store) -> None:
    """Each table of a migrated store is in storage/copy/tables.py (or kept by triggers)."""
    if db.engine == "postgresql":
        sql = ("SELECT table_name FROM information_schema.tables"
               " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    names = {str(r[0]) for r in await db.reader.execute_fetchall(sql)}
    known = {t.name for t in TABLES}
    derived = {n for n in names if n.startswith(DERIVED)}
    assert sorted(names - known - derived) == []
