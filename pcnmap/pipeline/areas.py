"""Commissioner and ICB areas of a snapshot, and the area each LSOA lies in.

Boundary files carry ONS codes, and not always ODS ones; the ODS codes
(what practices and networks name) then come from a table pairing the two.
Where no boundary of the snapshot's date exists, a newer one derives it: an
area that no practice names any more (a Sub-ICB location split since the
boundary file) is cut by the newer ICB boundaries, and each piece joins the
area its practices now belong to. Derived outlines are marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.pipeline.boundaries import LsoaLayer, polygonal
from pcnmap.pipeline.catalogue import AreaLayer, Boundary, LsoaLookup, Places
from pcnmap.pipeline.geography import BRITISH_NATIONAL_GRID, WGS84
from pcnmap.pipeline.readers import ons
from pcnmap.problems import QualityLog, SourceError

# A piece of a split area smaller than this is an artefact of two
# generalised boundaries meeting, not a part of the split.
SLIVER_KM2 = 1.0


@dataclass(frozen=True)
class Areas:
    """A snapshot's areas (``code``, ``ons_code``, ``name``, ``derived``,
    geometry in metres), the pieces of any area split since its boundary
    file (``old_code``, ``code``, geometry), which place that area's LSOAs,
    and the ODS code of every ONS code the boundary file had (split areas
    included: older lookups still name them)."""

    shapes: gpd.GeoDataFrame
    pieces: gpd.GeoDataFrame
    ods_by_ons: pd.Series


def read_boundary(source: Path, boundary: Boundary, log: QualityLog) -> gpd.GeoDataFrame:
    """A boundary file's areas with ``ons_code``, ``name`` and (when the file has
    them) ``code`` (ODS), in metres on the National Grid."""
    columns = {boundary.ons_code: "ons_code", boundary.name: "name"}
    if boundary.ods_code:
        columns[boundary.ods_code] = "code"
    return ons.read_boundaries(source / boundary.file, columns, log).to_crs(
        BRITISH_NATIONAL_GRID)


def read_areas(source: Path, layer: AreaLayer, log: QualityLog,
               practices: pd.DataFrame | None = None, *, code_column: str = "commissioner_code",
               names: pd.Series | None = None) -> Areas:
    """Read an area layer and give every area its ODS code.

    ``practices`` (with positions and ``code_column``) are needed for
    ``successors``; ``names`` (by ODS code) replace the boundary file's
    names when the layer takes them from the memberships file.
    """
    areas = read_boundary(source, layer.boundary, log)
    where = Path(layer.boundary.file).name
    if "code" not in areas.columns:
        pairs_path = source / layer.ods_codes.file
        pairs = ons.read_code_pairs(pairs_path, layer.ods_codes.ons, layer.ods_codes.ods)
        areas["code"] = areas["ons_code"].map(pairs)
        for index in areas.index[areas["code"].isna()]:
            log.add("unknown_commissioner", pairs_path, None, layer.ods_codes.ons,
                    areas.at[index, "ons_code"], areas.at[index, "name"],
                    f"{pairs_path.name} pairs no ODS code with this ONS code from {where}; "
                    "the area is left out")
        areas = areas.dropna(subset=["code"])
    areas["derived"] = layer.derived
    ods_by_ons = areas.set_index("ons_code")["code"]
    pieces = gpd.GeoDataFrame({"old_code": [], "code": []}, geometry=[],
                              crs=BRITISH_NATIONAL_GRID)
    if layer.successors is not None and practices is not None:
        areas, pieces = _split_vanished(source, layer, areas, practices, code_column, log)
    if layer.names == "memberships" and names is not None:
        areas["name"] = areas["code"].map(names).fillna(areas["name"])
    areas = areas[["code", "ons_code", "name", "derived", "geometry"]]
    return Areas(areas.sort_values("code").reset_index(drop=True), pieces,
                 ods_by_ons[~ods_by_ons.index.duplicated()])


def _split_vanished(source: Path, layer: AreaLayer, areas: gpd.GeoDataFrame,
                    practices: pd.DataFrame, code_column: str, log: QualityLog
                    ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Cut each area no practice names any more by the successor boundaries.

    Each piece joins the area most of the practices standing in it now
    belong to; a piece with no practice, and any sliver the two generalised
    boundaries leave, joins the nearest piece that has one. An area that
    gains a piece, or is made of pieces (a new code), is marked derived.
    """
    used = set(practices[code_column].dropna())
    vanished = areas[~areas["code"].isin(used)]
    if vanished.empty:
        return areas, gpd.GeoDataFrame({"old_code": [], "code": []}, geometry=[],
                                       crs=BRITISH_NATIONAL_GRID)
    successors = read_boundary(source, layer.successors, log)
    placed = practices.dropna(subset=["easting", "northing", code_column])
    points = shapely.points(placed["easting"].to_numpy(), placed["northing"].to_numpy())
    found: list[tuple[str, str | None, shapely.Geometry]] = []
    for old_code, shape in zip(vanished["code"], vanished.geometry, strict=True):
        cut = [polygonal(shapely.intersection(shape, successor))
               for successor in successors.geometry]
        cut = [piece for piece in cut if not shapely.is_empty(piece)]
        for piece in cut:
            inside = shapely.contains_xy(piece, shapely.get_x(points), shapely.get_y(points))
            owners = placed.loc[inside, code_column].value_counts()
            owner = owners.index[0] if len(owners) and piece.area / 1e6 >= SLIVER_KM2 else None
            found.append((old_code, owner, piece))
        rest = polygonal(shapely.difference(shape, shapely.union_all(cut)))
        found.extend((old_code, None, part) for part in shapely.get_parts(rest)
                     if not shapely.is_empty(part))
    owned = [(old, new, piece) for old, new, piece in found if new is not None]
    if not owned:
        raise SourceError(layer.successors.file, "no practice stands in any piece of "
                          f"{', '.join(vanished['code'])}", expected="successor boundaries "
                          "overlapping the areas split since the boundary file")
    tree = shapely.STRtree([piece for *_, piece in owned])
    resolved = []
    for old, new, piece in found:
        owner = new if new is not None else \
            owned[int(tree.query_nearest(shapely.point_on_surface(piece))[0])][1]
        resolved.append((old, owner, piece))
    pieces = gpd.GeoDataFrame({"old_code": [r[0] for r in resolved],
                               "code": [r[1] for r in resolved]},
                              geometry=[r[2] for r in resolved], crs=BRITISH_NATIONAL_GRID)
    kept = areas[~areas["code"].isin(vanished["code"])].copy()
    names = practices.dropna(subset=[code_column]).drop_duplicates(code_column).set_index(
        code_column)
    for code, group in pieces.groupby("code"):
        shape = shapely.union_all(group.geometry.to_numpy())
        sources_text = ", ".join(sorted(set(group["old_code"])))
        if code in set(kept["code"]):
            row = kept.index[kept["code"] == code][0]
            kept.at[row, "geometry"] = shapely.union(kept.at[row, "geometry"], shape)
            kept.at[row, "derived"] = True
            how = f"its boundary file's shape with the part of {sources_text} in its ICB"
        else:
            ons_code = names["commissioner_ons_code"].get(code) if "commissioner_ons_code" in \
                names.columns else None
            name = names["commissioner_name"].get(code, code) if "commissioner_name" in \
                names.columns else code
            kept = pd.concat([kept, gpd.GeoDataFrame(
                {"code": [code], "ons_code": [ons_code], "name": [name], "derived": [True]},
                geometry=[shape], crs=BRITISH_NATIONAL_GRID)], ignore_index=True)
            how = f"the part of {sources_text} in its ICB"
        # Reported at the split area's row of the boundary file it was cut from.
        first = vanished.loc[vanished["code"] == group["old_code"].iloc[0], "source_row"]
        log.add("derived_boundary", layer.boundary.file, int(first.iloc[0]), "geometry", code,
                sources_text, f"no boundary of this date: derived as {how} "
                f"(by {Path(layer.successors.file).name})", severity="info")
    return gpd.GeoDataFrame(kept, geometry="geometry", crs=BRITISH_NATIONAL_GRID), pieces


def place_lsoas(source: Path, lsoas: LsoaLayer, areas: Areas, lookup: LsoaLookup | None,
                *, icb_areas: Areas | None = None, locate_icbs: bool = False
                ) -> tuple[np.ndarray, np.ndarray]:
    """Each LSOA's commissioner and ICB (ODS codes; None where unknown).

    By the ONS lookup where the snapshot has one, else by the commissioner
    boundary holding a point inside the LSOA. An LSOA the lookup gives to an
    area split since goes to the piece of it that holds the LSOA's point.
    The ICB is the lookup's, or with ``locate_icbs`` the ICB boundary
    holding the point (for boundaries newer than the lookup).
    """
    shapes = areas.shapes
    count = len(lsoas.codes)
    icbs = np.full(count, None, dtype=object)
    if lookup is not None:
        table = ons.read_lsoa_lookup(source / lookup.file, lookup.lsoa, lookup.commissioner,
                                     lookup.icb).set_index("lsoa_code")
        ons_codes = pd.Series(lsoas.codes).map(table["commissioner_ons_code"])
        commissioners = ons_codes.map(areas.ods_by_ons).to_numpy(dtype=object)
        if lookup.icb and icb_areas is not None and not locate_icbs:
            icbs = pd.Series(lsoas.codes).map(table["icb_ons_code"]).map(
                icb_areas.ods_by_ons).to_numpy(dtype=object)
    else:
        commissioners = code_at(shapes, lsoas.points)
    if len(areas.pieces):
        # An LSOA the lookup gives to a split area goes to the piece holding it.
        split = pd.Series(commissioners).isin(set(areas.pieces["old_code"])).to_numpy()
        commissioners[split] = code_at(areas.pieces, lsoas.points[split], nearest=True)
    if icb_areas is not None and locate_icbs:
        icbs = code_at(icb_areas.shapes, lsoas.points, nearest=True)
    return commissioners, icbs


def code_at(shapes: gpd.GeoDataFrame, points: np.ndarray, *, nearest: bool = False
            ) -> np.ndarray:
    """The ``code`` of the shape holding each point (the nearest shape's for a
    point in none, with ``nearest``; else None)."""
    result = np.full(len(points), None, dtype=object)
    if len(points) == 0:
        return result
    geometry = shapes.geometry.to_numpy()
    code = shapes["code"].to_numpy()
    tree = shapely.STRtree(geometry)
    point_index, shape_index = tree.query(points, predicate="within")
    result[point_index] = code[shape_index]
    if nearest:
        missing = np.flatnonzero(pd.isna(result))
        if len(missing):
            pairs = tree.query_nearest(points[missing])
            result[missing[pairs[0]]] = code[pairs[1]]
    return result


def for_output(areas: Areas, prefix: str) -> gpd.GeoDataFrame:
    """The areas with the output tables' column names (``commissioner_code``,
    ...) in WGS84."""
    shapes = areas.shapes.rename(columns={"code": f"{prefix}_code",
                                          "ons_code": f"{prefix}_ons_code",
                                          "name": f"{prefix}_name"})
    return shapes.to_crs(WGS84)


def read_places(source: Path, places: Places, log: QualityLog) -> gpd.GeoDataFrame:
    """The local authority districts (``code``, ``name``), in metres."""
    return ons.read_boundaries(source / places.file, {places.code: "code",
                                                          places.name: "name"},
                                   log).to_crs(BRITISH_NATIONAL_GRID)


def place_practices(practices: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Each placed practice's district (code and name): the one its position
    lies in, or the nearest (a position on the coast just outside)."""
    result = practices.copy()
    placed = result["easting"].notna().to_numpy()
    points = shapely.points(result.loc[placed, "easting"], result.loc[placed, "northing"])
    code = np.full(len(result), None, dtype=object)
    code[placed] = code_at(districts, points, nearest=True)
    names = districts.set_index("code")["name"]
    result["district_code"] = code
    result["district_name"] = pd.Series(code, index=result.index).map(names)
    return result


# Metres: district outlines only frame place names on a map.
PLACES_SIMPLIFY_M = 200.0


def places_for_maps(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """England's districts (``E`` codes) with a point to write each name at,
    outlines simplified as one coverage, in WGS84."""
    england = districts[districts["code"].str.startswith("E")].reset_index(drop=True)
    label = gpd.GeoSeries(shapely.point_on_surface(england.geometry.to_numpy()),
                          crs=BRITISH_NATIONAL_GRID).to_crs(WGS84)
    shapes = shapely.coverage_simplify(shapely.coverage_clean(england.geometry.to_numpy()),
                                       PLACES_SIMPLIFY_M)
    return gpd.GeoDataFrame({
        "district_code": england["code"], "district_name": england["name"],
        "label_longitude": label.x.round(5).to_numpy(),
        "label_latitude": label.y.round(5).to_numpy()},
        geometry=gpd.GeoSeries(shapes, crs=BRITISH_NATIONAL_GRID).to_crs(WGS84).to_numpy(),
        crs=WGS84)
