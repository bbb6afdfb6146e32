"""The colours maps draw with: a palette for networks, and colours with a meaning."""

from __future__ import annotations

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
