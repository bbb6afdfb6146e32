"""The app's only caching: every page reads the processed data through here.

Cached by snapshot key (never by a DataFrame argument), and shared by every
browser session: ``st.cache_resource`` hands all sessions the same objects,
so a second viewer costs no second copy. Callers must not modify them.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from pcnmap import store


@st.cache_resource(show_spinner=False)
def manifest() -> dict:
    return store.read_manifest(store.DATA_DIR)


def snapshot_keys() -> list[str]:
    return sorted(manifest().get("snapshots", {}))


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


@st.cache_resource(show_spinner=False)
def headline(snapshot: str) -> store.Headline:
    return store.headline(practices(snapshot), networks(snapshot))
