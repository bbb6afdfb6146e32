"""The Cross-commissioner networks map for one crossing network, on the built extract."""

from __future__ import annotations

from pathlib import Path

from pcnmap import columns as c
from pcnmap.maps import basemap, elements
from pcnmap.model import coverage
from pcnmap.views import cross_commissioner
from pcnmap.views.source import SnapshotData


def test_a_crossing_networks_map_names_it_and_draws_each_side_in_its_colour(
        built_extract: Path) -> None:
    data = SnapshotData.from_folder(built_extract, "2019-12")
    crossing = coverage.cross_commissioner_networks(data.practices, data.networks)
    code = crossing[crossing["crosses_commissioners"]][c.NETWORK_CODE].iloc[0]
    name = data.networks.set_index(c.NETWORK_CODE).loc[code, c.NETWORK_NAME]
    drawn = cross_commissioner.cross_map(data, code, "lsoa")
    assert drawn.name == f"Map of {name}'s member practices, each in its own CCG's colour"
    assert code not in drawn.name
    members = data.practices[data.practices[c.NETWORK_CODE] == code]
    sides = sorted(members[c.COMMISSIONER_CODE].dropna().unique())
    assert len(sides) >= 2 and sorted(drawn.colours) == sides
    assert len(set(drawn.colours.values())) == len(sides)
    layers = drawn.layers()
    outlines = [layer for layer in layers
                if layer.layer_name in set(drawn.outlines[c.COMMISSIONER_NAME])]
    named = [layer for layer in layers if isinstance(layer, elements.LabelLayer)]
    assert len(outlines) == len(named) == len(sides)
    practices = [layer for layer in layers if isinstance(layer, elements.PracticePoints)]
    assert len(practices) == 1
    # Every layer goes on a map (each made anew: an element has one map).
    fmap = basemap.base_map(drawn.bounds, tiles=None, name=drawn.name)
    for layer in drawn.layers():
        layer.add_to(fmap)
    basemap.finish_map(fmap)
    legend = {entry.layer for entry in basemap.legend_of(fmap).entries()}
    assert {layer.layer_name for layer in layers} <= legend
