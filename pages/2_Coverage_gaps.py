"""Coverage gaps: practices and areas no network covers, networks outside the
usual size, non-contiguous networks, and coverage by commissioner."""

from __future__ import annotations

import streamlit as st

from pcnmap.maps import colours, elements, selection
from pcnmap.model import methods
from ui import controls, data


def page() -> None:
    snapshot, commissioner = controls.page_start()
    method = controls.method_picker()
    words = data.snapshot(snapshot)
    st.title("Coverage gaps")
    controls.list_note(snapshot)
    gaps = data.coverage_gaps(snapshot, method, commissioner, controls.param("region"),
                              controls.param("area"))
    unaligned, areas, sizes, split = gaps.unaligned, gaps.areas, gaps.sizes, gaps.split

    columns = st.columns(4)
    columns[0].metric("Practices with patients in no network", f"{len(unaligned):,}",
                      help=f"{unaligned['registered'].sum():,.0f} patients "
                      f"({data.list_source(snapshot).when})")
    columns[1].metric("Areas (LSOAs) nearest a practice in no network", f"{len(areas):,}",
                      help=f"{areas['area_km2'].sum():,.1f} km²")
    columns[2].metric("Networks under 30,000 patients",
                      f"{int((sizes['size_band'] == 'under').sum()):,}")
    columns[3].metric("Non-contiguous networks (indicative)", f"{len(split):,}")

    fmap = controls.new_map(snapshot, gaps.bounds)
    elements.commissioner_layer(gaps.commissioners,
                                f"{words.commissioner_word} boundaries").add_to(fmap)
    if gaps.uncovered:
        elements.area_layer(gaps.uncovered, "Areas nearest a practice in no network",
                            [("practice_code", "Nearest practice (in no network)"),
                             ("area_km2", "Area (km²)")], colours.GAP_COLOUR).add_to(fmap)
    # Small networks filled, non-contiguous ones outlined (dashed): a network
    # that is both shows both, where two fills blended to grey.
    if gaps.under:
        elements.network_layer(gaps.under, {}, "Networks under 30,000 patients",
                               label="Networks under 30,000 patients (filled orange)",
                               swatch=(selection.UNDER_COLOUR,)).add_to(fmap)
    if gaps.split_shapes:
        elements.network_layer(gaps.split_shapes, {}, "Non-contiguous networks (indicative)",
                               dashed=selection.SPLIT_COLOUR,
                               label="Non-contiguous networks (indicative; dashed blue outline)"
                               ).add_to(fmap)
    elements.practice_layer(gaps.practices, {}, "Practices in no network").add_to(fmap)
    elements.place_labels(gaps.place_labels).add_to(fmap)
    controls.finish_map(fmap)
    controls.show_map(fmap, height=480, use_container_width=True, returned_objects=[],
              key=f"gaps-map-{snapshot}-{commissioner}-{method}")

    tabs = controls.url_tabs({"unaligned": "Practices in no network",
                              "areas": "Uncovered areas", "sizes": "Network sizes",
                              "split": "Non-contiguous networks",
                              "commissioners": f"By {words.commissioner_word}"}, "tab")
    with tabs[0]:
        st.caption("Practices with registered patients that belong to no network, with the "
                   f"nearest network that could cover them (same {words.commissioner_word} "
                   "preferred).")
        controls.table(unaligned, first=("practice_name", "registered"),
                       download=f"pcnmap-unaligned-{snapshot}.csv")
    with tabs[1]:
        st.caption("LSOAs whose nearest practice (by the boundary rule) is in no network.")
        controls.table(areas, first=("lsoa_name", "practice_code"),
                       download=f"pcnmap-uncovered-areas-{snapshot}.csv")
    with tabs[2]:
        bands = ["under", "over", "single practice", "all"]
        controls.url_choice("band", bands, "under")
        band = st.radio("Show", bands, horizontal=True, key="band")
        controls.url_store("band", band, "under")
        shown = (sizes if band == "all" else sizes[sizes["single_practice"]]
                 if band == "single practice" else sizes[sizes["size_band"] == band])
        st.caption("Networks usually serve 30,000-50,000 patients: under is a gap to flag, "
                   "over a note.")
        controls.table(shown, first=("network_name", "registered", "size_band"),
                       download=f"pcnmap-network-sizes-{snapshot}.csv")
    with tabs[3]:
        if method == "voronoi":
            st.caption(f"{methods.INDICATIVE_NOTE} By the Voronoi method a network counts as "
                       "non-contiguous when its boundary has more than one part of at least "
                       f"{methods.SIGNIFICANT_PART_KM2} km² (its cells do not follow LSOAs, "
                       "so its practices' areas are not judged).")
        else:
            st.caption(f"{methods.INDICATIVE_NOTE} A network counts as non-contiguous when "
                       "its practices' areas do not connect (touching, or at most one LSOA "
                       "apart): each group of member practices is named, with the networks "
                       "between them and how far apart they are. Parts of the boundary are "
                       "counted too, for those who want them.")
        columns = {"network_code": "Network", "network_name": "Name",
                   "groups": "Groups of practices", "group_practices": "The groups",
                   "between": "What lies between", "separation_km": "Apart (km)",
                   "significant_parts": "Parts of at least 0.1 km²", "parts": "All parts",
                   "area_km2": "Area (km²)"}
        shown = split.rename(columns=columns)
        controls.table(shown, first=("Name", "Groups of practices"),
                       download=f"pcnmap-non-contiguous-{snapshot}-{method}.csv")
    with tabs[4]:
        controls.table(gaps.by_commissioner,
                       download=f"pcnmap-commissioner-coverage-{snapshot}.csv")
    controls.about_the_data(snapshot)


page()
