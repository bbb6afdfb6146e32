"""What changed for the place chosen, since an earlier snapshot: its
networks that opened, closed, merged, split or were renamed, its practices
that moved or closed, and the commissioners split, merged or recoded."""

from __future__ import annotations

import streamlit as st

from pcnmap.model import changes
from pcnmap.views.what_changed import TABS
from pcnmap.words import plain
from ui import data, display, frame, urlstate

# More sentences than this on reorganisations (all of England's) fold away.
SHOWN_SENTENCES = 6


def page() -> None:
    snapshot, place = frame.page_start()
    keys = data.snapshot_keys()
    earlier = keys[:keys.index(snapshot)]
    if not earlier:
        st.title(f"What changed: {place.name}")
        st.info(f"{data.snapshot(snapshot).label} is the first snapshot: choose a later one "
                "in the sidebar to see what changed since.")
        frame.about_the_data(snapshot)
        return
    heading = st.container()  # the title, above the choice it depends on
    labels = {key: data.snapshot(key).label for key in earlier}
    default = changes.previous_snapshot(keys, snapshot)
    urlstate.url_choice("since", earlier, default)
    since = st.selectbox("Since", earlier, format_func=labels.get, key="since")
    urlstate.url_store("since", since, default)
    view = data.what_changed(since, place.key)
    heading.title(view.title)
    st.caption(plain(view.period))
    if view.reorganised:
        said = "\n".join(f"- {plain(sentence)}" for sentence in view.reorganised)
        if len(view.reorganised) <= SHOWN_SENTENCES:
            st.info(said)
        else:
            with st.expander(f"{len(view.reorganised)} commissioner and ICB codes changed"):
                st.markdown(said)
    display.figures(view.figures[:3])
    display.figures(view.figures[3:])
    for note in view.notes:
        st.caption(plain(note))
    for tab, name in zip(st.tabs(list(TABS.values())), TABS, strict=True):
        with tab:
            display.table(view.tables[name])
    frame.about_the_data(snapshot)


page()
