"""Places people choose (region, STP/ICB, commissioner): names a person
recognises, a choice carried from one snapshot to another, and the
commissioners of other snapshots (a former one's name, where its practices
are now) that search finds.

Commissioner names. Since July 2022 the commissioners are Sub-ICB
locations, published as "NHS Lancashire and South Cumbria ICB - 00X": eight
of them read the same but for the code. Each Sub-ICB location kept the code
of the CCG it replaced, so the rule is:

1. a CCG shows as its code and its own name: "00X · Chorley and South
   Ribble CCG";
2. a Sub-ICB location whose code was a CCG's in an older snapshot shows
   that CCG's place (the most recent CCG snapshot holding the code) and its
   ICB: "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)";
3. any other Sub-ICB location shows the local authority districts most of
   its practices are in: "99Z · around Preston (… ICB)".

"NHS" and "CCG"/"ICB" are dropped from the place where the label adds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c

# "NHS Lancashire and South Cumbria ICB - 00X": an ICB's name and a code.
_SUB_ICB = re.compile(r"^(?P<icb>.*?\bICB)\s*-\s*(?P<code>\w+)\s*$")
SEPARATOR = " · "


def place_of(ccg_name: str) -> str:
    """A CCG's place: its name without "NHS" before or "CCG" after.

    >>> place_of("NHS Chorley and South Ribble CCG")
    'Chorley and South Ribble'
    """
    text = " ".join(str(ccg_name).split())
    text = re.sub(r"^NHS\s+", "", text)
    return re.sub(r"\s+(CCG|Clinical Commissioning Group)$", "", text, flags=re.IGNORECASE)


def icb_short(name: str) -> str:
    """An ICB's name as a label ends with it: "NHS Lancashire and South Cumbria
    Integrated Care Board" -> "Lancashire and South Cumbria ICB"."""
    text = re.sub(r"^NHS\s+", "", " ".join(str(name).split()))
    return re.sub(r"\s+Integrated Care Board$", " ICB", text, flags=re.IGNORECASE)


def is_sub_icb_name(name: str) -> bool:
    """Whether ``name`` is a Sub-ICB location's published name ("… ICB - 00X")."""
    return bool(_SUB_ICB.match(" ".join(str(name).split())))


def commissioner_labels(commissioners: pd.DataFrame, ccg_names: Mapping[str, str],
                        districts: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each commissioner's label by the module's rule, code -> label, by code.

    Args:
        commissioners: One row per commissioner: ``commissioner_code`` and
            ``commissioner_name`` as published.
        ccg_names: CCG code -> CCG name from the older snapshots (the most
            recent first wins; see :func:`predecessor_names`).
        districts: Commissioner code -> where most of its practices are (for
            a Sub-ICB location with no predecessor CCG).

    Returns:
        Code -> "code · place" (a CCG) or "code · place (ICB)" (a Sub-ICB location).
    """
    labels = {}
    for code, published in zip(commissioners["commissioner_code"],
                               commissioners["commissioner_name"], strict=True):
        name = " ".join(published.split()) if isinstance(published, str) else ""
        found = _SUB_ICB.match(name)
        if not found:
            place = place_of(name) if name else code
            kind = " CCG" if name.upper().endswith(" CCG") else ""
            labels[code] = f"{code}{SEPARATOR}{place}{kind}"
            continue
        icb = icb_short(found["icb"])
        if code in ccg_names:
            place = place_of(ccg_names[code])
        elif districts and districts.get(code):
            place = f"around {districts[code]}"
        else:
            place = "Sub-ICB location"
        labels[code] = f"{code}{SEPARATOR}{place} ({icb})"
    return dict(sorted(labels.items()))


def labels_from_practices(practices: pd.DataFrame, ccg_names: Mapping[str, str]
                          ) -> dict[str, str]:
    """:func:`commissioner_labels` of the commissioners a snapshot's
    practices name (their published names): for a snapshot whose outlines
    are not loaded, as search reads former commissioners."""
    named = practices.dropna(subset=["commissioner_code"]).drop_duplicates("commissioner_code")
    return commissioner_labels(named[["commissioner_code", "commissioner_name"]], ccg_names,
                               main_districts(practices))


def short_label(label: str, code: str) -> str:
    """A commissioner as a heading names it: its place and code, without the
    ICB a label adds ("00X · Chorley and South Ribble (Lancashire and South
    Cumbria ICB)" -> "Chorley and South Ribble (00X)")."""
    place = label.split(SEPARATOR, 1)[1] if SEPARATOR in label else label
    place = re.sub(r"\s*\([^()]*\bICB\)$", "", place).strip()
    return f"{place} ({code})" if place and place != code else code


def predecessor_names(snapshots: list[pd.DataFrame]) -> dict[str, str]:
    """CCG code -> its name, from the practices of snapshots whose
    commissioners are CCGs, the most recent given first (its name wins)."""
    names: dict[str, str] = {}
    for practices in snapshots:
        found = practices.dropna(subset=["commissioner_code", "commissioner_name"])
        for code, name in zip(found["commissioner_code"], found["commissioner_name"],
                              strict=True):
            if not is_sub_icb_name(name):
                names.setdefault(code, name)
    return names


def main_districts(practices: pd.DataFrame) -> dict[str, str]:
    """Commissioner code -> the district most of its practices are in
    (two, joined by "and", when a second holds at least half as many)."""
    found = practices.dropna(subset=["commissioner_code", "district_name"])
    counts = found.groupby(["commissioner_code", "district_name"]).size()
    result = {}
    for code, group in counts.groupby(level=0):
        top = group.droplevel(0).sort_values(ascending=False, kind="stable")
        names = [top.index[0]]
        if len(top) > 1 and top.iloc[1] * 2 >= top.iloc[0]:
            names.append(top.index[1])
        result[code] = " and ".join(names)
    return result


def choices(practices: pd.DataFrame, commissioners: pd.DataFrame, labels: Mapping[str, str],
            level: str, region: str | None = None, area: str | None = None) -> dict[str, str]:
    """The place pickers' choices at ``level`` ("region", "stp",
    "commissioner") within a region and an STP/ICB (None: any), code ->
    name, sorted by code; a commissioner named by its label (``labels``)."""
    inside = practices
    if region:
        inside = inside[inside[c.REGION_CODE] == region]
    if area:
        inside = inside[inside[c.STP_CODE] == area]
    if level == "commissioner":
        held = set(inside[c.COMMISSIONER_CODE].dropna())
        found = sorted(code for code in commissioners[c.COMMISSIONER_CODE] if code in held)
        return {code: labels.get(code, code) for code in found}
    code, name = f"{level}_code", f"{level}_name"
    found = inside.dropna(subset=[code]).drop_duplicates(code)
    names = found[name].astype("string").fillna(found[code])
    return dict(sorted(zip(found[code], names, strict=True)))


def matches_label(label: str, query: str) -> bool:
    """Whether every word of ``query`` is in ``label`` (any case): "chorley"
    and "00x" both find "00X · Chorley and South Ribble (… ICB)"."""
    words = query.upper().split()
    text = label.upper()
    return bool(words) and all(word in text for word in words)


@dataclass(frozen=True)
class CarriedPlace:
    """A place choice made in one snapshot, as it stands in another.

    ``commissioner``, ``area`` and ``region`` are codes of the target
    snapshot (None: all); ``note`` says what changed and why (empty when
    every code was carried over as it was).
    """

    region: str | None
    area: str | None
    commissioner: str | None
    note: str = ""


def successor(code: str, column: str, before: pd.DataFrame, after: pd.DataFrame) -> str | None:
    """The code (in ``column``) that holds most of the practices ``code`` held
    before, in the other snapshot; None when none of them is in it."""
    mine = before.loc[before[column] == code, "practice_code"]
    now = after.loc[after["practice_code"].isin(mine), column].dropna()
    if now.empty:
        return None
    counts = now.value_counts()
    return str(counts.index[0])


def carry_over(region: str | None, area: str | None, commissioner: str | None,
               before: pd.DataFrame | None, after: pd.DataFrame,
               words: Mapping[str, str] | None = None) -> CarriedPlace:
    """A choice of region, area and commissioner carried into another snapshot.

    A code the target snapshot has is kept. A commissioner it lacks becomes
    the target's commissioner of most of the practices it had (its
    successor), and the note says so; with no successor the choice is
    dropped, and the note says that. A chosen commissioner then sets the
    region and area to its own (area codes differ between snapshots: NHS
    England areas in 2019, STPs, ICBs). Without one, a region or area the
    target lacks is mapped the same way.

    Args:
        region: The NHS region's code chosen (None: all).
        area: The STP/ICB (or NHS England area) code chosen (None: all).
        commissioner: The commissioner's code chosen (None: all).
        before: The practices of the snapshot the choice was made in (None:
            unknown, as in a shared link; a missing code is then dropped).
        after: The practices of the snapshot to carry it into.
        words: Optional "commissioner" and "area" words of the target, for the note.

    Returns:
        The codes in the target snapshot and the note.
    """
    words = {"commissioner": "commissioner", "area": "area", **(words or {})}
    notes = []

    def carried(code: str | None, column: str, word: str) -> str | None:
        if code is None or (after[column] == code).any():
            return code
        new = successor(code, column, before, after) if before is not None else None
        if new is None:
            notes.append(f"{word} {code} is not in this snapshot; showing all instead.")
        else:
            notes.append(f"{word} {code} is not in this snapshot: showing {new}, which "
                         f"has most of {code}'s practices.")
        return new

    commissioner = carried(commissioner, "commissioner_code", words["commissioner"])
    if commissioner is not None:
        own = after.loc[after["commissioner_code"] == commissioner, ["region_code", "stp_code"]]
        regions, areas = own["region_code"].dropna(), own["stp_code"].dropna()
        if region is not None and not regions.empty:
            region = str(regions.mode().iloc[0])
        if area is not None and not areas.empty:
            area = str(areas.mode().iloc[0])
        return CarriedPlace(region, area, commissioner, " ".join(notes))
    region = carried(region, "region_code", "Region")
    area = carried(area, "stp_code", words["area"])
    if region is not None and area is not None and not (
            (after["region_code"] == region) & (after["stp_code"] == area)).any():
        area = None
    return CarriedPlace(region, area, None, " ".join(notes))


# ---------------------------------------------------------------- commissioners of other snapshots

@dataclass(frozen=True)
class SnapshotNames:
    """One snapshot's commissioners as :func:`other_commissioners` reads them.

    Attributes:
        label: The snapshot's label ("October 2024").
        earlier: Whether it is earlier than the snapshot searched.
        word: Its word for a commissioner ("Sub-ICB location", "CCG").
        practices: Its practices (code, commissioner code and name).
        labels: Its commissioners' labels, code -> "D4U1Y · Frimley (Frimley ICB)".
    """

    label: str
    earlier: bool
    word: str
    practices: pd.DataFrame
    labels: dict[str, str]


@dataclass(frozen=True)
class OtherCommissioner:
    """A commissioner of another snapshot that the one searched lacks, and
    where its practices are in the one searched.

    Attributes:
        code: Its code ("D4U1Y").
        label: Its label there ("D4U1Y · Frimley (Frimley ICB)").
        published: Its name as published there ("NHS Frimley ICB - D4U1Y").
        word: What it was ("Sub-ICB location").
        seen: The label of the nearest snapshot that has it ("October 2024").
        earlier: Whether that snapshot is earlier (a former commissioner).
        members: Its practices there.
        member_names: Their names there, in the same order.
        now: Where they are in the snapshot searched: (commissioner code,
            practices), most first.
        unlisted: Its practices the snapshot searched does not list.
    """

    code: str
    label: str
    published: str
    word: str
    seen: str
    earlier: bool
    members: tuple[str, ...]
    member_names: tuple[str, ...]
    now: tuple[tuple[str, int], ...]
    unlisted: int

    @property
    def name(self) -> str:
        """Its place and code, as a heading says it: "Frimley (D4U1Y)"."""
        return short_label(self.label, self.code)


def other_commissioners(current: pd.DataFrame, others: list[SnapshotNames]
                        ) -> dict[str, OtherCommissioner]:
    """Every commissioner code of ``others`` (the other snapshots, the
    nearest first: the earlier ones before the later) that ``current``
    (the practices of the snapshot searched) lacks, with where its
    practices are in ``current``; each from the nearest snapshot having it."""
    here = set(current["commissioner_code"].dropna())
    now = current.set_index("practice_code")["commissioner_code"]
    found: dict[str, OtherCommissioner] = {}
    for names in others:
        practices = names.practices.dropna(subset=["commissioner_code"])
        for code, unsorted in practices.groupby("commissioner_code"):
            if code in here or code in found:
                continue
            group = unsorted.sort_values("practice_code")
            members = tuple(group["practice_code"])
            placed = now.reindex(list(members)).dropna()
            published = group["commissioner_name"].dropna()
            found[code] = OtherCommissioner(
                str(code), names.labels.get(code, str(code)),
                str(published.iloc[0]) if not published.empty else "", names.word,
                names.label, names.earlier, members,
                tuple(group["practice_name"].fillna("").astype(str)),
                tuple(sorted(((str(k), int(v)) for k, v in placed.value_counts().items()),
                             key=lambda item: (-item[1], item[0]))),
                int((~pd.Index(members).isin(now.index)).sum()))
    return found


def where_now(other: OtherCommissioner, current: pd.DataFrame, labels: dict[str, str]
              ) -> pd.DataFrame:
    """Each practice of ``other`` and where it is in ``current`` (its
    commissioner's label and network), headed in words; "no longer listed"
    for one ``current`` lacks."""
    now = current.set_index("practice_code")
    names = dict(zip(other.members, other.member_names, strict=True))
    rows = []
    for code in other.members:
        if code in now.index:
            row = now.loc[code]
            network = row["network_name"] if isinstance(row["network_name"], str) else ""
            rows.append({"Practice": f"{row['practice_name']} ({code})",
                         "Commissioner now": labels.get(row["commissioner_code"],
                                                        row["commissioner_code"]),
                         "Network now": f"{network} ({row['network_code']})" if network
                         else "in no network"})
        else:
            rows.append({"Practice": f"{names[code] or code} ({code})",
                         "Commissioner now": "no longer listed", "Network now": ""})
    return pd.DataFrame(rows, columns=["Practice", "Commissioner now", "Network now"])


def where_now_words(other: OtherCommissioner, labels: dict[str, str], snapshot: str) -> str:
    """Where a commissioner of another snapshot is now, in a sentence."""
    when = f"was a {other.word} until {other.seen}" if other.earlier else \
        f"is a {other.word} from {other.seen}"
    published = f" (published as “{other.published}”)" if other.published else ""
    had = "had" if other.earlier else "has"
    places = ", ".join(
        f"{count:,} {('is now ' if count == 1 else 'are now ') if number == 0 else ''}under "
        f"{labels.get(code, code)}" for number, (code, count) in enumerate(other.now))
    gone = f"; {other.unlisted:,} {'are' if other.unlisted != 1 else 'is'} not listed" \
        if other.unlisted else ""
    return (f"{other.name} is not in {snapshot}: it {when}{published}. "
            f"Of the {len(other.members):,} practices it {had} then, "
            f"{places or 'none is listed here'}{gone}.")
