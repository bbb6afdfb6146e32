"""Network map: practices coloured by network, indicative network boundaries,
commissioner boundaries; filter, search, and a panel for the chosen network."""

from __future__ import annotations

import folium
import streamlit as st

from pcnmap import store
from pcnmap.maps import elements, export, layerdata, selection
from pcnmap.model import benchmarks, changes, coverage, figures, methods
from pcnmap.words import plain
from ui import data, display, frame, pickers, presentation, search, urlstate


def network_panel(snapshot: str, network_code: str) -> None:
    networks = data.networks(snapshot).set_index("network_code")
    if network_code not in networks.index:
        st.info(f"No open network {plain(network_code)} in this snapshot.")
        return
    network = networks.loc[network_code]
    practices = data.practices(snapshot)
    members = practices[practices["network_code"] == network_code]
    st.subheader(plain(f"{network['network_name']} ({network_code})"))
    size = coverage.size_check(networks.reset_index()).set_index("network_code").loc[
        network_code]
    band = {"under": "under 30,000 patients (a gap to flag)",
            "over": "over 50,000 patients (a note)", "within": "within 30,000-50,000"}
    columns = st.columns(2)
    lists = data.list_source(snapshot)
    # Short labels (the panel is narrow); the list and its date said below.
    columns[0].metric("Average patients" if lists.average else "Patients",
                      figures.whole(network["registered"]),
                      help="The snapshot's list, as on every page but Funding (which uses "
                           "its financial year's list).")
    columns[1].metric("Member practices", f"{int(network['member_count'])}")
    words = data.snapshot(snapshot)
    theirs = sorted(members["commissioner_code"].dropna().unique())
    st.caption(plain(
        f"{lists.patients_label.split(' (')[0]}: {lists.when}. "
        f"{words.commissioner_plural if len(theirs) > 1 else words.commissioner_word}: "
        f"{', '.join(theirs)}. Size check: {band[size['size_band']]}"
        + ("; a single-practice network." if size["single_practice"] else ".")))
    frame.list_note(snapshot)
    display.frame_table(members[["practice_name", "registered", "practice_code", "postcode",
                            "commissioner_code", "weighted"]])
    since = changes.previous_snapshot(data.snapshot_keys(), snapshot)
    if since:
        found = data.changes_between(since, snapshot).networks.set_index("network_code")
        if network_code not in found.index:
            st.caption(f"Since {data.snapshot(since).label}: no change in its practices.")
        else:
            row = found.loc[network_code]
            parts = [f"{row['status']}"]
            parts += [f"joined: {row['joined']}"] if row["joined"] else []
            parts += [f"left: {row['left']}"] if row["left"] else []
            parts += [f"its practices came from {row['came_from']}"] if row["came_from"] else []
            st.caption(plain(f"Since {data.snapshot(since).label}: "
                                      + "; ".join(parts) + " (see What changed)."))
    year = data.default_year(snapshot)
    result = data.entitlements(snapshot, year)
    entitlement = result.networks.set_index("network_code")
    if network_code in entitlement.index:
        row = entitlement.loc[network_code]
        streams = {stream.label: f"£{row[stream.key]:,.0f}" for stream in result.streams
                   if row[stream.key]}
        st.markdown(f"**Entitlements {year}**: total £{row['total']:,.0f} (of which "
                    f"£{row['due']:,.0f} due, the rest 'up to'), "
                    f"£{row['per_patient']:,.2f} per patient"
                    + (", estimated" if row["estimated"] else "") + ".")
        st.caption(result.lists.list_note)
        st.dataframe([streams], hide_index=True)
    network_context(snapshot, network_code, year, members)


def network_context(snapshot: str, network_code: str, year: str, members) -> None:
    """Beside the network: its figures against its commissioner and England,
    its rurality, its patients by age, and its one-page sheet."""
    method = st.session_state.get("method", next(iter(methods.METHODS)))
    found = data.network_benchmarks(snapshot, year, network_code)
    if found is not None:
        st.markdown(f"**Against its {data.snapshot(snapshot).commissioner_word} and England** "
                    f"({plain(year)} funding; median, 10th–90th percentile, and the "
                    "decile it falls in: 1 lowest, 10 highest)")
        st.dataframe(found.table(), hide_index=True, width="stretch")
    rural = benchmarks.network_rurality(members, data.lsoa_networks(snapshot),
                                        data.lsoa_rurality(snapshot), network_code, method)
    flags = {kind: count for kind, count in rural.practices.items()
             if kind != benchmarks.NOT_RECORDED}
    own = (", ".join(f"{kind} {count}" for kind, count in flags.items()) if flags
           else "not recorded in this snapshot")
    st.caption(plain(
        f"Rurality. Its practices' own rural-urban flags: {own}. The areas (LSOAs) it "
        f"covers by the {method} method, by ONS rural-urban class:"))
    st.dataframe(rural.areas.assign(share=(rural.areas["share"] * 100).round().astype(int)
                                    .astype(str) + "%").rename(
        columns={"rural_urban_class": "ONS rural-urban class", "lsoas": "LSOAs",
                 "share": "Share"}), hide_index=True, width="stretch")
    ages = benchmarks.age_profile(data.age_bands(snapshot), list(members["practice_code"]))
    if len(ages):
        st.markdown("**Registered patients by age**")
        st.bar_chart(ages, x="age_band", y="registered", x_label="Age band",
                     y_label="Registered patients", sort=False, height=220)
    display.download("Download the network sheet (one page, print-ready HTML)",
                      lambda: data.network_sheet(snapshot, network_code, method),
                      export.map_file_name("network-sheet", snapshot, network_code, "html"),
                      "text/html", key=f"sheet-{snapshot}-{network_code}")


def network_map(snapshot: str, method: str, layers_data: selection.NetworkMapLayers,
                layers: list[str], outlines_name: str, picked: search.Picked) -> folium.Map:
    """The map of one selection, with the layers chosen and the search's pick marked."""
    colours = data.network_colours(snapshot, method)
    fmap = display.new_map(snapshot, picked.bounds or layers_data.bounds)
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
    st.title("Network map")
    st.caption(methods.INDICATIVE_NOTE)

    region, area = place.region, place.area
    layers_data = data.network_map_layers(snapshot, method, commissioner, region, area)
    derived = layers_data.derived

    picked = search.search_box(snapshot, commissioner)
    if picked.network:
        select_network(picked.network)

    def draw() -> folium.Map:
        return network_map(snapshot, method, layers_data, layers, outlines_name, picked)

    fmap = draw()
    # The network's panel beside the map, so a search's answer is in view
    # at 768 px; below it when the window is narrow (Streamlit stacks columns)
    # or on a projector, where the map takes the screen's width.
    on_map, beside = (st.container(), st.container()) if presentation.presenting() else \
        st.columns([3, 2], gap="medium")
    with on_map:
        clicked = display.show_map(fmap, height=620, use_container_width=True,
                            returned_objects=["last_active_drawing"],
                            key=f"network-map-{snapshot}-{commissioner}-{method}")
    feature = (clicked or {}).get("last_active_drawing") or {}
    properties = feature.get("properties") or {}
    code = properties.get("network_code") or properties.get(layerdata.PRACTICE_KEYS["network_code"])
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

    networks = data.networks(snapshot)
    choices = sorted(networks["network_code"])
    names = dict(zip(networks["network_code"], networks["network_name"], strict=True))
    urlstate.url_choice("network", choices, None)
    with beside:
        search.details(snapshot, picked)
        chosen = st.selectbox("Network", [None, *choices],
                              format_func=lambda c: "Choose a network…" if c is None
                              else f"{names[c]} ({c})", key="network")
        urlstate.url_store("network", chosen)
        if chosen:
            network_panel(snapshot, chosen)
        else:
            st.caption("Click a network or practice on the map, or search above, to see "
                       "the network here.")
    frame.about_the_data(snapshot)


page()
