"""The Boundary methods page's view on the built extract: each method's
measures and chart over the place's own networks, named alike in the table,
the legend and the page's list."""

from __future__ import annotations

import pytest

from pcnmap import columns as c
from pcnmap.model import methods
from pcnmap.model.place import Place
from pcnmap.views.methods import HOW, boundary_methods
from pcnmap.views.source import SnapshotData

SNAPSHOT = "2026-07"
PLACES = {"England": {}, "Lancashire and South Cumbria ICB": {"region": "Y62", "area": "QE1"},
          "Chorley and South Ribble (00X)": {"region": "Y62", "area": "QE1",
                                             "commissioner": "00X"}}


@pytest.fixture(scope="module")
def data(built_extract) -> SnapshotData:
    return SnapshotData.from_folder(built_extract, SNAPSHOT)


@pytest.mark.parametrize("name", PLACES)
def test_the_chart_draws_each_method_over_the_places_networks(data, name) -> None:
    place = Place(SNAPSHOT, name=name, **PLACES[name])
    view = boundary_methods(data, place)
    figure = view.figure()
    mine = place.network_codes(data.practices)
    comparison = data.method_comparison
    expected = comparison if place.is_england else comparison[
        comparison[c.NETWORK_CODE].isin(mine)]
    assert len(expected)
    assert [trace.name for trace in figure.data] == [
        methods.title(method) for method in expected[c.METHOD].drop_duplicates()]
    for trace in figure.data:
        method = next(m for m in methods.METHODS if methods.title(m) == trace.name)
        rows = expected[expected[c.METHOD] == method]
        assert list(trace.y) == list(rows[c.PATIENTS_PER_KM2])
        names = data.networks.set_index(c.NETWORK_CODE)[c.NETWORK_NAME]
        assert list(trace.text) == list(rows[c.NETWORK_CODE].map(names))
    # The measures count the same networks the chart draws, method by method.
    counts = dict(zip(view.measures.frame["method_name"], view.measures.frame["networks"],
                      strict=True))
    for trace in figure.data:
        default = " (default)" if trace.name == methods.title(methods.DEFAULT) else ""
        assert counts[trace.name + default] == len(trace.y)
    assert view.title == f"How network areas are derived: {name}"


def test_every_method_is_described_once_in_the_pickers_order() -> None:
    assert list(HOW) == list(methods.METHODS)
