"""Boundaries held compactly (pcnmap.shapes) read and select as the
GeoDataFrames they replace, on the built extract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from pcnmap import store
from pcnmap.maps import colours, export, selection
from pcnmap.model.place import Place
from pcnmap.shapes import ShapePool, Shapes

KEY = "2023-01"


@pytest.fixture(scope="module")
def boundaries(built_extract: Path) -> tuple:
    """The extract's local network boundaries, as a GeoDataFrame and compactly."""
    return (store.read_geo(built_extract, KEY, "network_boundaries"),
            store.read_shapes(built_extract, KEY, "network_boundaries"))


def test_compact_boundaries_hold_the_same_rows_columns_and_shapes(boundaries) -> None:
    frame, shapes = boundaries
    assert isinstance(shapes, Shapes)
    assert len(shapes) == len(frame) > 0
    assert list(shapes.columns) == list(frame.columns)
    every = shapes.frame()
    assert list(every.columns) == list(frame.columns)
    assert every.crs == frame.crs
    assert every.index.equals(frame.index)
    assert every.drop(columns="geometry").equals(frame.drop(columns="geometry"))
    # Moved to degrees a batch at a time, by the same transformation as
    # GeoDataFrame.to_crs: the same coordinates, to far below a millimetre.
    assert shapely.equals_exact(every.geometry.values, frame.geometry.values,
                                tolerance=1e-9).all()


def test_a_mask_selects_the_rows_a_geodataframe_would(boundaries) -> None:
    frame, shapes = boundaries
    network = frame["network_code"].iloc[len(frame) // 2]
    mask = (shapes["method"] == "lsoa") & (shapes["network_code"] == network)
    picked, expected = shapes[mask], frame[mask]
    assert len(picked) == 1
    assert picked.index.equals(expected.index)
    assert picked["network_code"].tolist() == [network]
    assert shapely.equals_exact(picked.geometry.values, expected.geometry.values,
                                tolerance=1e-9).all()
    assert shapes[shapes["method"] == "no such method"].empty


def test_a_mask_of_the_wrong_length_is_refused(boundaries) -> None:
    _, shapes = boundaries
    with pytest.raises(ValueError, match=f"needs {len(shapes)} values"):
        shapes[np.ones(3, dtype=bool)]


def test_the_network_map_is_the_same_from_compact_boundaries(built_extract: Path) -> None:
    practices = store.read_table(built_extract, KEY, "practices")
    national = store.read_geo(built_extract, KEY, "national_boundaries")
    tables = {
        "local_outlines": store.read_commissioners(built_extract, KEY),
        "national_outlines": store.read_geo(built_extract, KEY, "national_commissioners"),
        "places": store.read(built_extract, "places"),
        "colours": colours.stable_colours(national[national["method"] == "catchment"]),
    }
    commissioner = practices["commissioner_code"].value_counts().index[0]
    for place in (Place(KEY, commissioner=commissioner), Place(KEY)):
        drawn = [selection.network_map_layers(
            place.with_whole_networks(practices), local=bool(place.commissioner),
            commissioners=place.commissioner_codes(practices), place=place.file_part,
            method="catchment", local_boundaries=local, national_boundaries=coarse, **tables)
            for local, coarse in (
                (store.read_geo(built_extract, KEY, "network_boundaries"), national),
                (store.read_shapes(built_extract, KEY, "network_boundaries"),
                 store.read_shapes(built_extract, KEY, "national_boundaries")))]
        assert drawn[0].networks is not None
        assert drawn[1].networks == drawn[0].networks
        assert drawn[1].practices == drawn[0].practices
        assert drawn[1].network_labels == drawn[0].network_labels
        assert drawn[1].bounds == drawn[0].bounds
        # The download's boundaries, kept compactly in the cached layers.
        kept = [layers.derived.frame() for layers in drawn]
        assert len(kept[0]) == len(drawn[0].network_labels) > 0
        assert kept[1].drop(columns="geometry").equals(kept[0].drop(columns="geometry"))
        assert shapely.equals_exact(kept[1].geometry.values, kept[0].geometry.values,
                                    tolerance=1e-9).all()
        document = json.loads(export.geojson_document(kept[1], "Networks", store.ATTRIBUTION))
        assert len(document["features"]) == len(kept[1])
        assert {feature["properties"]["network_code"] for feature in document["features"]} \
            == set(kept[1]["network_code"])


def test_a_damaged_layer_is_refused_naming_the_table(built_extract: Path, tmp_path: Path) -> None:
    broken = tmp_path / KEY
    broken.mkdir()
    (broken / "network_boundaries.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(store.DataMissing) as refused:
        store.read_shapes(tmp_path, KEY, "network_boundaries")
    assert "network_boundaries" in str(refused.value)
    assert str(tmp_path) not in str(refused.value)


def test_the_pool_keeps_one_object_for_a_shape_two_snapshots_share(built_extract: Path) -> None:
    pool = ShapePool()
    older = pool.share(store.read_commissioners(built_extract, "2022-04"))
    newer = store.read_commissioners(built_extract, KEY)
    shared = pool.share(newer)
    assert shapely.equals_exact(shared.geometry.values, newer.geometry.values, 0).all()
    assert shared.drop(columns="geometry").equals(newer.drop(columns="geometry"))
    same = [code for code in set(older["commissioner_code"]) & set(newer["commissioner_code"])
            if shapely.to_wkb(older.set_index("commissioner_code").geometry[code])
            == shapely.to_wkb(newer.set_index("commissioner_code").geometry[code])]
    assert same, "the extract's snapshots share no commissioner outline unchanged"
    for code in same:
        assert (shared.set_index("commissioner_code").geometry[code]
                is older.set_index("commissioner_code").geometry[code])
    assert len(pool.geometries) == len(set(shapely.to_wkb(np.concatenate(
        [older.geometry.values, newer.geometry.values]))))
