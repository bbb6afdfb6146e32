"""What-if scenarios: a change to network membership applied to a snapshot.

A proposal (:class:`pcnmap.model.proposal.Proposal`, with its address text
and configuration file) applied to a snapshot gives a :class:`Scenario`;
:func:`compare` sets a scenario beside the current one, network by network.

The rules, shown in the app beside the results:

* A practice that does not sign up leaves no gap: its list is covered by the
  network of the nearest member practice of its own commissioner (the rule the
  coverage page uses to suggest a covering network). Network payments follow
  the patients, so the covering network's population and entitlement include
  that list; the practice itself gets no participation payment. This is
  pcnmap's reading of the Network Contract DES's 100% coverage requirement;
  local agreements can differ.
* A new network's commissioner is that of the members holding most patients.
* Contiguity uses the LSOA method: each LSOA stays with its nearest practice
  (as in the shipped boundaries) and follows that practice's network, or the
  covering network when the practice does not sign up.

Nothing here keeps state: a proposal lives in the URL or in a downloaded
configuration file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from pcnmap.model import coverage, funding, membership
from pcnmap.model.contiguity import PartGraph, lsoa_adjacency, parts_of_areas, practice_groups
from pcnmap.model.proposal import (
    CONFIGURATION_COLUMNS,
    NAME_LIMIT,
    NEW_NETWORK_CODE,
    Proposal,
    proposal_from_configuration,
)

# The proposal and its configuration file are pcnmap.model.proposal's; the
# one upload path (pcnmap.uploads) reads these of its names here.
__all__ = ["AREA_COLUMNS", "CONFIGURATION_COLUMNS", "NAME_LIMIT", "NEW_NETWORK_CODE",
           "Scenario", "apply", "changed_networks", "compare", "contiguity",
           "coverage_summary", "covering_networks", "current_scenario", "entitlements",
           "proposal_from_configuration", "summarise"]


@dataclass(frozen=True)
class Scenario:
    """A configuration of memberships and what follows from it.

    ``practices`` carries ``network_code`` (membership; missing when not a
    member) and ``covered_by`` (for a practice not signing up, the network
    covering its list). ``networks`` has one row per network with members or
    covered patients.
    """

    practices: pd.DataFrame
    networks: pd.DataFrame

    @cached_property
    def summary(self) -> dict[str, float]:
        """:func:`coverage_summary`, worked out once (a scenario does not change)."""
        return coverage_summary(self)


def covering_networks(practices: pd.DataFrame, codes_not_signing: list[str]) -> pd.Series:
    """For each practice not signing up, the network that covers its list: that of
    the nearest member practice of its own commissioner (the gaps page's rule)."""
    if not codes_not_signing:
        return pd.Series(dtype=object)
    leaving = practices["practice_code"].isin(codes_not_signing)
    candidates = practices[leaving | practices["network_code"].notna()]
    # The gaps rule looks only at practices with patients; a practice leaving
    # needs a covering network even when it has no list size.
    has_list = candidates["registered"].where(~leaving[candidates.index], 1.0)
    nearest = coverage.unaligned_practices(candidates.assign(registered=has_list))
    return nearest.set_index("practice_code")["nearest_network_code"]


def summarise(practices: pd.DataFrame, names: pd.DataFrame) -> pd.DataFrame:
    """Each network's members, patients (own and covered), commissioner and spread.

    ``names`` gives ``network_code``, ``network_name`` and ``commissioner_code``
    for every network that can appear.
    """
    patients = practices["registered"].fillna(0.0)
    members = practices.assign(patients=patients).dropna(subset=["network_code"]).sort_values(
        "practice_code")
    by_network = members.groupby("network_code")
    own = by_network.agg(member_count=("practice_code", "size"), registered=("patients", "sum"))
    own["member_codes"] = by_network["practice_code"].agg(", ".join)
    own["member_commissioners"] = coverage.member_commissioners(members).str.join(", ")
    covered = practices.assign(patients=patients).dropna(subset=["covered_by"]).groupby(
        "covered_by").agg(covered_practices=("practice_code", "size"),
                          covered_registered=("patients", "sum"))
    table = own.join(covered, how="outer")
    table.index.name = "network_code"
    table = table.reset_index()
    table[["member_count", "covered_practices"]] = table[
        ["member_count", "covered_practices"]].fillna(0).astype("int64")
    table[["registered", "covered_registered"]] = table[
        ["registered", "covered_registered"]].fillna(0.0)
    table[["member_codes", "member_commissioners"]] = table[
        ["member_codes", "member_commissioners"]].fillna("")
    table["population"] = table["registered"] + table["covered_registered"]
    table["crosses_commissioners"] = table["member_commissioners"].str.contains(",")
    lookup = names.drop_duplicates("network_code").set_index("network_code")
    table["network_name"] = table["network_code"].map(lookup["network_name"])
    table["commissioner_code"] = table["network_code"].map(lookup["commissioner_code"])
    table["size_band"] = coverage.size_band(table["population"])
    order = ["network_code", "network_name", "commissioner_code", "member_count",
             "registered", "covered_practices", "covered_registered", "population",
             "size_band", "crosses_commissioners", "member_commissioners", "member_codes"]
    return table[order]


def current_scenario(practices: pd.DataFrame, networks: pd.DataFrame) -> Scenario:
    """The snapshot as published: nobody is covered by a neighbour yet."""
    frame = practices.assign(covered_by=pd.Series(None, index=practices.index, dtype=object))
    return Scenario(frame, summarise(frame, networks))


def apply(practices: pd.DataFrame, networks: pd.DataFrame, proposal: Proposal) -> Scenario:
    """The snapshot with ``proposal`` applied (check it first with
    :func:`pcnmap.model.proposal.check`)."""
    frame = practices.copy()
    frame["covered_by"] = pd.Series(None, index=frame.index, dtype=object)
    position = pd.Series(frame.index, index=frame["practice_code"])
    for practice, network in proposal.memberships.items():
        frame.loc[position[practice], "network_code"] = network
    names = networks[["network_code", "network_name", "commissioner_code"]]
    if proposal.new_networks:
        members = frame[frame["network_code"].isin(proposal.new_networks)]
        home = (members.assign(patients=members["registered"].fillna(0.0))
                .groupby(["network_code", "commissioner_code"])["patients"].sum()
                .sort_values(ascending=False).reset_index()
                .drop_duplicates("network_code").set_index("network_code")["commissioner_code"])
        names = pd.concat([names, pd.DataFrame({
            "network_code": list(proposal.new_networks),
            "network_name": list(proposal.new_networks.values()),
            "commissioner_code": [home.get(c) for c in proposal.new_networks]})],
            ignore_index=True)
    frame = membership.attach_networks(frame, names)
    not_signing = [p for p, n in proposal.memberships.items() if n is None]
    covering = covering_networks(frame, not_signing)
    rows = position[covering.index]
    frame.loc[rows, "covered_by"] = covering.to_numpy()
    return Scenario(frame, summarise(frame, names))


def entitlements(scenario: Scenario, lists: pd.DataFrame, book: funding.RateBook,
                 year: str) -> pd.DataFrame:
    """Each network's entitlement in ``year``, covered lists included."""
    paid = scenario.practices.copy()
    covered = paid["network_code"].isna() & paid["covered_by"].notna()
    paid.loc[covered, "network_code"] = paid.loc[covered, "covered_by"]
    home = scenario.networks.set_index("network_code")["commissioner_code"]
    paid["network_commissioner_code"] = paid["network_code"].map(home)
    return funding.network_funding(paid, lists, book, year).networks


# The LSOA-based methods a proposal's areas can follow: each LSOA keeps its
# practice (nearest, or catchment) and follows that practice's network.
AREA_COLUMNS = {"lsoa": "practice_code", "catchment": "catchment_practice_code"}


def contiguity(scenario: Scenario, lsoa_networks: pd.DataFrame, graph: PartGraph,
               method: str = "catchment") -> pd.DataFrame:
    """Each network's separate parts and separate groups of practices, for
    this scenario, by an LSOA-based method (the shipped practice areas, each
    following its practice's proposed network, or the one covering it)."""
    practice = scenario.practices.set_index("practice_code")
    network = practice["network_code"].where(practice["network_code"].notna(),
                                             practice["covered_by"])
    lsoa_practice = lsoa_networks.set_index("lsoa_code")[AREA_COLUMNS[method]]
    parts = parts_of_areas(graph, lsoa_practice.map(network))
    placed = scenario.practices.dropna(subset=["easting"]).assign(
        network_code=lambda frame: frame["practice_code"].map(network)).reset_index(drop=True)
    position = pd.Series(np.arange(len(placed)), index=placed["practice_code"])
    lsoas = pd.Series(np.arange(len(lsoa_networks)), index=lsoa_networks["lsoa_code"])
    adjacency = lsoa_adjacency(
        lsoas.reindex(graph.parts["lsoa_code"]).to_numpy(), graph.edges["part_a"].to_numpy(),
        graph.edges["part_b"].to_numpy(), len(lsoas))
    rows = position.reindex(lsoa_practice.to_numpy()).fillna(-1).astype(int).to_numpy()
    groups = practice_groups(adjacency, rows, placed)
    groups = groups.set_index("network_code")["groups"].astype("Int64")
    return parts.assign(groups=parts["network_code"].map(groups))


def changed_networks(before: Scenario, after: Scenario) -> set[str]:
    """Networks whose members or covered practices differ between two scenarios.

    Nothing else moves a network's size, money or area, so only these need
    working out again.
    """
    columns = ["member_codes", "covered_practices", "covered_registered", "registered"]
    was = before.networks.set_index("network_code")[columns].astype(str)
    now = after.networks.set_index("network_code")[columns].astype(str)
    joined = was.join(now, how="outer", suffixes=("_before", "_after")).fillna("absent")
    differs = pd.Series(False, index=joined.index)
    for column in columns:
        differs |= joined[f"{column}_before"] != joined[f"{column}_after"]
    return set(joined.index[differs])


def _restricted(scenario: Scenario, networks: set[str]) -> Scenario:
    practices = scenario.practices
    involved = practices["network_code"].isin(networks) | practices["covered_by"].isin(networks)
    return Scenario(practices[involved],
                    scenario.networks[scenario.networks["network_code"].isin(networks)])


def compare(before: Scenario, after: Scenario, *, lists: pd.DataFrame,
            book: funding.RateBook, year: str, lsoa_networks: pd.DataFrame | None = None,
            graph: PartGraph | None = None, method: str = "catchment") -> pd.DataFrame:
    """The networks that change, side by side (``_before``/``_after`` columns).

    Funding and contiguity are worked out for those networks only: a
    network's entitlement depends on its own lists (and England's, which the
    lists carry), its parts and groups of practices on its own areas (by
    ``method``, one of :data:`AREA_COLUMNS`).
    """
    affected = changed_networks(before, after)
    sides = []
    for label, whole in (("before", before), ("after", after)):
        scenario = _restricted(whole, affected)
        table = scenario.networks.set_index("network_code")
        if len(scenario.practices):
            money = entitlements(scenario, lists, book, year).set_index("network_code")
            table["funding"] = money["total"].reindex(table.index).fillna(0.0)
        else:
            table["funding"] = 0.0
        if lsoa_networks is not None and graph is not None:
            parts = contiguity(scenario, lsoa_networks, graph, method).set_index(
                "network_code")
            for column in ("significant_parts", "groups"):
                table[column] = parts[column].reindex(table.index).fillna(0).astype("int64")
        sides.append(table.drop(columns=["member_codes"]).add_suffix(f"_{label}"))
    joined = sides[0].join(sides[1], how="outer")
    names = joined["network_name_after"].fillna(joined["network_name_before"])
    joined.insert(0, "network_name", names)
    joined = joined.drop(columns=["network_name_before", "network_name_after"])
    joined["status"] = np.select(
        [joined["member_count_before"].isna(), joined["member_count_after"].isna()],
        ["new", "gone"], default="existing")
    for column in ("population", "funding"):
        joined[f"{column}_change"] = (joined[f"{column}_after"].fillna(0.0)
                                      - joined[f"{column}_before"].fillna(0.0))
    joined.index.name = "network_code"
    return joined.reset_index().sort_values("network_code").reset_index(drop=True)


def coverage_summary(scenario: Scenario) -> dict[str, float]:
    """Practices and patients in networks, covered by a neighbour, and in gaps."""
    practices = scenario.practices
    patients = practices["registered"].fillna(0.0)
    member = practices["network_code"].notna()
    covered = ~member & practices["covered_by"].notna()
    gap = ~member & ~covered
    return {
        "practices_in_networks": int(member.sum()),
        "practices_covered_by_neighbour": int(covered.sum()),
        "practices_in_gaps": int(gap.sum()),
        "patients_in_networks": float(patients[member].sum()),
        "patients_covered_by_neighbour": float(patients[covered].sum()),
        "patients_in_gaps": float(patients[gap].sum()),
        "networks": int((scenario.networks["member_count"] > 0).sum()),
        "networks_under_30000": int(((scenario.networks["member_count"] > 0)
                                     & (scenario.networks["size_band"] == "under")).sum()),
        "cross_commissioner_networks": int(scenario.networks["crosses_commissioners"].sum()),
    }
