"""The catalogue of the tables the build writes to ``data/`` and the app reads.

One declaration per table (its name, where it lives, its columns and their
types) serves the build (which writes every table through :func:`conform`),
the reader of ``data/`` (which checks what it reads) and the check of the
shipped files (:func:`check_file`). A column that is renamed, dropped or
retyped in one place fails in all three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

# Column types, as pandas holds them and as Parquet stores them.
TEXT, REAL, WHOLE, MAYBE_WHOLE, FLAG, MAYBE_FLAG, DAY, REALS, SHAPE = (
    "text", "real", "whole", "maybe_whole", "flag", "maybe_flag", "day", "reals", "shape")
# Piece numbers of the LSOA graph and grid positions in 10 m: half the
# bytes of whole numbers.
PIECE = "piece"
_PANDAS = {TEXT: "str", REAL: "float64", WHOLE: "int64", MAYBE_WHOLE: "Int64",
           FLAG: "bool", MAYBE_FLAG: "boolean", DAY: "datetime64[us]", PIECE: "int32"}
_ARROW = {TEXT: (pa.string(), pa.large_string()), REAL: (pa.float64(),),
          WHOLE: (pa.int64(), pa.int32()), MAYBE_WHOLE: (pa.int64(),),
          FLAG: (pa.bool_(),), MAYBE_FLAG: (pa.bool_(),), PIECE: (pa.int32(),),
          DAY: (pa.timestamp("us"), pa.timestamp("ms"), pa.timestamp("ns")),
          REALS: (pa.list_(pa.float64()), pa.large_list(pa.float64())),
          SHAPE: (pa.binary(), pa.large_binary())}

# Where a table lives in the data folder.
SNAPSHOT, LAYER, SHARED = "snapshot", "layer", "shared"


@dataclass(frozen=True)
class Table:
    """One output table: its file name, scope and typed columns.

    ``sorted_columns`` are stored delta-encoded (sorted keys and the
    positions of neighbouring postcodes differ little): a third of the bytes.
    """

    name: str
    scope: str  # SNAPSHOT: <snapshot>/, LAYER: lsoa-<layer>/, SHARED: the folder itself
    columns: Mapping[str, str]
    description: str
    sorted_columns: tuple[str, ...] = ()

    @property
    def geographic(self) -> bool:
        """Whether the table holds shapes (stored as GeoParquet)."""
        return SHAPE in self.columns.values()

    def path(self, folder: Path, part: str | None = None) -> Path:
        """The table's file in ``folder`` (``part``: the snapshot or LSOA layer)."""
        if self.scope == SHARED:
            return Path(folder) / f"{self.name}.parquet"
        if part is None:
            raise ValueError(f"table {self.name} belongs to a {self.scope}; name it")
        sub = part if self.scope == SNAPSHOT else f"lsoa-{part}"
        return Path(folder) / sub / f"{self.name}.parquet"


def _table(name: str, scope: str, description: str, *, sorted_columns: tuple[str, ...] = (),
           **columns: str) -> Table:
    return Table(name, scope, columns, description, sorted_columns)


_BOUNDARY = {"commissioner_code": TEXT, "commissioner_ons_code": TEXT,
             "commissioner_name": TEXT, "derived": FLAG, "geometry": SHAPE}

TABLES: dict[str, Table] = {table.name: table for table in (
    _table("practices", SNAPSHOT, "England's GP practices active on the snapshot date",
           practice_code=TEXT, practice_name=TEXT, postcode=TEXT, address=TEXT,
           district_code=TEXT, district_name=TEXT,
           longitude=REAL, latitude=REAL, easting=REAL, northing=REAL,
           coordinate_source=TEXT, region_code=TEXT, region_name=TEXT, stp_code=TEXT,
           stp_name=TEXT, commissioner_code=TEXT, commissioner_ons_code=TEXT,
           commissioner_name=TEXT, network_code=TEXT, network_name=TEXT,
           network_commissioner_code=TEXT, registered=REAL, registered_source=TEXT,
           weighted=REAL, weighted_source=TEXT, rurality=TEXT, contract_type=TEXT,
           source_row=WHOLE),
    _table("networks", SNAPSHOT, "Networks open on the snapshot date, with their members' totals",
           network_code=TEXT, network_name=TEXT, commissioner_code=TEXT,
           commissioner_name=TEXT, commissioner_ons_code=TEXT, open_date=DAY,
           source_row=WHOLE, member_count=WHOLE, registered=REAL, weighted=REAL,
           members_without_list=WHOLE, epcn_cross_commissioner=MAYBE_FLAG),
    _table("commissioners", SNAPSHOT, "Commissioner boundaries, simplified 100 m", **_BOUNDARY),
    _table("national_commissioners", SNAPSHOT,
           "Commissioner boundaries for all of England at once, simplified 500 m", **_BOUNDARY),
    _table("icbs", SNAPSHOT, "ICB (or STP) boundaries, simplified 500 m",
           icb_code=TEXT, icb_ons_code=TEXT, icb_name=TEXT, geometry=SHAPE),
    _table("network_boundaries", SNAPSHOT,
           "Indicative network boundaries of every method, simplified 100 m",
           method=TEXT, network_code=TEXT, network_name=TEXT, member_count=WHOLE,
           registered=REAL, area_km2=REAL, parts=WHOLE, significant_parts=WHOLE,
           part_areas_km2=REALS, geometry=SHAPE),
    _table("national_boundaries", SNAPSHOT,
           "Indicative network boundaries for all of England at once, simplified 1 km",
           method=TEXT, network_code=TEXT, network_name=TEXT, registered=REAL,
           geometry=SHAPE),
    _table("lsoa_networks", SNAPSHOT, "Each LSOA's nearest practice and its network",
           lsoa_code=TEXT, lsoa_name=TEXT, lsoa_commissioner_code=TEXT, lsoa_icb_code=TEXT,
           practice_code=TEXT, network_code=TEXT, distance_m=REAL, own_commissioner=FLAG,
           area_km2=REAL, reassigned=FLAG, catchment_practice_code=TEXT,
           catchment_network_code=TEXT, catchment_how=TEXT),
    _table("contiguity", SNAPSHOT,
           "Each network's member practices in groups whose areas connect, by method",
           network_code=TEXT, groups=WHOLE, group_practices=TEXT, between=TEXT,
           separation_km=REAL, method=TEXT),
    _table("method_comparison", SNAPSHOT,
           "Each method's area of each network, its density, what it shares with the others "
           "and how much of its practices' nearest-practice areas it keeps",
           method=TEXT, network_code=TEXT, area_km2=REAL, patients_per_km2=REAL,
           shared_lsoa=REAL, shared_voronoi=REAL, shared_catchment=REAL, nearest_share=REAL),
    _table("network_pieces", SNAPSHOT,
           "The separate pieces of each network drawn in two or more, and what each holds",
           method=TEXT, network_code=TEXT, piece=WHOLE, area_km2=REAL, members=TEXT,
           area_of=TEXT, touching=TEXT, apart_km=REAL),
    _table("uncovered_areas", SNAPSHOT, "Areas whose nearest practice is in no network",
           practice_code=TEXT, lsoas=WHOLE, area_km2=REAL, geometry=SHAPE),
    _table("quality", SNAPSHOT, "The data-quality report: every record the build could not place",
           snapshot=TEXT, check=TEXT, file=TEXT, row=MAYBE_WHOLE, column=TEXT, record=TEXT,
           value=TEXT, message=TEXT, severity=TEXT),
    _table("lsoa_parts", LAYER, "The pieces of the layer's LSOAs", lsoa_code=TEXT,
           area_km2=REAL),
    _table("lsoa_edges", LAYER, "Pairs of LSOA pieces sharing an edge",
           part_a=PIECE, part_b=PIECE),
    _table("funding_lists", SHARED, "Every list-size file the funding model uses",
           list_name=TEXT, practice_code=TEXT, registered=REAL, weighted=REAL),
    _table("age_bands", SNAPSHOT, "Each practice's patients by five-year age band, where known",
           practice_code=TEXT, age_band=TEXT, registered=REAL),
    _table("lsoa_rurality", LAYER, "The ONS rural-urban class of each of the layer's LSOAs",
           lsoa_code=TEXT, rural_urban_code=TEXT, rural_urban_class=TEXT, urban_rural=TEXT),
    _table("postcodes", SHARED,
           "England's live postcodes (Code-Point Open) and their positions in 10 m units",
           sorted_columns=("postcode", "easting_10m", "northing_10m"),
           postcode=TEXT, easting_10m=PIECE, northing_10m=PIECE),
    _table("places", SHARED, "England's local authority districts, for map labels and search",
           district_code=TEXT, district_name=TEXT, label_longitude=REAL, label_latitude=REAL,
           geometry=SHAPE),
)}


def conform(table: Table, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly the table's columns, in its order and types.

    Working columns the table does not declare are left out; a declared
    column that is missing is a mistake in the build, not in the data: it
    raises ``ValueError`` naming the table and the column.
    """
    missing = [c for c in table.columns if c not in frame.columns]
    if missing:
        raise ValueError(f"table {table.name}: columns {missing} are missing")
    result = frame[list(table.columns)].copy()
    for column, kind in table.columns.items():
        if kind in _PANDAS:
            result[column] = result[column].astype(_PANDAS[kind])
    if table.geographic:
        result = gpd.GeoDataFrame(result, geometry="geometry", crs=frame.crs)
    return result


def check_schema(table: Table, schema: pa.Schema) -> str | None:
    """What is wrong with a stored table's schema, or None when it is the declared one."""
    names = [name for name in schema.names if name != "__index_level_0__"]
    if names != list(table.columns):
        return f"has columns {names}, expected {list(table.columns)}"
    for column, kind in table.columns.items():
        stored = schema.field(column).type
        if stored not in _ARROW[kind] and not (stored == pa.null()):
            return f"column {column!r} is {stored}, expected {kind}"
    return None


def check_file(table: Table, path: Path) -> str | None:
    """:func:`check_schema` for a Parquet file (only its footer is read)."""
    return check_schema(table, pq.read_schema(path))


# Geometry is stored in metres on the British National Grid, to the metre:
# a third of the bytes of the same shapes in degrees (a metre is far finer
# than any map here draws). The reader turns it back into WGS84.
STORED_CRS = 27700
STORED_PRECISION_M = 1.0


def write(table: Table, frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as ``table`` declares it (see :func:`conform`)."""
    conformed = conform(table, frame)
    if table.geographic:
        conformed = conformed.to_crs(STORED_CRS)
        conformed["geometry"] = shapely.set_precision(conformed.geometry.to_numpy(),
                                                      STORED_PRECISION_M)
    if not table.sorted_columns:
        conformed.to_parquet(path, index=False, compression="zstd")
        return
    encodings = {column: ("DELTA_BYTE_ARRAY" if table.columns[column] == TEXT
                          else "DELTA_BINARY_PACKED") for column in table.sorted_columns}
    pq.write_table(pa.Table.from_pandas(conformed, preserve_index=False), path,
                   compression="zstd", compression_level=19, use_dictionary=False,
                   column_encoding=encodings)
