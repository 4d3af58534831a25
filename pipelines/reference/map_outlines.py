"""The map outlines in dashboards/maps/ (cities/<province>.geojson, counties/<province>.geojson),
made from two MIT-licensed PyPI packages of ECharts maps, so that no outline is edited by hand.

Sources (dashboards/maps/README.md has origin, licence, vintage and what is left out):

- echarts-china-provinces-pypkg 0.0.3: one file per province with its prefecture-level units and
  the county-level units directly under the province (湖北's 仙桃, 新疆's 石河子);
- echarts-china-cities-pypkg 0.0.9: one file per prefecture with its counties, and one per
  municipality (北京, 天津, 上海, 重庆) with its districts and counties, which are a
  municipality's direct children.

The geometry is decoded and thinned by pipelines/reference/outline_geometry.py (borders two
regions share are thinned alike), rounded, and only the adcode (feature id) and the name kept, so
that the files stay small (README: total size).

Left out on purpose (dashboards/geo.py and the README say why): 海南 (its map would need 三沙's
islands and the 南海诸岛 inset) and 台湾; there is no national outline at all.

Run, after `pip download --no-deps --no-build-isolation` of the two packages into a folder:
    python -m pipelines.reference.map_outlines FOLDER
It reads the two sdists (.tar.gz) as they are and rewrites dashboards/maps/cities and counties.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import tarfile
from pathlib import Path

from dashboards.geo import NO_MAP_REASONS
from pipelines.paths import SEEDS_DIR
from pipelines.reference.outline_geometry import simplify_features

MAPS_DIR = Path(__file__).parents[2] / "dashboards" / "maps"
PROVINCES_SDIST = "echarts-china-provinces-pypkg-0.0.3.tar.gz"
CITIES_SDIST = "echarts-china-cities-pypkg-0.0.9.tar.gz"
# Thinning tolerance (degrees) and decimals kept, per file kind. 0.01° is about 1 km: plenty for
# a choropleth of a province's prefectures or of its counties, and it keeps all files a few MB.
TOLERANCE = {"cities": 0.01, "counties": 0.01}
DECIMALS = {"cities": 2, "counties": 2}
FINER = 3  # decimals for a region that would vanish at the coarser setting (a small urban district)
# Provinces that get no outline file: those the page says have no map by design (dashboards.geo's
# NO_MAP_REASONS: 海南, whose map must show 三沙's islands with the 南海诸岛 inset), and 台湾,
# which this source does not draw with codes. 香港 and 澳门 have no subdivisions in the 2024
# division list, so they need no file.
EXCLUDED_PROVINCES = {*NO_MAP_REASONS, "710000"}
# Source outlines left out: 东沙群岛 (Pratas), which the cities package files under 广东, is island
# territory of the South China Sea, as 三沙 is, so it is not drawn either; the source's 232701 is
# 加格达奇区 (not a county in the division list), a code given to 漠河市 (formerly 漠河县 232723,
# mapped by ref_region_code_changes) in 2018, so keeping it would draw 加格达奇 as 漠河.
EXCLUDED_OUTLINES = {"442100": "东沙群岛", "232701": "加格达奇区"}
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}
SOURCE_NOTE = (
    "echarts-china-provinces-pypkg 0.0.3 and echarts-china-cities-pypkg 0.0.9 (MIT, PyPI), decoded and thinned by "
    "pipelines/reference/map_outlines.py; dashboards/maps/README.md"
)

_KEY = re.compile(r"([{,]\s*)([A-Za-z_]\w*)\s*:")
_STRING = re.compile(r'("(?:[^"\\]|\\.)*")')


def parse_registered_map(script: str) -> tuple[str, dict]:
    """(map name, FeatureCollection) from an ECharts map script: `registerMap("甘肃", {...})`.

    The object is a JavaScript literal (unquoted keys, !0 for true); outside its strings it is
    made JSON. The encoded strings never hold ':' (every code is 64 or more), so a key cannot be
    faked by one, and they are left as they are.
    """
    start = script.index("registerMap(") + len("registerMap(")
    name_end = script.index(",", start)
    body = script[name_end + 1:_matching_brace(script, name_end + 1) + 1]
    parts = _STRING.split(body)
    for index in range(0, len(parts), 2):  # even parts are outside strings
        parts[index] = _KEY.sub(r'\1"\2":', parts[index]).replace("!0", "true").replace("!1", "false")
    return json.loads(script[start:name_end]), json.loads("".join(parts))


def _matching_brace(text: str, start: int) -> int:
    """The index of the brace that closes the first one at or after start (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
    raise ValueError("unbalanced braces in the map script")


def _scripts(sdist: Path) -> dict[str, str]:
    """file name -> text of every map script in an sdist (registry and index files left out)."""
    with tarfile.open(sdist) as archive:
        return {
            Path(member.name).name: archive.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
            for member in archive.getmembers()
            if member.isfile() and member.name.endswith(".js") and not member.name.endswith(("index.js", "main.js"))
        }


def _seed_regions() -> list[dict[str, str]]:
    with (SEEDS_DIR / "ref_regions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fill_missing_ids(map_name: str, features: list[dict], regions: list[dict[str, str]]) -> list[dict]:
    """The features with an adcode; one the source left without (all of 沧州's counties, 上海's
    崇明区, 西藏's 山南市) gets it from the 2024 division list by its exact name among the
    children of the region the file draws (the one whose name starts with the map's: "沧州" ->
    沧州市). A feature still without one is dropped."""
    if all("id" in feature for feature in features):
        return features
    parents = [row["adcode"] for row in regions if row["name"].startswith(map_name) and row["level"] != "county"]
    by_name = {row["name"]: row["adcode"] for row in regions if len(parents) == 1 and row["parent_adcode"] == parents[0]}
    filled = []
    for feature in features:
        code = feature.get("id") or by_name.get(feature["properties"]["name"])
        if code:
            filled.append({**feature, "id": code})
    return filled


def _kept(code: str, kind: str) -> bool:
    """Whether an outline goes into a file: never an excluded province's or an island group
    (东沙群岛); a county file leaves out the county-level units directly under the province
    (湖北's 仙桃, code xx90xx), which its province's cities file draws already."""
    province = code[:2] + "0000"
    if province in EXCLUDED_PROVINCES or province not in _PROVINCE_CODES or code in EXCLUDED_OUTLINES:
        return False
    return not (kind == "counties" and code[2:4] == "90")


def collect(folder: Path) -> dict[str, dict[str, list[dict]]]:
    """kind ("cities" / "counties") -> province code -> the encoded features, from the two sdists.

    A province file gives its province's children; a municipality's file in the cities package
    gives its children too (its districts); every other city file gives its counties.
    """
    regions = _seed_regions()
    collected: dict[str, dict[str, list[dict]]] = {"cities": {}, "counties": {}}
    for sdist, default_kind in ((PROVINCES_SDIST, "cities"), (CITIES_SDIST, "counties")):
        for _, script in sorted(_scripts(folder / sdist).items()):
            map_name, collection = parse_registered_map(script)
            for feature in fill_missing_ids(map_name, collection["features"], regions):
                code = str(feature["id"])
                kind = "cities" if code[:2] + "0000" in MUNICIPALITIES else default_kind
                if _kept(code, kind):
                    collected[kind].setdefault(code[:2] + "0000", []).append({**feature, "id": code})
    return collected


# The 31 provinces of the mainland (GB/T 2260), the only ones that get outline files.
_PROVINCE_CODES = {
    f"{prefix}0000" for prefix in (
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    )
}


def write(collected: dict[str, dict[str, list[dict]]], maps_dir: Path = MAPS_DIR) -> dict[str, int]:
    """Write one file per kind and province (compact JSON, one feature a line); path -> bytes."""
    sizes = {}
    for kind, provinces in collected.items():
        folder = maps_dir / kind
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.geojson"):
            old.unlink()
        for province, features in sorted(provinces.items()):
            names = {str(feature["id"]): feature["properties"]["name"] for feature in features}
            shapes = simplify_features(features, TOLERANCE[kind], DECIMALS[kind], FINER)
            outlines = [
                {"type": "Feature", "id": code, "properties": {"name": names[code]}, "geometry": shape}
                for code, shape in sorted(shapes.items())
            ]
            header = {"type": "FeatureCollection", "properties": {"source": SOURCE_NOTE}}
            lines = [json.dumps(outline, ensure_ascii=False, separators=(",", ":")) for outline in outlines]
            text = json.dumps(header, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
            path = folder / f"{province}.geojson"
            path.write_text(text, encoding="utf-8")
            sizes[path.relative_to(maps_dir).as_posix()] = len(text.encode("utf-8"))
    return sizes


if __name__ == "__main__":
    written = write(collect(Path(sys.argv[1])))
    print(f"{len(written)} files, {sum(written.values()) / 1e6:.2f} MB")
