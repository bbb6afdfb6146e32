"""Network map: practices coloured by network, indicative network boundaries,
commissioner boundaries; filter, search, and a panel for the chosen network."""

from __future__ import annotations

import folium
import streamlit as st

from pcnmap import columns as c
from pcnmap import store
from pcnmap.maps import elements, export, selection
from pcnmap.model import methods
from pcnmap.views.parts import Figure
from pcnmap.words import plain, whole
from ui import data, display, frame, pickers, presentation, search, urlstate


def network_panel(snapshot: str, network_code: str, method: str) -> None:
    """The chosen network: the same facts its one-page sheet prints."""
    facts = data.network_facts(snapshot, network_code, method)
    if facts is None:
        st.info(f"No open network {plain(network_code)} in this snapshot.")
        return
    st.header(plain(facts.title))
    # Short labels (the panel is narrow); the list and its date said below.
    display.figures([Figure("Average patients" if facts.lists.average else "Patients",
                            whole(facts.registered), facts.registered,
                            help="The snapshot's list, as on every page but Funding (which "
                                 "uses its financial year's list)."),
                     Figure("Member practices", f"{len(facts.members):,}",
                            len(facts.members))])
    st.caption(plain(facts.summary))
    frame.list_note(snapshot)
    display.table(facts.member_table(), download=False)
    st.caption(plain(f"{facts.changes.rstrip('.')} (see What changed)."))
    if facts.funding is not None:
        st.markdown(plain(facts.funding.words))
        st.caption(plain(facts.funding.note))
        display.table(facts.funding.streams, download=False)
    if facts.benchmarks is not None:
        st.markdown(f"**Against its {plain(facts.commissioner_word)} and England** "
                    f"({plain(facts.funding.year if facts.funding else '')} funding; median, "
                    "10th–90th percentile, and the decile it falls in: 1 lowest, 10 highest)")
        st.dataframe(facts.benchmarks.table(), hide_index=True, width="stretch")
    st.caption(plain(facts.rurality_words))
    rurality = facts.rurality_table()
    if rurality is not None:
        display.table(rurality, download=False)
    if len(facts.ages):
        st.markdown("**Registered patients by age**")
        st.bar_chart(facts.ages, x="age_band", y="registered", x_label="Age band",
                     y_label="Registered patients", sort=False, height=220)
    display.download("Download the network sheet (one page, print-ready HTML)",
                     lambda: data.network_sheet(snapshot, network_code, method),
                     export.map_file_name("network-sheet", snapshot, network_code, "html"),
                     "text/html", key=f"sheet-{snapshot}-{network_code}")


def network_map(snapshot: str, method: str, layers_data: selection.NetworkMapLayers,
                layers: list[str], outlines_name: str, picked: search.Picked,
                name: str) -> folium.Map:
    """The map of one selection, with the layers chosen and the search's pick marked."""
    colours = data.network_colours(snapshot, method)
    fmap = display.new_map(snapshot, picked.bounds or layers_data.bounds, name)
    if outlines_name in layers:
        elements.commissioner_layer(layers_data.commissioners, outlines_name).add_to(fmap)
    if "Network boundaries" in layers and layers_data.networks:
        elements.network_layer(layers_data.networks, colours,
                               "Network boundaries (indicative)").add_to(fmap)
    if "Practices" in layers:
        elements.practice_layer(layers_data.practices, colours, "Practices").add_to(fmap)
    # Names last: drawn over the practices they name the place of.
    elements.place_labels(layers_data.place_labels).add_to(fmap)
    if "Network boundaries" in layers and layers_data.network_labels:
        elements.network_labels(layers_data.network_labels).add_to(fmap)
    search.mark(fmap, picked)
    elements.finish_map(fmap, attribution=store.ATTRIBUTION)
    return fmap


def select_network(code: str) -> None:
    """Make ``code`` the chosen network (the picker below shows it)."""
    urlstate.url_store("network", code)
    st.session_state["network"] = code


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    method = pickers.method_picker()
    outlines_name = f"{data.snapshot(snapshot).commissioner_word} boundaries"
    layers = [{"practices": "Practices", "networks": "Network boundaries",
               "outlines": outlines_name}[code] for code in urlstate.url_multi(
        "Layers", "layers", {"practices": "Practices", "networks": "Network boundaries",
                             "outlines": outlines_name})]
    st.title(f"Network map: {place.name}")
    st.caption(methods.INDICATIVE_NOTE)

    region, area = place.region, place.area
    layers_data = data.network_map_layers(snapshot, method, commissioner, region, area)
    derived = layers_data.derived

    # The map first: the search and the network's panel beside it, so a
    # search's answer is in view at 768 px; below it when the window is
    # narrow (Streamlit stacks columns) or on a projector, where the map
    # takes the screen's width.
    on_map, beside = (st.container(), st.container()) if presentation.presenting() else \
        st.columns([3, 2], gap="medium")
    with beside:
        picked = search.search_box(snapshot, commissioner)
    if picked.network:
        select_network(picked.network)

    def draw() -> folium.Map:
        return network_map(snapshot, method, layers_data, layers, outlines_name, picked,
                           f"Map of networks and practices: {place.name}")

    fmap = draw()
    with on_map:
        clicked = display.show_map(fmap, height=620, use_container_width=True,
                            returned_objects=["last_active_drawing"],
                            key=f"network-map-{snapshot}-{commissioner}-{method}")
    feature = (clicked or {}).get("last_active_drawing") or {}
    properties = feature.get("properties") or {}
    code = properties.get(c.NETWORK_CODE)
    # The map returns its last click on every rerun; only a new click selects,
    # so the picker and the back button are not overridden by an old one.
    click = repr(sorted(properties.items())) if properties else None
    if code and code != methods.NO_NETWORK and click != st.session_state.get("_map_click"):
        select_network(code)
    st.session_state["_map_click"] = click

    title = (f"Network map: {place.name}, "
             f"{data.snapshot(snapshot).label} ({methods.METHODS[method]})")
    downloads = on_map.columns(2)
    with downloads[0]:
        # Callables: built only when clicked, not on every rerun.
        display.download("Download boundaries (GeoJSON)",
                          lambda: export.geojson_document(derived.frame(), title,
                                                          store.ATTRIBUTION),
                          export.map_file_name(f"network-boundaries-{method}", snapshot,
                                               layers_data.place, "geojson"),
                          "application/geo+json")
    with downloads[1]:
        display.download("Download this map (HTML, works offline)",
                          # Drawn again when clicked: a callable holding this
                          # run's map would keep its megabytes for the session.
                          lambda: export.saved_map_html(draw(), title, store.ATTRIBUTION),
                          export.map_file_name("network-map", snapshot, layers_data.place,
                                               "html"), "text/html")

    choices = data.network_choices(place.key)
    urlstate.url_choice("network", list(choices), None)
    with beside:
        search.details(snapshot, picked)
        chosen = st.selectbox("Network", [None, *choices],
                              format_func=lambda c: "Choose a network…" if c is None
                              else choices[c], key="network")
        urlstate.url_store("network", chosen)
        if chosen:
            network_panel(snapshot, chosen, method)
        else:
            st.caption("Click a network or practice on the map, or search above, to see "
                       "the network here.")
    with st.expander("The map as tables: its networks and practices"):
        listed = data.map_as_tables(place.key)
        display.table(listed.networks)
        display.table(listed.practices)
    frame.about_the_data(snapshot)


page()
