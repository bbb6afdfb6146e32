"""What changed between two snapshots: practices that moved, networks that
opened, closed, were renamed, merged or split, and codes that vanished.

Pure functions over two snapshots' practices and networks. A network or
commissioner code that exists in only one of the two is never dropped: it
is listed with where its practices went (or came from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# How a practice's membership changed.
MOVED, JOINED, LEFT, NEW_PRACTICE, GONE_PRACTICE = (
    "moved", "joined a network", "left its network", "new practice", "no longer listed")
# How a network changed.
OPENED, CLOSED, MERGED, SPLIT, RENAMED, CHANGED, SAME = (
    "opened", "closed", "merged", "split", "renamed", "members changed", "unchanged")


@dataclass(frozen=True)
class SnapshotChanges:
    """The changes from snapshot ``before`` to snapshot ``after``.

    ``practices``: one row per practice whose network differs (or that is in
    only one snapshot). ``networks``: one row per network of either snapshot
    that changed, with its members who joined and left and, for a code in
    one snapshot only, where its practices went or came from.
    ``commissioners``: codes in one snapshot only, with where their
    practices are in the other.
    """

    before: str
    after: str
    practices: pd.DataFrame
    networks: pd.DataFrame
    commissioners: pd.DataFrame


def _same_name(a: object, b: object) -> bool:
    """Names equal but for case, spacing and punctuation (the ePCN and the
    practice maps write the same network's name differently)."""
    def key(value: object) -> str:
        return re.sub(r"[^a-z0-9]+", " ", str(value).lower()).strip()
    return key(a) == key(b)


def _counted(codes: pd.Series) -> str:
    """``U1 (3), U2 (1)``: the codes with how often each occurs, most first."""
    counts = codes.dropna().value_counts()
    return ", ".join(f"{code} ({count})" for code, count in counts.items())


def practice_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Every practice whose network differs between two snapshots' practices."""
    columns = ["practice_code", "practice_name", "commissioner_code", "network_code",
               "network_name"]
    joined = before[columns].merge(after[columns], on="practice_code", how="outer",
                                   suffixes=("_before", "_after"), indicator=True)
    was, now = joined["network_code_before"], joined["network_code_after"]
    change = pd.Series(None, index=joined.index, dtype=object)
    both = joined["_merge"] == "both"
    change[both & was.notna() & now.notna() & (was != now)] = MOVED
    change[both & was.isna() & now.notna()] = JOINED
    change[both & was.notna() & now.isna()] = LEFT
    change[joined["_merge"] == "right_only"] = NEW_PRACTICE
    change[joined["_merge"] == "left_only"] = GONE_PRACTICE
    joined["change"] = change
    joined["practice_name"] = joined["practice_name_after"].fillna(
        joined["practice_name_before"])
    joined["commissioner_code"] = joined["commissioner_code_after"].fillna(
        joined["commissioner_code_before"])
    result = joined[joined["change"].notna()]
    order = ["practice_code", "practice_name", "commissioner_code", "change",
             "network_code_before", "network_name_before", "network_code_after",
             "network_name_after"]
    return result[order].sort_values(["change", "practice_code"]).reset_index(drop=True)


def network_changes(before_practices: pd.DataFrame, before_networks: pd.DataFrame,
                    after_practices: pd.DataFrame, after_networks: pd.DataFrame
                    ) -> pd.DataFrame:
    """Every network of either snapshot that opened, closed, merged, split, was
    renamed or changed members, with who joined and left.

    A code in the earlier snapshot only is ``merged`` when all its practices
    that are still listed went to one network, ``split`` when they went to
    several, ``closed`` when none is in a network now; ``went_to`` says
    where. A code in the later one only is ``opened``; ``came_from`` says
    from which networks its practices came.
    """
    was = before_practices.set_index("practice_code")["network_code"]
    now = after_practices.set_index("practice_code")["network_code"]
    members_before = before_practices.dropna(subset=["network_code"]).groupby(
        "network_code")["practice_code"].agg(set)
    members_after = after_practices.dropna(subset=["network_code"]).groupby(
        "network_code")["practice_code"].agg(set)
    names_before = before_networks.set_index("network_code")["network_name"]
    names_after = after_networks.set_index("network_code")["network_name"]
    rows = []
    for code in sorted(set(names_before.index) | set(names_after.index)):
        old = members_before.get(code, set())
        new = members_after.get(code, set())
        joined, left = sorted(new - old), sorted(old - new)
        went_to = came_from = ""
        if code not in names_after.index:
            destinations = now.reindex(sorted(old)).dropna()
            went_to = _counted(destinations)
            status = (CLOSED if destinations.empty else
                      MERGED if destinations.nunique() == 1 else SPLIT)
        elif code not in names_before.index:
            status = OPENED
            came_from = _counted(was.reindex(sorted(new)).dropna())
        elif not _same_name(names_before[code], names_after[code]):
            status = RENAMED
        elif joined or left:
            status = CHANGED
        else:
            continue
        rows.append({
            "network_code": code, "status": status,
            "network_name_before": names_before.get(code),
            "network_name_after": names_after.get(code),
            "members_before": len(old), "members_after": len(new),
            "joined": ", ".join(joined), "left": ", ".join(left),
            "went_to": went_to, "came_from": came_from})
    columns = ["network_code", "status", "network_name_before", "network_name_after",
               "members_before", "members_after", "joined", "left", "went_to", "came_from"]
    return pd.DataFrame(rows, columns=columns)


def commissioner_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Commissioner codes in one snapshot only, with where their practices are
    in the other (a CCG merged into a larger one, a Sub-ICB location split)."""
    rows = []
    for frame, other, status, where in ((before, after, "gone", "now under"),
                                        (after, before, "new", "before under")):
        present = set(other["commissioner_code"].dropna())
        elsewhere = other.set_index("practice_code")["commissioner_code"]
        for code, group in frame.dropna(subset=["commissioner_code"]).groupby(
                "commissioner_code"):
            if code in present:
                continue
            counted = _counted(elsewhere.reindex(group["practice_code"]))
            rows.append({"commissioner_code": code,
                         "commissioner_name": group["commissioner_name"].iloc[0],
                         "status": status, "practices": len(group),
                         "explanation": f"{where} {counted}" if counted else
                         "none of its practices is in the other snapshot"})
    columns = ["commissioner_code", "commissioner_name", "status", "practices", "explanation"]
    return pd.DataFrame(rows, columns=columns)


def compare_snapshots(before_key: str, before_practices: pd.DataFrame,
                      before_networks: pd.DataFrame, after_key: str,
                      after_practices: pd.DataFrame, after_networks: pd.DataFrame
                      ) -> SnapshotChanges:
    """Everything that changed from one snapshot to another."""
    return SnapshotChanges(
        before_key, after_key,
        practice_changes(before_practices, after_practices),
        network_changes(before_practices, before_networks, after_practices, after_networks),
        commissioner_changes(before_practices, after_practices))


def previous_snapshot(keys: list[str], key: str) -> str | None:
    """The snapshot before ``key`` in ``keys`` (oldest first), if any."""
    position = keys.index(key)
    return keys[position - 1] if position > 0 else None


# ---------------------------------------------------------------- practices between two snapshots

# The levels a place has, by the practices' column holding each one's code.
LEVELS = ("commissioner_code", "stp_code", "region_code")
_KEPT = ("practice_name", "network_code", "commissioner_code", "stp_code", "region_code",
         "registered", "easting", "northing")


def listed_in_ods(quality: pd.DataFrame) -> set[str]:
    """Practices a snapshot's ODS file lists as active although the snapshot
    leaves them out (its memberships file, newer than ODS, lists no patients
    for them): its quality report's ``not_in_memberships`` records."""
    if quality.empty:
        return set()
    return set(quality.loc[quality["check"] == "not_in_memberships", "record"].dropna())


def practice_moves(before: pd.DataFrame, after: pd.DataFrame,
                   active_in_ods: set[str] = frozenset()) -> pd.DataFrame:
    """One row per practice of either snapshot: where it was and is, and where
    it counts in the later snapshot.

    Columns ``<name>_before`` and ``<name>_after`` (network, commissioner,
    ICB, region, list, position), ``listed_before``/``listed_after``,
    ``change`` (how its network changed: :data:`MOVED`, :data:`JOINED`,
    :data:`LEFT`, :data:`NEW_PRACTICE`, :data:`GONE_PRACTICE` or missing),
    ``practice_name`` (the later name where it has one), ``now_<level>``
    (the codes of the later snapshot it counts under: its own where it is
    listed, else its :func:`homes`) and ``closed_in_ods`` (for a practice no
    longer listed: whether the later snapshot's ODS file does not list it
    as active; ``active_in_ods``: those it does, see :func:`listed_in_ods`).
    """
    def side(frame: pd.DataFrame, suffix: str) -> pd.DataFrame:
        kept = frame.set_index("practice_code")[list(_KEPT)]
        return kept.add_suffix(suffix).assign(**{f"listed{suffix}": True})

    moves = side(before, "_before").join(side(after, "_after"), how="outer")
    for suffix in ("_before", "_after"):
        moves[f"listed{suffix}"] = moves[f"listed{suffix}"].fillna(False).astype(bool)
    moves.index.name = "practice_code"
    moves["practice_name"] = moves["practice_name_after"].fillna(moves["practice_name_before"])
    was, now = moves["network_code_before"], moves["network_code_after"]
    both = moves["listed_before"] & moves["listed_after"]
    change = pd.Series(pd.NA, index=moves.index, dtype="object")
    change[both & was.notna() & now.notna() & (was != now)] = MOVED
    change[both & was.isna() & now.notna()] = JOINED
    change[both & was.notna() & now.isna()] = LEFT
    change[~moves["listed_before"]] = NEW_PRACTICE
    change[~moves["listed_after"]] = GONE_PRACTICE
    moves["change"] = change
    found = homes(before, after)
    for level in LEVELS:
        moves[f"now_{level}"] = moves[f"{level}_after"].where(
            moves["listed_after"], found[level].reindex(moves.index))
    gone = ~moves["listed_after"]
    moves["closed_in_ods"] = pd.Series(pd.NA, index=moves.index, dtype="boolean")
    moves.loc[gone, "closed_in_ods"] = ~moves.index[gone].isin(list(active_in_ods))
    return moves.reset_index()


def homes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Where each practice of ``before`` that ``after`` no longer lists
    counts in ``after`` (codes of ``after``; missing where none applies).

    Its own commissioner where ``after`` still has the code; where the code
    is gone (a commissioner split or merged), the commissioner now of its
    nearest neighbour that had the same commissioner and is still listed
    (without a position: of most of them); where none of those is listed
    either, the commissioner of the nearest practice listed. The ICB and
    region are those of that commissioner in ``after``; a practice with no
    commissioner found (no position, no neighbour) keeps an ICB and region
    whose codes ``after`` still has.
    """
    listed = set(after["practice_code"])
    gone = before[~before["practice_code"].isin(listed)]
    codes_now = set(after["commissioner_code"].dropna())
    upper_now = {level: set(after[level].dropna()) for level in LEVELS[1:]}
    now = after.set_index("practice_code")
    stayed = before[before["practice_code"].isin(listed)].assign(
        now=lambda f: f["practice_code"].map(now["commissioner_code"])).dropna(subset=["now"])
    by_commissioner = dict(list(stayed.groupby("commissioner_code")))
    upper = {level: after.dropna(subset=["commissioner_code", level]).groupby(
        "commissioner_code")[level].agg(lambda s: s.mode().iloc[0]) for level in LEVELS[1:]}
    anyone = after.dropna(subset=["commissioner_code"]).rename(
        columns={"commissioner_code": "now"})
    rows = {}
    for row in gone.itertuples(index=False):
        home = row.commissioner_code if row.commissioner_code in codes_now else _successor(
            row, by_commissioner.get(row.commissioner_code, anyone))
        found = {"commissioner_code": home}
        for level in LEVELS[1:]:
            own = getattr(row, level)
            found[level] = upper[level].get(home) if home else (
                own if own in upper_now[level] else None)
        rows[row.practice_code] = found
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(LEVELS), dtype="object")


def _successor(row: Any, neighbours: pd.DataFrame) -> str | None:
    """The commissioner now of the nearest of ``neighbours`` (its former
    commissioner's practices still listed), else of most of them."""
    if neighbours.empty:
        return None
    placed = neighbours.dropna(subset=["easting", "northing"])
    east, north = row.easting, row.northing
    if placed.empty or pd.isna(east) or pd.isna(north):
        return str(neighbours["now"].value_counts().index[0])
    distance = np.hypot(placed["easting"] - east, placed["northing"] - north)
    return str(placed["now"].iloc[int(np.argmin(distance.to_numpy()))])


# ---------------------------------------------------------------- codes in one snapshot only

# What became of a code found in the earlier snapshot only, or where a new one came from.
CODE_SPLIT, CODE_MERGED, CODE_RECODED, CODE_ENDED, CODE_NEW = (
    "split", "merged", "recoded", "ended", "new")


@dataclass(frozen=True)
class CodeChange:
    """A commissioner or ICB code found in one of two snapshots only.

    Attributes:
        level: The practices' column holding such codes (``commissioner_code``, ``stp_code``).
        code: The code.
        change: :data:`CODE_SPLIT`, :data:`CODE_MERGED` (into a code the
            earlier snapshot had, or with others), :data:`CODE_RECODED` (all
            its practices, and only they, under one new code),
            :data:`CODE_ENDED` (none of its practices listed now) for a code
            of the earlier snapshot; :data:`CODE_NEW` for one of the later.
        practices: Its practices in the snapshot that has it.
        counts: Where they are in the other snapshot: (code, practices), most first.
        unlisted: Of its practices, those the other snapshot does not list.
        members: Its practices' codes.
    """

    level: str
    code: str
    change: str
    practices: int
    counts: tuple[tuple[str, int], ...]
    unlisted: int
    members: frozenset[str]


def code_changes(before: pd.DataFrame, after: pd.DataFrame, level: str) -> list[CodeChange]:
    """The codes of ``level`` found in only one of two snapshots' practices,
    each with where its practices went (or came from)."""
    found: list[CodeChange] = []
    codes_before, codes_after = set(before[level].dropna()), set(after[level].dropna())
    for frame, other, others_codes, earlier in ((before, after, codes_after, True),
                                                (after, before, codes_before, False)):
        elsewhere = other.set_index("practice_code")[level]
        for code, group in frame.dropna(subset=[level]).groupby(level):
            if code in others_codes:
                continue
            placed = elsewhere.reindex(group["practice_code"])
            counts = tuple(sorted(((str(k), int(v)) for k, v
                                   in placed.dropna().value_counts().items()),
                                  key=lambda item: (-item[1], item[0])))
            unlisted = int((~group["practice_code"].isin(elsewhere.index)).sum())
            if not earlier:
                change = CODE_NEW
            elif not counts:
                change = CODE_ENDED
            elif len(counts) > 1:
                change = CODE_SPLIT
            else:
                target = counts[0][0]
                only_these = set(frame.loc[frame[level] == code, "practice_code"]) >= set(
                    other.loc[other[level] == target, "practice_code"])
                change = CODE_RECODED if target not in codes_before and only_these \
                    else CODE_MERGED
            found.append(CodeChange(level, str(code), change, len(group), counts, unlisted,
                                    frozenset(group["practice_code"])))
    return found


# ---------------------------------------------------------------- dates declared

# The catalogue of snapshots, where a reorganisation's date is declared in
# words ("D4U1Y, split on 1 April 2026"): the data only shows that a code
# went between two snapshots, not when.
CATALOGUE = Path(__file__).resolve().parents[1] / "declared" / "snapshots.toml"
_DECLARED = re.compile(r"\b([A-Z0-9]{3,5}), (split|merged|recoded|closed) on "
                       r"(\d{1,2} [A-Z][a-z]+ \d{4})")


def declared_dates(text: str) -> dict[str, str]:
    """Code -> the ISO date a reorganisation of it took effect, as ``text``
    declares it ("D4U1Y, split on 1 April 2026"; comments and line breaks
    read through)."""
    flat = re.sub(r"\s*\n\s*#?\s*", " ", text)
    return {code: datetime.strptime(day, "%d %B %Y").date().isoformat()
            for code, _change, day in _DECLARED.findall(flat)}


def load_declared_dates(path: Path = CATALOGUE) -> dict[str, str]:
    """:func:`declared_dates` of the snapshot catalogue."""
    return declared_dates(path.read_text(encoding="utf-8"))
