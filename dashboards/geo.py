"""Map outlines for the choropleths: the GeoJSON files in dashboards/maps/, with codes brought up to date.

The outlines are display-only (coordinates rounded to 0.001°) and offline: the regions page draws
them with altair's geoshape, never with map tiles. Feature `id` is the GB/T 2260 adcode.

The county file is of about 2017 vintage: it still has 620824 华亭县, which became 620881 华亭市
in 2018, while the warehouse uses today's codes. The renaming is not typed again here: it is read
from the dbt seed ref_region_code_changes.csv (pipelines.paths.SEEDS_DIR), the one place the
project keeps code changes, so a new change listed there reaches the map too.

Pure functions (no Streamlit): the page and the unit tests call the same code.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

from pipelines.paths import SEEDS_DIR

MAPS_DIR = Path(__file__).with_name("maps")
CODE_CHANGES_SEED = SEEDS_DIR / "ref_region_code_changes.csv"

# Which file holds which level, and for which parent. Only Gansu (the province this deployment
# serves first) has city and county outlines so far; other provinces get the ranking table only.
# There is deliberately no national (province-level) outline: a map of China must follow the
# standard-map rules (南海诸岛 inset, 审图号), and no redistributable outline that does is available
# (dashboards/maps/README.md), so the national view is a ranking without a map.
CITY_FILES = {"620000": "gansu_prefectures.geojson"}  # province code -> its cities' outlines
COUNTY_FILES = {"620000": "gansu_counties.geojson"}  # province code -> its counties' outlines


@cache
def code_changes(seed: Path = CODE_CHANGES_SEED) -> dict[str, tuple[str, str]]:
    """old adcode -> (new adcode, new name), following chains (a code renamed twice ends at the last)."""
    with seed.open(encoding="utf-8", newline="") as handle:
        direct = {row["old_code"].strip(): (row["new_code"].strip(), row["new_name"].strip()) for row in csv.DictReader(handle)}
    resolved = {}
    for old in direct:
        new, name = direct[old]
        seen = {old}
        while new in direct and new not in seen:  # a loop in the seed must not hang the page
            seen.add(new)
            new, name = direct[new]
        resolved[old] = (new, name)
    return resolved


@cache
def _raw_features(file_name: str) -> tuple[dict, ...]:
    with (MAPS_DIR / file_name).open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return tuple(collection["features"])


def features(file_name: str, codes: set[str] | None = None) -> list[dict]:
    """The outlines of one file with current codes, optionally only those in `codes`.

    Each feature is a new dict (the cached geometry is shared, never modified) with
    id = properties.region_code = the current adcode and properties.name = the outline's name
    (the current name where the code changed), so callers can add values without touching the cache.
    """
    changes = code_changes()
    result = []
    for feature in _raw_features(file_name):
        code = str(feature["id"])
        name = str(feature.get("properties", {}).get("name", code))
        if code in changes:
            code, name = changes[code]
        if codes is not None and code not in codes:
            continue
        result.append({
            "type": "Feature",
            "id": code,
            "properties": {"region_code": code, "name": name},
            "geometry": feature["geometry"],
        })
    return result


def city_features(province_code: str) -> list[dict]:
    """The prefecture-level outlines of a province; empty when the project has none for it."""
    file_name = CITY_FILES.get(province_code)
    return features(file_name) if file_name else []


def county_features(city_code: str) -> list[dict]:
    """The county-level outlines of a prefecture-level city (by the first four digits of the adcode).

    A city without counties (嘉峪关 620200) is drawn as a whole in the county file under its own
    code; it is not a county of itself, so it is left out here.
    """
    file_name = COUNTY_FILES.get(city_code[:2] + "0000")
    if not file_name:
        return []
    return [feature for feature in features(file_name) if feature["id"][:4] == city_code[:4] and feature["id"] != city_code]


def children_features(parent_code: str | None, level: str | None) -> list[dict]:
    """Outlines of a region's direct children: a province -> its cities; a city -> its counties.
    Empty when the project has no outlines for them, and always for the country (no national map)."""
    if parent_code is None:
        return []
    if level == "province":
        return city_features(parent_code)
    if level == "city":
        return county_features(parent_code)
    return []
