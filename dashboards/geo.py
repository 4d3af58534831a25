"""Map outlines for the choropleths: the GeoJSON files in dashboards/maps/, with codes brought up to date.

What ships (dashboards/maps/README.md: origin, licence, vintage, coverage): for every province of
the mainland except 海南, cities/<province>.geojson with its direct children (prefecture-level
units, the county-level units directly under it such as 湖北's 仙桃, and a municipality's
districts) and counties/<province>.geojson with the counties of all its prefectures. No file for
海南 (its map would have to show 三沙 and the 南海诸岛 inset), 台湾, 香港 or 澳门 (no
subdivisions), and no national outline at all (the standard-map rules).

The outlines are display-only (thinned and rounded to 0.01°, about 1 km) and offline: the regions
page draws them with altair's geoshape, never with map tiles. Feature `id` is the GB/T 2260 adcode.

The outlines are of about 2017 vintage (华亭县 620824 is 华亭市 620881 since 2018), while the
warehouse uses 2024 codes. The renamings are not typed again here: they are read from the dbt seed
ref_region_code_changes.csv (pipelines.paths.SEEDS_DIR), the one place the project keeps code
changes, so a new change listed there reaches the map too.

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

# The two layouts: cities/<province>.geojson (a province's direct children), counties/<province>.geojson
# (the counties of its prefectures). A province without a file gets the ranking table only.
CITIES, COUNTIES = "cities", "counties"
# Provinces that deliberately have no map, with why (an i18n key the page shows): a map of 海南
# must show 三沙's islands with the 南海诸岛 inset, which no redistributable outline has.
NO_MAP_REASONS = {"460000": "regions_province_no_map_islands"}


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


def outline_file(kind: str, province_code: str) -> str | None:
    """The file of one kind (CITIES or COUNTIES) for a province, relative to MAPS_DIR; None when none ships."""
    name = f"{kind}/{province_code}.geojson"
    return name if _shipped(name) else None


@cache
def _shipped(name: str) -> bool:
    return (MAPS_DIR / name).is_file()


def city_features(province_code: str) -> list[dict]:
    """The outlines of a province's direct children; empty when the project has none for it."""
    file_name = outline_file(CITIES, province_code)
    return features(file_name) if file_name else []


def county_features(city_code: str) -> list[dict]:
    """The county-level outlines of a prefecture-level city: those in its province's county file
    whose current code starts with the city's four digits (公主岭 220184, moved to 长春 in 2020,
    is found under 长春 through its code change).

    A city without counties (嘉峪关 620200) is drawn as a whole in the county file under its own
    code; it is not a county of itself, so it is left out here.
    """
    file_name = outline_file(COUNTIES, city_code[:2] + "0000")
    if not file_name:
        return []
    return [feature for feature in features(file_name) if feature["id"][:4] == city_code[:4] and feature["id"] != city_code]


def no_map_reason(region_code: str | None) -> str | None:
    """The i18n key saying why a region's children have no map by design (all of 海南's), else None."""
    if region_code is None:
        return None
    return NO_MAP_REASONS.get(region_code[:2] + "0000")


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
