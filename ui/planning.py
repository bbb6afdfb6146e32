"""Screen parts the planning pages share: a proposal in the URL, the editing
forms, the upload report, the proposal's map and the comparison for the
place. A proposal lives in the URL (``moves``, ``new``) or in a downloaded
file; one too long for an address (:data:`pcnmap.links.ADDRESS_LIMIT`) is
kept in the browser tab's session instead, and the page says so and offers
its file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import columns as c
from pcnmap import links, uploads
from pcnmap.maps import elements
from pcnmap.model import methods, whatif
from pcnmap.model import proposal as proposals
from pcnmap.model.place import Place
from pcnmap.problems import QualityLog
from pcnmap.views.comparison import Comparison
from pcnmap.views.plan import CURRENT, PROPOSED, PlanView
from pcnmap.words import plain
from ui import data, display, uploading, urlstate

RULES = (
    "Rules: a practice that does not sign up is covered by the network of its nearest member "
    "practice of the same commissioner, and network payments follow its patients; it gets no "
    "participation payment itself (pcnmap's reading of the Network Contract DES; local "
    "agreements can differ). Contiguity follows the boundary method chosen in the sidebar "
    "(the nearest practice by LSOA, or practice catchments; the Voronoi method's cells do not "
    "follow LSOAs, so the nearest practice by LSOA stands in for it, the nearer of the two to "
    "nearest-site cells): each area stays with its practice and "
    "follows the practice's proposed network. Funding uses the list sizes the rates file "
    "names for the year.")

# The session key of a proposal too long for the address.
LONG_PROPOSAL = "long_proposal"
# Rows of the upload problems listed on screen; the CSV holds every one.
TABLE_ROWS = 5_000


def proposal_from_url(snapshot: str) -> proposals.Proposal:
    """The proposal in the URL (or, were it too long for one, in this tab),
    with what cannot apply to ``snapshot`` dropped and said in one sentence."""
    moves, new = urlstate.param("moves"), urlstate.param("new")
    if moves or new:
        st.session_state.pop(LONG_PROPOSAL, None)
        proposal = proposals.Proposal.from_text(moves, new)
    else:
        proposal = st.session_state.get(LONG_PROPOSAL) or proposals.Proposal()
    checked, problems = proposals.check(proposal, data.practices(snapshot),
                                        data.networks(snapshot))
    if problems:
        st.warning(plain(links.summary(problems)))
    return checked


def proposal_to_url(proposal: proposals.Proposal) -> None:
    """Put ``proposal`` in the URL, or in this tab when an address cannot hold it."""
    moves, new = proposal.to_text()
    long = not links.fits(moves, new)
    if long:
        st.session_state[LONG_PROPOSAL] = proposal
    else:
        st.session_state.pop(LONG_PROPOSAL, None)
    for key, value in (("moves", moves), ("new", new)):
        if value and not long:
            st.query_params[key] = value
        else:
            st.query_params.pop(key, None)


def propose(proposal: proposals.Proposal) -> None:
    """Put ``proposal`` in the URL and start the table afresh from it."""
    proposal_to_url(proposal)
    st.session_state["editor_version"] = st.session_state.get("editor_version", 0) + 1


def long_proposal_note(proposal: proposals.Proposal, after: whatif.Scenario, name: str) -> None:
    """When the proposal is too long for the address: say so, offer its file."""
    if LONG_PROPOSAL not in st.session_state or not proposal:
        return
    moves, new = proposal.to_text()
    st.info(plain(
        f"This proposal ({len(proposal.memberships):,} changes) is too long for the page's "
        f"address ({len(moves) + len(new):,} characters; an address safely holds "
        f"{links.ADDRESS_LIMIT:,}), so it is kept in this browser tab only and a copied link "
        "will not hold it. Download its configuration to keep or share it: it loads back "
        "on this page."))
    display.csv_download(lambda: proposals.configuration_table(after), name,
                         "Download the proposal's configuration (CSV)",
                         key="download-long-proposal")


def _apply_edits(key: str, rows: pd.DataFrame, choices: dict[str, str | None],
                 proposal: proposals.Proposal) -> None:
    """Turn the table's edits into the proposal."""
    changes = {}
    for index, edit in st.session_state[key]["edited_rows"].items():
        if PROPOSED in edit and edit[PROPOSED] in choices:
            changes[rows.at[int(index), c.PRACTICE_CODE]] = choices[edit[PROPOSED]]
    propose(proposal.with_changes(changes))


def change_practices(view: PlanView, proposal: proposals.Proposal) -> None:
    """One change with a form, or many in a table: the place's practices,
    each to a network of the place (or a new one), or not signing up."""
    options = list(view.choices)
    with st.form("move-practice"):
        practice = st.selectbox("Practice", list(view.practice_labels), key="move_practice",
                                format_func=view.practice_labels.get)
        target = st.selectbox("Moves to", options, key="move_target")
        if st.form_submit_button("Apply the change") and practice:
            propose(proposal.with_changes({practice: view.choices[target]}))
            st.rerun()
    key = f"editor-{view.configuration_file}-{st.session_state.get('editor_version', 0)}"
    st.expander("Change several practices at once in a table").data_editor(
        view.editor, key=key, hide_index=True, width="stretch", disabled=[
            c.PRACTICE_CODE, c.PRACTICE_NAME, c.REGISTERED, CURRENT],
        column_config={
            c.PRACTICE_CODE: "Practice code", c.PRACTICE_NAME: "Practice",
            c.REGISTERED: st.column_config.NumberColumn("Patients", format="%,.0f"),
            CURRENT: "Network now",
            PROPOSED: st.column_config.SelectboxColumn("Network proposed", options=options,
                                                       required=True),
        },
        on_change=_apply_edits, args=(key, view.editor, view.choices, proposal))


def new_network(view: PlanView, proposal: proposals.Proposal) -> None:
    """A new network from practices of the place, named by the user."""
    with st.form("new-network"):
        name = st.text_input("Name of the new network", max_chars=proposals.NAME_LIMIT)
        members = st.multiselect("Its practices", list(view.practice_labels),
                                 format_func=view.practice_labels.get)
        if st.form_submit_button("Make the network") and name.strip() and members:
            code = proposal.next_new_code()
            propose(proposal.with_changes(dict.fromkeys(members, code), {code: name.strip()}))
            st.rerun()


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
    upload_report(result)


def load_or_save(view: PlanView, proposal: proposals.Proposal, snapshot: str) -> None:
    """Load a configuration file; save the place's; start again."""
    load_configuration(snapshot)
    display.csv_download(view.configuration, view.configuration_file,
                         "Download the proposed configuration of these practices (CSV)")
    if proposal and st.button("Start again (drop every change)"):
        propose(proposals.Proposal())
        st.rerun()


def proposal_map(view: PlanView, place: Place, method: str) -> None:
    """The place's practices coloured by their proposed network over today's
    indicative boundaries."""
    snapshot = place.snapshot
    st.header("Map of the proposal")
    st.caption("Practices take their proposed network's colour (new networks black; a "
               "practice not signing up its covering network's). Boundaries are today's, "
               + methods.INDICATIVE_NOTE[0].lower() + methods.INDICATIVE_NOTE[1:])
    layers = data.network_map_layers(snapshot, method, place.commissioner, place.region,
                                     place.area)
    colours = dict(data.network_colours(snapshot, method))
    colours.update({f"{code}*": colour for code, colour in colours.items()})
    colours.update(dict.fromkeys(view.new_networks, "#000000"))
    fmap = display.new_map(snapshot, layers.bounds,
                           f"Map of the proposal: {place.name}'s practices in their networks")
    word = data.snapshot(snapshot).commissioner_word
    elements.commissioner_layer(layers.commissioners, f"{word} boundary").add_to(fmap)
    if layers.networks:
        elements.network_layer(layers.networks, colours,
                               "Today's network boundaries (indicative)").add_to(fmap)
    elements.practice_layer(view.map_practices, colours,
                            "Practices (proposed networks)").add_to(fmap)
    elements.place_labels(layers.place_labels).add_to(fmap)
    display.finish_map(fmap)
    display.show_map(fmap, height=520, use_container_width=True, returned_objects=[],
                     key=view.map_key)


def upload_report(result: uploads.Uploaded, derived: QualityLog | None = None) -> None:
    """Every problem of every uploaded file at once: file, row, column, what
    was expected; ``derived`` adds those found comparing them with a
    snapshot. Each finding is listed once, however often the page reruns."""
    upload_verdicts(result)
    upload_problems(result, derived)


def upload_verdicts(result: uploads.Uploaded) -> None:
    """Each file refused (and why) or read (and as what)."""
    for error in result.errors:
        st.error("Not used: " + plain(error))
    for kind, path in result.files.items():
        st.success(plain(f"{path.name}: read as {uploads.KINDS[kind]}"))


def upload_problems(result: uploads.Uploaded, derived: QualityLog | None = None) -> None:
    """The problems found in the rows of the files read (and ``derived``),
    each once: a count, the first rows and a CSV of them all."""
    log = QualityLog([*result.log.findings, *(derived.findings if derived else [])])
    report = log.without_repeats().to_frame()
    if len(report):
        st.warning(f"{len(report):,} problem(s) in the rows; rows with a bad code or number "
                   "are left out, the rest is used.")
        shown = report[["file", "row", "column", "record", "value", "message", "severity"]]
        if len(shown) > TABLE_ROWS:
            st.caption(f"The first {TABLE_ROWS:,} are listed here; the CSV holds all "
                       f"{len(shown):,}.")
        st.dataframe(shown.head(TABLE_ROWS), hide_index=True, width="stretch")
        display.csv_download(shown, "pcnmap-upload-problems.csv", "Download the problems (CSV)")


def comparison(shown: Comparison) -> None:
    """The place's figures, each with its change, and the networks that change."""
    st.caption(plain(shown.scope))
    display.figures(shown.figures)
    if shown.shared:
        st.caption(plain(shown.shared))
    if len(shown.changes):
        display.table(shown.changes, label="Download the comparison (CSV)")
    else:
        st.header(plain(shown.changes.title))
        st.info("No network changes.")
