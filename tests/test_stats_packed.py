"""The row path's packed sums (three counts in one SUM) and its fallback (one SUM per count,
taken when a unit's rows could carry into the next field, or on SQLite's integer overflow)
give the same counts on both engines (PostgreSQL sums bigint into numeric: never overflows)."""

from __future__ import annotations

import pytest

from storage import stats as sql
from storage.store import Store
from tests.stats_helpers import D, insert_store

pytestmark = pytest.mark.engines

Q1 = sql.Bounds("2026-01-01T00:00:00", "2026-03-31T23:59:59", "2026-03-31")
ROWS = [
    D("2026-01-05T08:00:00", due="2026-01-10T17:00:00", status="result",
      finished="2026-01-12T09:00:00", digitized_input=1, digitized_output=1, fee=20000,
      paid_online=1, procedure="P-FULL", fully_online=1, stored=1),
    D("2026-02-01T08:00:00", status="rejected", finished="2026-02-02T08:00:00",
      channel="truc_tiep", procedure="P-NONE"),
    D("2025-12-20T08:00:00", due="2026-01-02T17:00:00", status="supplement",
      events=[("supplement", "2026-01-03T08:00:00")]),
    D("2025-11-20T08:00:00", due="2025-12-02T17:00:00", status="payment", unit=2),
    D("2026-03-30T08:00:00", due="2026-03-30T17:00:00", status="withdrawn",
      finished="2026-03-31T08:00:00", unit=2, reused=1),
]  # fmt: skip


async def test_fallback_sums_equal_the_packed_ones(db: Store,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """With the exactness bound at 1 row every grouped query is run again one SUM per count
    (SUM((expr >> shift) & 1)); the counts are the packed query's."""
    await insert_store(db, ROWS, units=("A", "B"), catalogue_units=(1, 2))
    packed = await sql.unit_counts_rows(db, [1, 2], Q1)
    assert packed[1]["total"] == 3 and packed[2]["total"] == 2
    monkeypatch.setattr(sql, "F1", 1)
    assert await sql.unit_counts_rows(db, [1, 2], Q1) == packed
