"""The colours maps draw with: a palette for networks, and colours with a meaning."""

from __future__ import annotations

import hashlib

import geopandas as gpd
import shapely

# Paul Tol's "muted" qualitative scheme: distinguishable by colour-blind
# viewers (Tol, Colour schemes, SRON/EPS/TN/09-002).
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
           "#CC6677", "#882255", "#AA4499")


NO_NETWORK_COLOUR = "#DDDDDD"


GAP_COLOUR = "#EE3377"


def neighbour_colours(shapes: gpd.GeoDataFrame, key: str) -> dict[str, str]:
    """A palette colour per shape such that touching shapes differ where possible.

    Greedy colouring, largest neighbourhoods first; with nine colours and a
    map of networks this leaves no two neighbours alike in practice.
    """
    geoms = shapes.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    neighbours: dict[int, set[int]] = {i: set() for i in range(len(geoms))}
    for a, b in zip(left, right, strict=True):
        if a != b:
            neighbours[a].add(b)
    order = sorted(neighbours, key=lambda i: -len(neighbours[i]))
    chosen: dict[int, int] = {}
    for index in order:
        used = {chosen[n] for n in neighbours[index] if n in chosen}
        free = [c for c in range(len(PALETTE)) if c not in used]
        chosen[index] = free[0] if free else index % len(PALETTE)
    keys = shapes[key].to_numpy()
    return {keys[i]: PALETTE[c] for i, c in chosen.items()}


def preferred_colour(code: str) -> int:
    """The palette index a network's code asks for: a hash of the code alone,
    so it is the same in every snapshot and every session."""
    return int(hashlib.sha256(code.encode("utf-8")).hexdigest()[:8], 16) % len(PALETTE)


def stable_colours(shapes: gpd.GeoDataFrame, key: str = "network_code") -> dict[str, str]:
    """One palette colour per code, the same wherever the code appears.

    ``shapes`` may hold several shapes per code (its boundary in every
    snapshot): codes are neighbours when any of their shapes meet, so the
    colouring holds in each snapshot at once. Codes are taken in order; each
    keeps its :func:`preferred_colour` unless a neighbour taken before it
    has that colour, then the next palette colour that no such neighbour
    has (its own where every colour is taken). The result depends only on
    the codes and where they lie, never on one snapshot's map.
    """
    codes = shapes[key].to_numpy()
    geometries = shapes.geometry.values
    # Boxes first, then the exact test only for pairs of different codes
    # (a network's own shapes in five snapshots meet each other many times
    # over; testing those took half the time).
    left, right = shapely.STRtree(geometries).query(geometries)
    other = (codes[left] != codes[right]) & (left < right)
    left, right = left[other], right[other]
    meet = shapely.intersects(geometries[left], geometries[right])
    neighbours: dict[str, set[str]] = {code: set() for code in codes}
    for a, b in zip(codes[left[meet]], codes[right[meet]], strict=True):
        neighbours[a].add(b)
        neighbours[b].add(a)
    chosen: dict[str, int] = {}
    for code in sorted(neighbours):
        used = {chosen[other] for other in neighbours[code] if other in chosen}
        start = preferred_colour(code)
        free = [(start + step) % len(PALETTE) for step in range(len(PALETTE))
                if (start + step) % len(PALETTE) not in used]
        chosen[code] = free[0] if free else start
    return {code: PALETTE[index] for code, index in chosen.items()}


# Paul Tol's "bright" scheme: few colours that stay apart from each other
# and from the muted network palette's pastels.
CONTRASTING = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#AA3377", "#66CCEE")


def side_colours(codes: list[str]) -> dict[str, str]:
    """A contrasting colour for each of a few codes (a network's
    commissioners, say), in sorted order; past six, they repeat."""
    return {code: CONTRASTING[i % len(CONTRASTING)] for i, code in enumerate(sorted(codes))}
