"""What changed between two snapshots: practices that moved, networks that
opened, closed, were renamed, merged or split, and codes that vanished.

Pure functions over two snapshots' practices and networks. A network or
commissioner code that exists in only one of the two is never dropped: it
is listed with where its practices went (or came from).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
