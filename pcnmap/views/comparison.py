"""A scenario beside today's for one place: the place's own figures with
their changes, and the networks that change, in words.

Plan a change (a proposal) and Your own data (uploaded files) both show
this. England's comparison (:func:`pcnmap.model.whatif.compare`) is worked
out once; a place takes from it the networks that belong to it by the one
rule (a member practice in the place, today or after the change) and every
network that covers a practice of the place not signing up, so the money a
practice's list takes with it is seen arriving where it goes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.model.place import Place
from pcnmap.model.whatif import Scenario, coverage_summary
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.shared import networks_beyond, shared_note
from pcnmap.views.source import SnapshotData
from pcnmap.words import change_in_count, change_in_pounds, joined, named, plural

# Sizes in words (pcnmap.model.coverage.size_band).
SIZES = {"under": "under 30,000", "within": "30,000-50,000", "over": "over 50,000"}
# Names listed for one kind of change to a network before "and N more".
LISTED = 5
WHAT = Column("what_changes", "What changes")
PATIENTS_CHANGE = Column("patients_change_words", "Patients change")
FUNDING_CHANGE = Column("funding_change_words", "Entitlement change")
COMMISSIONER = c.COMMISSIONER_LABEL.titled("Network's commissioner")
COVERED = Column("covered_registered_after",
                 "Of which covered for a practice not signing up", Kind.PATIENTS)


@dataclass(frozen=True)
class Comparison:
    """A scenario beside today's, for one place.

    Attributes:
        scope: What is compared, for whom ("Chorley and South Ribble (00X):
            the proposal beside the shipped July 2026 snapshot.").
        figures: The place's own figures, each with its change.
        shared: Words on the place's networks with members elsewhere too.
        changes: The networks that change, titled with their count and year.
        year: The financial year of the entitlements.
    """

    scope: str
    figures: tuple[Figure, ...]
    shared: str
    changes: Table
    year: str


def place_summary(scenario: Scenario, place: Place) -> dict:
    """:func:`pcnmap.model.whatif.coverage_summary` of the place: its own
    practices, and the networks with a member practice in it; under
    ``codes``, the networks each count of networks counts."""
    inside = place.practices(scenario.practices)
    mine = place.networks(scenario.networks, scenario.practices)
    summary: dict = coverage_summary(Scenario(inside, mine))
    open_ = mine[mine[c.MEMBER_COUNT] > 0]
    summary["codes"] = {
        "networks": frozenset(open_[c.NETWORK_CODE]),
        "networks_under_30000": frozenset(open_.loc[open_[c.SIZE_BAND] == "under",
                                                    c.NETWORK_CODE]),
        "cross_commissioner_networks": frozenset(
            mine.loc[mine[c.CROSSES_COMMISSIONERS].astype(bool), c.NETWORK_CODE])}
    return summary


def place_networks(before: Scenario, after: Scenario, place: Place) -> set[str] | None:
    """The networks a place's comparison lists (None: every one, for England):
    those with a member practice in the place today or after the change, and
    those covering a practice of the place that does not sign up."""
    if place.is_england:
        return None
    covering = place.practices(after.practices)["covered_by"].dropna()
    return (place.network_codes(before.practices) | place.network_codes(after.practices)
            | set(covering))


def figures(before: Scenario, after: Scenario, place: Place, data: SnapshotData,
            compared: bool) -> tuple[Figure, ...]:
    """The place's five figures after the change, each with its change from
    today's in words (``compared``: there is a change to compare)."""
    was, now = place_summary(before, place), place_summary(after, place)
    where = place.name

    def figure(key: str, label: str, help_text: str) -> Figure:
        change = change_in_count(now[key] - was[key]) if compared else None
        return Figure(label, f"{now[key]:,.0f}", float(now[key]),
                      help=f"{help_text} Today: {was[key]:,.0f}.", change=change,
                      codes=now["codes"].get(key))

    word = data.info.commissioner_plural
    return (
        figure("networks", "Networks", f"Networks with a member practice in {where}."),
        figure("networks_under_30000", "Networks under 30,000 patients",
               "Their patients include the lists they cover for practices not signing up."),
        figure("cross_commissioner_networks", f"Networks crossing {word}",
               f"Networks whose member practices are under more than one of the {word}."),
        figure("patients_in_gaps", "Patients in no network",
               f"{plural(int(now['practices_in_gaps']), 'practice')} in {where} in no network "
               "and covered by none."),
        figure("patients_covered_by_neighbour", "Patients covered by a neighbouring network",
               f"{plural(int(now['practices_covered_by_neighbour']), 'practice')} in {where} "
               "not signing up, each covered by the network of its nearest member practice."))


def _listed(items: list[str]) -> str:
    if len(items) <= LISTED:
        return joined(items)
    return f"{', '.join(items[:LISTED])} and {len(items) - LISTED:,} more"


def what_changes(before: Scenario, after: Scenario, networks: set[str]) -> dict[str, str]:
    """For each of ``networks``, its change in words: "gains Riverside Surgery
    (P81185)", "loses New Longton Surgery (P81687), not signing up", "covers
    New Longton Surgery (P81687), not signing up (2,091 patients)"."""
    was = before.practices.set_index(c.PRACTICE_CODE)
    now = after.practices.set_index(c.PRACTICE_CODE)
    rows = pd.DataFrame({"was": was[c.NETWORK_CODE]}).join(
        now[[c.NETWORK_CODE, "covered_by", c.PRACTICE_NAME, c.REGISTERED]], how="outer")
    rows[c.PRACTICE_NAME] = rows[c.PRACTICE_NAME].fillna(was[c.PRACTICE_NAME])
    moved = rows[(rows["was"].fillna("") != rows[c.NETWORK_CODE].fillna(""))
                 | rows["covered_by"].notna()]
    gains, loses, covers = defaultdict(list), defaultdict(list), defaultdict(list)
    for code, row in moved.iterrows():
        practice = named(code, {code: row[c.PRACTICE_NAME]})
        out = pd.isna(row[c.NETWORK_CODE]) and pd.notna(row["covered_by"])
        if row["was"] in networks and row["was"] != row[c.NETWORK_CODE]:
            loses[row["was"]].append(practice + (", not signing up" if out else ""))
        if row[c.NETWORK_CODE] in networks and row["was"] != row[c.NETWORK_CODE]:
            gains[row[c.NETWORK_CODE]].append(practice)
        if row["covered_by"] in networks:
            patients = row[c.REGISTERED]
            covers[row["covered_by"]].append(
                f"{practice}, not signing up"
                + (f" ({plural(round(patients), 'patient')})" if pd.notna(patients) else ""))
    words = {}
    for network in networks:
        parts = [f"{verb} {_listed(found[network])}" for verb, found in
                 (("gains", gains), ("loses", loses), ("covers", covers)) if found[network]]
        words[network] = "; ".join(parts) or "its members' lists differ"
    return words


def change_columns(label: str, word: str) -> tuple[Column, ...]:
    """The changes table's columns, "now" beside ``label`` ("proposed", "in
    your files"); ``word``: the snapshot's commissioners ("Sub-ICB locations")."""
    def pair(name: str, heading: str, kind: Kind) -> tuple[Column, Column]:
        return (Column(f"{name}_before", f"{heading} now", kind),
                Column(f"{name}_after", f"{heading} {label}", kind))

    return (c.NETWORK_NAME, c.NETWORK_CODE, WHAT, PATIENTS_CHANGE, FUNDING_CHANGE, COMMISSIONER,
            *pair("member_count", "Practices", Kind.COUNT),
            *pair("population", "Patients", Kind.PATIENTS), COVERED,
            *pair("funding", "Entitlement", Kind.MONEY),
            *pair("size_words", "Size", Kind.TEXT),
            *pair("crosses_commissioners", f"Crosses {word}", Kind.FLAG),
            *pair("groups", "Separate groups of practices", Kind.COUNT),
            *pair("significant_parts", "Separate parts", Kind.COUNT))


def changes_table(before: Scenario, after: Scenario, compared: pd.DataFrame, place: Place,
                  data: SnapshotData, *, label: str, year: str, file_name: str) -> Table:
    """The networks that change for ``place``, from England's comparison
    (``compared``, :func:`pcnmap.model.whatif.compare`), in words."""
    wanted = place_networks(before, after, place)
    rows = compared if wanted is None else compared[compared[c.NETWORK_CODE].isin(wanted)]
    rows = rows.copy()
    for side in ("before", "after"):
        for column in ("member_count", "population", "funding", "groups", "significant_parts"):
            name = f"{column}_{side}"
            rows[name] = rows[name].fillna(0) if name in rows else 0
        rows[f"size_words_{side}"] = rows[f"size_band_{side}"].map(SIZES)
    rows[COVERED] = rows[COVERED].fillna(0.0)
    words = what_changes(before, after, set(rows[c.NETWORK_CODE]))
    home = rows["commissioner_code_after"].fillna(rows["commissioner_code_before"])
    rows = rows.assign(**{
        WHAT: rows[c.NETWORK_CODE].map(words),
        PATIENTS_CHANGE: [change_in_count(v, "patients") for v in rows["population_change"]],
        FUNDING_CHANGE: [change_in_pounds(v) for v in rows["funding_change"]],
        COMMISSIONER: home.map(data.labels).fillna(home)})
    shown = change_columns(label, data.info.commissioner_plural)
    return table(rows, shown, key=c.NETWORK_CODE, file_name=file_name,
                 sort=(c.NETWORK_NAME, c.NETWORK_CODE),
                 title=f"Networks that change ({len(rows):,}), {year} entitlements",
                 caption=f"Every network of {place.name} whose members, covered practices or "
                         "lists change, and every network covering a practice of "
                         f"{place.name} that does not sign up. Entitlements for {year}.")


def comparison(data: SnapshotData, place: Place, before: Scenario, after: Scenario,
               compared: pd.DataFrame, *, label: str, year: str, file_name: str,
               against: str) -> Comparison:
    """``after`` beside ``before`` (today's) for ``place``.

    Args:
        data: The snapshot.
        place: The place chosen.
        before: Today's scenario.
        after: The proposal's or the files' scenario (``before`` itself: no change).
        compared: England's networks that change (:func:`pcnmap.model.whatif.compare`).
        label: What ``after`` is, in headings ("proposed", "in your files").
        year: The financial year of the entitlements.
        file_name: The changes table's CSV.
        against: What ``after`` is, in a sentence ("the proposal", "your files").
    """
    changed = after is not before
    return Comparison(
        scope=f"{place.name}: {against} beside the shipped {data.info.label} snapshot. "
              "Practices are the place's own; a network counts when any member practice is "
              "in it.",
        figures=figures(before, after, place, data, changed),
        shared=shared_note(place, networks_beyond(place, after.practices), data.info),
        changes=changes_table(before, after, compared, place, data, label=label, year=year,
                              file_name=file_name),
        year=year)
