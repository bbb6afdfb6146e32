"""Networks whose member practices belong to more than one commissioner."""

from __future__ import annotations

import streamlit as st

from pcnmap import codes
from pcnmap.maps import colours, elements, layerdata
from pcnmap.model import coverage, lookup
from pcnmap.words import plain
from ui import data, display, frame, pickers, urlstate


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    words = data.snapshot(snapshot)
    st.title(f"Networks crossing {words.commissioner_word} boundaries")
    practices = data.practices(snapshot)
    here = lookup.networks_in_place(practices, commissioner, urlstate.param("region"),
                                    urlstate.param("area"))
    crossing = data.cross_commissioner(snapshot)
    crossing = crossing[codes.one_of(crossing["network_code"], here)]
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
        st.warning(plain(
            f"ePCN's flag and the members' codes disagree for {len(disagree)} "
            f"network(s): {', '.join(disagree['network_code'])}."))
    display.frame_table(crossing, first=("network_name", "member_commissioners"),
                   download=f"pcnmap-cross-commissioner-{snapshot}.csv")
    with st.expander(f"Practices whose {words.commissioner_word} differs from their "
                     "network's"):
        outside = coverage.practices_outside_network_commissioner(practices)
        outside = outside[codes.one_of(outside["network_code"], here)]
        display.frame_table(outside, first=("practice_name",),
                       download=f"pcnmap-practices-outside-commissioner-{snapshot}.csv")
    if spanning.empty:
        frame.about_the_data(snapshot)
        return

    names = dict(zip(spanning["network_code"], spanning["network_name"], strict=True))
    spanning_codes = list(spanning["network_code"])
    urlstate.url_choice("network", spanning_codes, spanning_codes[0])
    chosen = st.selectbox("Network", spanning_codes, format_func=lambda c: f"{names[c]} ({c})",
                          key="network")
    urlstate.url_store("network", chosen)
    sides = data.cross_commissioner_sides(snapshot)
    sides = sides[sides["network_code"] == chosen]
    display.frame_table(sides, download=f"pcnmap-cross-commissioner-sides-{snapshot}-{chosen}.csv")
    method = pickers.method_picker()
    cross_map(snapshot, chosen, sides, method)
    frame.about_the_data(snapshot)


def cross_map(snapshot: str, chosen: str, sides, method: str) -> None:
    """The network's members, each in its own commissioner's colour, over the
    commissioners' outlines (in the same colours, named)."""
    words = data.snapshot(snapshot)
    outlines = data.commissioners(snapshot)
    outlines = outlines[codes.one_of(outlines["commissioner_code"],
                                     sides["commissioner_code"].unique())]
    practices = data.practices(snapshot)
    members = practices[practices["network_code"] == chosen]
    by_side = colours.side_colours(list(members["commissioner_code"].dropna().unique()))
    st.caption(f"Each member practice is drawn in its own {words.commissioner_word}'s colour, "
               f"the {words.commissioner_plural}' outlines in the same colours.")
    derived = data.network_boundaries(snapshot)
    derived = derived[(derived["method"] == method) & (derived["network_code"] == chosen)]
    view = layerdata.view_around(derived, members)
    fmap = display.new_map(snapshot, view)
    if len(derived):
        elements.network_layer(derived, {chosen: colours.NO_NETWORK_COLOUR},
                               "Network (indicative)",
                               label="The network's indicative boundary").add_to(fmap)
    for code, outline in outlines.groupby("commissioner_code"):
        colour = by_side.get(code, "#222222")
        name = f"{words.commissioner_word} {code}"
        elements.commissioner_layer(outline, name, colour=colour,
                                    label=f"{name} outline").add_to(fmap)
        elements.commissioner_labels(layerdata.commissioner_label_rows(outline, view),
                                     f"{name} name", colour).add_to(fmap)
    elements.grouped_practice_layer(members, "commissioner", by_side, "Member practices",
                                    words.commissioner_word).add_to(fmap)
    display.finish_map(fmap)
    display.show_map(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"cross-map-{snapshot}-{chosen}-{method}")


page()
