"""The Neighbourhoods page's draft, checks, map and sheet for a place and
the changes in its address (see :mod:`ui.data`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import codes, footprint_sheet, store
from pcnmap import columns as c
from pcnmap.maps import footprints, layerdata
from pcnmap.model import (
    benchmarks,
    methods,
    neighbourhoods,
    places,
    whatif,
)
from ui.data.tables import (
    age_bands,
    commissioner_labels,
    default_year,
    entitlements,
    lsoa_graph,
    lsoa_networks,
    lsoa_rurality,
    national_boundaries,
    network_boundaries,
    networks,
    place_shapes,
    practices,
    snapshot,
    unaligned,
)

__all__ = [
    "footprint_layers",
    "footprint_sheet_html",
    "neighbourhood_draft",
    "neighbourhood_tables",
    "neighbourhood_view",
    "touching_pairs",
]


@st.cache_resource(show_spinner="Finding which networks touch…")
def touching_pairs(snapshot: str, method: str) -> pd.DataFrame:
    """Pairs of networks whose areas touch by ``method``: for the LSOA-based
    methods from the LSOA piece graph (exact, no geometry), for Voronoi
    cells from the boundaries themselves."""
    if method in whatif.AREA_COLUMNS:
        column = benchmarks.LSOA_NETWORK_COLUMN[method]
        return neighbourhoods.lsoa_touching_pairs(
            lsoa_graph(snapshot), lsoa_networks(snapshot).set_index(c.LSOA_CODE)[column])
    shapes = network_boundaries(snapshot)
    return neighbourhoods.shape_touching_pairs(shapes[shapes["method"] == method])


@st.cache_resource(show_spinner="Drafting the footprints…", max_entries=64)
def neighbourhood_draft(snapshot: str, method: str, level: str, code: str | None
                        ) -> neighbourhoods.Draft:
    """A place's drafted footprints (seeded: the same whoever asks)."""
    return neighbourhoods.draft_place(practices(snapshot), networks(snapshot),
                                      touching_pairs(snapshot, method), level, code)


@st.cache_resource(show_spinner=False)
def neighbourhood_tables(snapshot: str, method: str) -> neighbourhoods.SnapshotTables:
    """What the footprints' checks need of a snapshot, by ``method``."""
    year = default_year(snapshot)
    column = benchmarks.LSOA_NETWORK_COLUMN.get(method, c.NETWORK_CODE)
    return neighbourhoods.SnapshotTables(
        practices=practices(snapshot), networks=networks(snapshot),
        age_bands=age_bands(snapshot),
        lsoa_network=lsoa_networks(snapshot).set_index(c.LSOA_CODE)[column].dropna(),
        rurality=lsoa_rurality(snapshot).set_index(c.LSOA_CODE)["urban_rural"],
        entitlements=entitlements(snapshot, year).networks[[c.NETWORK_CODE, "total"]],
        year=year, unaligned=unaligned(snapshot),
        # "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)":
        # the place alone, the ICB being a column of its own.
        sub_icb_names={code: label.split(places.SEPARATOR, 1)[-1].rsplit(" (", 1)[0]
                       for code, label in commissioner_labels(snapshot).items()})


@st.cache_resource(show_spinner="Checking the footprints…", max_entries=32)
def neighbourhood_view(snapshot: str, method: str, level: str, code: str | None, place: str,
                       moves: str, names: str) -> neighbourhoods.NeighbourhoodView:
    """The Neighbourhoods page for a place and the changes in its address."""
    return neighbourhoods.page_view(
        neighbourhood_tables(snapshot, method), neighbourhood_draft(snapshot, method, level,
                                                                    code),
        neighbourhoods.Changes.from_text(moves, names), place=place, level=level, code=code,
        method=methods.METHODS[method])


@st.cache_resource(show_spinner="Drawing the map…", max_entries=16)
def footprint_layers(snapshot: str, method: str, level: str, code: str | None, place: str,
                     moves: str, names: str) -> footprints.FootprintMapLayers:
    """The Neighbourhoods map's layers (an ICB or region at local detail,
    England at national scale)."""
    view = neighbourhood_view(snapshot, method, level, code, place, moves, names)
    national = level == "england"
    shapes = national_boundaries(snapshot) if national else network_boundaries(snapshot)
    drawn = shapes[(shapes["method"] == method)
                   & codes.one_of(shapes[c.NETWORK_CODE], view.graph.codes)]
    return footprints.footprint_map_layers(
        view.proposal, view.graph, practices(snapshot), drawn, place_shapes(),
        layerdata.NATIONAL_PRECISION if national else layerdata.LOCAL_PRECISION)


@st.cache_resource(show_spinner="Writing the footprint sheet…", max_entries=16)
def footprint_sheet_html(key: str, method: str, level: str, code: str | None, place: str,
                         moves: str, names: str, footprint: str) -> str:
    """One footprint's one-page sheet (print-ready HTML)."""
    view = neighbourhood_view(key, method, level, code, place, moves, names)
    layers = footprint_layers(key, method, level, code, place, moves, names)
    shapes = network_boundaries(key)
    drawn = shapes[(shapes["method"] == method)
                   & codes.one_of(shapes[c.NETWORK_CODE], view.graph.codes)]
    info = snapshot(key)
    colour = {label.split(" · ")[0]: colour for label, colour in layers.legend}
    facts = footprint_sheet.sheet_facts(
        view, footprint, boundaries=drawn, practices=practices(key),
        snapshot_label=info.label, as_of=info.as_of, method=method,
        colour=colour.get(footprint, footprints.FOOTPRINT_PALETTE[0]), sources=info.sources,
        attribution=store.ATTRIBUTION)
    return footprint_sheet.footprint_sheet(facts)
