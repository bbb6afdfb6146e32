"""Neighbourhoods: draft, check and share multi-neighbourhood footprints built
from whole networks, for an ICB (or a region, or England)."""

from __future__ import annotations

import streamlit as st

from pcnmap.model import neighbourhoods
from pcnmap.words import code_span, plain
from ui import data, display, frame, pickers
from ui import neighbourhoods as parts


def page() -> None:
    snapshot, chosen = frame.page_start()
    method = pickers.method_picker()
    st.title("Neighbourhoods: draft footprints")
    st.markdown(plain(neighbourhoods.SCALE_SHORT))
    place = parts.chosen_place(snapshot, chosen)
    if place is None:
        parts.choose_place(snapshot)
        frame.about_the_data(snapshot)
        return
    key = (snapshot, method, place.level, place.code, place.name)
    changes = parts.changes_from_url()
    text = changes.to_text()
    view = data.neighbourhood_view(*key, *text)
    parts.header(view)
    label = data.snapshot(snapshot).label
    stem = f"{snapshot}-{place.code or 'england'}"
    parts.footprint_table(view, f"pcnmap-footprints-{stem}.csv")

    on_map, edit, single, gaps, files = st.tabs([
        "Map", "Change the proposal", "Single neighbourhoods (50,000)",
        "Practices in no network", "Load or save"])
    with on_map:
        layers = data.footprint_layers(*key, *text)
        parts.footprint_map(key, text, layers, f"Draft footprints: {place.name}, {label} "
                            f"({view.method})")
    with edit:
        st.markdown("Move a network to another footprint, start a new one, or rename one. "
                   "Every change is kept in the page's address: a copied link opens the "
                   "same proposal.")
        parts.move(view)
        parts.rename(view)
    with single:
        st.markdown(plain(
            f"Each network against the single-neighbourhood scale of around "
            f"{neighbourhoods.NEIGHBOURHOOD_SCALE:,} people; those well under it (below "
            f"{neighbourhoods.WELL_UNDER:,}) with the touching networks that would bring "
            f"them to {neighbourhoods.NEAR[0]:,}–{neighbourhoods.NEAR[1]:,} together."))
        display.frame_table(view.networks, download=f"pcnmap-neighbourhood-scale-{stem}.csv")
        if not view.ages.empty:
            st.markdown("**Registered patients by age, per footprint**")
            display.frame_table(view.ages, download=f"pcnmap-footprint-ages-{stem}.csv")
    with gaps:
        if view.unaligned.empty:
            st.info("Every practice with patients in this place is in a network.")
        else:
            display.frame_table(view.unaligned, download=f"pcnmap-no-network-{stem}.csv")
    with files:
        parts.load_or_save(view, key, f"pcnmap-footprint-proposal-{stem}.csv")
    with st.expander("How the draft is made, and where the figures come from"):
        st.markdown(plain(neighbourhoods.DRAFT_RULE))
        st.markdown(plain(neighbourhoods.SCALE_NOTE))
        st.markdown("\n".join(f"- {plain(title)}: {code_span(address)}"
                               for title, address in neighbourhoods.SOURCES))
    frame.about_the_data(snapshot)


page()
