"""The What changed page for one place, between an earlier snapshot and the
one chosen: its networks that opened, closed, merged, split, were renamed or
changed members; its practices that moved, joined, left, appeared, moved in
or out, closed or are no longer listed; and the commissioner and ICB codes
that split, merged or were recoded, said in words.

Which practices are the place's (the one rule of :mod:`pcnmap.model.place`,
over two snapshots): a practice listed in the later snapshot by its own
codes there, or by its codes in the earlier one (the place's own code:
practices that moved out are the place's too); a practice no longer listed
where it counts now (:func:`pcnmap.model.changes.homes`: its own
commissioner, or where its nearest former neighbour is when its
commissioner's code is gone). A network is the place's when any member, in
either snapshot, is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pcnmap import columns as c
from pcnmap.model import changes
from pcnmap.model.place import LEVEL_COLUMNS, Place
from pcnmap.model.places import icb_short, short_label
from pcnmap.views import change_rows as rows
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.shared import shared_note
from pcnmap.views.source import SnapshotData
from pcnmap.words import plural

TABS = {"networks": "Networks", "practices": "Practices",
        "unlisted": "Practices closed or no longer listed",
        "codes": "Codes in one snapshot only"}
ENDED = (changes.CLOSED, changes.MERGED, changes.SPLIT)
# The practices' figures (short enough for four side by side at 1366 px;
# each says the rest in its help).
MOVED_NETWORK, UNLISTED = "Practices moved network", "Practices no longer listed"
MOVED_IN, MOVED_OUT = "Practices moved in", "Practices moved out"


@dataclass(frozen=True)
class WhatChangedView:
    """What the What changed page shows for one place.

    Attributes:
        title: The page's heading, naming the place.
        period: From which snapshot to which.
        reorganised: Each commissioner or ICB split, merged, recoded or new
            that touches the place, in a sentence (the first screen's).
        figures: The headline figures.
        notes: Words on what the figures count (shared networks, moves that
            cannot be told).
        tables: By tab (:data:`TABS`): each tab's table.
    """

    title: str
    period: str
    reorganised: tuple[str, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...]
    tables: dict[str, Table]


@dataclass(frozen=True)
class Between:
    """What changed in all of England from one snapshot to another, worked
    out once (each place selects from it).

    Attributes:
        moves: :func:`pcnmap.model.changes.practice_moves`, by practice code.
        networks: :func:`pcnmap.model.changes.network_changes`.
        codes: Commissioner and ICB codes in one snapshot only.
        dates: Code -> the date its reorganisation took effect, where the
            catalogue declares one.
        words: The names of the two snapshots' codes.
    """

    moves: pd.DataFrame
    networks: pd.DataFrame
    codes: tuple[changes.CodeChange, ...]
    dates: dict[str, str]
    words: rows.Words


def england_changes(before: SnapshotData, after: SnapshotData) -> Between:
    """What changed in England from ``before`` to ``after`` (worked out once a pair)."""
    def make() -> Between:
        moves = changes.practice_moves(before.practices, after.practices,
                                       changes.listed_in_ods(after.quality))
        codes = [change for level in ("commissioner_code", "stp_code")
                 for change in changes.code_changes(before.practices, after.practices, level)]
        moves = moves.set_index(c.PRACTICE_CODE)
        return Between(moves, changes.network_changes(before.practices, before.networks,
                                                      after.practices, after.networks),
                       tuple(codes), changes.load_declared_dates(),
                       rows.Words.of(before, after, moves))
    return after.remember(("what_changed", before.key), make)


@dataclass(frozen=True)
class Selection:
    """A place's practices over two snapshots: boolean Series by practice code.

    Attributes:
        now_in: Counted in the place now (listed: by its own codes; no longer
            listed: by where it counts now).
        was_in: Listed before, under the place's own code.
        inside: The place's: in it now, or listed in both and in it before.
        comparable: Whether moving in or out can be told at the place's level
            (the two snapshots share codes of that level).
        listed_before: Listed in the earlier snapshot.
        listed_after: Listed in the later one.
    """

    now_in: pd.Series
    was_in: pd.Series
    inside: pd.Series
    comparable: bool
    listed_before: pd.Series
    listed_after: pd.Series

    @property
    def moved_in(self) -> pd.Series:
        """Listed in both, in the place now and not before."""
        return self.now_in & ~self.was_in & self._both()

    @property
    def moved_out(self) -> pd.Series:
        """Listed in both, in the place before and not now."""
        return self.was_in & ~self.now_in & self._both()

    def _both(self) -> pd.Series:
        return self.listed_before & self.listed_after & self.comparable


def select(moves: pd.DataFrame, place: Place) -> Selection:
    """Which of ``moves`` (by practice code) are the place's, now and before."""
    listed_before, listed_after = moves["listed_before"], moves["listed_after"]
    now = moves[[f"now_{column}" for column in LEVEL_COLUMNS.values()]]
    now_in = place.holds(now.rename(columns=lambda name: name.removeprefix("now_")))
    if place.is_england:
        return Selection(now_in, listed_before, now_in | listed_before, False,
                         listed_before, listed_after)
    column = LEVEL_COLUMNS[place.level]
    was_in = listed_before & (moves[f"{column}_before"] == place.code).fillna(False)
    comparable = bool(set(moves[f"{column}_before"].dropna())
                      & set(moves[f"{column}_after"].dropna()))
    return Selection(now_in, was_in, now_in | (was_in & listed_after), comparable,
                     listed_before, listed_after)


def what_changed(before: SnapshotData, after: SnapshotData, place: Place) -> WhatChangedView:
    """The What changed page for ``place`` (of the ``after`` snapshot), since ``before``."""
    between = england_changes(before, after)
    moves = between.moves
    chosen = select(moves, place)
    inside = moves[chosen.inside]
    codes = set(inside.loc[inside["listed_before"], "network_code_before"].dropna()) | set(
        inside.loc[inside["listed_after"], "network_code_after"].dropna())
    # England's are every network that changed, those no practice was listed
    # in too (a network of the ePCN whose practices had all closed).
    networks = between.networks if place.is_england else between.networks[
        between.networks[c.NETWORK_CODE].isin(codes)]
    words = between.words
    unlisted = inside[inside["change"].eq(changes.GONE_PRACTICE).fillna(False)
                      & chosen.now_in[chosen.inside]]
    moved = inside[inside["change"].eq(changes.MOVED).fillna(False) & chosen.now_in[
        chosen.inside]]
    status = networks["status"]
    figures = [
        _network_figure("Networks opened", networks[status == changes.OPENED]),
        _network_figure("Networks closed, merged or split", networks[status.isin(ENDED)]),
        _network_figure("Networks renamed", networks[status == changes.RENAMED]),
        Figure(MOVED_NETWORK, f"{len(moved):,}", len(moved),
               help="Practices listed in both snapshots and in another network now; each "
                    "counted where it is now."),
        Figure(UNLISTED, f"{len(unlisted):,}", len(unlisted),
               help=f"Practices closed or no longer listed: {len(unlisted):,} with "
                    f"{unlisted['registered_before'].sum():,.0f} patients in "
                    f"{before.info.label}; {int(unlisted['closed_in_ods'].sum()):,} closed "
                    "in ODS.")]
    notes = []
    if not place.is_england:
        if chosen.comparable:
            word = _level_word(place, after)
            for label, into, mask in ((MOVED_IN, "into", chosen.moved_in),
                                      (MOVED_OUT, "out of", chosen.moved_out)):
                count = int(mask.sum())
                figures.append(Figure(
                    label, f"{count:,}", count,
                    help=f"Practices that moved {into} {place.name}: listed in both "
                         f"snapshots, under another {word} code in one of them (a {word} "
                         "split or recoded moves its practices). A move between two parts of "
                         "a place is not a move into or out of it.", additive=False))
        else:
            notes.append(f"{before.info.label} and {after.info.label} share no "
                         f"{_level_word(place, after)} code, so practices moving into or "
                         f"out of {place.name} cannot be told.")
        beyond = _beyond(moves, chosen, networks)
        note = shared_note(place, beyond, after.info)
        if note:
            notes.append(note)
    name = f"{before.key}-to-{after.key}-{place.file_part}"
    relevant = [change for change in between.codes
                if place.is_england or change.members & set(inside.index)]
    return WhatChangedView(
        title=f"What changed: {place.name}",
        period=f"From {before.info.label} to {after.info.label}. A code found in only one of "
               "the two snapshots is listed with where its practices went or came from.",
        reorganised=tuple(_sentence(change, before, after, between.dates, words)
                          for change in relevant),
        figures=tuple(figures), notes=tuple(notes),
        tables={
            "networks": rows.network_table(networks, moves, words,
                                           f"pcnmap-changes-networks-{name}.csv",
                                           _networks_moved(moves, chosen, place)),
            "practices": rows.practice_table(inside, chosen, place, words,
                                             f"pcnmap-changes-practices-{name}.csv"),
            "unlisted": rows.unlisted_table(unlisted, words, after,
                                            f"pcnmap-changes-unlisted-{name}.csv"),
            "codes": _code_table(relevant, before, after, between.dates, words,
                                 f"pcnmap-changes-codes-{name}.csv")})


def _network_figure(label: str, found: pd.DataFrame) -> Figure:
    return Figure(label, f"{len(found):,}", len(found),
                  codes=frozenset(found[c.NETWORK_CODE]))


def _networks_moved(moves: pd.DataFrame, chosen: Selection, place: Place) -> dict[str, str]:
    """Networks with a member in the place now and none before ("moved
    into …"), or the other way round, among those of both snapshots."""
    if place.is_england or not chosen.comparable:
        return {}
    def networks(side: str, where: pd.Series) -> set[str]:
        return set(moves.loc[moves[f"listed_{side}"] & where, f"network_code_{side}"].dropna())

    def both(side: str) -> set[str]:
        return set(moves.loc[moves[f"listed_{side}"], f"network_code_{side}"].dropna())

    was, now = networks("before", chosen.was_in), networks("after", chosen.now_in)
    stayed = both("before") & both("after")
    return {**{code: f"moved out of {place.name}" for code in (was - now) & stayed},
            **{code: f"moved into {place.name}" for code in (now - was) & stayed}}


def _beyond(moves: pd.DataFrame, chosen: Selection, networks: pd.DataFrame) -> set[str]:
    """The place's networks with a member (in either snapshot) outside it."""
    outside = moves[~chosen.inside]
    elsewhere = set(outside["network_code_before"].dropna()) | set(
        outside["network_code_after"].dropna())
    return set(networks[c.NETWORK_CODE]) & elsewhere if not networks.empty else set()


def _level_word(place: Place, after: SnapshotData) -> str:
    return {"area": after.info.area_word, "region": "region"}.get(
        place.level, after.info.commissioner_word)


def _when(code: str, before: SnapshotData, after: SnapshotData, dates: dict[str, str]) -> str:
    """" on 1 April 2026" where the catalogue declares a date between the
    snapshots, else " between October 2024 and July 2026"."""
    declared = dates.get(code)
    if declared and before.info.as_of < declared <= after.info.as_of:
        day = date.fromisoformat(declared)
        return f" on {day.day} {day:%B %Y}"
    return f" between {before.info.label} and {after.info.label}"


def code_name(change: changes.CodeChange, code: str, words: rows.Words, *,
              earlier: bool, said: SnapshotData | None = None) -> str:
    """A commissioner or ICB code as people know it: "Frimley (D4U1Y)",
    "Thames Valley ICB (S0E4D)" (by the snapshot that has it). In a sentence
    (``said``: that snapshot), a place named by its districts says what it
    is: "the Sub-ICB location around Slough (U2G6B)"."""
    if change.level == "stp_code":
        name = (words.icbs_before if earlier else words.icbs_after).get(code)
        return f"{icb_short(name)} ({code})" if isinstance(name, str) and name else code
    label = (words.labels_before if earlier else words.labels_after).get(code)
    name = short_label(label, code) if label else code
    if said is not None and name[:1].islower():
        return f"the {said.info.commissioner_word} {name}"
    return name


def _sentence(change: changes.CodeChange, before: SnapshotData, after: SnapshotData,
              dates: dict[str, str], words: rows.Words) -> str:
    """The change in words: "Frimley (D4U1Y) split on 1 April 2026: 41
    practices to … (U2G6B), 14 to … (D9Y0V), 11 to … (92A)"."""
    new = change.change == changes.CODE_NEW
    name = code_name(change, change.code, words, earlier=not new,
                     said=after if new else before)
    text = f"{name} {_what(change, before, after, dates, words)}"
    return text[:1].upper() + text[1:]


def _what(change: changes.CodeChange, before: SnapshotData, after: SnapshotData,
          dates: dict[str, str], words: rows.Words) -> str:
    """What became of a code, or where a new one's practices came from."""
    new = change.change == changes.CODE_NEW
    places = [(code_name(change, code, words, earlier=new, said=before if new else after),
               count) for code, count in change.counts]
    if new:
        if len(places) == 1 and not change.unlisted:
            return (f"is new since {before.info.label}: its "
                    f"{plural(change.practices, 'practice')} were all under {places[0][0]}")
        came = ", ".join(f"{where}: {count:,}" for where, count in places)
        extra = f"; {plural(change.unlisted, 'new practice')}" if change.unlisted else ""
        return (f"is new since {before.info.label}: its "
                f"{plural(change.practices, 'practice')} were under {came}{extra}")
    when = _when(change.code, before, after, dates)
    gone = f"; {change.unlisted:,} no longer listed" if change.unlisted else ""
    if change.change == changes.CODE_ENDED:
        return (f"ended{when}: none of its {plural(change.practices, 'practice')} is "
                f"listed in {after.info.label}")
    if change.change == changes.CODE_SPLIT:
        first, *rest = places
        parts = [f"{first[1]:,} practices to {first[0]}",
                 *(f"{count:,} to {where}" for where, count in rest)]
        return f"split{when}: {', '.join(parts)}{gone}"
    verb = "was recoded as" if change.change == changes.CODE_RECODED else "merged into"
    return (f"{verb} {places[0][0]}{when}: "
            f"{plural(places[0][1], 'practice')}{gone}")


def _code_table(relevant: list[changes.CodeChange], before: SnapshotData,
                after: SnapshotData, dates: dict[str, str], words: rows.Words,
                file_name: str) -> Table:
    found = []
    for change in relevant:
        new = change.change == changes.CODE_NEW
        info = (after if new else before).info
        found.append({
            rows.CODE_NAMED: code_name(change, change.code, words, earlier=not new),
            rows.CODE_WHAT: _what(change, before, after, dates, words),
            c.PRACTICES: change.practices,
            rows.CODE_KIND: info.area_word if change.level == "stp_code"
            else info.commissioner_word,
            rows.CODE_IN: f"{info.label} only", rows.CODE: change.code})
    shown = (rows.CODE_NAMED, rows.CODE_WHAT, c.PRACTICES, rows.CODE_KIND, rows.CODE_IN,
             rows.CODE)
    return table(pd.DataFrame(found, columns=list(shown)), shown, file_name=file_name,
                 caption="Commissioner and ICB codes found in only one of the two snapshots, "
                         "with where their practices went or came from.")
