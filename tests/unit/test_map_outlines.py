"""The map outlines in dashboards/maps/ against the 2024 division list (dbt seed ref_regions.csv),
and the generator's decoding and thinning (pipelines/reference/map_outlines.py, outline_geometry.py).

Figures measured when the files were made (dashboards/maps/README.md): 426 of the 431 direct
children of the 30 mapped provinces and 2,694 of the 2,718 counties of prefectures (99.1 %) have
an outline; all files together 3.9 MB.
"""

from __future__ import annotations

import csv
import json

import pytest

from dashboards import geo
from pipelines.paths import SEEDS_DIR
from pipelines.reference import map_outlines, outline_geometry

# By design no map (geo.NO_MAP_REASONS, README): 海南; 香港 and 澳门 have no subdivisions.
NO_MAP = {"460000", "810000", "820000"}
# Outlines of units the 2024 list no longer has (README: drawn grey, as regions without data):
# 莱芜市 (merged into 济南 in 2019) and 重庆's 江北区 and 渝北区 (not in the 2024 list we use).
STALE = {"371200", "500105", "500112"}
COUNTY_COVERAGE = 0.99  # measured 0.991
MAX_TOTAL_BYTES = 5_000_000  # measured 3.9 MB


def _regions() -> list[dict[str, str]]:
    with (SEEDS_DIR / "ref_regions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _children(regions, parent: str) -> set[str]:
    return {row["adcode"] for row in regions if row["parent_adcode"] == parent}


def test_every_province_but_the_exceptions_has_its_children_s_outlines():
    regions = _regions()
    # 台湾省 is listed without a code ("资料暂缺00") and gets no map either.
    provinces = {row["adcode"] for row in regions if row["level"] == "province" and row["adcode"].isdigit()}
    assert len(provinces - NO_MAP) == 30
    prefectures_total = prefectures_drawn = 0
    for province in sorted(provinces - NO_MAP):
        codes = {feature["id"] for feature in geo.city_features(province)}
        children = _children(regions, province)
        assert codes, province
        assert codes - STALE <= children, (province, sorted(codes - children))
        prefectures = {code for code in children if code[4:] == "00"}  # prefecture-level units
        prefectures_total += len(prefectures)
        prefectures_drawn += len(prefectures & codes)
        assert len(children & codes) >= 0.8 * len(children), province
    # 2024 prefectures without an outline: none (胡杨河, 新星, 白杨 and 蓟州 are county-level).
    assert prefectures_drawn == prefectures_total


def test_at_least_99_percent_of_the_counties_of_prefectures_have_an_outline():
    regions = _regions()
    total = drawn = 0
    for row in regions:
        if row["level"] != "prefecture" or row["province_adcode"] in NO_MAP:
            continue
        counties = _children(regions, row["adcode"])
        codes = {feature["id"] for feature in geo.county_features(row["adcode"])}
        total += len(counties)
        drawn += len(counties & codes)
    assert total > 2_700
    assert drawn / total >= COUNTY_COVERAGE, (drawn, total)


def test_the_exceptions_have_no_file_and_the_files_are_small():
    shipped = {path.stem for path in (geo.MAPS_DIR / geo.CITIES).glob("*.geojson")}
    assert not shipped & (NO_MAP | {"710000", "100000"})
    assert len(shipped) == 30
    files = list(geo.MAPS_DIR.rglob("*.geojson"))
    assert sum(path.stat().st_size for path in files) < MAX_TOTAL_BYTES
    for path in files:  # id and name only, codes as strings
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            assert set(feature["properties"]) == {"name"} and isinstance(feature["id"], str)
            assert feature["id"] not in map_outlines.EXCLUDED_OUTLINES


def test_a_county_moved_to_another_city_is_found_under_its_new_city():
    # 公主岭 220381 (四平) became 220184 (长春) in 2020: the seed's code change moves it.
    assert "220184" in {feature["id"] for feature in geo.county_features("220100")}
    assert "220184" not in {feature["id"] for feature in geo.county_features("220300")}


# --- the generator --------------------------------------------------------------------------------


def _encode(points: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """ECharts' encoding, the inverse of decode_ring, for the tests."""
    text, (x_prev, y_prev) = [], points[0]
    for x, y in points:
        for delta in (x - x_prev, y - y_prev):
            text.append(chr(((delta << 1) ^ (delta >> 31)) + 64))
        x_prev, y_prev = x, y
    return "".join(text), list(points[0])


def test_a_map_script_is_parsed_and_decoded():
    points = [(106000, 36000), (106100, 36000), (106100, 36100), (106000, 36100)]
    encoded, offset = _encode(points)
    script = (
        'B.registerMap("甲",{type:"FeatureCollection",features:[{id:"620100",type:"Feature",\n'
        'geometry:{type:"Polygon",coordinates:[' + json.dumps(encoded) + '],encodeOffsets:[' + json.dumps(offset) + ']},'
        'properties:{name:"甲市",childNum:1}}],UTF8Encoding:!0})'
    )
    name, collection = map_outlines.parse_registered_map(script)
    assert name == "甲" and collection["UTF8Encoding"] is True
    polygons = outline_geometry.decode_polygons(collection["features"][0]["geometry"])
    assert polygons == [[points]]


def test_a_shared_border_is_thinned_alike_on_both_sides():
    """Two squares sharing a wiggly border: each side keeps the same points of it."""
    wiggle = [(100 + index % 2, y) for index, y in enumerate(range(0, 101, 10))]
    left = [(0, 0)] + wiggle + [(0, 100)]
    right = list(reversed(wiggle)) + [(200, 100), (200, 0)]
    features = [
        {"id": "1", "geometry": {"type": "Polygon", "coordinates": [_encode(left)[0]], "encodeOffsets": [_encode(left)[1]]}},
        {"id": "2", "geometry": {"type": "Polygon", "coordinates": [_encode(right)[0]], "encodeOffsets": [_encode(right)[1]]}},
    ]
    shapes = outline_geometry.simplify_features(features, tolerance=5 / outline_geometry.SCALE, decimals=6, finer=6)

    def border(code: str) -> set[tuple[float, ...]]:  # the points on x = 100 units (about 0.098°)
        return {tuple(point) for point in shapes[code]["coordinates"][0] if 0.09 < point[0] < 0.1}

    assert border("1") == border("2")
    assert len(border("1")) == 2  # the 1-unit wiggle is thinned away, the ends (junctions) kept


@pytest.mark.parametrize("code, kind, kept", [
    ("620824", "counties", True), ("429004", "counties", False), ("429004", "cities", True),
    ("442100", "counties", False), ("460100", "cities", False),
])
def test_what_the_generator_keeps(code, kind, kept):
    assert map_outlines._kept(code, kind) is kept
