"""Postcode districts (the outward code, "BH1") and the distance between two of them.

Centres come from data/districts.csv: approximate centre points of the districts of the demo forces' areas
(Dorset and Hampshire). A district not in the table has no known distance, and matching then leaves
distance out rather than guessing. A force adds its districts to the table.
"""

from __future__ import annotations

import csv
import math
import re
from functools import cache
from pathlib import Path

OUTWARD = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)(?:\s*[0-9][A-Z]{2})?$")


def district(text: str) -> str:
    """The postcode district of a full postcode or an outward code ("BH1 1AA" -> "BH1"), or "" if not one."""
    cleaned = " ".join((text or "").upper().split())
    found = OUTWARD.match(cleaned)
    return found.group(1) if found else ""


@cache
def _centres() -> dict[str, tuple[float, float]]:
    with (Path(__file__).parent / "data" / "districts.csv").open(newline="", encoding="utf-8") as handle:
        return {row["district"]: (float(row["latitude"]), float(row["longitude"])) for row in csv.DictReader(handle)}


def km_between(a: str, b: str) -> float | None:
    """Great-circle distance in km between the centres of two districts, or None when either is unknown."""
    first, second = _centres().get(a), _centres().get(b)
    if first is None or second is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*first, *second))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))
