"""Geographic tables held in little memory for as long as the app runs.

The app keeps every snapshot's boundaries for every session; held as
shapely geometries, the five shipped snapshots' would take some 130 MB.
:class:`Shapes` keeps a table's shapes as WKB until rows are selected, and
:class:`ShapePool` keeps one copy of a shape that several snapshots share.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely
from pyproj import CRS, Transformer

# Rows decoded at once while reading: the whole table is never held as
# geometries.
BATCH = 500


class Shapes:
    """A geographic table held compactly: its attributes as a DataFrame and
    each row's shape as WKB, made into shapely geometries only for the rows
    a caller selects.

    GEOS holds a shape's coordinates at 24 bytes each, and a few hundred
    bytes more for each of its rings; WKB holds 16 bytes a coordinate and
    nothing else. The five snapshots' network boundaries (2.4 million
    coordinates in 73,000 rings) would take over 100 MB as geometries.

    It reads as the GeoDataFrame it holds does for the one use the app
    makes of it: ``shapes["method"]`` is an attribute column, and
    ``shapes[mask]`` (a boolean mask over the rows) is a GeoDataFrame of
    the rows selected, index and column order kept.
    """

    def __init__(self, attributes: pd.DataFrame, wkb: pa.Array, crs: object,
                 geometry: str = "geometry") -> None:
        self.attributes = attributes
        self.wkb = wkb
        self.crs = crs
        self.geometry = geometry

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame) -> Shapes:
        """The compact form of ``frame``."""
        column = frame.geometry.name
        wkb = pa.array(shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object)),
                       pa.binary())
        return cls(pd.DataFrame(frame.drop(columns=column)), wkb, frame.crs, column)

    @classmethod
    def read(cls, path: Path, crs: int = 4326) -> Shapes:
        """A GeoParquet file in compact form, its shapes moved to ``crs``
        (EPSG code) a batch of rows at a time."""
        schema = pq.read_schema(path)
        metadata = json.loads(schema.metadata[b"geo"])
        column = metadata["primary_column"]
        source = metadata["columns"][column].get("crs", "OGC:CRS84")
        source = CRS.from_json_dict(source) if isinstance(source, dict) else CRS(source)
        wkb = pq.read_table(path, columns=[column]).column(column).combine_chunks()
        attributes = pd.read_parquet(path, columns=[name for name in schema.names
                                                    if name != column])
        target = CRS.from_epsg(crs)
        if not source.equals(target):
            move = Transformer.from_crs(source, target, always_xy=True)
            wkb = pa.concat_arrays([pa.array(shapely.to_wkb(shapely.transform(
                shapely.from_wkb(wkb.slice(start, BATCH).to_numpy(zero_copy_only=False)),
                lambda xy: np.column_stack(move.transform(xy[:, 0], xy[:, 1])))), pa.binary())
                for start in range(0, len(wkb), BATCH)] or [pa.array([], pa.binary())])
        return cls(attributes, wkb, target, column)

    def __len__(self) -> int:
        return len(self.attributes)

    @property
    def columns(self) -> pd.Index:
        """The attribute columns, then the geometry's."""
        return self.attributes.columns.append(pd.Index([self.geometry]))

    def __getitem__(self, key: str | pd.Series | np.ndarray) -> pd.Series | gpd.GeoDataFrame:
        if isinstance(key, str):
            return self.attributes[key]
        mask = np.asarray(key, dtype=bool)
        if mask.shape != (len(self),):
            raise ValueError(f"a row mask needs {len(self)} values, not {mask.shape}")
        rows = np.flatnonzero(mask)
        chosen = self.attributes.iloc[rows]
        wkb = self.wkb.take(pa.array(rows, pa.int64())).to_numpy(zero_copy_only=False)
        geometry = gpd.GeoSeries(shapely.from_wkb(wkb), index=chosen.index, crs=self.crs)
        return gpd.GeoDataFrame(chosen.assign(**{self.geometry: geometry}),
                                geometry=self.geometry, crs=self.crs)

    def frame(self) -> gpd.GeoDataFrame:
        """Every row as a GeoDataFrame."""
        return self[np.ones(len(self), dtype=bool)]


@dataclass
class ShapePool:
    """One copy of each distinct shape, however many snapshots hold it.

    About 30% of the coordinates in the five shipped snapshots' outlines
    belong to shapes another snapshot already has, unchanged (the same
    commissioners, the same areas). Geometries are matched by a 128-bit
    digest of their WKB. The pool keeps all it is given.
    """

    geometries: dict[bytes, shapely.Geometry] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def share(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """``frame`` with each shape the pool already holds replaced by the
        pool's own object (the same geometry, exactly), and its other
        shapes added to the pool."""
        column = frame.geometry.name
        shapes = np.asarray(frame.geometry.values, dtype=object)
        digests = [None if wkb is None else hashlib.blake2b(wkb, digest_size=16).digest()
                   for wkb in shapely.to_wkb(shapes)]
        with self.lock:
            shared = [shape if digest is None else self.geometries.setdefault(digest, shape)
                      for digest, shape in zip(digests, shapes, strict=True)]
        result = frame.copy(deep=False)
        result[column] = gpd.GeoSeries(np.array(shared, dtype=object), index=frame.index,
                                       crs=frame.crs)
        return result
