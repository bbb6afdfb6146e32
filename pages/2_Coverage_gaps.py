"""Coverage gaps: practices and areas no network covers, networks outside the
usual size, non-contiguous networks, and coverage by commissioner."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from pcnmap import codes
from pcnmap.maps import mapping
from pcnmap.model import coverage, methods
from ui import controls, data


def only(frame, commissioner, column="commissioner_code"):
    return frame if commissioner is None else frame[frame[column] == commissioner]


def page() -> None:
    snapshot, commissioner = controls.page_start()
    method = controls.method_picker()
    st.title("Coverage gaps")
    controls.list_note(snapshot)
    practices = controls.in_chosen_area(data.practices(snapshot))
    unaligned = only(data.unaligned(snapshot), commissioner)
    unaligned = unaligned[codes.one_of(unaligned["practice_code"], practices["practice_code"])]
    areas = only(coverage.uncovered_areas(data.lsoa_networks(snapshot)), commissioner,
                 "lsoa_commissioner_code")
    sizes = only(coverage.size_check(data.networks(snapshot)), commissioner)
    split = coverage.non_contiguous(data.contiguity(snapshot), data.network_boundaries(snapshot),
                                    method)
    if commissioner:
        mine = set(practices.loc[practices["commissioner_code"] == commissioner,
                                 "network_code"].dropna())
        split = split[codes.one_of(split["network_code"], mine)]

    columns = st.columns(4)
    columns[0].metric("Practices with patients in no network", f"{len(unaligned):,}",
                      help=f"{unaligned['registered'].sum():,.0f} patients")
    columns[1].metric("Areas (LSOAs) nearest a practice in no network", f"{len(areas):,}",
                      help=f"{areas['area_km2'].sum():,.1f} km²")
    columns[2].metric("Networks under 30,000 patients",
                      f"{int((sizes['size_band'] == 'under').sum()):,}")
    columns[3].metric("Non-contiguous networks (indicative)", f"{len(split):,}")

    outlines = only(data.commissioners(snapshot), commissioner)
    outlines = outlines[codes.one_of(outlines["commissioner_code"],
                                     practices["commissioner_code"].unique())]
    fmap = controls.new_map(snapshot, outlines.total_bounds)
    words = data.snapshot(snapshot)
    mapping.commissioner_layer(outlines, f"{words.commissioner_word} boundaries").add_to(fmap)
    uncovered = data.uncovered_areas(snapshot)
    uncovered = uncovered[codes.one_of(uncovered["practice_code"], areas["practice_code"])]
    if len(uncovered):
        folium.GeoJson(uncovered[["practice_code", "area_km2", "geometry"]].to_json(),
                       name="Areas nearest a practice in no network",
                       style_function=lambda _: {"color": mapping.GAP_COLOUR, "weight": 1,
                                                 "fillColor": mapping.GAP_COLOUR,
                                                 "fillOpacity": 0.5}).add_to(fmap)
    shapes = data.network_boundaries(snapshot) if commissioner else \
        data.national_boundaries(snapshot)
    shapes = shapes[shapes["method"] == method]
    for label, network_codes, colour in (
            ("Networks under 30,000 patients",
             sizes.loc[sizes["size_band"] == "under", "network_code"], "#EE7733"),
            ("Non-contiguous networks (indicative)", split["network_code"], "#0077BB")):
        chosen = shapes[codes.one_of(shapes["network_code"], network_codes)]
        if len(chosen):
            mapping.network_layer(chosen, {code: colour for code in chosen["network_code"]},
                                  label).add_to(fmap)
    gap_practices = practices[codes.one_of(practices["practice_code"], unaligned["practice_code"])]
    mapping.practice_layer(gap_practices, {}, "Practices in no network").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    st_folium(fmap, height=480, use_container_width=True, returned_objects=[],
              key=f"gaps-map-{snapshot}-{commissioner}")

    tabs = st.tabs(["Practices in no network", "Uncovered areas", "Network sizes",
                    "Non-contiguous networks", f"By {words.commissioner_word}"])
    with tabs[0]:
        st.caption("Practices with registered patients that belong to no network, with the "
                   f"nearest network that could cover them (same {words.commissioner_word} "
                   "preferred).")
        st.dataframe(unaligned, hide_index=True, width="stretch")
        controls.csv_download(unaligned, f"pcnmap-unaligned-{snapshot}.csv")
    with tabs[1]:
        st.caption("LSOAs whose nearest practice (by the boundary rule) is in no network.")
        st.dataframe(areas, hide_index=True, width="stretch")
        controls.csv_download(areas, f"pcnmap-uncovered-areas-{snapshot}.csv")
    with tabs[2]:
        band = st.radio("Show", ["under", "over", "single practice", "all"], horizontal=True,
                        key="band")
        shown = (sizes if band == "all" else sizes[sizes["single_practice"]]
                 if band == "single practice" else sizes[sizes["size_band"] == band])
        st.caption("Networks usually serve 30,000-50,000 patients: under is a gap to flag, "
                   "over a note.")
        st.dataframe(shown, hide_index=True, width="stretch")
        controls.csv_download(shown, f"pcnmap-network-sizes-{snapshot}.csv")
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
        st.dataframe(shown, hide_index=True, width="stretch")
        controls.csv_download(shown, f"pcnmap-non-contiguous-{snapshot}-{method}.csv")
    with tabs[4]:
        table = only(coverage.commissioner_coverage(practices), commissioner)
        st.dataframe(table, hide_index=True, width="stretch")
        controls.csv_download(table, f"pcnmap-commissioner-coverage-{snapshot}.csv")
    controls.about_the_data(snapshot)


page()
