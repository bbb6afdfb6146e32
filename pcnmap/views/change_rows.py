"""The What changed page's tables for one place: its networks, its
practices that changed, and those closed or no longer listed, every code
with its name beside it (:mod:`pcnmap.views.what_changed` selects the rows)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.model import changes
from pcnmap.model.place import Place
from pcnmap.views.parts import Table, table
from pcnmap.views.source import SnapshotData
from pcnmap.words import counted_names, named, plural

# Columns this page adds, in words (headings naming a snapshot are set per view).
NETWORK_NAMED = Column("network_named", "Network")
CHANGE = Column("change_words", "What changed")
MEMBERS_BEFORE = Column("members_before", "Practices before", Kind.COUNT)
MEMBERS_AFTER = Column("members_after", "Practices now", Kind.COUNT)
JOINED = Column("joined_named", "Joined")
LEFT = Column("left_named", "Left")
MOVED_NAMED = Column("moved_named", "Its practices went to or came from")
NETWORK_BEFORE = Column("network_before_named", "Network before")
NETWORK_AFTER = Column("network_after_named", "Network now")
COMMISSIONER_BEFORE = Column("commissioner_before_label", "Commissioner before")
COMMISSIONER_AFTER = Column("commissioner_after_label", "Commissioner now")
PATIENTS_BEFORE = Column("registered_before", "Patients before", Kind.PATIENTS)
PATIENTS_AFTER = Column("registered_after", "Patients now", Kind.PATIENTS)
CLOSED_IN_ODS = Column("closed_in_ods", "Closed in ODS", Kind.FLAG)
CODE_NAMED = Column("code_named", "Name")
CODE_KIND = Column("code_kind", "What it is")
CODE = Column("code", "Code", Kind.CODE)
CODE_IN = Column("code_in", "Found in")
CODE_WHAT = Column("code_what", "What became of it")
# How each network change and practice change reads.
NETWORK_WORDS = {changes.OPENED: "opened", changes.CLOSED: "closed", changes.MERGED: "merged",
                 changes.SPLIT: "split", changes.RENAMED: "renamed",
                 changes.CHANGED: "members changed"}
PRACTICE_WORDS = {changes.MOVED: "moved to another network", changes.JOINED: "joined a network",
                  changes.LEFT: "left its network (in no network now)",
                  changes.NEW_PRACTICE: "new practice"}
# A practice in the earlier snapshot only.
UNLISTED = "closed or no longer listed"
# Between the practices a cell names: names may hold commas.
SEPARATOR = "; "


@dataclass(frozen=True)
class Words:
    """Names for the codes two snapshots hold, and the snapshots' labels.

    Attributes:
        before_label: The earlier snapshot's label ("October 2024").
        after_label: The later one's.
        networks: Network code -> name (the later name where it has one).
        practices: Practice code -> name (likewise).
        labels_before: Commissioner code -> label in the earlier snapshot.
        labels_after: Commissioner code -> label in the later one.
        icbs_before: ICB (STP) code -> name in the earlier snapshot.
        icbs_after: ICB code -> name in the later one.
    """

    before_label: str
    after_label: str
    networks: Mapping[str, str]
    practices: Mapping[str, str]
    labels_before: Mapping[str, str]
    labels_after: Mapping[str, str]
    icbs_before: Mapping[str, str]
    icbs_after: Mapping[str, str]

    @classmethod
    def of(cls, before: SnapshotData, after: SnapshotData, moves: pd.DataFrame) -> Words:
        """The names of ``before`` and ``after`` (``moves``: by practice code)."""
        def names(frame: pd.DataFrame, code: str, name: str) -> dict[str, str]:
            found = frame.dropna(subset=[code, name]).drop_duplicates(code)
            return dict(zip(found[code], found[name], strict=True))

        return cls(before.info.label, after.info.label,
                   {**names(before.networks, c.NETWORK_CODE, c.NETWORK_NAME),
                    **names(after.networks, c.NETWORK_CODE, c.NETWORK_NAME)},
                   moves["practice_name"].dropna().to_dict(),
                   before.labels, after.labels,
                   names(before.practices, c.STP_CODE, c.STP_NAME),
                   names(after.practices, c.STP_CODE, c.STP_NAME))

    def practice(self, code: str) -> str:
        """"PARK VIEW SURGERY (P81046)"."""
        return named(code, self.practices)

    def network(self, code: object) -> str:
        """"GREATER PRESTON PCN (U09100)"; "" for none."""
        return named(code, self.networks)


def _codes(text: object) -> list[str]:
    return [code.strip() for code in str(text).split(",") if code.strip()] \
        if isinstance(text, str) else []


def _patients(value: object) -> str:
    return "no list" if pd.isna(value) else plural(round(float(value)), "patient")


def joined_words(code: str, fact: Mapping, words: Words) -> str:
    """A practice that joined a network: where it came from."""
    if not fact["listed_before"]:
        return f"{words.practice(code)} (new practice)"
    if pd.isna(fact["network_code_before"]):
        return f"{words.practice(code)} (from no network)"
    return f"{words.practice(code)} from {words.network(fact['network_code_before'])}"


def left_words(code: str, fact: Mapping, words: Words) -> str:
    """A practice that left a network: where it went, or that it is no
    longer listed (its list then, and whether ODS has it closed)."""
    if not fact["listed_after"]:
        closed = fact["closed_in_ods"]
        ods = "closed in ODS" if not pd.isna(closed) and bool(closed) else \
            "ODS still lists it as active"
        return (f"{words.practice(code)}, {_patients(fact['registered_before'])} before: "
                f"{UNLISTED} ({ods})")
    if pd.isna(fact["network_code_after"]):
        return f"{words.practice(code)} (in no network now)"
    return f"{words.practice(code)} to {words.network(fact['network_code_after'])}"


def network_table(networks: pd.DataFrame, moves: pd.DataFrame, words: Words,
                  file_name: str, moved: Mapping[str, str] | None = None) -> Table:
    """The place's networks that changed: what changed, who joined and left
    (named, with where from or to), where a gone network's practices went;
    and those that moved into or out of the place (``moved``: network code
    -> "moved into …", whether or not their members changed)."""
    moved = moved or {}
    extra = sorted(set(moved) - set(networks[c.NETWORK_CODE]))
    if extra:
        networks = pd.concat([networks, _unchanged(extra, moves)], ignore_index=True)
    named_codes = {code for text in (*networks["joined"], *networks["left"])
                   for code in _codes(text)}
    facts = moves[moves.index.isin(named_codes)].to_dict("index")

    def each(text: object, describe: Callable[[str, dict, Words], str]) -> str:
        return SEPARATOR.join(describe(code, facts[code], words)
                              for code in _codes(text) if code in facts)

    def went(to: object, came: object) -> str:
        if isinstance(to, str) and to:
            return f"went to {counted_names(to, words.networks)}"
        if isinstance(came, str) and came:
            return f"came from {counted_names(came, words.networks)}"
        return ""

    def change(code: str, state: object, before: object) -> str:
        said = [f"renamed (was {before})" if state == changes.RENAMED else
                NETWORK_WORDS.get(state, "")]
        return SEPARATOR.join(text for text in (*said, moved.get(code, "")) if text)

    frame = networks.assign(**{
        NETWORK_NAMED: [words.network(code) for code in networks[c.NETWORK_CODE]],
        CHANGE: [change(*row) for row in zip(networks[c.NETWORK_CODE], networks["status"],
                                             networks["network_name_before"], strict=True)],
        JOINED: [each(text, joined_words) for text in networks["joined"]],
        LEFT: [each(text, left_words) for text in networks["left"]],
        MOVED_NAMED: [went(to, came) for to, came in zip(
            networks["went_to"], networks["came_from"], strict=True)]})
    return table(frame, (
        NETWORK_NAMED, CHANGE,
        MEMBERS_BEFORE.titled(f"Practices in {words.before_label}"),
        MEMBERS_AFTER.titled(f"Practices in {words.after_label}"),
        LEFT, JOINED, MOVED_NAMED, c.NETWORK_CODE),
        key=c.NETWORK_CODE, file_name=file_name, sort=(NETWORK_NAMED,),
        caption="Each network with a member here, in either snapshot, that opened, closed, "
                "merged, split, was renamed, changed members or moved into or out of the "
                "place: who left and joined, and where.")


def _unchanged(codes: list[str], moves: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`pcnmap.model.changes.network_changes` for networks whose
    members did not change (their counts, nothing joined or left)."""
    def members(side: str) -> pd.Series:
        listed = moves[moves[f"listed_{side}"]]
        return listed[f"network_code_{side}"].value_counts()

    before, after = members("before"), members("after")
    return pd.DataFrame({
        c.NETWORK_CODE: codes, "status": "", "network_name_before": "",
        "members_before": [int(before.get(code, 0)) for code in codes],
        "members_after": [int(after.get(code, 0)) for code in codes],
        "joined": "", "left": "", "went_to": "", "came_from": ""})


def practice_table(inside: pd.DataFrame, chosen: object, place: Place, words: Words,
                   file_name: str) -> Table:
    """The place's practices that moved, joined or left a network, are new,
    or moved into or out of the place."""
    moved_in = chosen.moved_in.reindex(inside.index)
    moved_out = chosen.moved_out.reindex(inside.index)
    network = inside["change"].isin(list(PRACTICE_WORDS)).fillna(False)
    found = inside[network | moved_in | moved_out]

    def what(code: str, change: object) -> str:
        said = [PRACTICE_WORDS[change]] if change in PRACTICE_WORDS else []
        if moved_in[code]:
            said.append(f"moved into {place.name}")
        if moved_out[code]:
            said.append(f"moved out of {place.name}")
        return SEPARATOR.join(said)

    frame = found.reset_index().assign(**{
        CHANGE: [what(code, change) for code, change in zip(found.index, found["change"],
                                                                 strict=True)],
        NETWORK_BEFORE: [words.network(code) for code in found["network_code_before"]],
        NETWORK_AFTER: [words.network(code) for code in found["network_code_after"]],
        COMMISSIONER_BEFORE: _labels(found["commissioner_code_before"],
                                          words.labels_before),
        COMMISSIONER_AFTER: _labels(found["commissioner_code_after"], words.labels_after)})
    return table(frame, (
        c.PRACTICE_NAME, CHANGE,
        NETWORK_BEFORE.titled(f"Network in {words.before_label}"),
        NETWORK_AFTER.titled(f"Network in {words.after_label}"),
        PATIENTS_AFTER.titled(f"Patients in {words.after_label}"), c.PRACTICE_CODE,
        COMMISSIONER_BEFORE.titled(f"Commissioner in {words.before_label}"),
        COMMISSIONER_AFTER.titled(f"Commissioner in {words.after_label}")),
        key=c.PRACTICE_CODE, file_name=file_name, sort=(CHANGE, c.PRACTICE_NAME),
        caption="The practices here that moved to another network, joined or left one, are "
                "new, or moved into or out of the place (by their commissioner).")


def unlisted_table(unlisted: pd.DataFrame, words: Words, after: SnapshotData,
                   file_name: str) -> Table:
    """The place's practices listed before and not now: their network and
    list then, and whether ODS has them closed."""
    frame = unlisted.reset_index().assign(**{
        NETWORK_BEFORE: [words.network(code) for code in unlisted["network_code_before"]],
        COMMISSIONER_BEFORE: _labels(unlisted["commissioner_code_before"],
                                          words.labels_before)})
    ods = next((f"{source['name']} ({source['vintage']})" for source in after.info.sources
                if str(source.get("name", "")).startswith("ods/")), "its ODS file")
    return table(frame, (
        c.PRACTICE_NAME, PATIENTS_BEFORE.titled(f"Patients in {words.before_label}"),
        NETWORK_BEFORE.titled(f"Network in {words.before_label}"), CLOSED_IN_ODS,
        c.PRACTICE_CODE,
        COMMISSIONER_BEFORE.titled(f"Commissioner in {words.before_label}")),
        key=c.PRACTICE_CODE, file_name=file_name, sort=(c.PRACTICE_NAME,),
        caption=f"Practices listed in {words.before_label} and not in {words.after_label}, "
                f"with their list then. Closed in ODS: Yes where {words.after_label}'s ODS "
                f"file, {ods}, does not list the practice as active; No where it still does "
                "(the later lists give it no registered patients: closed since, merged, or no "
                "longer a patient list). A practice whose commissioner's code is gone counts "
                "with the commissioner its nearest former neighbour is under now.")


def _labels(found: pd.Series, labels: Mapping[str, str]) -> list[str]:
    return ["" if pd.isna(code) else labels.get(code, code) for code in found]
