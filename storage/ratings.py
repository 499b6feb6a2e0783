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


async def rate(
    db: Store, dossier_id: int, channel: str, chat_id: str, score: int, now: datetime
) -> bool:
    """Store one person's rating of a dossier (a new rating replaces theirs); True when new."""
    if score not in SCORES:
        raise ValueError(f"score must be 1, 2 or 3, not {score}")
    async with db.transaction() as conn:
        cur = await conn.execute(
            "INSERT OR IGNORE INTO ratings (dossier_id, channel, chat_id, score, rated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (dossier_id, channel, chat_id, score, now.strftime(FORMAT)),
        )
        if cur.rowcount > 0:
            return True
        await conn.execute(
            "UPDATE ratings SET score = ?, rated_at = ? WHERE dossier_id = ? AND channel = ?"
            " AND chat_id = ?",
            (score, now.strftime(FORMAT), dossier_id, channel, chat_id),
        )
    return False


async def rating_counts(
    db: Store, start: date, end: date, unit_id: int | Sequence[int] | None = None
) -> RatingCounts:
    """Ratings of dossiers given from start to end (inclusive, local days), of one unit or all.

    For the leader's summary: show a satisfaction line only when `total` > 0.
    """
    sql = (
        "SELECT r.score, COUNT(*) FROM ratings r JOIN dossiers d ON d.id = r.dossier_id"
        " WHERE r.rated_at >= ? AND r.rated_at <= ?"
    )
    params: list[object] = [day_start(start), day_end(end)]
    if isinstance(unit_id, int):
        sql += " AND d.unit_id = ?"
        params.append(unit_id)
    elif unit_id is not None:  # several units (a leader of several units)
        sql += f" AND d.unit_id IN ({', '.join('?' * len(unit_id))})"
        params.extend(int(u) for u in unit_id)
    async with db.reader.execute(sql + " GROUP BY r.score", params) as cur:
        by = {int(r[0]): int(r[1]) for r in await cur.fetchall()}
    return RatingCounts(by.get(1, 0), by.get(2, 0), by.get(3, 0))


async def get_rating(db: Store, dossier_id: int, channel: str, chat_id: str) -> int | None:
    """This chat's score for this dossier, or None."""
    sql = "SELECT score FROM ratings WHERE dossier_id = ? AND channel = ? AND chat_id = ?"
    async with db.reader.execute(sql, (dossier_id, channel, chat_id)) as cur:
        row = await cur.fetchone()
    return None if row is None else int(row[0])
