"""What a page shows of its view: figures, tables, downloads and maps.

Every text a view holds is its own words, or data made plain by it; what
comes from elsewhere goes through :func:`pcnmap.words.plain` here before
Streamlit renders it as Markdown."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import export, store
from pcnmap.columns import Kind
from pcnmap.maps import basemap
from pcnmap.model import figures as people
from pcnmap.views.parts import Figure, Table
from pcnmap.words import plain
from ui import data, presentation
from ui.assets import map_assets

# How each kind of column reads in Streamlit's data grid.
FORMATS = {Kind.PATIENTS: "%,.0f", Kind.COUNT: "%,d", Kind.MONEY: "£%,.0f",
           Kind.PENCE: "£%,.2f", Kind.SHARE: "%.1f%%", Kind.PERCENT: "%.1f%%",
           Kind.DECIMAL: "%,.2f"}


def figures(shown: Sequence[Figure], columns: int | None = None) -> None:
    """Headline figures side by side, each with its change and its help."""
    if not shown:
        return
    for column, figure in zip(st.columns(columns or len(shown)), shown, strict=False):
        column.metric(plain(figure.label), figure.text, delta=figure.change,
                      delta_color="off", delta_arrow="off", help=figure.help or None)


def table(shown: Table, *, height: int | str = "auto", download: bool = True,
          label: str = "Download table (CSV)") -> None:
    """A view's table as people read it (headings in words, each column in
    its declared format), with its CSV below it."""
    if shown.title:
        st.header(plain(shown.title))
    if shown.caption:
        st.caption(plain(shown.caption))
    frame = shown.shown()
    config = {heading: st.column_config.NumberColumn(format=FORMATS[kind])
              for heading, kind in shown.kinds.items() if kind in FORMATS}
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config, height=height,
                 placeholder="")
    if download and shown.file_name:
        csv_download(shown.csv_frame, shown.file_name, label)


def csv_download(frame: pd.DataFrame | Callable[[], pd.DataFrame], name: str,
                 label: str = "Download table (CSV)", key: str | None = None) -> None:
    """A button downloading ``frame`` (or what it makes, only when clicked)
    as a CSV that spreadsheets open safely, with no float noise (patients
    whole, pounds to the penny: :func:`pcnmap.model.figures.rounded`)."""
    download(label, lambda: export.csv_bytes(people.rounded(
        frame() if callable(frame) else frame)), name, "text/csv", key=key or f"download-{name}")


def download(label: str, make: Callable[[], bytes | str], file_name: str, mime: str, *,
             key: str | None = None) -> None:
    """A download button whose file is made only when clicked (``make``).

    A click does not rerun the page: a rerun would register the button's
    file anew, and a second click made before the page came back asked for
    the first, which was gone ("Deferred file ... not found")."""
    st.download_button(label, make, file_name=file_name, mime=mime, key=key, on_click="ignore")


def frame_table(frame: pd.DataFrame, *, first: tuple[str, ...] = (),
                hide: tuple[str, ...] = (), download: str | None = None,
                height: int | str = "auto") -> pd.DataFrame:
    """A data frame as people read it: headings in words, the ``first``
    columns (names, the figure that matters) leftmost so they show at 1366
    px, patient counts whole with separators, pounds with £. ``download``:
    the CSV's file name (the same headings, rounded). Returns what is shown."""
    shown = people.human(frame[[*[c for c in first if c in frame.columns],
                                *[c for c in frame.columns if c not in first]]], hide)
    config = {}
    for column in people.numeric_columns(shown):
        if people.is_patients(column):
            config[column] = st.column_config.NumberColumn(format="%,.0f")
        elif people.is_money(column):
            config[column] = st.column_config.NumberColumn(
                format="£%.2f" if "per" in column else "£%,.0f")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config, height=height,
                 placeholder="")
    if download:
        csv_download(shown, download)
    return shown


def show_map(fmap: folium.Map, **options: object) -> dict | None:
    """:func:`streamlit_folium.st_folium` (its ``options``), then the map
    taken apart (:func:`pcnmap.maps.basemap.take_apart`): each run's map
    is freed when the page ends, not at the next full collection."""
    shown = st_folium(fmap, **options)
    basemap.take_apart(fmap)
    return shown


def new_map(snapshot: str, bounds, name: str) -> folium.Map:
    """A map that draws with no internet (local Leaflet, a plain England
    basemap), named ``name`` for a screen reader ("Map of …")."""
    fmap = basemap.base_map(tuple(bounds) if bounds is not None else None,
                             assets=map_assets(), england=data.england(snapshot), name=name)
    if presentation.presenting():
        fmap.get_root().header.add_child(folium.Element(presentation.MAP_CSS))
    return fmap


def finish_map(fmap: folium.Map) -> folium.Map:
    """The legend (every layer named, the attribution lines behind a switch)
    and the layer control, once every layer is on ``fmap``."""
    return basemap.finish_map(fmap, attribution=store.ATTRIBUTION)
