"""The Neighbourhoods page's parts: the place, the changes in the address,
the forms that change the proposal, its file, its map and its sheet.

Every figure comes worked out in a :class:`~pcnmap.model.neighbourhoods.
NeighbourhoodView` (``ui.data.neighbourhood_view``); these only show it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from pcnmap import links, store, uploads, worker
from pcnmap.maps import export, footprints
from pcnmap.model import methods, neighbourhoods
from pcnmap.model.neighbourhoods import Changes, NeighbourhoodView
from pcnmap.model.places import icb_short
from pcnmap.problems import SourceError
from ui import controls, data, planning

NEW_FOOTPRINT = "A new footprint"
NO_FOOTPRINT = "In no footprint (left out)"
# The session key of changes too long for the address.
LONG_CHANGES = "long_footprint_changes"


@dataclass(frozen=True)
class Place:
    """The place whose footprints are drafted: its level ("area": an ICB or
    STP; "region"; "england"), code and name."""

    level: str
    code: str | None
    name: str


def chosen_place(snapshot: str, commissioner: str | None) -> Place | None:
    """The place the sidebar has chosen (an ICB or STP, else a region), or
    all of England when the address asks for it (``england=1``); None when
    nothing is chosen. A commissioner chosen stands for its ICB (the one
    holding most of its practices)."""
    area, region = controls.param("area"), controls.param("region")
    if commissioner and not area:
        practices = data.practices(snapshot)
        theirs = practices.loc[practices["commissioner_code"] == commissioner, "stp_code"]
        area = theirs.mode().iloc[0] if theirs.notna().any() else None
    if area:
        name = data.place_names(snapshot, "stp").get(area, area)
        # The 2019 snapshot's areas are published without names.
        return Place("area", area, name if name != area else
                     f"{data.snapshot(snapshot).area_word} {area}")
    if region:
        return Place("region", region, data.place_names(snapshot, "region").get(region, region))
    if controls.param("england") == "1":
        return Place("england", None, "England")
    return None


def choose_place(snapshot: str) -> None:
    """Nothing chosen: say so, and offer an ICB (or all of England)."""
    word = data.snapshot(snapshot).area_word
    st.info(f"Choose an {word} to draft its footprints: here, or in the sidebar (a region "
            "drafts all its networks together). All of England can be drafted too; the "
            "first draft of England takes about 20 seconds.")
    areas = data.place_names(snapshot, "stp")
    picked = st.selectbox(word, [None, *areas], key="neighbourhood-area",
                          format_func=lambda c: f"Choose an {word}…" if c is None
                          else controls.plain(areas[c]))
    if picked:
        st.query_params["area"] = picked
        st.rerun()
    if st.button("Draft all of England"):
        st.query_params["england"] = "1"
        st.rerun()


def changes_from_url() -> Changes:
    """The changes the address holds (or this tab, when too long for one)."""
    moves, names = controls.param("fp"), controls.param("fpn")
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
        st.warning(controls.plain(links.summary(list(view.problems))))
    count = len(view.checks)
    st.subheader(controls.plain(
        f"{icb_short(view.place)}: {count} draft footprint{'s' if count != 1 else ''} of "
        f"{len(view.proposal.assignment):,} networks"))
    st.markdown(controls.plain(
        f"Draft{' with your changes' if view.changes else ''}. Networks touch where their "
        f"indicative areas share an edge, by the boundary method: {view.method}. "
        + methods.INDICATIVE_NOTE))
    if view.note:
        st.info(controls.plain(view.note))
    if LONG_CHANGES in st.session_state:
        st.info("These changes are too long for the page's address: they are kept in this "
                "browser tab only. Download the proposal (CSV) to keep or share it.")
    held = [check.label for check in view.place_checks if check.holds]
    if held:
        st.markdown("**Checks met**: " + controls.plain("; ".join(
            label[0].lower() + label[1:] for label in held) + "."))
    for check in view.place_checks:
        if not check.holds:
            st.warning(controls.plain(f"{check.label}: {check.detail}"))


def footprint_table(view: NeighbourhoodView, file_name: str) -> None:
    """The footprints and their checks, one row each (and its CSV)."""
    money = next(c for c in view.table.columns if c.startswith("DES entitlements"))
    st.dataframe(view.table, hide_index=True, width="stretch", key="footprint-table",
                 column_config={
                     "Patients": st.column_config.NumberColumn(format="%,.0f"),
                     money: st.column_config.NumberColumn(format="£%,.0f")})
    st.markdown(f"Entitlements: the sum of each footprint's networks' Network Contract DES "
               f"entitlements for {view.year}; no footprint funding exists yet.")
    controls.csv_download(view.table, file_name, "Download the footprints' checks (CSV)")


def move(view: NeighbourhoodView) -> None:
    """A form: move a network to another footprint, a new one, or none."""
    proposal = view.proposal
    names = dict(zip(view.graph.networks["network_code"], view.graph.networks["network_name"],
                     strict=True))
    where = {code: proposal.label(f) if f else NO_FOOTPRINT
             for code, f in proposal.assignment.items()}
    targets = {proposal.label(code): code for code in proposal.codes}
    with st.form("move-network"):
        network = st.selectbox("Network", sorted(proposal.assignment), key="fp_network",
                               format_func=lambda c: f"{c} · {names[c]} (now {where[c]})")
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


def load_file(key: tuple) -> None:
    """Read an uploaded footprint file into the address (on upload only), in
    a worker process: no user's file is parsed in the app's own."""
    upload = st.session_state.get("footprint_file")
    if upload is None:
        return
    space = st.session_state.setdefault("upload_space", uploads.SessionSpace())
    try:
        if uploads.kind_of(upload.name, upload.getvalue()) != "footprints":
            raise SourceError(upload.name, "is not a footprint proposal", expected="a CSV with "
                              "columns " + ", ".join(neighbourhoods.CONFIGURATION_COLUMNS))
        result = worker.read_uploads([space.save(upload.name, upload.getvalue())])
    except SourceError as error:
        result = uploads.Uploaded(errors=[error])
    if result.footprints is not None:
        view = data.neighbourhood_view(*key, "", "")
        loaded = neighbourhoods.footprints_from_configuration(
            result.footprints, view.graph, result.files["footprints"], result.log)
        changes_to_url(neighbourhoods.changes_between(view.draft.footprints, loaded))
    st.session_state["footprint_report"] = result


def load_or_save(view: NeighbourhoodView, key: tuple, file_name: str) -> None:
    """Load a proposal from its file, or download it."""
    st.file_uploader("Load a proposal (CSV: network_code, footprint, footprint_name; a blank "
                     "footprint means in no footprint)", type=["csv"], key="footprint_file",
                     on_change=load_file, args=(key,))
    if "footprint_report" in st.session_state:
        planning.upload_report(st.session_state["footprint_report"])
    controls.csv_download(lambda: neighbourhoods.configuration_table(view.proposal, view.graph),
                          file_name, "Download the proposal (CSV)")


def footprint_map(key: tuple, text: tuple[str, str], layers: footprints.FootprintMapLayers,
                  title: str) -> None:
    """The map, its downloads and a footprint's sheet (``key``: the
    snapshot, method, level, code and place; ``text``: the changes)."""
    snapshot = key[0]
    def draw():
        fmap = controls.new_map(snapshot, layers.bounds)
        footprints.add_footprint_layers(fmap, layers, large=controls.presenting())
        return controls.finish_map(fmap)

    controls.show_map(draw(), height=560, use_container_width=True, returned_objects=[],
                      key="footprint-map-" + hashlib.sha1(
                          repr((key, text)).encode()).hexdigest()[:12])
    place = key[3] or "england"
    left, middle, right = st.columns(3)
    left.download_button(
        "Download the map (HTML, works offline)",
        lambda: export.saved_map_html(draw(), title, store.ATTRIBUTION),
        file_name=export.map_file_name("footprints-map", snapshot, place, "html"),
        mime="text/html")
    middle.download_button(
        "Download the footprints (GeoJSON)",
        lambda: export.geojson_document(layers.footprints.frame(), title, store.ATTRIBUTION,
                                        note=neighbourhoods.GEOJSON_NOTE),
        file_name=export.map_file_name("footprints", snapshot, place, "geojson"),
        mime="application/geo+json")
    with right:
        codes = [label.split(" · ")[0] for label, _ in layers.legend]
        chosen = st.selectbox("Footprint sheet", codes, key="fp_sheet",
                              format_func=dict(zip(codes, (label for label, _ in layers.legend),
                                                   strict=True)).get)
        if chosen:
            st.download_button(
                "Download its sheet (one page, print-ready HTML)",
                lambda: data.footprint_sheet_html(*key, *text, chosen),
                file_name=export.map_file_name(f"footprint-sheet-{chosen}", snapshot, place,
                                               "html"),
                mime="text/html", key=f"fp-sheet-{chosen}")
