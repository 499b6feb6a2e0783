"""Citizens' satisfaction ratings of a finished dossier (1 rất hài lòng, 2 hài lòng, 3 không)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.store import Store
from storage.timefmt import FORMAT, day_end, day_start

SCORES = {1: "Rất hài lòng", 2: "Hài lòng", 3: "Không hài lòng"}


@dataclass(frozen=True)
class RatingCounts:
    """Ratings given in a period: counts by score."""

    very_satisfied: int
    satisfied: int
    unsatisfied: int

    @property
    def total(self) -> int:
        """Every rating counted."""
        return self.very_satisfied + self.satisfied + self.unsatisfied

    @property
    def satisfied_rate(self) -> float | None:
        """(Very satisfied + satisfied) / total, None without ratings."""
        if self.total == 0:
            return None
        return (self.very_satisfied + self.satisfied) / self.total


def _of_unit(unit_id: int | None, params: list[object]) -> str:
    """' AND unit_id = ?' when the dossier's unit is known (the key on a store spread by unit)."""
    if unit_id is None:
        return ""
    params.append(unit_id)
    return " AND unit_id = ?"


async def rate(
    db: Store, dossier_id: int, channel: str, chat_id: str, score: int, now: datetime,
    unit_id: int | None = None,
) -> bool:
    """Store one person's rating of a dossier (unit_id: its unit, else taken from the dossier
    by the store's trigger); a new rating replaces theirs. True when new."""
    if score not in SCORES:
        raise ValueError(f"score must be 1, 2 or 3, not {score}")
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO ratings (unit_id, dossier_id, channel, chat_id, score, rated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (unit_id, dossier_id, channel, chat_id, score, now.strftime(FORMAT)),
        )
        if cur.rowcount > 0:
            return True
        params: list[object] = [score, now.strftime(FORMAT), dossier_id, channel, chat_id]
        await conn.execute(
            "UPDATE ratings SET score = ?, rated_at = ? WHERE dossier_id = ? AND channel = ?"
            " AND chat_id = ?" + _of_unit(unit_id, params), params,
        )
    return False


async def rating_counts(
    db: Store, start: date, end: date, unit_id: int | Sequence[int] | None = None
) -> RatingCounts:
    """Ratings of dossiers given from start to end (inclusive, local days), of one unit or all.

    For the leader's summary: show a satisfaction line only when `total` > 0.
    """
    sql = (
        "SELECT r.score, COUNT(*) FROM ratings r"
        " WHERE r.rated_at >= ? AND r.rated_at <= ?"
    )
    params: list[object] = [day_start(start), day_end(end)]
    if isinstance(unit_id, int):
        sql += " AND r.unit_id = ?"
        params.append(unit_id)
    elif unit_id is not None:  # several units (a leader of several units)
        sql += f" AND r.unit_id IN ({', '.join('?' * len(unit_id))})"
        params.extend(int(u) for u in unit_id)
    async with db.reader.execute(sql + " GROUP BY r.score", params) as cur:
        by = {int(r[0]): int(r[1]) for r in await cur.fetchall()}
    return RatingCounts(by.get(1, 0), by.get(2, 0), by.get(3, 0))


async def get_rating(db: Store, dossier_id: int, channel: str, chat_id: str,
                     unit_id: int | None = None) -> int | None:
    """This chat's score for this dossier (of this unit when given), or None."""
    params: list[object] = [dossier_id, channel, chat_id]
    sql = "SELECT score FROM ratings WHERE dossier_id = ? AND channel = ? AND chat_id = ?"
    async with db.reader.execute(sql + _of_unit(unit_id, params), params) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])
