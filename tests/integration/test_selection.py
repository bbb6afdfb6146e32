"""What the network and coverage-gaps maps draw for one place, on the built extract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcnmap import columns as c
from pcnmap import store
from pcnmap.maps import colours, selection
from pcnmap.model import coverage
from pcnmap.model.place import Place


@pytest.fixture(scope="module")
def tables(built_extract: Path) -> dict:
    read = lambda name: store.read_table(built_extract, "2023-01", name)  # noqa: E731
    return {"practices": read("practices"), "networks": read("networks"),
            "local_outlines": store.read_commissioners(built_extract, "2023-01"),
            "national_outlines": read("national_commissioners"),
            "local_boundaries": read("network_boundaries"),
            "national_boundaries": read("national_boundaries"),
            "places": store.read(built_extract, "places"),
            "lsoa_networks": read("lsoa_networks"), "contiguity": read("contiguity"),
            "uncovered": read("uncovered_areas")}


def layers(tables: dict, **codes) -> selection.NetworkMapLayers:
    shapes = tables["national_boundaries"]
    place = Place("2023-01", **codes)
    practices = tables["practices"]
    return selection.network_map_layers(
        place.with_whole_networks(practices), method="lsoa",
        commissioners=place.commissioner_codes(practices), local=bool(place.commissioner),
        place=place.file_part, local_outlines=tables["local_outlines"],
        national_outlines=tables["national_outlines"],
        local_boundaries=tables["local_boundaries"],
        national_boundaries=tables["national_boundaries"], places=tables["places"],
        colours=colours.stable_colours(shapes[shapes["method"] == "catchment"]))


def test_a_commissioner_is_drawn_in_local_detail_with_its_networks_whole(tables) -> None:
    practices = tables["practices"]
    commissioner = practices["commissioner_code"].value_counts().index[0]
    drawn = layers(tables, commissioner=commissioner)
    own = practices["commissioner_code"] == commissioner
    serving = practices[own | practices["network_code"].isin(
        set(practices.loc[own, "network_code"].dropna()))]
    assert set(drawn.practices.column(c.PRACTICE_CODE)) == set(
        serving.dropna(subset=["longitude"])["practice_code"])
    outline = tables["local_outlines"]
    outline = outline[outline["commissioner_code"] == commissioner]
    assert drawn.bounds == pytest.approx(tuple(outline.total_bounds))
    assert [f["properties"]["commissioner_code"] for f in json.loads(
        drawn.commissioners)["features"]] == [commissioner]
    assert set(drawn.derived["network_code"]) <= set(serving["network_code"].dropna())
    assert (drawn.derived["method"] == "lsoa").all()
    assert drawn.place == commissioner
    assert len(drawn.network_labels) == len(drawn.derived)
    assert drawn.place_labels  # the districts around it


def test_all_of_england_is_drawn_at_national_scale(tables) -> None:
    drawn = layers(tables)
    assert drawn.place == "england"
    placed = tables["practices"]["longitude"].notna().sum()
    assert len(drawn.practices.column(c.PRACTICE_CODE)) == placed
    # The legend's groups: those some practice drawn is in.
    assert drawn.practices.drawn == set(drawn.practices.column("group"))
    # The districts in view (and just beyond it), no others.
    minx, miny, maxx, maxy = drawn.bounds
    places = tables["places"]
    inside = places[places["label_longitude"].between(minx, maxx)
                    & places["label_latitude"].between(miny, maxy)]
    named = {row[2] for row in drawn.place_labels}
    assert set(inside["district_name"]) <= named
    assert len(named) < len(places)
    practices = tables["practices"]
    area = practices["stp_code"].value_counts().index[-1]
    narrowed = layers(tables, area=area)
    assert narrowed.place == area
    assert set(narrowed.practices.column(c.PRACTICE_CODE)) == set(
        practices[practices["stp_code"] == area].dropna(subset=["longitude"])["practice_code"])


def test_coverage_gaps_draw_small_networks_filled_and_split_ones_outlined(
        built_extract: Path) -> None:
    from pcnmap.views.coverage_gaps import coverage_gaps
    from pcnmap.views.source import SnapshotData

    data = SnapshotData.from_folder(built_extract, "2023-01")
    view = coverage_gaps(data, Place("2023-01"), "lsoa")
    gaps = view.layers
    sizes = coverage.size_check(data.networks)
    split = coverage.non_contiguous(data.contiguity, data.network_boundaries.attributes, "lsoa",
                                    data.network_pieces)
    split = split[split["flagged"]]
    under = {f["properties"]["network_code"]: f["properties"]["colour"]
             for f in json.loads(gaps.under)["features"]} if gaps.under else {}
    national = data.national_boundaries
    drawn_under = set(national[national["method"] == "lsoa"]["network_code"])
    assert set(under) == set(sizes.loc[sizes["size_band"] == "under", "network_code"]) & \
        drawn_under
    assert set(under.values()) <= {selection.UNDER_COLOUR}
    if gaps.split_shapes:
        assert {f["properties"]["network_code"] for f in json.loads(gaps.split_shapes)[
            "features"]} <= set(split["network_code"])
    assert gaps.place == "england"
    drawn_codes = set(gaps.practices.column(c.PRACTICE_CODE))
    assert drawn_codes <= set(view.tables["unaligned"].frame["practice_code"])
    assert list(view.tables["sizes"].frame["network_code"]) == list(sizes["network_code"])
