"""Serving Leaflet's files through Streamlit's static folder.

Streamlit serves ``static/`` beside dashboard.py at ``/app/static/`` (under
``server.baseUrlPath`` when the app runs at a sub-path such as ``/pcnmap/``);
the files are copied there from the installed package when the app starts (the
folder is not committed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from pcnmap.maps.assets import MapAssets, leaflet_folder

STATIC = Path(__file__).resolve().parent.parent / "static" / "leaflet"


@st.cache_resource(show_spinner=False)
def map_assets() -> MapAssets:
    """Leaflet's files served by the app itself (no CDN), copied once into its static folder."""
    source = leaflet_folder()
    if not (STATIC / "leaflet.js").exists() or (
            (STATIC / "leaflet.js").stat().st_size != (source / "leaflet.js").stat().st_size):
        STATIC.parent.mkdir(exist_ok=True)
        shutil.copytree(source, STATIC, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.map", "*esm*", "leaflet-src*"))
    return MapAssets.served_under(st.get_option("server.baseUrlPath") or "")
