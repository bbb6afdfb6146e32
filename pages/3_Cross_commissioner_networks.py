"""Networks whose member practices belong to more than one commissioner, for
the place chosen."""

from __future__ import annotations

import streamlit as st

from pcnmap.columns import COMMISSIONER_CODE, COMMISSIONER_NAME, METHOD, NETWORK_CODE
from pcnmap.maps import colours, elements, layerdata
from pcnmap.views import cross_commissioner as view_of
from pcnmap.words import plain
from ui import data, display, frame, pickers, urlstate


def page() -> None:
    snapshot, place = frame.page_start()
    view = data.cross_commissioner_view(place.key)
    words = data.snapshot(snapshot)
    st.title(view.title)
    display.figures([view.figure])
    st.caption(plain(view.judged))
    if view.shared:
        st.caption(plain(view.shared))
    if view.disagreements:
        st.warning(plain(view.disagreements))
    display.table(view.crossing)
    with st.expander(f"Practices whose {words.commissioner_word} differs from their "
                     "network's"):
        display.table(view.outside)
    if not view.spanning:
        frame.about_the_data(snapshot)
        return
    codes = list(view.spanning)
    urlstate.url_choice("network", codes, codes[0])
    chosen = st.selectbox("Network", codes, format_func=view.spanning.get, key="network")
    urlstate.url_store("network", chosen)
    sides = view_of.sides(data.snapshot_data(snapshot), chosen)
    display.table(sides)
    method = pickers.method_picker()
    cross_map(snapshot, chosen, list(sides.frame[COMMISSIONER_CODE]), method)
    frame.about_the_data(snapshot)


def cross_map(snapshot: str, chosen: str, sides: list[str], method: str) -> None:
    """The network's members, each in its own commissioner's colour, over the
    commissioners' outlines (in the same colours, named)."""
    words = data.snapshot(snapshot)
    source = data.snapshot_data(snapshot)
    outlines = view_of.outlines_named(source, sides)
    members = source.practices[source.practices[NETWORK_CODE] == chosen].assign(**{
        COMMISSIONER_NAME: lambda m: m[COMMISSIONER_CODE].map(
            dict(zip(outlines[COMMISSIONER_CODE], outlines[COMMISSIONER_NAME], strict=True)))})
    by_side = colours.side_colours(list(members[COMMISSIONER_CODE].dropna().unique()))
    st.caption(f"Each member practice is drawn in its own {words.commissioner_word}'s colour, "
               f"the {words.commissioner_plural}' outlines in the same colours, each named.")
    derived = source.network_boundaries
    derived = derived[(derived[METHOD] == method) & (derived[NETWORK_CODE] == chosen)]
    view = layerdata.view_around(derived, members)
    fmap = display.new_map(snapshot, view, f"Map of {chosen}'s member practices, each in its "
                           f"own {words.commissioner_word}'s colour")
    if len(derived):
        elements.network_layer(derived, {chosen: colours.NO_NETWORK_COLOUR},
                               "Network (indicative)",
                               label="The network's indicative boundary").add_to(fmap)
    for code, outline in outlines.groupby(COMMISSIONER_CODE):
        colour = by_side.get(code, "#222222")
        name = outline[COMMISSIONER_NAME].iloc[0]
        elements.commissioner_layer(outline, name, colour=colour,
                                    label=f"{name}: outline").add_to(fmap)
        elements.commissioner_labels(layerdata.commissioner_label_rows(outline, view),
                                     f"{name}: name", colour).add_to(fmap)
    elements.grouped_practice_layer(members, "commissioner", by_side, "Member practices",
                                    words.commissioner_word).add_to(fmap)
    display.finish_map(fmap)
    display.show_map(fmap, height=520, use_container_width=True, returned_objects=[],
                     key=f"cross-map-{snapshot}-{chosen}-{method}")


page()
