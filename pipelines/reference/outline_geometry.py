"""Decoding and simplifying ECharts map outlines (pipelines/reference/map_outlines.py writes them).

Decoding: ECharts' "UTF8Encoding" stores each ring as a string of character pairs, each pair the
zigzag-encoded difference (in 1/1024 degree) to the previous point, starting at encodeOffsets.
Points are kept as integers in that unit until the end, so that a border two regions share is
the very same sequence of points in both.

Simplifying: rounding alone leaves a county file at 0.01° many times larger than a choropleth
needs, so borders are thinned with Douglas–Peucker first. Done ring by ring, the two sides of a
shared border would be thinned differently and the map would show gaps and overlaps; so rings are
cut into arcs at junctions (points where more than two regions' borders meet, or where a border
leaves another region's), each arc is thinned once, and both sides use that same result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import pairwise

Point = tuple[int, int]  # longitude, latitude in 1/SCALE degree
Ring = list[Point]  # not closed: the last point is not the first again
SCALE = 1024


def decode_ring(encoded: str, offset: list[int]) -> Ring:
    """ECharts' decodePolygon, in integers: zigzag-decoded deltas from the offset."""
    x, y = offset
    ring = []
    for index in range(0, len(encoded) - 1, 2):
        dx, dy = ord(encoded[index]) - 64, ord(encoded[index + 1]) - 64
        x += (dx >> 1) ^ -(dx & 1)
        y += (dy >> 1) ^ -(dy & 1)
        ring.append((x, y))
    deduplicated = [point for index, point in enumerate(ring) if index == 0 or point != ring[index - 1]]
    if len(deduplicated) > 1 and deduplicated[0] == deduplicated[-1]:
        deduplicated.pop()
    return deduplicated


def decode_polygons(geometry: dict) -> list[list[Ring]]:
    """An encoded Polygon / MultiPolygon as a list of polygons, each a list of rings (outer first)."""
    if geometry["type"] == "Polygon":
        pairs = [list(zip(geometry["coordinates"], geometry["encodeOffsets"]))]
    else:
        pairs = [list(zip(rings, offsets)) for rings, offsets in zip(geometry["coordinates"], geometry["encodeOffsets"])]
    return [[decode_ring(encoded, offset) for encoded, offset in polygon] for polygon in pairs if polygon]


def junctions(rings: Iterable[Ring]) -> set[Point]:
    """Points with more than two distinct neighbours over all rings: where borders meet or part."""
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for ring in rings:
        for index, point in enumerate(ring):
            neighbours[point].update((ring[index - 1], ring[(index + 1) % len(ring)]))
    return {point for point, near in neighbours.items() if len(near) > 2}


def _distance_squared(point: Point, start: Point, end: Point) -> float:
    """Squared distance from point to the segment start–end (to start when the two coincide)."""
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    if length == 0:
        return (px - ax) ** 2 + (py - ay) ** 2
    share = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return (px - ax - share * dx) ** 2 + (py - ay - share * dy) ** 2


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points that stay within tolerance (same unit) of the line; both ends always kept."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    limit = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        farthest, largest = -1, limit
        for index in range(first + 1, last):
            distance = _distance_squared(points[index], points[first], points[last])
            if distance > largest:
                farthest, largest = index, distance
        if farthest > 0:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep) if kept]


def _arcs(ring: Ring, cut_points: set[Point]) -> list[list[Point]]:
    """The ring cut at its junctions into arcs (each from one junction to the next, both included).
    A ring without one (an island, an enclave) is cut at its smallest point, which both sides of
    an enclave's border agree on."""
    cuts = [index for index, point in enumerate(ring) if point in cut_points] or [ring.index(min(ring))]
    rotated = ring[cuts[0]:] + ring[:cuts[0]] + [ring[cuts[0]]]
    positions = sorted((index - cuts[0]) % len(ring) for index in cuts) + [len(ring)]
    return [rotated[start:end + 1] for start, end in pairwise(positions)]


def simplify_ring(ring: Ring, cut_points: set[Point], tolerance: float, cache: dict) -> Ring:
    """The ring with every arc thinned; an arc met again (reversed, from the neighbour) is thinned
    once, in one canonical direction, so both sides keep the same points."""
    result: Ring = []
    for arc in _arcs(ring, cut_points):
        forward, backward = tuple(arc), tuple(reversed(arc))
        canonical = min(forward, backward)
        if canonical not in cache:
            cache[canonical] = douglas_peucker(list(canonical), tolerance)
        kept = cache[canonical] if canonical == forward else cache[canonical][::-1]
        result.extend(kept[:-1])  # the arc's end is the next arc's start
    return result


def to_degrees(ring: Ring, decimals: int) -> list[list[float]] | None:
    """A GeoJSON ring: rounded, consecutive duplicates dropped, closed; None under 3 corners."""
    rounded: list[list[float]] = []
    for x, y in ring:
        point = [round(x / SCALE, decimals), round(y / SCALE, decimals)]
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    return rounded + [rounded[0]] if len(rounded) >= 3 else None


def geometry(polygons: list[list[Ring]], decimals: int) -> dict | None:
    """A GeoJSON Polygon or MultiPolygon; a polygon whose outer ring vanishes is left out (a tiny
    island), and a hole that vanishes too; None when nothing is left."""
    kept = []
    for polygon in polygons:
        rings = [to_degrees(ring, decimals) for ring in polygon]
        if rings and rings[0] is not None:
            kept.append([ring for ring in rings if ring is not None])
    if not kept:
        return None
    return {"type": "Polygon", "coordinates": kept[0]} if len(kept) == 1 else {"type": "MultiPolygon", "coordinates": kept}


def simplify_features(features: list[dict], tolerance: float, decimals: int, finer: int) -> dict[str, dict]:
    """adcode -> GeoJSON geometry for the encoded features of one file, borders thinned together
    (tolerance in degrees). A region that would vanish (a small urban district) keeps its full
    outline at `finer` decimals; one without geometry in the source is left out."""
    decoded: dict[str, list[list[Ring]]] = {}
    for feature in features:  # a region the source draws as two features (西藏's 山南市) is one
        decoded.setdefault(str(feature["id"]), []).extend(decode_polygons(feature["geometry"]))
    cut_points = junctions(ring for polygons in decoded.values() for polygon in polygons for ring in polygon if ring)
    cache: dict = {}
    result = {}
    for code, polygons in decoded.items():
        thinned = [[simplify_ring(ring, cut_points, tolerance * SCALE, cache) for ring in polygon if ring] for polygon in polygons]
        shape = geometry(thinned, decimals) or geometry(polygons, finer)
        if shape is not None:
            result[code] = shape
    return result
