"""The separate pieces of networks drawn in more than one, and what each
holds: so a network's map and its contiguity flag say the same thing.

A network's indicative area can come apart in pieces: its practices stand
in areas that do not touch (it is flagged non-contiguous), or a piece holds
no member practice at all (an LSOA nearer one of its practices than any
other, cut off by another network's area; a catchment cell across an
estuary). Every piece of at least
:data:`~pcnmap.model.methods.SIGNIFICANT_PART_KM2` of every network drawn in
two or more is recorded with the member practices standing in it, the
practices whose areas make it, the networks touching it and how far it
lies from the pieces holding members, so the app can say why it is there.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.model.methods import NO_NETWORK, SIGNIFICANT_PART_KM2

COLUMNS = ["method", "network_code", "piece", "area_km2", "members", "area_of", "touching",
           "apart_km"]


def network_pieces(shapes: gpd.GeoDataFrame, method: str, placed: pd.DataFrame,
                   lsoa_shapes: np.ndarray | None = None,
                   lsoa_practice: np.ndarray | None = None) -> pd.DataFrame:
    """The pieces of every network of ``shapes`` drawn in two or more.

    Args:
        shapes: One method's network areas (``network_code``, ``geometry``
            in metres; the areas of no network keyed NONE), unsimplified.
        method: The method's name.
        placed: The practices with a position (``practice_code``,
            ``network_code``, ``point`` in metres), in the order
            ``lsoa_practice`` counts them.
        lsoa_shapes: Each LSOA's shape (LSOA-based methods): a piece is made
            of those overlapping it (an island is one piece of an LSOA whose
            point lies in another).
        lsoa_practice: Each LSOA's practice, by row of ``placed`` (-1: none).

    Returns:
        One row per piece: ``piece`` (1 the largest), ``area_km2``,
        ``members`` (codes of member practices standing in it, space
        separated), ``area_of`` (the practices whose areas make it; for
        Voronoi cells, the member whose cell it is), ``touching`` (networks
        whose areas touch it, NONE for areas of no network, comma
        separated), ``apart_km`` (its distance from the nearest piece
        holding a member; 0 for one that holds one).
    """
    frame = shapes[shapes["network_code"] != NO_NETWORK].reset_index(drop=True)
    geometry = frame.geometry.to_numpy()
    counts = np.array([int((shapely.area(shapely.get_parts(g)) / 1e6
                            >= SIGNIFICANT_PART_KM2).sum()) for g in geometry])
    everyone = shapes.reset_index(drop=True)
    tree = shapely.STRtree(everyone.geometry.to_numpy())
    codes = placed["practice_code"].to_numpy(dtype=object)
    networks = placed["network_code"].to_numpy(dtype=object)
    points = placed["point"].to_numpy()
    lsoa_tree = shapely.STRtree(lsoa_shapes) if lsoa_shapes is not None else None
    rows = []
    for index in np.flatnonzero(counts >= 2):
        code = frame.at[index, "network_code"]
        parts = [p for p in shapely.get_parts(geometry[index])
                 if shapely.area(p) / 1e6 >= SIGNIFICANT_PART_KM2]
        parts.sort(key=lambda p: -shapely.area(p))
        mine = np.flatnonzero(networks == code)
        held = [mine[shapely.dwithin(points[mine], part, 1.0)] for part in parts]
        with_members = [part for part, found in zip(parts, held, strict=True) if len(found)]
        for number, (part, found) in enumerate(zip(parts, held, strict=True), start=1):
            if lsoa_tree is not None and lsoa_practice is not None:
                near = lsoa_tree.query(part, predicate="intersects")
                inside = near[shapely.area(shapely.intersection(lsoa_shapes[near], part)) > 1.0]
                owners = lsoa_practice[inside]
                area_of = sorted({codes[o] for o in owners if o >= 0})
            else:  # a Voronoi piece is part of the cell of the member nearest it
                nearest = mine[np.argmin(shapely.distance(points[mine], part))] \
                    if len(mine) else None
                area_of = [codes[nearest]] if nearest is not None else []
            near = tree.query(part, predicate="dwithin", distance=1.0)
            touching = sorted({str(c) for c in everyone.loc[near, "network_code"]} - {code})
            apart = 0.0 if len(found) or not with_members else min(
                float(shapely.distance(part, other)) for other in with_members) / 1000
            rows.append({"method": method, "network_code": code, "piece": number,
                         "area_km2": round(float(shapely.area(part)) / 1e6, 3),
                         "members": " ".join(sorted(codes[found])),
                         "area_of": " ".join(area_of), "touching": ", ".join(touching),
                         "apart_km": round(apart, 2)})
    return pd.DataFrame(rows, columns=COLUMNS)
