"""Networks whose member practices belong to more than one commissioner."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import codes, coverage, mapping
from ui import controls, data

st.set_page_config(page_title="Cross-CCG networks · pcnmap", layout="wide")


def page() -> None:
    snapshot, _ = controls.page_start(place=False)
    st.title("Networks crossing commissioner boundaries")
    crossing = data.cross_commissioner(snapshot)
    spanning = crossing[crossing["crosses_commissioners"]]
    disagree = crossing[~crossing["agrees_with_epcn"]]
    st.metric("Networks with members under two or more commissioners", len(spanning))
    st.caption("Judged from each member practice's own commissioner code (ODS), and set "
               "beside the ePCN workbook's match flag.")
    if len(disagree):
        st.warning(controls.plain(
            f"ePCN's flag and the members' codes disagree for {len(disagree)} "
            f"network(s): {', '.join(disagree['network_code'])}."))
    st.dataframe(crossing, hide_index=True, width="stretch")
    controls.csv_download(crossing, f"pcnmap-cross-commissioner-{snapshot}.csv")
    with st.expander("Practices whose commissioner differs from their network's"):
        outside = coverage.practices_outside_network_commissioner(data.practices(snapshot))
        st.dataframe(outside, hide_index=True, width="stretch")
        controls.csv_download(outside, f"pcnmap-practices-outside-commissioner-{snapshot}.csv")
    if spanning.empty:
        return

    names = dict(zip(spanning["network_code"], spanning["network_name"], strict=True))
    spanning_codes = list(spanning["network_code"])
    controls.url_choice("network", spanning_codes, spanning_codes[0])
    chosen = st.selectbox("Network", spanning_codes, format_func=lambda c: f"{names[c]} ({c})",
                          key="network")
    controls.url_store("network", chosen)
    sides = data.cross_commissioner_sides(snapshot)
    sides = sides[sides["network_code"] == chosen]
    st.dataframe(sides, hide_index=True, width="stretch")
    controls.csv_download(sides, f"pcnmap-cross-commissioner-sides-{snapshot}-{chosen}.csv",
                          label="Download members on each side (CSV)")

    outlines = data.commissioners(snapshot)
    outlines = outlines[codes.one_of(outlines["commissioner_code"],
                                     sides["commissioner_code"].unique())]
    practices = data.practices(snapshot)
    members = practices[practices["network_code"] == chosen]
    fmap = controls.new_map(snapshot, outlines.total_bounds if len(outlines) else None)
    mapping.commissioner_layer(outlines, "Commissioners").add_to(fmap)
    derived = data.network_boundaries(snapshot)
    derived = derived[(derived["method"] == "lsoa") & (derived["network_code"] == chosen)]
    colours = {chosen: mapping.PALETTE[0]}
    if len(derived):
        mapping.network_layer(derived, colours, "Network (indicative)").add_to(fmap)
    mapping.practice_layer(members, colours, "Member practices").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"cross-map-{snapshot}-{chosen}")
    controls.about_the_data(snapshot)


controls.guarded(page)
