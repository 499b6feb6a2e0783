"""Several units for the demo (`motcua demo-data --units N`, `motcua demo --units N`): the other
communes get a sample of Kẻ Sắt's dossiers, each with its own codes, volume and weak points (some
results late, some fees paid at the counter, some dossiers filed in person), drawn from one
seeded generator so every run is the same — enough for /xephang and /xuhuong to tell them apart."""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.demo.generate import AS_OF, UNIT_PREFIX, Dossier, dossiers

COMMUNES = (
    "Kẻ Sắt", "Bình Giang", "Đường An", "Thượng Hồng", "Gia Lộc", "Yết Kiêu", "Trường Tân",
    "Thanh Hà", "Hà Tây", "Hà Đông", "Tứ Kỳ", "Tân Kỳ", "Đại Sơn", "Chí Minh", "Lạc Phượng",
    "Nguyên Giáp", "Hà Bắc", "Hà Nam", "Thanh Miện", "Bắc Thanh Miện",
)
MAX_UNITS = 150
SEED = 20260417


def unit_name(k: int) -> str:
    """The name of demo unit k (1 is Kẻ Sắt)."""
    commune = COMMUNES[k - 1] if k <= len(COMMUNES) else f"số {k:03d}"
    return f"Trung tâm Phục vụ hành chính công xã {commune}"


def variant(ds: list[Dossier], k: int, rng: random.Random) -> list[Dossier]:
    """Unit k's dossiers: a sample of Kẻ Sắt's with the unit's own code prefix and weaknesses."""
    keep = 0.15 + 0.2 * rng.random()
    late, offline, direct = rng.random() * 0.03, rng.random() * 0.08, rng.random() * 0.1
    prefix = f"000.34.{27 + k:02d}.H31"
    out = []
    for d in ds:
        if rng.random() > keep:
            continue
        v = dataclasses.replace(d, code=d.code.replace(UNIT_PREFIX, prefix), tags=set(d.tags))
        if v.status in ("result", "returned") and v.finished and rng.random() < late:
            finished = v.due + timedelta(days=rng.randint(1, 6))
            if finished <= AS_OF:
                v.finished = v.returned = finished
        if v.fee > 0 and v.paid_online and rng.random() < offline:
            v.paid_online = False
        if v.channel == "truc_tuyen" and rng.random() < direct:
            v.channel, v.fully_online = "truc_tiep", False
        out.append(v)
    return out


def write_units(path: Path, units: int, row: Callable[[int, Dossier, str], list[str]],
                base: list[Dossier] | None = None) -> int:
    """Write units 2..N's dossiers (CSV, with the unit column) to path; returns the row count.

    `row(n, dossier, unit name)` makes one CSV row (bot.demo.write's format); `base` is Kẻ
    Sắt's dossiers when already made."""
    from bot.demo.write import CSV_HEADER

    rng = random.Random(SEED)
    base = dossiers() if base is None else base
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_HEADER)
        for k in range(2, units + 1):
            for d in variant(base, k, rng):
                n += 1
                w.writerow(row(n, d, unit_name(k)))
    return n
