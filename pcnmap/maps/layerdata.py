"""The data each map layer draws, as the browser receives it: GeoJSON text
and compact practice rows, coordinates rounded and every text escaped."""

from __future__ import annotations

import json
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap import columns as c
from pcnmap.maps.colours import GAP_COLOUR, NO_NETWORK_COLOUR
from pcnmap.maps.escaping import escape, escape_columns

# Decimal degrees kept in what the browser receives: 5 places is about 1 m;
# 3 places (about 100 m) is finer than a national view can show.
LOCAL_PRECISION = 1e-5
NATIONAL_PRECISION = 1e-3
# JSON without the spaces after separators: a national layer has some
# 90,000 of them.
COMPACT = (",", ":")


def rounded(shapes: gpd.GeoDataFrame, grid: float = LOCAL_PRECISION) -> gpd.GeoDataFrame:
    """Shapes with coordinates snapped to ``grid`` degrees: fewer bytes, same picture."""
    result = shapes.copy()
    result["geometry"] = shapely.set_precision(result.geometry.values, grid)
    return result


def england_outline(commissioners: gpd.GeoDataFrame, tolerance_m: float = 500.0
                    ) -> gpd.GeoSeries:
    """A light outline of England (the union of commissioners) for the plain basemap."""
    union = shapely.coverage_union_all(commissioners.to_crs(27700).geometry.values)
    outline = gpd.GeoSeries([shapely.simplify(union, tolerance_m)], crs=27700).to_crs(4326)
    return gpd.GeoSeries(shapely.set_precision(outline.values, NATIONAL_PRECISION), crs=4326)


def geojson(shapes: gpd.GeoDataFrame, separators: tuple[str, str] = COMPACT) -> str:
    """Shapes in EPSG:4326 as GeoJSON text, as ``GeoDataFrame.to_json`` writes
    them, without its check of the frame's CRS against a newly built EPSG:4326
    (tens of milliseconds a call, more than many layers take to encode)."""
    return json.dumps(shapes.to_geo_dict(drop_id=True), separators=separators)


def commissioner_geojson(commissioners: gpd.GeoDataFrame, grid: float = LOCAL_PRECISION) -> str:
    """Commissioner outlines as the GeoJSON text their layer draws (names escaped)."""
    shapes = escape_columns(rounded(commissioners[["commissioner_code", "commissioner_name",
                                                   "geometry"]], grid),
                            ["commissioner_code", "commissioner_name"])
    return geojson(shapes)


def network_geojson(boundaries: gpd.GeoDataFrame, colours: dict[str, str],
                    grid: float = LOCAL_PRECISION) -> str:
    """Network boundaries as the GeoJSON text their layer draws (names escaped)."""
    shapes = rounded(boundaries[["network_code", "network_name", "registered", "geometry"]],
                     grid)
    shapes["colour"] = shapes["network_code"].map(
        lambda code: colours.get(code, NO_NETWORK_COLOUR))
    shapes["patients"] = shapes["registered"].map(lambda v: f"{v:,.0f}")
    shapes = escape_columns(shapes, ["network_code", "network_name"])
    return geojson(shapes.drop(columns="registered"))


# The practice rows' layout, declared once: what each position of a row
# holds, and of each group (a network, or another grouping) a row points at.
# layers.js reads every value by its name: the names travel with the rows,
# once per layer, and a clicked practice's properties carry them (its
# network's code as "network_code", as a network boundary's does).
PRACTICE_ROW = ("latitude", "longitude", "group", c.PRACTICE_CODE, c.PRACTICE_NAME,
                c.POSTCODE, c.PATIENTS)
GROUP_ROW = (c.NETWORK_CODE, c.NETWORK_NAME, "colour")


@dataclass(frozen=True)
class PracticeRows:
    """A practice layer's data, encoded once (a map's layers are cached, and
    England's 6,000 practices take 3 MB as Python lists, 0.7 MB as text).

    Attributes:
        networks: Each group once, laid out as :data:`GROUP_ROW` (code, name,
            colour), texts escaped.
        rows: JSON text of ``{"columns": PRACTICE_ROW, "groups": GROUP_ROW,
            "rows": [...]}``: one row per placed practice laid out as
            :data:`PRACTICE_ROW` (its group is an index into ``networks``;
            its patients are text), texts escaped.
        drawn: The indexes of the groups some practice is in.
    """

    networks: list[list[str]]
    rows: str
    drawn: frozenset[int]

    def column(self, name: str) -> list:
        """Every practice's value of one column of :data:`PRACTICE_ROW`."""
        position = PRACTICE_ROW.index(name)
        return [row[position] for row in json.loads(self.rows)["rows"]]


def practice_rows(practices: pd.DataFrame, colours: dict[str, str],
                  grid: float = LOCAL_PRECISION) -> PracticeRows:
    """The compact rows a practice layer draws: each network once, then one row
    per placed practice, laid out as :data:`PRACTICE_ROW` and
    :data:`GROUP_ROW`. Every text is escaped."""
    placed = practices.dropna(subset=["longitude", "latitude"])
    places = -round(np.log10(grid))
    # None, not NaN, for a practice in no network: a string column keeps its
    # missing values as NaN, which would read as a network called "nan".
    network = [code if isinstance(code, str) and code else None
               for code in placed[c.NETWORK_CODE]]
    codes = list(dict.fromkeys(network))
    names = placed.drop_duplicates(c.NETWORK_CODE).set_index(c.NETWORK_CODE)[c.NETWORK_NAME]
    networks = [[escape(code) if code else "", escape(names.get(code)) if code else
                 "In no network", colours.get(code, GAP_COLOUR)] for code in codes]
    index = {code: i for i, code in enumerate(codes)}
    patients = placed[c.REGISTERED].map(lambda v: "no list size" if pd.isna(v) else f"{v:,.0f}")
    rows = [
        [round(lat, places), round(lon, places), index[net], escape(code), escape(label),
         escape(postcode), count]
        for lat, lon, net, code, label, postcode, count in zip(
            placed["latitude"], placed["longitude"], network, placed[c.PRACTICE_CODE],
            placed[c.PRACTICE_NAME], placed[c.POSTCODE], patients, strict=True)
    ]
    payload = {"columns": PRACTICE_ROW, "groups": GROUP_ROW, "rows": rows}
    return PracticeRows(networks, json.dumps(payload, separators=COMPACT),
                        frozenset(index.values()))


def geojson_text(shapes: gpd.GeoDataFrame) -> str:
    """Boundaries as a GeoJSON document for download (list columns left out)."""
    listed = [c for c in shapes.columns
              if c != "geometry"
              and shapes[c].map(lambda v: isinstance(v, (list, np.ndarray))).any()]
    return shapes.drop(columns=listed).to_json()


def _label_rows(points: gpd.GeoSeries, texts: pd.Series, places: int) -> list[list]:
    return [[round(point.y, places), round(point.x, places), escape(text)]
            for point, text in zip(points, texts, strict=True)
            if point is not None and not point.is_empty]


def place_label_rows(places: gpd.GeoDataFrame,
                     bounds: tuple[float, float, float, float] | None = None,
                     margin: float = 0.3) -> list[list]:
    """District names where each district's label goes, [latitude, longitude,
    escaped name], the largest districts first (they are placed first where
    names would collide); only those within ``bounds`` (minx, miny, maxx,
    maxy) widened by ``margin`` degrees, when given."""
    chosen = places
    if bounds is not None and np.all(np.isfinite(bounds)):
        minx, miny, maxx, maxy = bounds
        chosen = places[places["label_longitude"].between(minx - margin, maxx + margin)
                        & places["label_latitude"].between(miny - margin, maxy + margin)]
    area = chosen.to_crs(27700).area
    chosen = chosen.assign(_area=area.to_numpy()).sort_values(["_area", "district_code"],
                                                             ascending=[False, True])
    return [[round(lat, 4), round(lon, 4), escape(name)] for lat, lon, name in zip(
        chosen["label_latitude"], chosen["label_longitude"], chosen["district_name"],
        strict=True)]


def inside_points(shapes: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each shape (its label's place), in EPSG:4326."""
    return shapes.to_crs(27700).representative_point().to_crs(4326)


def network_label_rows(boundaries: gpd.GeoDataFrame) -> list[list]:
    """Each network's name at a point inside its boundary, the most patients
    first (placed first where names collide)."""
    ordered = boundaries.sort_values(["registered", "network_code"], ascending=[False, True])
    return _label_rows(inside_points(ordered), ordered["network_name"], 5)


def commissioner_label_rows(commissioners: gpd.GeoDataFrame,
                            within: tuple[float, float, float, float] | None = None
                            ) -> list[list]:
    """Each commissioner's name and code at a point inside its outline; with
    ``within`` (minx, miny, maxx, maxy), inside the part of it in that view,
    so that a map zoomed to a network names the commissioners around it."""
    texts = [name if code in name else f"{name} ({code})" for name, code in zip(
        commissioners["commissioner_name"], commissioners["commissioner_code"], strict=True)]
    shapes = commissioners
    if within is not None:
        view = shapely.box(*within)
        clipped = shapely.intersection(commissioners.geometry.values, view)
        shapes = commissioners.set_geometry(np.where(shapely.is_empty(clipped),
                                                     commissioners.geometry.values, clipped))
    return _label_rows(inside_points(shapes), pd.Series(texts), 5)


def view_around(shapes: gpd.GeoDataFrame, practices: pd.DataFrame, spare: float = 0.3
                ) -> tuple[float, float, float, float] | None:
    """The view (minx, miny, maxx, maxy) holding ``shapes`` and the placed
    ``practices`` with ``spare`` of its size around them (None: nothing placed)."""
    placed = practices.dropna(subset=["longitude", "latitude"])
    xs = list(placed["longitude"]) + ([shapes.total_bounds[0], shapes.total_bounds[2]]
                                      if len(shapes) else [])
    ys = list(placed["latitude"]) + ([shapes.total_bounds[1], shapes.total_bounds[3]]
                                     if len(shapes) else [])
    if not xs:
        return None
    dx, dy = max((max(xs) - min(xs)) * spare, 0.01), max((max(ys) - min(ys)) * spare, 0.01)
    return (min(xs) - dx, min(ys) - dy, max(xs) + dx, max(ys) + dy)
