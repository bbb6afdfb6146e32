"""Networks whose member practices belong to more than one commissioner, for
the place chosen."""

from __future__ import annotations

import streamlit as st

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
    display.table(data.cross_commissioner_sides(snapshot, chosen))
    cross = data.cross_map(snapshot, chosen, pickers.method_picker())
    st.caption(cross.caption)
    fmap = display.new_map(snapshot, cross.bounds, cross.name)
    for layer in cross.layers():
        layer.add_to(fmap)
    display.finish_map(fmap)
    display.show_map(fmap, height=520, use_container_width=True, returned_objects=[],
                     key=cross.key)
    frame.about_the_data(snapshot)


page()
