"""Plan a change: move practices of the place chosen, make a new network or
leave a practice out, and see the place's sizes, contiguity,
cross-commissioner flags, gaps and funding beside today's."""

from __future__ import annotations

import streamlit as st

from pcnmap.words import plain
from ui import data, frame, pickers, planning


def page() -> None:
    snapshot, place = frame.page_start()
    method = pickers.method_picker()
    proposal = planning.proposal_from_url(snapshot)
    moves, new = proposal.to_text()
    view = data.plan(place.key, method, moves, new)
    st.title(view.title)
    st.caption(planning.RULES)
    planning.long_proposal_note(proposal, data.proposal_outcome(snapshot, method, moves, new)
                                .after, f"pcnmap-configuration-{snapshot}-proposal.csv")

    edit, create, load = st.tabs(["Change practices", "Make a new network",
                                  "Load or save a configuration"])
    with edit:
        planning.change_practices(view, proposal)
    with create:
        planning.new_network(view, proposal)
    with load:
        planning.load_or_save(view, proposal, snapshot)

    if not proposal:
        st.info(plain(
            f"No change proposed yet: pick another network for a practice in {place.name}, "
            "make a new network, or load a configuration. Every change is kept in the page's "
            "address, so a link shares the proposal."))
    planning.comparison(view.comparison)
    planning.proposal_map(view, place, method)
    frame.about_the_data(snapshot)


page()
