"""Label rows for the map's names (where they go, which first, escaped) and the
funding map's colours."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

from pcnmap.maps import layerdata, selection


def test_place_labels_are_the_largest_first_and_only_near_the_view() -> None:
    places = gpd.GeoDataFrame(
        {"district_code": ["E1", "E2", "E3"], "district_name": ["Small & Co", "Large", "Far"],
         "label_longitude": [-2.5, -2.0, 1.5], "label_latitude": [53.5, 53.6, 51.5]},
        geometry=[shapely.box(-2.6, 53.4, -2.4, 53.6), shapely.box(-2.5, 53.0, -1.5, 54.0),
                  shapely.box(1, 51, 2, 52)], crs=4326)
    rows = layerdata.place_label_rows(places, (-3.0, 53.0, -1.0, 54.0))
    assert [row[2] for row in rows] == ["Large", "Small &amp; Co"]
    assert rows[0][:2] == [53.6, -2.0]
    assert len(layerdata.place_label_rows(places)) == 3


def test_network_labels_sit_inside_their_boundaries_biggest_list_first() -> None:
    ring = shapely.box(0, 0, 3, 3).difference(shapely.box(0.5, 0.5, 3, 2.5))  # a C shape
    boundaries = gpd.GeoDataFrame({"network_code": ["U1", "U2"], "network_name": ["C", "<b>"],
                                   "registered": [10.0, 20.0]},
                                  geometry=[ring, shapely.box(5, 5, 6, 6)], crs=4326)
    rows = layerdata.network_label_rows(boundaries)
    assert [row[2] for row in rows] == ["&lt;b&gt;", "C"]
    assert ring.contains(shapely.Point(rows[1][1], rows[1][0]))


def test_commissioner_labels_fall_inside_the_view() -> None:
    outlines = gpd.GeoDataFrame({"commissioner_code": ["00X"], "commissioner_name": ["North"]},
                                geometry=[shapely.box(-3, 53, -1, 55)], crs=4326)
    rows = layerdata.commissioner_label_rows(outlines, (-1.5, 53.0, -1.0, 53.5))
    assert rows[0][2] == "North (00X)"
    assert -1.5 <= rows[0][1] <= -1.0 and 53.0 <= rows[0][0] <= 53.5


def test_the_view_holds_the_shapes_and_practices_with_room_around() -> None:
    shapes = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1)], crs=4326)
    practices = pd.DataFrame({"longitude": [2.0, None], "latitude": [0.5, 9.0]})
    assert layerdata.view_around(shapes, practices) == (-0.6, -0.3, 2.6, 1.3)
    assert layerdata.view_around(shapes.iloc[:0], practices.iloc[1:]) is None


def test_the_funding_map_colours_networks_from_lowest_to_highest() -> None:
    boundaries = gpd.GeoDataFrame({"network_code": ["U1", "U2", "U3"],
                                   "network_name": ["A", "<b>", "C"]},
                                  geometry=[shapely.box(i, 0, i + 1, 1) for i in range(3)],
                                  crs=4326)
    drawn = selection.per_patient_map(boundaries, pd.Series({"U1": 10.0, "U2": 20.0,
                                                             "U3": 30.0}))
    assert (drawn.low, drawn.high) == (10.0, 30.0)
    assert drawn.bounds == (0.0, 0.0, 3.0, 1.0)
    assert "&lt;b&gt;" in drawn.shapes and "<b>" not in drawn.shapes
    colour = {f["properties"]["network_code"]: f["properties"]["colour"]
              for f in json.loads(drawn.shapes)["features"]}
    assert colour["U1"] == drawn.scale[0] and colour["U3"] == drawn.scale[2]
    assert selection.per_patient_map(boundaries.iloc[:0], pd.Series(dtype=float)) is None
