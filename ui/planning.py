"""Screen parts the planning pages share: a proposal in the URL, the upload
report and the side-by-side comparison. No state is kept on the server: a
proposal lives in the URL (``moves``, ``new``) or in a downloaded file."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pcnmap import uploads
from pcnmap.model import whatif
from ui import controls, data

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


def proposal_from_url(snapshot: str) -> whatif.Proposal:
    """The proposal in the URL, with what cannot apply to ``snapshot`` dropped (and said)."""
    proposal = whatif.Proposal.from_text(st.query_params.get("moves"),
                                         st.query_params.get("new"))
    checked, problems = whatif.check(proposal, data.practices(snapshot), data.networks(snapshot))
    for problem in problems:
        st.warning(problem)
    return checked


def proposal_to_url(proposal: whatif.Proposal) -> None:
    moves, new = proposal.to_text()
    for key, value in (("moves", moves), ("new", new)):
        if value:
            st.query_params[key] = value
        else:
            st.query_params.pop(key, None)


def upload_report(result: uploads.Uploaded) -> None:
    """Every problem of every uploaded file at once: file, row, column, what was expected."""
    for error in result.errors:
        st.error(f"Not used: {error}")
    for kind, path in result.files.items():
        st.success(f"{path.name}: read as {uploads.KINDS[kind]}")
    report = result.log.to_frame()
    if len(report):
        st.warning(f"{len(report):,} problem(s) in the rows; rows with a bad code or number "
                   "are left out, the rest is used.")
        shown = report[["file", "row", "column", "record", "value", "message", "severity"]]
        st.dataframe(shown, hide_index=True, width="stretch")
        controls.csv_download(shown, "pcnmap-upload-problems.csv", "Download the problems (CSV)")


def comparison(before: whatif.Scenario, after: whatif.Scenario, snapshot: str, method: str,
               commissioner: str | None, label: str) -> None:
    """Headline figures and the affected networks, current beside ``label``."""
    year = data.default_year(snapshot)
    table = whatif.compare(before, after, lists=data.funding_lists(), book=data.rates(),
                           year=year, lsoa_networks=data.lsoa_networks(snapshot),
                           graph=data.lsoa_graph(snapshot),
                           method=method if method in whatif.AREA_COLUMNS else "catchment")
    was, now = whatif.coverage_summary(before), whatif.coverage_summary(after)
    st.caption(f"All of England, {label}; the arrows show the difference from the shipped "
               "snapshot.")
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
    controls.csv_download(shown, f"pcnmap-comparison-{snapshot}.csv",
                          "Download the comparison (CSV)")


def network_labels(networks: pd.DataFrame) -> dict[str, str]:
    return {code: f"{code} · {name}" for code, name in
            zip(networks["network_code"], networks["network_name"], strict=True)}
