"""Controls every page shares. Selections live in the URL so a link opens the
same view, and errors reach the screen as plain sentences, never tracebacks."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

import folium

from pcnmap import mapping, store
from ui import data
from ui.assets import map_assets

LOG = logging.getLogger("pcnmap")

PRESENTATION_CSS = """
<style>
  html, body, [class*="st-"] { font-size: 1.35rem !important; }
  h1 { font-size: 3rem !important; } h2, h3 { font-size: 2.2rem !important; }
  [data-testid="stSidebar"], [data-testid="stToolbar"], header { display: none !important; }
  [data-testid="stMetricValue"] { font-size: 3.2rem !important; }
  .block-container { max-width: 100% !important; padding: 0.5rem 1rem !important; }
  iframe { min-height: 80vh !important; }
  body, .stApp { background: #ffffff !important; color: #000000 !important; }
</style>
"""


def _param(name: str) -> str | None:
    value = st.query_params.get(name)
    return value or None


def snapshot_picker(where=st.sidebar) -> str:
    """Choose a snapshot (URL parameter ``snapshot``)."""
    keys = data.snapshot_keys()
    if not keys:
        raise store.DataMissing(store.DATA_DIR / "manifest.json", "lists no snapshots")
    labels = {key: data.manifest()["snapshots"][key]["label"] for key in keys}
    wanted = _param("snapshot")
    index = keys.index(wanted) if wanted in keys else len(keys) - 1
    key = where.selectbox("Snapshot", keys, index=index, format_func=labels.get, key="snapshot")
    st.query_params["snapshot"] = key
    return key


def commissioner_picker(snapshot: str, where=st.sidebar) -> str | None:
    """Choose a commissioner or all of England (URL parameter ``commissioner``)."""
    table = data.commissioners(snapshot)[["commissioner_code", "commissioner_name"]]
    codes = ["England", *table["commissioner_code"].tolist()]
    names = dict(zip(table["commissioner_code"], table["commissioner_name"], strict=True))
    wanted = _param("commissioner")
    index = codes.index(wanted) if wanted in codes else 0
    code = where.selectbox(
        "Commissioner", codes, index=index, key="commissioner",
        format_func=lambda c: "All of England" if c == "England" else f"{names[c]} ({c})")
    if code == "England":
        st.query_params.pop("commissioner", None)
        return None
    st.query_params["commissioner"] = code
    return code


def presentation_toggle() -> bool:
    """Large type, high contrast, controls hidden (URL parameter ``present=1``)."""
    on = st.sidebar.toggle("Presentation mode", value=_param("present") == "1",
                           help="Large type and high contrast for a projector; "
                                "remove ?present=1 from the address to leave it.")
    if on:
        st.query_params["present"] = "1"
        st.html(PRESENTATION_CSS)
    else:
        st.query_params.pop("present", None)
    return on


def csv_download(frame: pd.DataFrame, name: str, label: str = "Download table (CSV)") -> None:
    st.download_button(label, frame.to_csv(index=False).encode("utf-8"), file_name=name,
                       mime="text/csv", key=f"download-{name}")


def guarded(page: Callable[[], None]) -> None:
    """Run a page; show a plain message instead of any error's traceback."""
    try:
        page()
    except store.DataMissing as error:
        st.error(f"Some of the app's data is missing: {error}")
    except Exception:  # the user sees a sentence; the log keeps the detail
        LOG.exception("page failed")
        st.error("Something went wrong drawing this page. The details are in the app's log; "
                 "please report what you selected.")


def about_the_data(snapshot: str) -> None:
    """Sources, dates and the attribution lines the licences require."""
    record = data.manifest()["snapshots"][snapshot]
    with st.expander("About the data", expanded=False):
        st.markdown(
            f"**{record['label']}**: practices, memberships and list sizes as published for "
            f"{record['as_of']}; commissioners are {record['commissioner_kind']}. "
            f"{record['boundary_note']} {record.get('boundary_method_note', '')}")
        st.dataframe(
            [{"source file": s["name"], "vintage": s["vintage"],
              "SHA-256": s["sha256"][:16] + "…"} for s in record["sources"]],
            hide_index=True, width="stretch")
        st.markdown("\n".join(f"- {line}" for line in store.ATTRIBUTION))


def new_map(snapshot: str, bounds) -> folium.Map:
    """A map that draws with no internet: local Leaflet, a plain England basemap."""
    return mapping.base_map(tuple(bounds) if bounds is not None else None,
                            assets=map_assets(), england=data.england(snapshot))
