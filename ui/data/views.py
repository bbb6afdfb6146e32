"""The pages' views, one per place and choice, worked out by
:mod:`pcnmap.views` from the cached tables (see :mod:`ui.data`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import columns as c
from pcnmap import sheet, store
from pcnmap.maps import colours, selection
from pcnmap.model import (
    benchmarks,
    changes,
    places,
    whatif,
)
from pcnmap.model.place import Place
from pcnmap.model.proposal import Proposal
from pcnmap.views import coverage_gaps as gaps_view
from pcnmap.views import funding as funding_view
from pcnmap.views import own_data as own_data_view
from pcnmap.views import plan as plan_view
from pcnmap.views import shared
from pcnmap.views.source import SnapshotData
from ui.data.tables import (
    age_bands,
    benchmark_measures,
    commissioner_labels,
    commissioners,
    contiguity,
    funding_lists,
    lsoa_graph,
    lsoa_networks,
    lsoa_rurality,
    method_comparison,
    national_boundaries,
    national_commissioners,
    network_boundaries,
    network_colours,
    network_pieces,
    networks,
    place_names,
    place_shapes,
    practices,
    quality,
    rates,
    snapshot,
    snapshot_keys,
    uncovered_areas,
)

__all__ = [
    "coverage_gaps",
    "cross_commissioner_sides",
    "cross_commissioner_view",
    "cross_map",
    "current_scenario",
    "data_quality_view",
    "funding_page",
    "funding_page_with",
    "map_as_tables",
    "methods_view",
    "network_benchmarks",
    "network_choices",
    "network_facts",
    "network_map_layers",
    "network_sheet",
    "overview_view",
    "own_data",
    "place",
    "plan",
    "proposal_outcome",
    "snapshot_data",
    "what_changed",
]


def _tables(key: str) -> dict:
    """How a snapshot's :class:`SnapshotData` gets each table: from this
    module's caches, so a table is held once whoever asks for it."""
    return {"practices": lambda: practices(key), "networks": lambda: networks(key),
            "quality": lambda: quality(key), "lsoa_networks": lambda: lsoa_networks(key),
            "contiguity": lambda: contiguity(key),
            "method_comparison": lambda: method_comparison(key),
            "network_pieces": lambda: network_pieces(key),
            "age_bands": lambda: age_bands(key), "commissioners": lambda: commissioners(key),
            "national_commissioners": lambda: national_commissioners(key),
            "uncovered_areas": lambda: uncovered_areas(key),
            "network_boundaries": lambda: network_boundaries(key),
            "national_boundaries": lambda: national_boundaries(key),
            "lsoa_graph": lambda: lsoa_graph(key), "lsoa_rurality": lambda: lsoa_rurality(key),
            "places": place_shapes, "funding_lists": funding_lists, "rates": rates}


@st.cache_resource(show_spinner=False)
def snapshot_data(key: str) -> SnapshotData:
    """The snapshot as the page views read it (its tables from this module's
    caches; what the views work out for England remembered in it)."""
    tables = _tables(key)
    return SnapshotData(key, snapshot(key), lambda name: tables[name](),
                        labels=lambda: commissioner_labels(key))


@st.cache_resource(show_spinner=False, max_entries=512)
def place(key: str, region: str | None = None, area: str | None = None,
          commissioner: str | None = None) -> Place:
    """The place of these codes in the snapshot, named as people know it."""
    if commissioner:
        name = places.short_label(commissioner_labels(key).get(commissioner, commissioner),
                                  commissioner)
    elif area:
        name = places.icb_short(place_names(key, "stp").get(area, area))
    elif region:
        name = place_names(key, "region").get(region, region)
    else:
        name = "England"
    return Place(key, region, area, commissioner, name)


@st.cache_resource(show_spinner="Drawing the map…", max_entries=64)
def network_map_layers(snapshot: str, method: str, commissioner: str | None,
                       region: str | None, area: str | None) -> selection.NetworkMapLayers:
    """What the network map draws for one place (built once, shared by
    sessions): the place's practices and every member of its networks."""
    chosen = place(snapshot, region, area, commissioner)
    every = practices(snapshot)
    return selection.network_map_layers(
        chosen.with_whole_networks(every), commissioners=chosen.commissioner_codes(every),
        local=bool(commissioner),
        method=method, local_outlines=commissioners(snapshot),
        national_outlines=national_commissioners(snapshot),
        local_boundaries=network_boundaries(snapshot),
        national_boundaries=national_boundaries(snapshot), places=place_shapes(),
        colours=network_colours(snapshot, method), place=chosen.file_part)


@st.cache_resource(show_spinner=False, max_entries=64)
def network_benchmarks(snapshot: str, year: str, network_code: str
                       ) -> benchmarks.NetworkBenchmarks | None:
    """The network's figures against its commissioner's and England's (None: not open)."""
    measures = benchmark_measures(snapshot, year)
    if network_code not in set(measures[c.NETWORK_CODE]):
        return None
    return benchmarks.network_benchmarks(measures, network_code)


@st.cache_resource(show_spinner=False, max_entries=64)
def network_facts(key: str, network_code: str, method: str):
    """Everything the panel and the sheet say of a network (None: not open)."""
    from pcnmap.views import network as view

    since = changes.previous_snapshot(snapshot_keys(), key)
    return view.network_facts(snapshot_data(key), network_code, method,
                              snapshot_data(since) if since else None,
                              network_colours().get(network_code, colours.PALETTE[1]))


@st.cache_resource(show_spinner="Writing the network sheet…", max_entries=32)
def network_sheet(key: str, network_code: str, method: str) -> str:
    """The network's one-page sheet (print-ready HTML), from its facts."""
    return sheet.network_sheet(network_facts(key, network_code, method),
                               snapshot(key).sources, store.ATTRIBUTION)


@st.cache_resource(show_spinner="Finding coverage gaps…", max_entries=64)
def coverage_gaps(key: tuple, method: str) -> gaps_view.CoverageGapsView:
    """The Coverage gaps page for a place (:attr:`Place.key`) and method."""
    return gaps_view.coverage_gaps(snapshot_data(key[0]), place(*key), method)


@st.cache_resource(show_spinner=False, max_entries=64)
def cross_commissioner_view(key: tuple):
    """The Cross-commissioner networks page for a place (:attr:`Place.key`)."""
    from pcnmap.views import cross_commissioner as view

    return view.cross_commissioner(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False, max_entries=64)
def cross_commissioner_sides(snapshot: str, network_code: str):
    """One crossing network's members and patients on each commissioner's side."""
    from pcnmap.views import cross_commissioner as view

    return view.sides(snapshot_data(snapshot), network_code)


@st.cache_resource(show_spinner=False, max_entries=64)
def cross_map(snapshot: str, network_code: str, method: str):
    """One crossing network's map (its layers made anew for each map drawn)."""
    from pcnmap.views import cross_commissioner as view

    return view.cross_map(snapshot_data(snapshot), network_code, method)


@st.cache_resource(show_spinner=False, max_entries=64)
def data_quality_view(key: tuple):
    """The Data quality page for a place (:attr:`Place.key`)."""
    from pcnmap.views import data_quality as view

    return view.data_quality(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False, max_entries=64)
def overview_view(key: tuple):
    """The Overview for a place (:attr:`Place.key`)."""
    from pcnmap.views import overview as view

    return view.overview(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False, max_entries=64)
def network_choices(key: tuple) -> dict[str, str]:
    """The networks to choose from on a place's pages, code -> "name (code)":
    the place's own first, then the rest of England's, each by name."""
    return shared.network_choices(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False, max_entries=64)
def methods_view(key: tuple):
    """The Boundary methods page for a place (:attr:`Place.key`)."""
    from pcnmap.views import methods as view

    return view.boundary_methods(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False, max_entries=64)
def map_as_tables(key: tuple):
    """The Network map's networks and practices for a place, as tables."""
    from pcnmap.views import network_map as view

    return view.map_as_tables(snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner="Working out entitlements…", max_entries=32)
def funding_page(key: tuple, year: str, method: str) -> funding_view.FundingView:
    """The Funding page for a place (:attr:`Place.key`), year and boundary
    method (the order and the chart's units are chosen from it)."""
    return funding_view.funding(snapshot_data(key[0]), place(*key), year, method=method)


def funding_page_with(key: tuple, year: str, method: str, beds: dict[str, float],
                      weighted: pd.DataFrame | None) -> funding_view.FundingView:
    """The Funding page with a person's care home beds or weighted lists:
    worked out for them alone (not kept), from the snapshot's cached tables."""
    if not beds and weighted is None:
        return funding_page(key, year, method)
    return funding_view.funding(snapshot_data(key[0]), place(*key), year, method=method,
                                beds=beds, weighted=weighted)


# Each holds a copy of the snapshot's practices (about 15 MB).
@st.cache_resource(show_spinner="Working out the proposal…", max_entries=6)
def proposal_outcome(snapshot: str, method: str, moves: str, new: str) -> plan_view.Outcome:
    """A proposal (its :meth:`~pcnmap.model.proposal.Proposal.to_text`, checked
    against the snapshot) applied to all of England, and the networks that
    change beside today's, for the snapshot's funding year: worked out once,
    whoever asks again, whatever their place."""
    return plan_view.outcome(snapshot_data(snapshot), Proposal.from_text(moves, new), method)


def current_scenario(snapshot: str) -> whatif.Scenario:
    """The shipped snapshot as the what-if pages compare against (one copy,
    kept with the snapshot's data)."""
    return plan_view.current(snapshot_data(snapshot))


# A place's view holds its practices (all of England's: a few megabytes).
@st.cache_resource(show_spinner="Working out the proposal…", max_entries=16)
def plan(key: tuple, method: str, moves: str, new: str) -> plan_view.PlanView:
    """The Plan a change page for a place (:attr:`Place.key`), method and
    proposal (checked against the snapshot, as text)."""
    return plan_view.plan_a_change(snapshot_data(key[0]), place(*key),
                                   Proposal.from_text(moves, new), method,
                                   proposal_outcome(key[0], method, moves, new))


def own_data(key: tuple, after: whatif.Scenario, table: pd.DataFrame, as_of: str
             ) -> own_data_view.OwnDataView:
    """Your own data's comparison for a place (not cached: the files are
    this session's own, and the page keeps their comparison)."""
    return own_data_view.own_data(snapshot_data(key[0]), place(*key), after, table, as_of)


@st.cache_resource(show_spinner="Comparing the snapshots…", max_entries=64)
def what_changed(since: str, key: tuple):
    """The What changed page for a place (:attr:`Place.key`) since snapshot
    ``since`` (a :class:`pcnmap.views.what_changed.WhatChangedView`)."""
    from pcnmap.views import what_changed as view

    return view.what_changed(snapshot_data(since), snapshot_data(key[0]), place(*key))
