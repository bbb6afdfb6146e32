"""ONS geography: boundary files (GeoJSON or GeoPackage), LSOA lookups,
tables pairing ONS and ODS codes, and the rural-urban classification."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from pcnmap.pipeline.readers.csvfiles import pick_columns, read_text_csv, require_file
from pcnmap.problems import QualityLog, SourceError


def read_boundaries(path: Path, columns: Mapping[str, str], log: QualityLog) -> gpd.GeoDataFrame:
    """Read a boundary file (GeoJSON or GeoPackage), repairing invalid shapes.

    ``columns`` maps the file's attribute names to the project's. Every
    repaired geometry is logged.
    """
    require_file(path, "a boundary file (GeoJSON or GeoPackage)")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as error:
        raise SourceError(path, f"cannot be read as a boundary file ({error})",
                          expected="GeoJSON or GeoPackage polygons") from None
    frame.insert(0, "source_row", np.arange(1, len(frame) + 1))
    picked = pick_columns(frame, path, columns)
    boundaries = gpd.GeoDataFrame(picked, geometry=frame.geometry, crs=frame.crs)
    if boundaries.crs is None:
        raise SourceError(path, "has no coordinate reference system",
                          expected="EPSG:4326 boundaries")
    boundaries = boundaries.to_crs(4326)
    invalid = ~boundaries.geometry.is_valid
    first_key = next(iter(columns.values()))
    for index in boundaries.index[invalid]:
        log.add("invalid_geometry", path, boundaries.at[index, "source_row"], "geometry",
                boundaries.at[index, first_key], "invalid",
                "geometry was invalid and was repaired with make_valid", severity="info")
    if invalid.any():
        # "structure" keeps polygons only, so a repaired shape stays an area.
        boundaries.loc[invalid, "geometry"] = boundaries.geometry[invalid].make_valid(
            method="structure", keep_collapsed=False
        )
    return boundaries


# ---------------------------------------------------------------- ONS lookups


def read_lsoa_lookup(path: Path, lsoa_column: str, commissioner_column: str,
                     icb_column: str | None = None) -> pd.DataFrame:
    """Read an ONS LSOA lookup: each LSOA's commissioner (and ICB), ONS codes."""
    raw = read_text_csv(path, header=True, what="an ONS LSOA lookup CSV")
    wanted = {lsoa_column: "lsoa_code", commissioner_column: "commissioner_ons_code"}
    if icb_column:
        wanted[icb_column] = "icb_ons_code"
    lookup = pick_columns(raw, path, wanted, where=raw.attrs["file"])
    return lookup.drop_duplicates("lsoa_code")


def read_code_pairs(path: Path, ons_column: str, ods_column: str) -> pd.Series:
    """ODS codes by ONS code, from any table that carries both (a lookup, a
    list-size file, a practice map)."""
    raw = read_text_csv(path, header=True, what=f"a CSV with {ons_column} and {ods_column}",
                        usecols=[ons_column, ods_column])
    pairs = pick_columns(raw, path, {ons_column: "ons", ods_column: "ods"},
                         where=raw.attrs["file"])
    pairs = pairs[(pairs["ons"] != "") & (pairs["ods"] != "")].drop_duplicates("ons")
    return pairs.set_index("ons")["ods"]


def read_rural_urban(path: Path, lsoa_column: str, code_column: str, class_column: str,
                     flag_column: str) -> pd.DataFrame:
    """The ONS rural-urban classification of each LSOA."""
    raw = read_text_csv(path, header=True, what="an ONS rural-urban classification CSV")
    table = pick_columns(raw, path, {lsoa_column: "lsoa_code", code_column: "rural_urban_code",
                                     class_column: "rural_urban_class",
                                     flag_column: "urban_rural"}, where=raw.attrs["file"])
    return table.drop(columns="source_row").drop_duplicates("lsoa_code")
