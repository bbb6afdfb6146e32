"""The Neighbourhoods page's parts: the place, the changes in the address,
the forms that change the proposal, its file, its map and its sheet.

Every figure comes worked out in a :class:`~pcnmap.model.neighbourhoods.
NeighbourhoodView` (``ui.data.neighbourhood_view``); these only show it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from pcnmap import columns as c
from pcnmap import links, store
from pcnmap.maps import export, footprints
from pcnmap.model import methods, neighbourhoods
from pcnmap.model.neighbourhoods import Changes, NeighbourhoodView
from pcnmap.model.place import Place
from pcnmap.model.places import icb_short
from pcnmap.words import plain
from ui import data, display, planning, presentation, uploading, urlstate

NEW_FOOTPRINT = "A new footprint"
NO_FOOTPRINT = "In no footprint (left out)"
# The session key of changes too long for the address.
LONG_CHANGES = "long_footprint_changes"


@dataclass(frozen=True)
class Footprinted:
    """The place whose footprints are drafted: its level ("area": an ICB or
    STP; "region"; "england"), code and name."""

    level: str
    code: str | None
    name: str


def chosen_place(snapshot: str, place: Place) -> Footprinted | None:
    """The place to draft for, from the place chosen: its ICB (a Sub-ICB
    location stands for the ICB holding it), else its region, or all of
    England when the address asks for it (``england=1``); None when nothing
    is chosen."""
    if place.area:
        chosen = data.place(snapshot, place.region, place.area)
        # The 2019 snapshot's areas are published without names.
        return Footprinted("area", place.area, chosen.name if chosen.name != place.area else
                           f"{data.snapshot(snapshot).area_word} {place.area}")
    if place.region:
        return Footprinted("region", place.region, place.name)
    if urlstate.param("england") == "1":
        return Footprinted("england", None, "England")
    return None


def choose_place(snapshot: str) -> None:
    """Nothing chosen: say so, and offer an ICB (or all of England)."""
    word = data.snapshot(snapshot).area_word
    st.info(f"Choose an {word} to draft its footprints: here, or in the sidebar (a region "
            "drafts all its networks together). All of England can be drafted too; the "
            "first draft of England takes about 20 seconds.")
    areas = data.place_names(snapshot, "stp")
    picked = st.selectbox(word, [None, *areas], key="neighbourhood-area",
                          format_func=lambda code: f"Choose an {word}…" if code is None
                          else plain(areas[code]))
    if picked:
        st.query_params["area"] = picked
        st.rerun()
    if st.button("Draft all of England"):
        st.query_params["england"] = "1"
        st.rerun()


def changes_from_url() -> Changes:
    """The changes the address holds (or this tab, when too long for one)."""
    moves, names = urlstate.param("fp"), urlstate.param("fpn")
    if moves or names:
        st.session_state.pop(LONG_CHANGES, None)
        return Changes.from_text(moves, names)
    return st.session_state.get(LONG_CHANGES) or Changes()


def changes_to_url(changes: Changes) -> None:
    """Put ``changes`` in the address, or in this tab when too long for one."""
    moves, names = changes.to_text()
    long = len(moves) + len(names) > links.ADDRESS_LIMIT
    st.session_state.pop(LONG_CHANGES, None)
    if long:
        st.session_state[LONG_CHANGES] = changes
    for key, value in (("fp", moves), ("fpn", names)):
        if value and not long:
            st.query_params[key] = value
        else:
            st.query_params.pop(key, None)


def header(view: NeighbourhoodView) -> None:
    """What the page is about: the place, the method, the draft's note, the
    problems of the address and the checks of the whole proposal."""
    if view.problems:
        st.warning(plain(links.summary(list(view.problems))))
    count = len(view.checks)
    st.header(plain(
        f"{icb_short(view.place)}: {count} draft footprint{'s' if count != 1 else ''} of "
        f"{len(view.proposal.assignment):,} networks"))
    st.markdown(plain(
        f"Draft{' with your changes' if view.changes else ''}. Networks touch where their "
        f"indicative areas share an edge, by the boundary method: {view.method}. "
        + methods.INDICATIVE_NOTE))
    if view.note:
        st.info(plain(view.note))
    if LONG_CHANGES in st.session_state:
        st.info("These changes are too long for the page's address: they are kept in this "
                "browser tab only. Download the proposal (CSV) to keep or share it.")
    held = [check.label for check in view.place_checks if check.holds]
    if held:
        st.markdown("**Checks met**: " + plain("; ".join(
            label[0].lower() + label[1:] for label in held) + "."))
    for check in view.place_checks:
        if not check.holds:
            st.warning(plain(f"{check.label}: {check.detail}"))


def footprint_table(view: NeighbourhoodView, file_name: str) -> None:
    """The footprints and their checks, one row each (and its CSV)."""
    money = next(column for column in view.table.columns if column.startswith("DES entitlements"))
    st.dataframe(view.table, hide_index=True, width="stretch", key="footprint-table",
                 column_config={
                     "Patients": st.column_config.NumberColumn(format="%,.0f"),
                     money: st.column_config.NumberColumn(format="£%,.0f")})
    st.markdown(f"Entitlements: the sum of each footprint's networks' Network Contract DES "
               f"entitlements for {view.year}; no footprint funding exists yet.")
    display.csv_download(view.table, file_name, "Download the footprints' checks (CSV)")


def move(view: NeighbourhoodView) -> None:
    """A form: move a network to another footprint, a new one, or none."""
    proposal = view.proposal
    names = dict(zip(view.graph.networks[c.NETWORK_CODE], view.graph.networks[c.NETWORK_NAME],
                     strict=True))
    where = {code: proposal.label(f) if f else NO_FOOTPRINT
             for code, f in proposal.assignment.items()}
    targets = {proposal.label(code): code for code in proposal.codes}
    with st.form("move-network"):
        network = st.selectbox(
            "Network", sorted(proposal.assignment), key="fp_network",
            format_func=lambda code: f"{code} · {names[code]} (now {where[code]})")
        target = st.selectbox("Moves to", [*targets, NEW_FOOTPRINT, NO_FOOTPRINT],
                              key="fp_target")
        if st.form_submit_button("Move the network"):
            code = targets.get(target) or (proposal.next_code() if target == NEW_FOOTPRINT
                                           else None)
            changes_to_url(view.changes.with_move(network, code))
            st.rerun()


def rename(view: NeighbourhoodView) -> None:
    """A form: rename a footprint."""
    proposal = view.proposal
    with st.form("rename-footprint"):
        code = st.selectbox("Footprint", proposal.codes, key="fp_rename",
                            format_func=proposal.label)
        name = st.text_input("New name", max_chars=neighbourhoods.NAME_LIMIT, key="fp_name")
        if st.form_submit_button("Rename the footprint") and name.strip():
            changes_to_url(view.changes.with_name(code, name))
            st.rerun()
    if view.changes and st.button("Start again from the draft (drop every change)"):
        changes_to_url(Changes())
        st.rerun()


def load_or_save(view: NeighbourhoodView, key: tuple, file_name: str) -> None:
    """Load a proposal from its file (through the one upload path: checked,
    then read in a worker, once per file), or download it."""
    files = uploading.file_input("Load a proposal (CSV: network_code, footprint, "
                                 "footprint_name; a blank footprint means in no footprint)",
                                 "footprint_file", (".csv",))
    if files:
        before = uploading.digest_of("footprint_result")
        result = uploading.read(files, ("footprints",), "footprint_result")
        if uploading.digest_of("footprint_result") != before:
            if result.footprints is not None:
                drafted = data.neighbourhood_view(*key, "", "")
                loaded = neighbourhoods.footprints_from_configuration(
                    result.footprints, drafted.graph, result.files["footprints"], result.log)
                changes_to_url(neighbourhoods.changes_between(drafted.draft.footprints,
                                                              loaded))
            st.rerun()  # the page again, from the proposal the file made
        planning.upload_report(result)
    display.csv_download(lambda: neighbourhoods.configuration_table(view.proposal, view.graph),
                         file_name, "Download the proposal (CSV)")


def footprint_map(key: tuple, text: tuple[str, str], layers: footprints.FootprintMapLayers,
                  title: str) -> None:
    """The map, its downloads and a footprint's sheet (``key``: the
    snapshot, method, level, code and place; ``text``: the changes)."""
    snapshot = key[0]
    name = f"Map of the {title[0].lower()}{title[1:]}"  # "Map of the draft footprints: …"

    def draw():
        fmap = display.new_map(snapshot, layers.bounds, name)
        footprints.add_footprint_layers(fmap, layers, large=presentation.presenting())
        return display.finish_map(fmap)

    display.show_map(draw(), height=560, use_container_width=True, returned_objects=[],
                     key="footprint-map-" + hashlib.sha1(
                         repr((key, text)).encode()).hexdigest()[:12])
    place = key[3] or "england"
    left, middle, right = st.columns(3)
    with left:
        display.download("Download the map (HTML, works offline)",
                         lambda: export.saved_map_html(draw(), title, store.ATTRIBUTION),
                         export.map_file_name("footprints-map", snapshot, place, "html"),
                         "text/html")
    with middle:
        display.download("Download the footprints (GeoJSON)",
                         lambda: export.geojson_document(layers.footprints.frame(), title,
                                                         store.ATTRIBUTION,
                                                         note=neighbourhoods.GEOJSON_NOTE),
                         export.map_file_name("footprints", snapshot, place, "geojson"),
                         "application/geo+json")
    with right:
        codes = [label.split(" · ")[0] for label, _ in layers.legend]
        chosen = st.selectbox("Footprint sheet", codes, key="fp_sheet",
                              format_func=dict(zip(codes, (label for label, _ in layers.legend),
                                                   strict=True)).get)
        if chosen:
            display.download("Download its sheet (one page, print-ready HTML)",
                             lambda: data.footprint_sheet_html(*key, *text, chosen),
                             export.map_file_name(f"footprint-sheet-{chosen}", snapshot,
                                                  place, "html"), "text/html",
                             key=f"fp-sheet-{chosen}")
