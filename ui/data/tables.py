"""The snapshot's tables as the app holds them: read from the data folder
once and shared by every session (see :mod:`ui.data`)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from pcnmap import columns as c
from pcnmap import shapes, store
from pcnmap.maps import colours, layerdata, picture
from pcnmap.model import (
    benchmarks,
    changes,
    coverage,
    figures,
    funding,
    places,
)
from pcnmap.model.contiguity import PartGraph

__all__ = [
    "age_bands",
    "benchmark_measures",
    "changes_between",
    "commissioner_labels",
    "commissioner_picture",
    "commissioners",
    "contiguity",
    "cross_commissioner",
    "cross_commissioner_sides",
    "default_year",
    "england",
    "entitlements",
    "funding_lists",
    "headline",
    "layer_graph",
    "layer_rurality",
    "list_source",
    "lsoa_graph",
    "lsoa_layer",
    "lsoa_networks",
    "lsoa_rurality",
    "manifest",
    "method_comparison",
    "method_summaries",
    "national_boundaries",
    "national_commissioners",
    "network_boundaries",
    "network_colours",
    "network_pieces",
    "networks",
    "participation_averages",
    "place_names",
    "place_shapes",
    "practice_labels",
    "practice_payments",
    "practices",
    "quality",
    "rates",
    "snapshot",
    "snapshot_keys",
    "stable_network_colours",
    "unaligned",
    "uncovered_areas",
]


# Shapes recurring across snapshots held once (shapes.ShapePool).
_SHAPES = shapes.ShapePool()


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
        outlines[c.COMMISSIONER_NAME], outlines[c.COMMISSIONER_CODE], strict=True)]
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
    every = pd.concat([frame.loc[frame["method"] == "catchment", [c.NETWORK_CODE, "geometry"]]
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


@st.cache_resource(show_spinner=False)
def place_names(snapshot: str, level: str, region: str = "all", area: str = "all"
                ) -> dict[str, str]:
    """The sidebar's choices at ``level`` ("region", "stp", "commissioner")
    within a region and an STP/ICB ("all": any), code -> name, sorted by code."""
    return places.choices(practices(snapshot), commissioners(snapshot),
                          commissioner_labels(snapshot) if level == "commissioner" else {},
                          level, None if region == "all" else region,
                          None if area == "all" else area)


@st.cache_resource(show_spinner=False)
def commissioner_labels(key: str) -> dict[str, str]:
    """Each commissioner as people know it: code · place (the rule is in
    :mod:`pcnmap.model.places`; a Sub-ICB location's place is its
    predecessor CCG's, from the snapshots whose commissioners are CCGs)."""
    older = [other for other in reversed(snapshot_keys())
             if snapshot(other).commissioner_word == "CCG"]
    table = commissioners(key)[[c.COMMISSIONER_CODE, c.COMMISSIONER_NAME]]
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
    return dict(zip(table[c.PRACTICE_CODE],
                    table[c.PRACTICE_CODE] + " · " + table[c.PRACTICE_NAME], strict=True))


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


@st.cache_resource(show_spinner=False)
def list_source(snapshot: str) -> figures.ListSource:
    """Where the snapshot's patient counts come from, and their date."""
    return figures.list_source(practices(snapshot)["registered_source"])
