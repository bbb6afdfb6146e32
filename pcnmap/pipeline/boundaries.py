"""Indicative network boundaries derived from practice locations.

No official network boundary exists. Two derivations are offered, both
labelled indicative wherever they are shown:

* ``lsoa`` (the default): each LSOA goes to the network of its nearest
  active practice, preferring practices of the LSOA's own commissioner, and
  a network's LSOAs are dissolved into its boundary. Boundaries follow
  statistical geography and nest in commissioner boundaries except where a
  network really spans two.
* ``voronoi``: each practice site's nearest-site cell, clipped to England,
  dissolved by network.

All geometry work is done in metres on the British National Grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.model.contiguity import PartGraph, practice_points
from pcnmap.model.methods import NO_NETWORK, SIGNIFICANT_PART_KM2
from pcnmap.pipeline.geography import BRITISH_NATIONAL_GRID


@dataclass(frozen=True)
class LsoaLayer:
    """England's LSOAs as an exact coverage, in metres."""

    codes: np.ndarray
    names: np.ndarray
    geometry: np.ndarray  # shapely polygons, EPSG:27700
    points: np.ndarray  # a point inside each LSOA

    @property
    def areas_km2(self) -> np.ndarray:
        """Each shape's area in square kilometres (the geometry is in metres)."""
        return shapely.area(self.geometry) / 1e6


def prepare_lsoas(lsoas: gpd.GeoDataFrame) -> LsoaLayer:
    """Turn the LSOA boundary layer into an exact coverage.

    The generalised layer has hairline gaps and overlaps between neighbours;
    cleaning it once makes every later dissolve exact and gap-free.
    """
    projected = lsoas.to_crs(BRITISH_NATIONAL_GRID)
    geometry = shapely.coverage_clean(projected.geometry.values)
    return LsoaLayer(
        codes=projected["lsoa_code"].to_numpy(),
        names=projected["lsoa_name"].to_numpy(),
        geometry=geometry,
        points=shapely.point_on_surface(geometry),
    )


def nearest_practice(
    lsoas: LsoaLayer, lsoa_commissioner: np.ndarray, practices: pd.DataFrame
) -> pd.DataFrame:
    """Each LSOA's nearest practice, preferring its own commissioner's.

    Where the LSOA's commissioner has no placed practice (or is unknown), the
    nearest practice of any commissioner is taken. Returns one row per LSOA:
    ``lsoa_code``, ``practice_code``, ``network_code`` (or missing),
    ``distance_m`` and ``own_commissioner`` (whether the preference held).
    """
    placed = practice_points(practices)
    chosen = np.full(len(lsoas.codes), -1, dtype=np.int64)
    distance = np.full(len(lsoas.codes), np.nan)
    own = np.zeros(len(lsoas.codes), dtype=bool)
    by_commissioner = placed.groupby("commissioner_code").indices
    positions = {code: np.asarray(index) for code, index in by_commissioner.items()}
    lsoa_groups = pd.Series(np.arange(len(lsoa_commissioner))).groupby(
        pd.Series(lsoa_commissioner).fillna("")).indices
    points = placed["point"].to_numpy()
    for commissioner, lsoa_index in lsoa_groups.items():
        candidates = positions.get(commissioner)
        if candidates is None or len(candidates) == 0:
            continue
        tree = shapely.STRtree(points[candidates])
        pairs, gaps = tree.query_nearest(lsoas.points[lsoa_index], return_distance=True)
        chosen[lsoa_index[pairs[0]]] = candidates[pairs[1]]
        distance[lsoa_index[pairs[0]]] = gaps
        own[lsoa_index[pairs[0]]] = True
    rest = np.flatnonzero(chosen < 0)
    if len(rest):
        tree = shapely.STRtree(points)
        pairs, gaps = tree.query_nearest(lsoas.points[rest], return_distance=True)
        chosen[rest[pairs[0]]] = pairs[1]
        distance[rest[pairs[0]]] = gaps
    picked = placed.iloc[chosen]
    return pd.DataFrame({
        "lsoa_code": lsoas.codes,
        "lsoa_name": lsoas.names,
        "lsoa_commissioner_code": lsoa_commissioner,
        "practice_code": picked["practice_code"].to_numpy(),
        "network_code": picked["network_code"].to_numpy(),
        "distance_m": distance.round(0),
        "own_commissioner": own,
        "area_km2": lsoas.areas_km2.round(4),
    })


def give_every_network_an_lsoa(
    assignment: pd.DataFrame, lsoas: LsoaLayer, practices: pd.DataFrame
) -> pd.DataFrame:
    """Make sure each network with a placed member owns at least one LSOA.

    A network can be nearest to no LSOA when its practices share a building
    with another network's. It then takes the LSOA its practice stands in, or
    failing that the nearest LSOA whose owner keeps at least one other.
    """
    result = assignment.copy()
    placed = practice_points(practices.dropna(subset=["network_code"]))
    tree = shapely.STRtree(lsoas.geometry)
    owned = result["network_code"].value_counts()
    for network, members in placed.groupby("network_code"):
        if owned.get(network, 0) > 0:
            continue
        site = members.sort_values("registered", ascending=False)["point"].iloc[0]
        order = np.argsort(shapely.distance(lsoas.points, site))[:50]
        containing = tree.query(site, predicate="within")
        candidates = list(containing) + [i for i in order if i not in set(containing)]
        for index in candidates:
            owner = result.at[index, "network_code"]
            if pd.isna(owner) or owned.get(owner, 0) > 1:
                if pd.notna(owner):
                    owned[owner] -= 1
                result.loc[index, ["network_code", "practice_code"]] = [
                    network, members.sort_values("registered", ascending=False)[
                        "practice_code"].iloc[0]]
                result.loc[index, "reassigned"] = True
                owned[network] = 1
                break
    result["reassigned"] = result.get("reassigned", pd.Series(False, index=result.index))
    result["reassigned"] = result["reassigned"].fillna(False).astype(bool)
    return result


def dissolve(geometry: np.ndarray, keys: np.ndarray, *, exact: bool = True) -> gpd.GeoDataFrame:
    """Union pieces by key.

    ``exact`` pieces form a coverage whose shared edges match vertex for
    vertex, which allows the much faster coverage union.
    """
    union = shapely.coverage_union_all if exact else shapely.union_all
    frame = pd.DataFrame({"key": keys, "index": np.arange(len(keys))})
    rows = []
    for key, index in frame.groupby("key")["index"]:
        rows.append((key, union(geometry[index.to_numpy()])))
    keys_out, shapes = zip(*rows, strict=True) if rows else ((), ())
    return gpd.GeoDataFrame({"key": list(keys_out)},
                            geometry=list(shapes), crs=BRITISH_NATIONAL_GRID)


def lsoa_boundaries(assignment: pd.DataFrame, lsoas: LsoaLayer, *,
                    column: str = "network_code") -> gpd.GeoDataFrame:
    """Network boundaries from an LSOA assignment's ``column`` (areas of no
    network keyed NONE)."""
    keys = assignment[column].fillna(NO_NETWORK).to_numpy()
    return dissolve(lsoas.geometry, keys).rename(columns={"key": "network_code"})


def voronoi_boundaries(practices: pd.DataFrame, england: shapely.Geometry,
                       lsoas: LsoaLayer | None = None) -> gpd.GeoDataFrame:
    """Network boundaries from nearest-site cells, clipped to England.

    Practices at the same site (the same grid position, usually the same
    postcode) form one cell, so co-located practices cannot produce
    degenerate cells. The cell goes to the network of the site's largest
    practice, except that a network left with no site of its own takes one
    of its shared sites from a network that keeps another. Where both have
    no other site (two networks' practices in one building), the one left
    without takes the part of the cell inside the LSOA the building stands
    in (given ``lsoas``), so every network with a placed member has an area.
    """
    placed = practice_points(practices)
    placed["network"] = placed["network_code"].fillna(NO_NETWORK)
    placed = placed.sort_values("registered", ascending=False, na_position="last")
    placed["site"] = placed.groupby(["easting", "northing"], sort=False).ngroup()
    sites = placed.drop_duplicates("site").set_index("site")
    owned = sites["network"].value_counts()
    orphans: list[tuple[str, int]] = []
    for network, members in placed[placed["network"] != NO_NETWORK].groupby("network"):
        if owned.get(network, 0):
            continue
        for site in members["site"]:
            owner = sites.at[site, "network"]
            if owned.get(owner, 0) > 1 or owner == NO_NETWORK:
                owned[owner] -= 1
                sites.at[site, "network"] = network
                owned[network] = 1
                break
        else:
            orphans.append((network, int(members["site"].iloc[0])))
    cells = shapely.voronoi_polygons(
        shapely.multipoints(sites["point"].to_numpy()),
        extend_to=shapely.envelope(england), ordered=True)
    cells = np.asarray(shapely.get_parts(cells))
    shapely.prepare(england)
    # Only cells crossing England's edge need the (costly) clip.
    crossing = ~shapely.contains_properly(england, cells)
    clipped = cells.copy()
    clipped[crossing] = [polygonal(g) for g in shapely.intersection(cells[crossing], england)]
    keys = list(sites["network"].to_numpy())
    pieces = list(clipped)
    if orphans and lsoas is not None:
        tree = shapely.STRtree(lsoas.geometry)
        for network, site in orphans:
            position = sites.index.get_loc(site)
            holding = tree.query(sites.at[site, "point"], predicate="within")
            if not len(holding):
                continue
            piece = polygonal(shapely.intersection(pieces[position],
                                                   lsoas.geometry[holding[0]]))
            pieces[position] = polygonal(shapely.difference(pieces[position], piece))
            pieces.append(piece)
            keys.append(network)
    return dissolve(np.asarray(pieces, dtype=object), np.asarray(keys, dtype=object),
                    exact=False).rename(columns={"key": "network_code"})


def polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep only the areal parts of a geometry (clipping can leave slivers of line)."""
    if geometry is None or shapely.is_empty(geometry):
        return shapely.Polygon()
    if shapely.get_type_id(geometry) in (3, 6):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if shapely.get_type_id(p) in (3, 6)]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def describe_parts(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add each boundary's area, its separate parts and the parts' areas.

    ``parts`` counts every part; ``significant_parts`` only those of at least
    :data:`SIGNIFICANT_PART_KM2`, which is what contiguity is judged by.
    """
    result = boundaries.copy()
    result["area_km2"] = (result.geometry.area / 1e6).round(3)
    parts = [shapely.get_parts(g) for g in result.geometry.values]
    result["parts"] = [len(p) for p in parts]
    result["significant_parts"] = [
        int((shapely.area(p) / 1e6 >= SIGNIFICANT_PART_KM2).sum()) for p in parts]
    result["part_areas_km2"] = [
        sorted((shapely.area(p) / 1e6).round(3).tolist(), reverse=True) for p in parts
    ]
    return result


def simplified(boundaries: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """A set of boundaries (in metres) simplified as one coverage, so
    neighbours keep sharing their edges."""
    result = boundaries.copy()
    result["geometry"] = shapely.coverage_simplify(result.geometry.values, tolerance_m)
    return result.set_crs(BRITISH_NATIONAL_GRID, allow_override=True)




def part_graph(lsoas: LsoaLayer) -> PartGraph:
    """Build the piece adjacency of the (exact) LSOA coverage."""
    pieces, owner = shapely.get_parts(lsoas.geometry, return_index=True)
    tree = shapely.STRtree(pieces)
    first, second = tree.query(pieces, predicate="touches")
    ordered = first < second
    first, second = first[ordered], second[ordered]
    # Dimension 1 where the boundaries meet: a shared edge. Pieces meeting at a
    # corner stay separate parts of a union, so they are not neighbours.
    shared_edge = shapely.relate_pattern(pieces[first], pieces[second], "****1****")
    parts = pd.DataFrame({"lsoa_code": lsoas.codes[owner],
                          "area_km2": shapely.area(pieces) / 1e6})
    edges = pd.DataFrame({"part_a": first[shared_edge].astype("int32"),
                          "part_b": second[shared_edge].astype("int32")})
    return PartGraph(parts, edges.sort_values(["part_a", "part_b"]).reset_index(drop=True))

