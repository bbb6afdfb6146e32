"""Plan a change: move practices, make a new network or leave a practice out,
and see sizes, contiguity, cross-commissioner flags, gaps and funding beside today's."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from pcnmap import codes
from pcnmap.maps import elements
from pcnmap.model import lookup, methods, whatif
from pcnmap.model import proposal as proposals
from ui import data, display, frame, pickers, planning, uploading

NOT_SIGNING = "Not signing up (covered by a neighbour)"
NO_NETWORK = "In no network (as now)"


def editor_rows(snapshot: str, commissioner: str, after: whatif.Scenario,
                labels: dict[str, str]) -> pd.DataFrame:
    """The commissioner's practices with their current and proposed network."""
    mine = lookup.serving(data.practices(snapshot), commissioner)
    proposed = after.practices.set_index("practice_code")
    rows = mine[["practice_code", "practice_name", "registered", "network_code"]].copy()
    rows["current"] = rows["network_code"].map(labels).fillna(NO_NETWORK)
    proposed_codes = rows["practice_code"].map(proposed["network_code"])
    signed_out = proposed_codes.isna() & rows["practice_code"].map(proposed["covered_by"]).notna()
    rows["proposed"] = proposed_codes.map(labels).fillna(NO_NETWORK).where(~signed_out, NOT_SIGNING)
    return rows.drop(columns="network_code").sort_values("practice_name").reset_index(drop=True)


def propose(proposal: proposals.Proposal) -> None:
    """Put ``proposal`` in the URL and start the table afresh from it."""
    planning.proposal_to_url(proposal)
    st.session_state["editor_version"] = st.session_state.get("editor_version", 0) + 1


def apply_edits(key: str, rows: pd.DataFrame, targets: dict[str, str | None],
                proposal: proposals.Proposal) -> None:
    """Turn the table's edits into the proposal."""
    changes = {}
    for index, edit in st.session_state[key]["edited_rows"].items():
        if "proposed" in edit and edit["proposed"] in targets:
            changes[rows.at[int(index), "practice_code"]] = targets[edit["proposed"]]
    propose(proposal.with_changes(changes))


def load_configuration(snapshot: str) -> None:
    """Read an uploaded configuration CSV into the proposal, once per file
    (through the one upload path: checked, then read in a worker)."""
    files = uploading.file_input(
        "Load a configuration (CSV: practice_code, network_code, network_name; a blank "
        "network code means not signing up)", "configuration_file", (".csv",))
    if not files:
        return
    before = uploading.digest_of("configuration_result")
    result = uploading.read(files, ("configuration",), "configuration_result")
    if uploading.digest_of("configuration_result") != before:
        if result.configuration is not None:
            propose(proposals.proposal_from_configuration(
                result.configuration, data.practices(snapshot), data.networks(snapshot),
                result.files["configuration"], result.log))
        st.rerun()  # the page again, from the proposal the file made
    planning.upload_report(result)


def change_practices(snapshot: str, commissioner: str, after: whatif.Scenario,
                     proposal: proposals.Proposal, labels: dict[str, str]) -> None:
    """One change with a form, or many in a table."""
    rows = editor_rows(snapshot, commissioner, after, labels)
    local = set(lookup.serving(after.practices, commissioner)["network_code"].dropna())
    choices = sorted(local | set(proposal.new_networks))
    options = [*(labels[c] for c in choices), NOT_SIGNING]
    targets = {**{labels[c]: c for c in choices}, NOT_SIGNING: None}
    with st.form("move-practice"):
        practice = st.selectbox("Practice", rows["practice_code"].tolist(), key="move_practice",
                                format_func=data.practice_labels(snapshot).get)
        target = st.selectbox("Moves to", options, key="move_target")
        if st.form_submit_button("Apply the change"):
            propose(proposal.with_changes({practice: targets[target]}))
            st.rerun()
    key = f"editor-{snapshot}-{commissioner}-{st.session_state.get('editor_version', 0)}"
    st.expander("Change several practices at once in a table").data_editor(
        rows, key=key, hide_index=True, width="stretch", disabled=[
            "practice_code", "practice_name", "registered", "current"],
        column_config={
            "practice_code": "Practice", "practice_name": "Name",
            "registered": st.column_config.NumberColumn("Patients", format="%,.0f"),
            "current": "Network now",
            "proposed": st.column_config.SelectboxColumn("Network proposed", options=options,
                                                         required=True),
        },
        on_change=apply_edits, args=(key, rows, targets, proposal))


def new_network(snapshot: str, commissioner: str | None, after: whatif.Scenario,
                proposal: proposals.Proposal) -> None:
    pool = after.practices
    if commissioner:
        pool = pool[pool["commissioner_code"] == commissioner]
    with st.form("new-network"):
        name = st.text_input("Name of the new network", max_chars=proposals.NAME_LIMIT)
        members = st.multiselect("Its practices", pool["practice_code"].tolist(),
                                 format_func=data.practice_labels(snapshot).get)
        if st.form_submit_button("Make the network") and name.strip() and members:
            code = proposal.next_new_code()
            propose(proposal.with_changes(dict.fromkeys(members, code), {code: name.strip()}))
            st.rerun()


def load_or_save(snapshot: str, commissioner: str | None, after: whatif.Scenario,
                 proposal: proposals.Proposal) -> None:
    load_configuration(snapshot)
    practices = data.practices(snapshot)
    area = practices if commissioner is None else lookup.serving(practices, commissioner)
    display.csv_download(
        lambda: proposals.configuration_table(after, area["practice_code"]),
        f"pcnmap-configuration-{snapshot}-{commissioner or 'england'}.csv",
        "Download the proposed configuration (CSV)")
    if proposal and st.button("Start again (drop every change)"):
        propose(proposals.Proposal())
        st.rerun()


def proposal_map(snapshot: str, commissioner: str, after: whatif.Scenario,
                 proposal: proposals.Proposal) -> None:
    """Practices coloured by their proposed network over today's indicative boundaries."""
    st.subheader("Map of the proposal")
    st.caption("Practices take their proposed network's colour (new networks black; a "
               "practice not signing up its covering network's). Boundaries are today's, "
               + methods.INDICATIVE_NOTE[0].lower() + methods.INDICATIVE_NOTE[1:])
    method = st.session_state.get("method", next(iter(methods.METHODS)))
    layers = data.network_map_layers(snapshot, method, commissioner, None, None)
    colours = dict(data.network_colours(snapshot, method))
    colours.update({f"{code}*": colour for code, colour in colours.items()})
    colours.update(dict.fromkeys(proposal.new_networks, "#000000"))
    shown = whatif.practices_for_map(after)
    local = shown[(shown["commissioner_code"] == commissioner)
                  | codes.one_of(shown["practice_code"], proposal.memberships)]
    fmap = display.new_map(snapshot, layers.bounds)
    word = data.snapshot(snapshot).commissioner_word
    elements.commissioner_layer(layers.commissioners, f"{word} boundary").add_to(fmap)
    if layers.networks:
        elements.network_layer(layers.networks, colours,
                               "Today's network boundaries (indicative)").add_to(fmap)
    elements.practice_layer(local, colours, "Practices (proposed networks)").add_to(fmap)
    elements.place_labels(layers.place_labels).add_to(fmap)
    display.finish_map(fmap)
    moves, new = proposal.to_text()
    display.show_map(fmap, height=520, use_container_width=True, returned_objects=[],
              key=f"plan-map-{snapshot}-{commissioner}-"
                  + hashlib.sha1(f"{moves}|{new}".encode()).hexdigest()[:12])


def page() -> None:
    snapshot, place = frame.page_start()
    commissioner = place.commissioner
    method = pickers.method_picker()
    st.title("Plan a change")
    st.caption(planning.RULES)
    networks = data.networks(snapshot)
    proposal = planning.proposal_from_url(snapshot)
    after, table = data.proposal_outcome(snapshot, method, *proposal.to_text())
    names = pd.concat([networks[["network_code", "network_name"]], pd.DataFrame({
        "network_code": list(proposal.new_networks),
        "network_name": list(proposal.new_networks.values())})], ignore_index=True)
    labels = planning.network_labels(names)
    planning.long_proposal_note(proposal, after,
                                f"pcnmap-configuration-{snapshot}-proposal.csv")

    edit, create, load = st.tabs(["Change practices", "Make a new network",
                                  "Load or save a configuration"])
    with edit:
        if commissioner is None:
            st.info("Choose a commissioner in the sidebar to edit its practices, or load a "
                    "configuration file.")
        else:
            change_practices(snapshot, commissioner, after, proposal, labels)
    with create:
        new_network(snapshot, commissioner, after, proposal)
    with load:
        load_or_save(snapshot, commissioner, after, proposal)

    if not proposal:
        st.info("No change proposed yet: pick another network for a practice, make a new "
                "network, or load a configuration. Every change is kept in the page's "
                "address, so a link shares the proposal.")
    planning.comparison(data.current_scenario(snapshot), after, snapshot, method,
                        commissioner, "proposed", table)
    if commissioner:
        proposal_map(snapshot, commissioner, after, proposal)
    frame.about_the_data(snapshot)


page()
