"""The app's only caching: every page reads data and results through here.

Cached by snapshot key and plain arguments (never by a DataFrame argument),
and shared by every browser session: ``st.cache_resource`` hands all
sessions the same objects, so a second viewer costs no second copy. Callers
must not modify what they get.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import streamlit as st

from pcnmap import codes, footprint_sheet, shapes, sheet, store
from pcnmap.maps import colours, footprints, layerdata, picture, selection
from pcnmap.model import (
    benchmarks,
    changes,
    coverage,
    figures,
    funding,
    lookup,
    methods,
    neighbourhoods,
    places,
    whatif,
)
from pcnmap.model.contiguity import PartGraph
from pcnmap.model.place import Place
from pcnmap.model.proposal import Proposal
from pcnmap.views import coverage_gaps as gaps_view
from pcnmap.views import funding as funding_view
from pcnmap.views import own_data as own_data_view
from pcnmap.views import plan as plan_view
from pcnmap.views.source import SnapshotData

# Arrow's own allocator (mimalloc) keeps what it frees; the system's gives it
# back with the rest (release_memory): 30 MB less once the data is loaded.
pa.set_memory_pool(pa.system_memory_pool())
_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
# Blocks of a megabyte or more (a map's text, a rerun's messages) come
# straight from the system and go straight back; glibc would otherwise raise
# this threshold as such blocks are freed and keep the next ones in its heap.
_LIBC.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD (malloc.h)
# Two malloc arenas at most. Streamlit runs each rerun in a new thread, and
# glibc gives threads arenas of their own (up to eight a core), each keeping
# what its threads freed for them alone: under 20 sessions the app peaked at
# 561 MB with them and 530 MB with two (bench/load.py). Set before the
# sessions' threads start, it holds for the process.
ARENAS = 2
_LIBC.mallopt(-8, ARENAS)  # M_ARENA_MAX
# Shapes recurring across snapshots held once (shapes.ShapePool).
_SHAPES = shapes.ShapePool()
_TRIMMED = [0.0]
_COLLECTED = [0.0]
_TRIM_LOCK = threading.Lock()
# Seconds between full garbage collections (see release_memory).
COLLECT_EVERY = 10.0


def release_memory(every: float = 1.0, collect_every: float = COLLECT_EVERY) -> None:
    """Hand memory freed by the last runs back to the system (at most once a
    second, for all sessions; about a millisecond), after a full garbage
    collection every ``collect_every`` seconds (0.1-0.2 s).

    Each rerun of a map page builds and drops megabytes of text in its own
    thread; glibc keeps what such threads free in their own arenas, and
    under 20 sessions the app held 100 MB more than it used (bench/load.py).

    The collection is needed because a folium map is a tree whose elements
    point back at their parents: every map page's run leaves a cycle that
    holds its layers' text, which only a full collection frees. Streamlit's
    collection after every run is off (``runner.postScriptGC``: 40% of each
    rerun's time), and Python's own rarely reaches the oldest generation
    when the caches hold millions of objects. Without this the app grew by
    150 MB in 90 s under 20 sessions, and did not stop (bench/load.py).
    """
    now = time.monotonic()
    with _TRIM_LOCK:
        if now - _TRIMMED[0] < every:
            return
        _TRIMMED[0] = now
        collect = now - _COLLECTED[0] >= collect_every
        if collect:
            _COLLECTED[0] = now
    if collect:
        gc.collect()
    _LIBC.malloc_trim(0)


@st.cache_resource(show_spinner=False)
def manifest() -> dict:
    """The data folder's manifest, once its every table has been checked
    against it: a broken or mixed folder is refused, naming the table."""
    problems = store.verify(store.DATA_DIR)
    if problems:
        raise store.DataMissing("The data folder is damaged:", problems[0].rstrip("."))
    return store.read_manifest(store.DATA_DIR)


def snapshot_keys() -> list[str]:
    """The shipped snapshots, oldest first."""
    snapshots = manifest().get("snapshots", {})
    return sorted(snapshots, key=lambda key: snapshots[key]["as_of"])


@st.cache_resource(show_spinner=False)
def snapshot(key: str) -> store.SnapshotInfo:
    """A snapshot's label, words for its commissioners, years and notes."""
    return store.snapshot_info(manifest(), key)


def default_year(key: str) -> str:
    """The financial year a snapshot's funding figures open on."""
    return funding.default_year(rates(), snapshot(key).financial_years)


@st.cache_resource(show_spinner="Loading practices…")
def practices(snapshot: str) -> pd.DataFrame:
    """The snapshot's practices with their networks, commissioners and lists."""
    return store.read_table(store.DATA_DIR, snapshot, "practices")


@st.cache_resource(show_spinner="Loading networks…")
def networks(snapshot: str) -> pd.DataFrame:
    """The snapshot's networks with their members and lists."""
    return store.read_table(store.DATA_DIR, snapshot, "networks")


@st.cache_resource(show_spinner=False)
def quality(snapshot: str) -> pd.DataFrame:
    """The snapshot's data-quality findings from its build."""
    return store.read_table(store.DATA_DIR, snapshot, "quality")


@st.cache_resource(show_spinner="Loading boundaries…")
def commissioners(snapshot: str) -> gpd.GeoDataFrame:
    """The snapshot's commissioner outlines."""
    return _SHAPES.share(store.read_commissioners(store.DATA_DIR, snapshot))


@st.cache_resource(show_spinner="Loading network boundaries…")
def network_boundaries(snapshot: str) -> shapes.Shapes:
    """Each network's derived boundary, by method (local detail): shapes
    made only for the rows selected."""
    return store.read_shapes(store.DATA_DIR, snapshot, "network_boundaries")


@st.cache_resource(show_spinner=False)
def uncovered_areas(snapshot: str) -> gpd.GeoDataFrame:
    """Areas whose nearest practice is in no network."""
    return _SHAPES.share(store.read_geo(store.DATA_DIR, snapshot, "uncovered_areas"))


@st.cache_resource(show_spinner=False)
def lsoa_networks(snapshot: str) -> pd.DataFrame:
    """Each LSOA with the network serving it, by method."""
    return store.read_table(store.DATA_DIR, snapshot, "lsoa_networks")


@st.cache_resource(show_spinner=False)
def headline(snapshot: str) -> store.Headline:
    """The overview's figures for England."""
    return store.headline(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner=False)
def cross_commissioner(snapshot: str) -> pd.DataFrame:
    """Networks whose members sit with more than one commissioner."""
    return coverage.cross_commissioner_networks(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner=False)
def cross_commissioner_sides(snapshot: str) -> pd.DataFrame:
    """Each cross-commissioner network's members by commissioner."""
    return coverage.cross_commissioner_sides(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner="Finding coverage gaps…")
def unaligned(snapshot: str) -> pd.DataFrame:
    """Practices with patients in no network, with the nearest network that could cover them."""
    return coverage.unaligned_practices(practices(snapshot))


@st.cache_resource(show_spinner=False)
def rates() -> funding.RateBook:
    """The declared funding rates (pcnmap/declared/funding_rates.toml)."""
    return funding.load_rates()


@st.cache_resource(show_spinner=False)
def funding_lists() -> pd.DataFrame:
    """Every practice's lists for each funding year's list date."""
    return store.read_root_table(store.DATA_DIR, "funding_lists")


@st.cache_resource(show_spinner="Working out entitlements…")
def entitlements(snapshot: str, year: str) -> funding.NetworkFunding:
    """Every network's entitlement in ``year`` (the snapshot's members)."""
    return funding.network_funding(practices(snapshot), funding_lists(), rates(), year)


@st.cache_resource(show_spinner=False)
def practice_payments(snapshot: str, year: str) -> pd.DataFrame:
    """The member practices' own payments in ``year``."""
    return funding.practice_payments(practices(snapshot), funding_lists(), rates(), year)


@st.cache_resource(show_spinner=False)
def england(snapshot: str) -> str:
    """England's outline as GeoJSON text, encoded once for every map."""
    return layerdata.england_outline(national_commissioners(snapshot)).to_json()


@st.cache_resource(show_spinner=False)
def commissioner_picture(snapshot: str) -> str:
    """England's commissioners as an SVG picture, each named on hover."""
    outlines = national_commissioners(snapshot)
    labels = [name if code in name else f"{name} ({code})" for name, code in zip(
        outlines["commissioner_name"], outlines["commissioner_code"], strict=True)]
    return picture.outline_svg(outlines.assign(label=labels), "label",
                               description="Map of England's commissioners")


@st.cache_resource(show_spinner=False)
def national_boundaries(snapshot: str) -> shapes.Shapes:
    """Network boundaries coarse enough to draw all of England at once
    (shapes made only for the rows selected)."""
    return store.read_shapes(store.DATA_DIR, snapshot, "national_boundaries")


@st.cache_resource(show_spinner=False)
def network_colours(snapshot: str | None = None, method: str | None = None) -> dict[str, str]:
    """One palette colour per network code, the same in every snapshot and
    by every method (the arguments are kept for callers and ignored): worked
    out once from where every snapshot's networks lie, neighbours apart."""
    return stable_network_colours()


@st.cache_resource(show_spinner="Colouring the networks…")
def stable_network_colours() -> dict[str, str]:
    """:func:`colours.stable_colours` of every snapshot's networks (their
    catchment boundaries at national scale; read here and let go, not kept
    in the cache for snapshots nobody opens)."""
    layers = [store.read_geo(store.DATA_DIR, key, "national_boundaries")
              for key in snapshot_keys()]
    every = pd.concat([frame.loc[frame["method"] == "catchment", ["network_code", "geometry"]]
                       for frame in layers], ignore_index=True)
    return colours.stable_colours(gpd.GeoDataFrame(every, geometry="geometry", crs=4326))


@st.cache_resource(show_spinner=False)
def national_commissioners(snapshot: str) -> gpd.GeoDataFrame:
    """Commissioner outlines coarse enough to draw all of England at once."""
    return _SHAPES.share(store.read_geo(store.DATA_DIR, snapshot, "national_commissioners"))


@st.cache_resource(show_spinner=False)
def place_shapes() -> gpd.GeoDataFrame:
    """England's local authority districts, for place names on maps."""
    return store.read(store.DATA_DIR, "places")


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


@st.cache_resource(show_spinner=False)
def place_names(snapshot: str, level: str, region: str = "all", area: str = "all"
                ) -> dict[str, str]:
    """The sidebar's choices at ``level`` ("region", "stp", "commissioner")
    within a region and an STP/ICB ("all": any), code -> name, sorted by code."""
    inside = practices(snapshot)
    if region != "all":
        inside = inside[inside["region_code"] == region]
    if area != "all":
        inside = inside[inside["stp_code"] == area]
    if level == "commissioner":
        table = commissioners(snapshot)[["commissioner_code", "commissioner_name"]]
        table = table[codes.one_of(table["commissioner_code"],
                                   inside["commissioner_code"].unique())]
        labels = commissioner_labels(snapshot)
        return {c: labels.get(c, c) for c in sorted(table["commissioner_code"])}
    found = inside.dropna(subset=[f"{level}_code"]).drop_duplicates(f"{level}_code")
    names = found[f"{level}_name"].astype("string").fillna(found[f"{level}_code"])
    return dict(sorted(zip(found[f"{level}_code"], names, strict=True)))


@st.cache_resource(show_spinner=False)
def commissioner_labels(key: str) -> dict[str, str]:
    """Each commissioner as people know it: code · place (the rule is in
    :mod:`pcnmap.model.places`; a Sub-ICB location's place is its
    predecessor CCG's, from the snapshots whose commissioners are CCGs)."""
    older = [other for other in reversed(snapshot_keys())
             if snapshot(other).commissioner_word == "CCG"]
    table = commissioners(key)[["commissioner_code", "commissioner_name"]]
    return places.commissioner_labels(
        table, places.predecessor_names([practices(other) for other in older]),
        places.main_districts(practices(key)))


@st.cache_resource(show_spinner=False)
def contiguity(snapshot: str) -> pd.DataFrame:
    """Each network's groups of practices whose areas connect, by method."""
    return store.read_table(store.DATA_DIR, snapshot, "contiguity")


@st.cache_resource(show_spinner=False)
def method_comparison(snapshot: str) -> pd.DataFrame:
    """Each method's area of each network and what it shares with the others'."""
    return store.read_table(store.DATA_DIR, snapshot, "method_comparison")


@st.cache_resource(show_spinner=False)
def network_pieces(snapshot: str) -> pd.DataFrame:
    """The pieces of each network drawn in two or more, and what each holds."""
    return store.read_table(store.DATA_DIR, snapshot, "network_pieces")


@st.cache_resource(show_spinner=False)
def method_summaries(snapshot: str) -> list[coverage.MethodSummary]:
    """The boundary methods side by side."""
    return coverage.method_summaries(method_comparison(snapshot), contiguity(snapshot),
                                     network_boundaries(snapshot).attributes,
                                     lsoa_networks(snapshot),
                                     practices(snapshot), network_pieces(snapshot))


def lsoa_layer(snapshot: str) -> str:
    """The LSOA layer ("2011", "2021") a snapshot's boundaries are made of."""
    return manifest()["snapshots"][snapshot]["lsoa_layer"]


def lsoa_graph(snapshot: str) -> PartGraph:
    """Which pieces of the snapshot's LSOAs share an edge: contiguity of
    proposed networks."""
    return layer_graph(lsoa_layer(snapshot))


# By layer, not by snapshot: three snapshots share the 2011 layer, and one
# copy serves them all.
@st.cache_resource(show_spinner=False)
def layer_graph(layer: str) -> PartGraph:
    """The piece graph of one LSOA layer."""
    return store.read_layer_graph(store.DATA_DIR, layer)


@st.cache_resource(show_spinner=False)
def practice_labels(snapshot: str) -> dict[str, str]:
    """Each practice as the planning pickers show it: code · name."""
    table = practices(snapshot)
    return dict(zip(table["practice_code"],
                    table["practice_code"] + " · " + table["practice_name"], strict=True))


@st.cache_resource(show_spinner=False)
def participation_averages(snapshot: str, year: str) -> pd.DataFrame:
    """Participation payments averaged per practice, England and by commissioner."""
    return funding.averages(practice_payments(snapshot, year))


@st.cache_resource(show_spinner="Comparing the snapshots…", max_entries=16)
def changes_between(before: str, after: str) -> changes.SnapshotChanges:
    """What changed from one snapshot to another (shared by every session)."""
    return changes.compare_snapshots(before, practices(before), networks(before), after,
                                     practices(after), networks(after))


@st.cache_resource(show_spinner=False)
def age_bands(snapshot: str) -> pd.DataFrame:
    """Each practice's patients by five-year age band (empty where the
    snapshot has none)."""
    return store.read_table(store.DATA_DIR, snapshot, "age_bands")


def lsoa_rurality(snapshot: str) -> pd.DataFrame:
    """The ONS rural-urban class of each LSOA of the snapshot's layer."""
    return layer_rurality(lsoa_layer(snapshot))


@st.cache_resource(show_spinner=False)
def layer_rurality(layer: str) -> pd.DataFrame:
    """The ONS rural-urban class of each LSOA of one layer (one copy a layer)."""
    return store.read(store.DATA_DIR, "lsoa_rurality", layer)


@st.cache_resource(show_spinner=False)
def benchmark_measures(snapshot: str, year: str) -> pd.DataFrame:
    """Every network's benchmarked measures in ``year`` (see pcnmap.model.benchmarks)."""
    return benchmarks.benchmark_measures(networks(snapshot), entitlements(snapshot, year).networks)


@st.cache_resource(show_spinner=False, max_entries=64)
def network_benchmarks(snapshot: str, year: str, network_code: str
                       ) -> benchmarks.NetworkBenchmarks | None:
    """The network's figures against its commissioner's and England's (None: not open)."""
    measures = benchmark_measures(snapshot, year)
    if network_code not in set(measures["network_code"]):
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


@st.cache_resource(show_spinner="Loading England's postcodes…")
def postcode_index() -> lookup.PostcodeIndex:
    """England's live postcodes, ready to look up (about 10 MB)."""
    return lookup.PostcodeIndex.from_table(store.read_root_table(store.DATA_DIR, "postcodes"))


@st.cache_resource(show_spinner=False)
def districts() -> pd.DataFrame:
    """England's local authority districts: names, label points and bounds."""
    shapes = place_shapes()
    bounds = shapes.geometry.bounds
    return pd.DataFrame(shapes.drop(columns="geometry")).assign(
        min_longitude=bounds["minx"], min_latitude=bounds["miny"],
        max_longitude=bounds["maxx"], max_latitude=bounds["maxy"])


@st.cache_resource(show_spinner=False, max_entries=256)
def search_matches(snapshot: str, query: str) -> list[lookup.Match]:
    """What the search finds for ``query`` in the snapshot (every kind)."""
    return lookup.search(practices(snapshot), networks(snapshot), commissioner_labels(snapshot),
                         districts(), postcode_index(), query)


@st.cache_resource(show_spinner="Finding who covers this postcode…", max_entries=256)
def postcode_answer(snapshot: str, key: str) -> lookup.PostcodeAnswer | None:
    """The networks covering a postcode by each method, and its nearest practices."""
    return lookup.answer_postcode(key, postcode_index(), network_boundaries(snapshot),
                                  practices(snapshot))


@st.cache_resource(show_spinner=False)
def list_source(snapshot: str) -> figures.ListSource:
    """Where the snapshot's patient counts come from, and their date."""
    return figures.list_source(practices(snapshot)["registered_source"])


# ---------------------------------------------------------------- views and places

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


def place_label_now(key: str) -> str:
    """The place the address names, for presentation mode's pop-over."""
    codes_now = [None if st.query_params.get(level) in (None, "", "all", "England")
                 else st.query_params.get(level) for level in ("region", "area", "commissioner")]
    chosen = place(key, *codes_now) if any(codes_now) else None
    return f"Place: {chosen.name}" if chosen else "Place: all of England"


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
    chosen = place(*key)
    found = networks(key[0])
    mine = chosen.network_codes(practices(key[0]))
    labels = {code: f"{name} ({code})" for code, name in
              zip(found["network_code"], found["network_name"], strict=True)}
    return dict(sorted(labels.items(), key=lambda item: (item[0] not in mine, item[1])))


@st.cache_resource(show_spinner=False, max_entries=64)
def methods_view(key: tuple):
    """The Boundary methods page for a place (:attr:`Place.key`)."""
    from pcnmap.views import methods as view

    return view.boundary_methods(snapshot_data(key[0]), place(*key))


# Funding

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


# ---------------------------------------------------------------- Plan a change


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


# ---------------------------------------------------------------- What changed

@st.cache_resource(show_spinner="Comparing the snapshots…", max_entries=64)
def what_changed(since: str, key: tuple):
    """The What changed page for a place (:attr:`Place.key`) since snapshot
    ``since`` (a :class:`pcnmap.views.what_changed.WhatChangedView`)."""
    from pcnmap.views import what_changed as view

    return view.what_changed(snapshot_data(since), snapshot_data(key[0]), place(*key))


@st.cache_resource(show_spinner=False)
def other_commissioners(key: str) -> dict[str, places.OtherCommissioner]:
    """The commissioners of the other shipped snapshots that snapshot ``key``
    lacks (former ones and later ones), with where their practices are in it."""
    keys = snapshot_keys()
    at = keys.index(key)
    ccg_names = places.predecessor_names([practices(other) for other in reversed(keys)
                                          if snapshot(other).commissioner_word == "CCG"])
    nearest = [*reversed(keys[:at]), *keys[at + 1:]]
    return places.other_commissioners(practices(key), [
        places.SnapshotNames(snapshot(other).label, keys.index(other) < at,
                             snapshot(other).commissioner_word, practices(other),
                             places.labels_from_practices(practices(other), ccg_names))
        for other in nearest])


@st.cache_resource(show_spinner=False, max_entries=256)
def other_commissioner_matches(key: str, query: str) -> list[lookup.Match]:
    """Commissioners of other snapshots that ``query`` finds, each with those
    of snapshot ``key`` that hold its practices now."""
    return lookup.other_commissioner_matches(other_commissioners(key),
                                             commissioner_labels(key), query)


# ---------------------------------------------------------------- Neighbourhoods


@st.cache_resource(show_spinner="Finding which networks touch…")
def touching_pairs(snapshot: str, method: str) -> pd.DataFrame:
    """Pairs of networks whose areas touch by ``method``: for the LSOA-based
    methods from the LSOA piece graph (exact, no geometry), for Voronoi
    cells from the boundaries themselves."""
    if method in whatif.AREA_COLUMNS:
        column = benchmarks.LSOA_NETWORK_COLUMN[method]
        return neighbourhoods.lsoa_touching_pairs(
            lsoa_graph(snapshot), lsoa_networks(snapshot).set_index("lsoa_code")[column])
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
    column = benchmarks.LSOA_NETWORK_COLUMN.get(method, "network_code")
    return neighbourhoods.SnapshotTables(
        practices=practices(snapshot), networks=networks(snapshot),
        age_bands=age_bands(snapshot),
        lsoa_network=lsoa_networks(snapshot).set_index("lsoa_code")[column].dropna(),
        rurality=lsoa_rurality(snapshot).set_index("lsoa_code")["urban_rural"],
        entitlements=entitlements(snapshot, year).networks[["network_code", "total"]],
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
                   & codes.one_of(shapes["network_code"], view.graph.codes)]
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
                   & codes.one_of(shapes["network_code"], view.graph.codes)]
    info = snapshot(key)
    colour = {label.split(" · ")[0]: colour for label, colour in layers.legend}
    facts = footprint_sheet.sheet_facts(
        view, footprint, boundaries=drawn, practices=practices(key),
        snapshot_label=info.label, as_of=info.as_of, method=method,
        colour=colour.get(footprint, footprints.FOOTPRINT_PALETTE[0]), sources=info.sources,
        attribution=store.ATTRIBUTION)
    return footprint_sheet.footprint_sheet(facts)


@st.cache_resource(show_spinner=False, max_entries=64)
def map_as_tables(key: tuple):
    """The Network map's networks and practices for a place, as tables."""
    from pcnmap.views import network_map as view

    return view.map_as_tables(snapshot_data(key[0]), place(*key))
