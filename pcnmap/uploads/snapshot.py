"""Uploaded files set beside a shipped snapshot: the snapshot with the
uploads in place of its own files (:func:`own_snapshot`), and the networks
that change (:func:`beside_snapshot`, which reads the store)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pcnmap import codes, store
from pcnmap.model import funding, membership, whatif
from pcnmap.pipeline import assemble
from pcnmap.problems import QualityLog
from pcnmap.uploads.reading import Uploaded


def own_snapshot(uploaded: Uploaded, base_practices: pd.DataFrame, base_networks: pd.DataFrame,
                 as_of: pd.Timestamp, log: QualityLog | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The base snapshot with the uploaded files in place of its own.

    An uploaded epraccur replaces the practices (positions come from the base
    snapshot by practice code, else by postcode; others have none), an ePCN
    workbook the memberships (current on ``as_of``), a registered-list file
    the list sizes (a practice it lacks has none). Weighted lists stay the
    base snapshot's. Problems go to ``log`` (by default ``uploaded.log``; a
    page that reruns passes its own, so the upload's are not added again).
    """
    log = uploaded.log if log is None else log
    practices = base_practices.copy()
    if uploaded.england is not None:
        path = uploaded.files["epraccur"]
        fresh = uploaded.england.rename(columns={"code": "practice_code",
                                                 "name": "practice_name"})
        fresh["postcode"] = codes.postcode_key(fresh["postcode"]).map(codes.postcode_display)
        by_code = base_practices.set_index("practice_code")
        by_postcode = base_practices.dropna(subset=["easting"]).drop_duplicates(
            "postcode").set_index("postcode")
        for column in ("longitude", "latitude", "easting", "northing"):
            fresh[column] = fresh["practice_code"].map(by_code[column]).fillna(
                fresh["postcode"].map(by_postcode[column]))
        lost = fresh[fresh["easting"].isna()]
        log.add_rows("no_coordinates", path, lost["source_row"], "field 10 (postcode)",
                     lost["practice_code"], lost["postcode"],
                     "neither the practice nor its postcode is in the shipped data; "
                     "it has no map position")
        names = base_practices.drop_duplicates("commissioner_code").set_index(
            "commissioner_code")["commissioner_name"]
        fresh["commissioner_name"] = fresh["commissioner_code"].map(names)
        unknown = fresh[fresh["commissioner_name"].isna()]
        log.add_rows("unknown_commissioner", path, unknown["source_row"],
                     "field 15 (commissioner)", unknown["practice_code"],
                     unknown["commissioner_code"],
                     "commissioner is not in the snapshot the upload is compared with")
        for column in ("registered", "weighted", "network_code"):
            fresh[column] = fresh["practice_code"].map(by_code[column])
        practices = fresh
    networks = base_networks
    if uploaded.networks is not None:
        path = uploaded.files["epcn"]
        networks = assemble.open_networks(uploaded.networks, as_of)
        everything = uploaded.practices if uploaded.practices is not None else pd.DataFrame({
            "code": base_practices["practice_code"], "status": "A",
            "prescribing_setting": "4"})
        current = assemble.current_memberships(
            uploaded.members, networks, everything, pd.Index(practices["practice_code"]),
            as_of, path, log)
        practices["network_code"] = practices["practice_code"].map(
            current.set_index("practice_code")["network_code"])
        networks = networks[["network_code", "network_name", "commissioner_code"]]
    if uploaded.registered is not None:
        practices["registered"] = practices["practice_code"].map(
            uploaded.registered.set_index("practice_code")["registered"])
        path = uploaded.files["registered"]
        missing = practices[practices["registered"].isna()]
        log.add_rows("no_list_size", path, [None] * len(missing), "CODE",
                     missing["practice_code"], missing["practice_name"],
                     "practice is not in the uploaded registered-list file")
    practices = membership.attach_networks(practices, networks)
    return practices.reset_index(drop=True), networks.reset_index(drop=True)


@dataclass
class Beside:
    """The uploads in place of a snapshot's own files.

    Attributes:
        after: The scenario the uploads make.
        log: The problems found setting them beside the snapshot (the
            upload's own are in :attr:`Uploaded.log`).
        table: The networks that change (:func:`pcnmap.model.whatif.compare`).
    """

    after: whatif.Scenario
    log: QualityLog
    table: pd.DataFrame


def beside_snapshot(uploaded: Uploaded, data_dir: Path, snapshot: str, method: str,
                    as_of: pd.Timestamp) -> Beside:
    """The uploads in place of the shipped ``snapshot``'s own files (read from
    ``data_dir``), and the networks that change, by ``method`` (an LSOA-based
    one; any other compares by catchment) for the snapshot's funding year."""
    practices = store.read_table(data_dir, snapshot, "practices")
    networks = store.read_table(data_dir, snapshot, "networks")
    current = whatif.current_scenario(practices, networks)
    log = QualityLog()
    if {"epraccur", "epcn", "registered"} & set(uploaded.files):
        practices, networks = own_snapshot(uploaded, practices, networks, as_of, log)
    after = whatif.current_scenario(practices, networks)
    if uploaded.configuration is not None:
        proposal = whatif.proposal_from_configuration(
            uploaded.configuration, practices, networks, uploaded.files["configuration"], log)
        after = whatif.apply(practices, networks, proposal)
    book = funding.load_rates()
    info = store.snapshot_info(store.read_manifest(data_dir), snapshot)
    table = whatif.compare(current, after, lists=store.read_root_table(data_dir, "funding_lists"),
                           book=book, year=funding.default_year(book, info.financial_years),
                           lsoa_networks=store.read_table(data_dir, snapshot, "lsoa_networks"),
                           graph=store.read_graph(data_dir, snapshot),
                           method=method if method in whatif.AREA_COLUMNS else "catchment")
    return Beside(after, log, table)
