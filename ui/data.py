"""The app's only caching: every page reads data and results through here.

Cached by snapshot key and plain arguments (never by a DataFrame argument),
and shared by every browser session: ``st.cache_resource`` hands all
sessions the same objects, so a second viewer costs no second copy. Callers
must not modify what they get.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from pcnmap import codes, store
from pcnmap.maps import mapping
from pcnmap.model import changes, coverage, funding, lookup, whatif
from pcnmap.model.contiguity import PartGraph


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
    return store.read_table(store.DATA_DIR, snapshot, "practices")


@st.cache_resource(show_spinner="Loading networks…")
def networks(snapshot: str) -> pd.DataFrame:
    return store.read_table(store.DATA_DIR, snapshot, "networks")


@st.cache_resource(show_spinner=False)
def quality(snapshot: str) -> pd.DataFrame:
    return store.read_table(store.DATA_DIR, snapshot, "quality")


@st.cache_resource(show_spinner="Loading boundaries…")
def commissioners(snapshot: str) -> gpd.GeoDataFrame:
    return store.read_commissioners(store.DATA_DIR, snapshot)


@st.cache_resource(show_spinner="Loading network boundaries…")
def network_boundaries(snapshot: str) -> gpd.GeoDataFrame:
    return store.read_geo(store.DATA_DIR, snapshot, "network_boundaries")


@st.cache_resource(show_spinner=False)
def uncovered_areas(snapshot: str) -> gpd.GeoDataFrame:
    return store.read_geo(store.DATA_DIR, snapshot, "uncovered_areas")


@st.cache_resource(show_spinner=False)
def lsoa_networks(snapshot: str) -> pd.DataFrame:
    return store.read_table(store.DATA_DIR, snapshot, "lsoa_networks")


@st.cache_resource(show_spinner=False)
def headline(snapshot: str) -> store.Headline:
    return store.headline(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner=False)
def cross_commissioner(snapshot: str) -> pd.DataFrame:
    return coverage.cross_commissioner_networks(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner=False)
def cross_commissioner_sides(snapshot: str) -> pd.DataFrame:
    return coverage.cross_commissioner_sides(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner="Finding coverage gaps…")
def unaligned(snapshot: str) -> pd.DataFrame:
    return coverage.unaligned_practices(practices(snapshot))


@st.cache_resource(show_spinner=False)
def rates() -> funding.RateBook:
    return funding.load_rates()


@st.cache_resource(show_spinner=False)
def funding_lists() -> pd.DataFrame:
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
    return mapping.england_outline(national_commissioners(snapshot)).to_json()


@st.cache_resource(show_spinner=False)
def commissioner_picture(snapshot: str) -> str:
    """England's commissioners as an SVG picture, each named on hover."""
    outlines = national_commissioners(snapshot)
    labels = [name if code in name else f"{name} ({code})" for name, code in zip(
        outlines["commissioner_name"], outlines["commissioner_code"], strict=True)]
    return mapping.outline_svg(outlines.assign(label=labels), "label",
                               description="Map of England's commissioners")


@st.cache_resource(show_spinner=False)
def national_boundaries(snapshot: str) -> gpd.GeoDataFrame:
    return store.read_geo(store.DATA_DIR, snapshot, "national_boundaries")


@st.cache_resource(show_spinner=False)
def network_colours(snapshot: str, method: str) -> dict[str, str]:
    """One palette colour per network, neighbours differing (from the national layer)."""
    shapes = national_boundaries(snapshot)
    return mapping.neighbour_colours(shapes[shapes["method"] == method], "network_code")


@st.cache_resource(show_spinner=False)
def national_commissioners(snapshot: str) -> gpd.GeoDataFrame:
    """Commissioner outlines coarse enough to draw all of England at once."""
    return store.read_geo(store.DATA_DIR, snapshot, "national_commissioners")


@st.cache_resource(show_spinner="Drawing the map…", max_entries=64)
def network_map_layers(snapshot: str, method: str, commissioner: str | None,
                       region: str | None, area: str | None) -> dict:
    """What the network map draws for one selection, ready for folium: the
    layers' GeoJSON text and practice rows (built once, shared by sessions)."""
    chosen = practices(snapshot)
    if commissioner:
        chosen = lookup.serving(chosen, commissioner)
        outlines = commissioners(snapshot)
        outlines = outlines[outlines["commissioner_code"] == commissioner]
        derived = network_boundaries(snapshot)
        grid = mapping.LOCAL_PRECISION
    else:
        chosen = lookup.within_area(chosen, region, area)
        outlines = national_commissioners(snapshot)
        outlines = outlines[codes.one_of(outlines["commissioner_code"],
                                         chosen["commissioner_code"].unique())]
        # Many networks at once: the national-scale boundaries (1 km, ~100 m grid).
        derived = national_boundaries(snapshot)
        grid = mapping.NATIONAL_PRECISION
    derived = derived[(derived["method"] == method)
                      & codes.one_of(derived["network_code"], chosen["network_code"])]
    colours = network_colours(snapshot, method)
    return {
        "bounds": tuple(outlines.total_bounds),
        "commissioners": mapping.commissioner_geojson(outlines, grid),
        "networks": mapping.network_geojson(derived, colours, grid) if len(derived) else None,
        "practices": mapping.practice_rows(chosen, colours,
                                           mapping.LOCAL_PRECISION if commissioner else 1e-4),
        "derived": derived,
    }


@st.cache_resource(show_spinner=False)
def contiguity(snapshot: str) -> pd.DataFrame:
    """Each network's groups of practices whose areas connect, by method."""
    return store.read_table(store.DATA_DIR, snapshot, "contiguity")


@st.cache_resource(show_spinner=False)
def method_comparison(snapshot: str) -> pd.DataFrame:
    """Each method's area of each network and what it shares with the others'."""
    return store.read_table(store.DATA_DIR, snapshot, "method_comparison")


@st.cache_resource(show_spinner=False)
def method_summaries(snapshot: str) -> list[coverage.MethodSummary]:
    """The boundary methods side by side."""
    return coverage.method_summaries(method_comparison(snapshot), contiguity(snapshot),
                                     network_boundaries(snapshot), lsoa_networks(snapshot),
                                     practices(snapshot))


@st.cache_resource(show_spinner=False)
def lsoa_graph(snapshot: str) -> PartGraph:
    """Which pieces of the snapshot's LSOAs share an edge: contiguity of
    proposed networks."""
    return store.read_graph(store.DATA_DIR, snapshot)


@st.cache_resource(show_spinner=False)
def current_scenario(snapshot: str) -> whatif.Scenario:
    """The shipped snapshot as the what-if pages compare against."""
    return whatif.current_scenario(practices(snapshot), networks(snapshot))


@st.cache_resource(show_spinner="Comparing the snapshots…", max_entries=16)
def changes_between(before: str, after: str) -> changes.SnapshotChanges:
    """What changed from one snapshot to another (shared by every session)."""
    return changes.compare_snapshots(before, practices(before), networks(before), after,
                                     practices(after), networks(after))
