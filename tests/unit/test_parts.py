"""Parts of shapes and of LSOA pieces, on small geometries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pcnmap.model import contiguity
from pcnmap.pipeline import boundaries


def test_describe_parts_counts_significant_parts() -> None:
    big = shapely.box(0, 0, 1000, 1000)  # 1 km2
    islet = shapely.box(5000, 0, 5100, 100)  # 0.01 km2
    second = shapely.box(8000, 0, 8500, 500)  # 0.25 km2
    shapes = gpd.GeoDataFrame({"network_code": ["A", "B"]}, geometry=[
        shapely.MultiPolygon([big, islet]), shapely.MultiPolygon([big, second])], crs=27700)
    described = boundaries.describe_parts(shapes)
    assert described["parts"].tolist() == [2, 2]
    assert described["significant_parts"].tolist() == [1, 2]
    assert described["part_areas_km2"].iloc[1] == [1.0, 0.25]


def test_corner_contact_does_not_join_parts() -> None:
    squares = np.array([shapely.box(0, 0, 1000, 1000), shapely.box(1000, 1000, 2000, 2000),
                        shapely.box(1000, 0, 2000, 1000)])
    layer = boundaries.LsoaLayer(np.array(["A", "B", "C"]), np.array(["a", "b", "c"]), squares,
                                 shapely.point_on_surface(squares))
    graph = boundaries.part_graph(layer)
    # A and B meet only at a corner; each shares an edge with C.
    assert sorted(map(tuple, graph.edges.to_numpy())) == [(0, 2), (1, 2)]
    apart = contiguity.parts_of_areas(graph, pd.Series({"A": "X", "B": "X", "C": "Y"}))
    assert apart.set_index("network_code")["significant_parts"].to_dict() == {"X": 2, "Y": 1}
    joined = contiguity.parts_of_areas(graph, pd.Series({"A": "X", "B": "X", "C": "X"}))
    assert joined["significant_parts"].tolist() == [1]

