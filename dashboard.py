"""pcnmap overview: choose a snapshot, see England's headline figures.

Run with ``streamlit run dashboard.py``. This file only describes the screen;
figures come from pcnmap through the cached data module.
"""

from __future__ import annotations

import streamlit as st

from pcnmap import store
from ui import data

st.set_page_config(page_title="pcnmap: England's Primary Care Networks", layout="wide")


def choose_snapshot(keys: list[str]) -> str:
    """The snapshot picker, kept in the URL so a link opens the same view."""
    labels = {key: data.manifest()["snapshots"][key]["label"] for key in keys}
    wanted = st.query_params.get("snapshot", keys[-1])
    index = keys.index(wanted) if wanted in keys else len(keys) - 1
    key = st.selectbox("Snapshot", keys, index=index, format_func=labels.get)
    st.query_params["snapshot"] = key
    return key


def show_headline(key: str) -> None:
    figures = data.headline(key)
    columns = st.columns(4)
    columns[0].metric("GP practices", f"{figures.practices:,}")
    columns[1].metric("Networks", f"{figures.networks:,}")
    columns[2].metric("Registered patients", f"{figures.registered:,.0f}")
    columns[3].metric("Patients in a network", f"{figures.share_in_network:.1%}")
    st.caption(
        f"{figures.practices_outside_network:,} practices are in no network; "
        f"{figures.practices_without_list:,} have no list size in the source files."
    )


def show_about(key: str) -> None:
    snapshot = data.manifest()["snapshots"][key]
    with st.expander("About the data", expanded=False):
        st.markdown(
            f"**{snapshot['label']}**: practices, memberships and list sizes as published "
            f"for {snapshot['as_of']}; commissioners are {snapshot['commissioner_kind']}. "
            f"{snapshot['boundary_note']}"
        )
        st.dataframe(
            [{"source file": s["name"], "vintage": s["vintage"], "SHA-256": s["sha256"][:16] + "…"}
             for s in snapshot["sources"]],
            hide_index=True,
            width="stretch",
        )
        st.markdown("\n".join(f"- {line}" for line in store.ATTRIBUTION))


def main() -> None:
    st.title("England's Primary Care Networks")
    try:
        keys = data.snapshot_keys()
        if not keys:
            st.error("The data folder holds no snapshots. Build them with "
                     "`python -m pcnmap build --source ../shared/data --out data/`.")
            return
        key = choose_snapshot(keys)
        show_headline(key)
        show_about(key)
    except store.DataMissing as error:
        st.error(f"Some of the app's data is missing: {error}")


main()
