"""The Plan a change page for one place: a proposal's comparison with today
(:mod:`pcnmap.views.comparison`), the place's practices to edit with the
networks they may join, the map's practices and the files' names.

A proposal is applied to all of England once (:func:`outcome`), whichever
place asks; each place then takes its own figures and networks from it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from pcnmap import columns as c
from pcnmap.model import funding, whatif
from pcnmap.model.methods import LSOA
from pcnmap.model.place import Place
from pcnmap.model.proposal import Proposal, configuration_table
from pcnmap.views.comparison import Comparison, comparison
from pcnmap.views.source import SnapshotData
from pcnmap.words import named

NOT_SIGNING = "Not signing up (covered by a neighbour)"
NO_NETWORK = "In no network (as now)"
# The editor's columns: what each practice is and where it would be.
CURRENT, PROPOSED = "current", "proposed"
# What a map's practice layer draws of each practice.
MAP_COLUMNS = [c.PRACTICE_CODE, c.PRACTICE_NAME, c.POSTCODE, c.REGISTERED, c.NETWORK_CODE,
               c.NETWORK_NAME, c.LONGITUDE, c.LATITUDE]


class Outcome(NamedTuple):
    """A proposal applied to all of England: the scenario it makes and the
    networks that change beside today's (:func:`pcnmap.model.whatif.compare`)."""

    after: whatif.Scenario
    table: pd.DataFrame


def current(data: SnapshotData) -> whatif.Scenario:
    """The shipped snapshot as the what-if pages compare against (one copy a snapshot)."""
    return data.remember(("plan", "current"),
                         lambda: whatif.current_scenario(data.practices, data.networks))


def year_of(data: SnapshotData) -> str:
    """The financial year whose entitlements the comparison shows."""
    return funding.default_year(data.rates, data.info.financial_years)


def area_method(method: str) -> str:
    """The LSOA-based method a proposal's areas follow for ``method`` (the
    Voronoi method's cells do not follow LSOAs: the nearest practice by LSOA,
    its nearest kin, stands in)."""
    return method if method in whatif.AREA_COLUMNS else LSOA


def outcome(data: SnapshotData, proposal: Proposal, method: str) -> Outcome:
    """``proposal`` (checked against the snapshot) applied to all of England,
    and the networks that change, by ``method``; no change is today's
    scenario itself, not a copy of it."""
    before = current(data)
    after = whatif.apply(data.practices, data.networks, proposal) if proposal else before
    table = whatif.compare(before, after, lists=data.funding_lists, book=data.rates,
                           year=year_of(data), lsoa_networks=data.lsoa_networks,
                           graph=data.lsoa_graph, method=area_method(method))
    return Outcome(after, table)


@dataclass(frozen=True)
class PlanView:
    """What the Plan a change page shows for one place and proposal.

    Attributes:
        title: The page's heading, naming the place.
        comparison: The place's figures and networks that change.
        configuration: The place's practices' configuration, as its file
            loads back (:func:`pcnmap.model.proposal.configuration_table`).
        editor: The place's practices, by name: code, name, patients, the
            network now (:data:`CURRENT`) and proposed (:data:`PROPOSED`).
        choices: The networks a practice of the place may move to, and not
            signing up: each option's words -> network code (None: not signing up).
        practice_labels: The place's practices, code -> "P81687 · NEW LONGTON
            SURGERY", in the editor's order.
        map_practices: The place's practices as the map draws them.
        new_networks: The proposal's new networks' codes.
        configuration_file: The place's configuration CSV's name.
        map_key: Keys the map's frame (a new place, method or proposal, a new map).
    """

    title: str
    comparison: Comparison
    configuration: pd.DataFrame
    editor: pd.DataFrame
    choices: dict[str, str | None]
    practice_labels: dict[str, str]
    map_practices: pd.DataFrame
    new_networks: tuple[str, ...]
    configuration_file: str
    map_key: str


def network_labels(codes: pd.Series, names: pd.Series) -> dict[str, str]:
    """Each network as the planning pickers show it: "U09100 · GREATER PRESTON PCN"."""
    return {code: f"{code} · {name}" for code, name in zip(codes, names, strict=True)}


def editor_rows(before: whatif.Scenario, after: whatif.Scenario, place: Place,
                labels: dict[str, str]) -> pd.DataFrame:
    """The place's practices with their network now and proposed, by name."""
    mine = place.practices(before.practices)
    proposed = after.practices.set_index(c.PRACTICE_CODE)
    rows = mine[[c.PRACTICE_CODE, c.PRACTICE_NAME, c.REGISTERED, c.NETWORK_CODE]].copy()
    rows[CURRENT] = rows[c.NETWORK_CODE].map(labels).fillna(NO_NETWORK)
    codes = rows[c.PRACTICE_CODE].map(proposed[c.NETWORK_CODE])
    signed_out = codes.isna() & rows[c.PRACTICE_CODE].map(proposed["covered_by"]).notna()
    rows[PROPOSED] = codes.map(labels).fillna(NO_NETWORK).where(~signed_out, NOT_SIGNING)
    return rows.drop(columns=c.NETWORK_CODE).sort_values(
        [c.PRACTICE_NAME, c.PRACTICE_CODE]).reset_index(drop=True)


def practices_for_map(after: whatif.Scenario, place: Place, names: dict[str, str]
                      ) -> pd.DataFrame:
    """The place's practices as the map draws them: a practice not signing up
    takes the colour of the network covering it (its code marked ``*``) and
    says so ("Not signing up; covered by GREATER PRESTON PCN (U09100)")."""
    shown = place.practices(after.practices)
    shown = shown.loc[shown[c.LONGITUDE].notna(), [*MAP_COLUMNS, "covered_by"]].copy()
    covered = shown[c.NETWORK_CODE].isna() & shown["covered_by"].notna()
    shown.loc[covered, c.NETWORK_NAME] = [
        f"Not signing up; covered by {named(code, names)}"
        for code in shown.loc[covered, "covered_by"]]
    shown.loc[covered, c.NETWORK_CODE] = shown.loc[covered, "covered_by"] + "*"
    return shown[MAP_COLUMNS].reset_index(drop=True)


def plan_a_change(data: SnapshotData, place: Place, proposal: Proposal, method: str,
                  found: Outcome | None = None) -> PlanView:
    """The Plan a change page for ``place``, ``proposal`` (checked against the
    snapshot) and boundary ``method``; ``found``: the proposal's
    :func:`outcome`, when already worked out."""
    found = found or outcome(data, proposal, method)
    before, after = current(data), found.after
    names = pd.concat([data.networks[[c.NETWORK_CODE, c.NETWORK_NAME]], pd.DataFrame({
        c.NETWORK_CODE: list(proposal.new_networks),
        c.NETWORK_NAME: list(proposal.new_networks.values())})], ignore_index=True)
    labels = network_labels(names[c.NETWORK_CODE], names[c.NETWORK_NAME])
    local = (place.network_codes(before.practices) | place.network_codes(after.practices)
             | set(proposal.new_networks))
    choices: dict[str, str | None] = {labels[code]: code for code in sorted(local)}
    choices[NOT_SIGNING] = None
    editor = editor_rows(before, after, place, labels)
    moves, new = proposal.to_text()
    digest = hashlib.sha1(f"{moves}|{new}".encode()).hexdigest()[:12]
    name = place.file_part
    return PlanView(
        title=f"Plan a change: {place.name}",
        comparison=comparison(data, place, before, after, found.table, label="proposed",
                              year=year_of(data), against="the proposal",
                              file_name=f"pcnmap-plan-comparison-{data.key}-{name}.csv"),
        configuration=configuration_table(
            after, place.practices(after.practices)[c.PRACTICE_CODE]),
        editor=editor, choices=choices,
        practice_labels=dict(zip(editor[c.PRACTICE_CODE],
                                 editor[c.PRACTICE_CODE] + " · " + editor[c.PRACTICE_NAME],
                                 strict=True)),
        map_practices=practices_for_map(
            after, place, dict(zip(names[c.NETWORK_CODE], names[c.NETWORK_NAME], strict=True))),
        new_networks=tuple(proposal.new_networks),
        configuration_file=f"pcnmap-configuration-{data.key}-{name}.csv",
        map_key=f"plan-map-{data.key}-{name}-{method}-{digest}")
