"""Screen parts the planning pages share: a proposal in the URL, the upload
report and the side-by-side comparison. A proposal lives in the URL
(``moves``, ``new``) or in a downloaded file; one too long for an address
(:data:`pcnmap.links.ADDRESS_LIMIT`) is kept in the browser tab's session
instead, and the page says so and offers its file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import links, uploads
from pcnmap.model import proposal as proposals
from pcnmap.model import whatif
from pcnmap.problems import QualityLog
from pcnmap.words import plain
from ui import data, display, urlstate

RULES = (
    "Rules: a practice that does not sign up is covered by the network of its nearest member "
    "practice of the same commissioner, and network payments follow its patients; it gets no "
    "participation payment itself (pcnmap's reading of the Network Contract DES; local "
    "agreements can differ). Contiguity follows the boundary method chosen in the sidebar "
    "(practice catchments, or the nearest practice by LSOA; the Voronoi method's cells do not "
    "follow LSOAs, so catchments stand in for it): each area stays with its practice and "
    "follows the practice's proposed network. Funding uses the list sizes the rates file "
    "names for the year.")

COLUMNS = {
    "network_code": "Network", "network_name": "Name", "status": "Status",
    "member_count_before": "Practices now", "member_count_after": "Practices proposed",
    "population_before": "Patients now", "population_after": "Patients proposed",
    "population_change": "Patients change",
    "covered_registered_after": "of which covered for a practice not signing up",
    "size_band_before": "Size now", "size_band_after": "Size proposed",
    "crosses_commissioners_before": "Crosses commissioners now",
    "crosses_commissioners_after": "Crosses commissioners proposed",
    "groups_before": "Separate groups of practices now",
    "groups_after": "Separate groups of practices proposed",
    "significant_parts_before": "Separate parts now",
    "significant_parts_after": "Separate parts proposed",
    "funding_before": "Entitlement now (£)", "funding_after": "Entitlement proposed (£)",
    "funding_change": "Entitlement change (£)",
}


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
    checked, problems = proposals.check(proposal, data.practices(snapshot), data.networks(snapshot))
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


def comparison(before: whatif.Scenario, after: whatif.Scenario, snapshot: str, method: str,
               commissioner: str | None, label: str, table: pd.DataFrame | None = None
               ) -> None:
    """Headline figures and the affected networks, current beside ``label``
    (``table``: their comparison, when already worked out)."""
    year = data.default_year(snapshot)
    if table is None:
        table = whatif.compare(before, after, lists=data.funding_lists(), book=data.rates(),
                               year=year, lsoa_networks=data.lsoa_networks(snapshot),
                               graph=data.lsoa_graph(snapshot),
                               method=method if method in whatif.AREA_COLUMNS else "catchment")
    was, now = before.summary, after.summary
    st.caption(f"All of England, {plain(label)}; the arrows show the difference from "
               "the shipped snapshot.")
    figures = st.columns(5)
    for column, (key, title) in zip(figures, (
            ("networks", "Networks"), ("networks_under_30000", "Under 30,000 patients"),
            ("cross_commissioner_networks", "Crossing commissioners"),
            ("patients_in_gaps", "Patients in no network"),
            ("patients_covered_by_neighbour", "Covered by a neighbour")), strict=True):
        column.metric(title, f"{now[key]:,.0f}",
                      delta=f"{now[key] - was[key]:+,.0f}" if now[key] != was[key] else None,
                      delta_color="off")
    if commissioner:
        local = (table["commissioner_code_before"] == commissioner) | (
            table["commissioner_code_after"] == commissioner)
        table = table[local]
    st.subheader(f"Networks that change ({len(table):,}), {year} entitlements")
    if table.empty:
        st.info("No network changes.")
        return
    shown = table[[c for c in COLUMNS if c in table.columns]].rename(columns=COLUMNS)
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        name: st.column_config.NumberColumn(format="%,.0f")
        for name in shown.columns if "(£)" in name or "Patients" in name})
    display.csv_download(shown, f"pcnmap-comparison-{snapshot}.csv",
                          "Download the comparison (CSV)")


def network_labels(networks: pd.DataFrame) -> dict[str, str]:
    """Each network as the planning pickers show it: code · name."""
    return {code: f"{code} · {name}" for code, name in
            zip(networks["network_code"], networks["network_name"], strict=True)}
