"""Networks whose member practices belong to more than one commissioner."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import codes
from pcnmap.maps import colours, elements
from pcnmap.model import coverage
from ui import controls, data


def page() -> None:
    snapshot, _ = controls.page_start(place=False)
    words = data.snapshot(snapshot)
    st.title(f"Networks crossing {words.commissioner_word} boundaries")
    crossing = data.cross_commissioner(snapshot)
    spanning = crossing[crossing["crosses_commissioners"]]
    disagree = crossing[crossing["agrees_with_epcn"].eq(False)]
    st.metric(f"Networks with members in two or more {words.commissioner_plural}",
              len(spanning))
    if crossing["epcn_cross_commissioner"].isna().all():
        st.caption(f"Judged from each member practice's own {words.commissioner_word} code. "
                   "This snapshot's memberships file carries no match flag to set beside it.")
    else:
        st.caption(f"Judged from each member practice's own {words.commissioner_word} code "
                   "(ODS), and set beside the ePCN workbook's match flag.")
    if len(disagree):
        st.warning(controls.plain(
            f"ePCN's flag and the members' codes disagree for {len(disagree)} "
            f"network(s): {', '.join(disagree['network_code'])}."))
    st.dataframe(crossing, hide_index=True, width="stretch")
    controls.csv_download(crossing, f"pcnmap-cross-commissioner-{snapshot}.csv")
    with st.expander(f"Practices whose {words.commissioner_word} differs from their "
                     "network's"):
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
    elements.commissioner_layer(outlines, words.commissioner_plural.capitalize()).add_to(fmap)
    derived = data.network_boundaries(snapshot)
    method = controls.method_picker()
    derived = derived[(derived["method"] == method) & (derived["network_code"] == chosen)]
    by_network = {chosen: colours.PALETTE[0]}
    if len(derived):
        elements.network_layer(derived, by_network, "Network (indicative)").add_to(fmap)
    elements.practice_layer(members, by_network, "Member practices").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    st_folium(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"cross-map-{snapshot}-{chosen}")
    controls.about_the_data(snapshot)


page()
