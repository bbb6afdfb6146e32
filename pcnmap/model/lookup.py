"""Finding a practice, network, commissioner, place or postcode, and which
network covers any England postcode."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from pcnmap.codes import postcode_display, postcode_key
from pcnmap.model.places import OtherCommissioner
from pcnmap.shapes import Shapes

# Longer than any name or code; each word is one pass over every practice.
QUERY_LIMIT = 100


def find(practices: pd.DataFrame, query: str, limit: int = 20) -> pd.DataFrame:
    """Practices matching ``query``: an exact ODS or network code, a postcode
    (spaces ignored), or words found in the practice's or network's name.

    Exact code and postcode matches come first. Only the first
    :data:`QUERY_LIMIT` characters are searched for.
    """
    text = query[:QUERY_LIMIT].strip().upper()
    if not text:
        return practices.iloc[0:0]
    compact = text.replace(" ", "")
    code = (practices["practice_code"] == text) | (practices["network_code"] == text)
    postcode = postcode_key(practices["postcode"]) == compact
    district = postcode_key(practices["postcode"]).str.startswith(compact) & (len(compact) >= 3)
    words = text.split()
    names = (practices["practice_name"].fillna("") + " " + practices["network_name"].fillna(""))
    named = pd.Series(True, index=practices.index)
    for word in words:
        named &= names.str.upper().str.contains(word, regex=False)
    rank = (code * 4 + postcode * 3 + district * 2 + named * 1)
    found = practices.assign(rank=rank)[rank > 0]
    return found.sort_values(["rank", "practice_name"], ascending=[False, True]).head(
        limit).drop(columns="rank")


def within_area(practices: pd.DataFrame, region: str | None, area: str | None) -> pd.DataFrame:
    """Practices in an NHS region and an STP/ICB (ODS codes; None means any)."""
    if region:
        practices = practices[practices["region_code"] == region]
    if area:
        practices = practices[practices["stp_code"] == area]
    return practices


def serving(practices: pd.DataFrame, commissioner: str) -> pd.DataFrame:
    """A commissioner's practices and the members of its networks (a network
    can take members from a neighbouring commissioner)."""
    return practices[(practices["commissioner_code"] == commissioner)
                     | (practices["network_commissioner_code"] == commissioner)]


def networks_in_place(practices: pd.DataFrame, commissioner: str | None, region: str | None,
                      area: str | None) -> set[str]:
    """The networks with a member in the chosen place (a commissioner, or a
    region and STP/ICB; None: any)."""
    chosen = serving(practices, commissioner) if commissioner else within_area(
        practices, region, area)
    return set(chosen["network_code"].dropna())


# What a search can find, in the order a list of matches shows them.
KINDS = {"postcode": "Postcode", "practice": "Practice", "network": "Network",
         "commissioner": "Commissioner", "place": "Place"}


@dataclass(frozen=True)
class Match:
    """One thing a search found: its kind (a key of :data:`KINDS`), its code
    (ODS code, postcode key, district code), the line the list shows and,
    where it has one, its position (degrees)."""

    kind: str
    code: str
    label: str
    longitude: float | None = None
    latitude: float | None = None

    @property
    def key(self) -> str:
        """The match as the address keeps it: ``kind:code``."""
        return f"{self.kind}:{self.code}"


def _words_in(text: pd.Series, query: str) -> pd.Series:
    found = pd.Series(bool(query.split()), index=text.index)
    upper = text.fillna("").astype(str).str.upper()
    for word in query.upper().split():
        found &= upper.str.contains(word, regex=False)
    return found


def _position(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not math.isnan(value) else None


def search(practices: pd.DataFrame, networks: pd.DataFrame, commissioners: dict[str, str],
           districts: pd.DataFrame, postcodes: PostcodeIndex, query: str,
           limit: int = 8) -> list[Match]:
    """Everything ``query`` finds, typed, at most ``limit`` of each kind.

    Args:
        practices: The snapshot's practices (name, ODS code, postcode, network).
        networks: The snapshot's networks (name, code).
        commissioners: Commissioner code -> its label ("00X · Chorley and …").
        districts: The local authority districts (``district_code``,
            ``district_name``, label position).
        postcodes: England's postcodes (:class:`PostcodeIndex`).
        query: What was typed; only its first :data:`QUERY_LIMIT` characters count.
        limit: The most matches of each kind.

    Returns:
        A full postcode (any England postcode, not only a practice's) first,
        after the practices at it if any, then practices (as :func:`find`
        ranks them), networks,
        commissioners and places whose name holds every word or whose code
        is the query.
    """
    text = query[:QUERY_LIMIT].strip()
    if not text:
        return []
    found: list[Match] = []
    key = text.upper().replace(" ", "")
    for row in find(practices, text, limit).itertuples():
        network = row.network_name if isinstance(row.network_name, str) else "in no network"
        found.append(Match("practice", row.practice_code,
                           f"{row.practice_name} ({row.practice_code}, {row.postcode}) · "
                           f"{network}", _position(row.longitude), _position(row.latitude)))
    place = postcode_position(postcodes, key)
    if place is not None:
        longitude, latitude = to_degrees(*place)
        # After the practices at that very postcode (someone typing a
        # practice's postcode means the practice), before any other.
        at = sum(1 for match in found if key == postcode_of(match.label))
        found.insert(at, Match("postcode", key, f"{postcode_display(key)}: who covers this "
                               "address", longitude, latitude))
    named = _words_in(networks["network_name"], text) | (networks["network_code"] == key)
    for row in networks[named].sort_values("network_name").head(limit).itertuples():
        found.append(Match("network", row.network_code,
                           f"{row.network_name} ({row.network_code})"))
    labels = pd.Series(commissioners, dtype="str")
    chosen = labels[_words_in(labels, text) | (labels.index == key)]
    for code, label in chosen.head(limit).items():
        found.append(Match("commissioner", code, label))
    hits = districts[_words_in(districts["district_name"], text)
                     | (districts["district_code"] == key)]
    for row in hits.sort_values("district_name").head(limit).itertuples():
        found.append(Match("place", row.district_code, row.district_name,
                           _position(row.label_longitude), _position(row.label_latitude)))
    return found


@dataclass(frozen=True)
class PostcodeIndex:
    """England's postcodes ready to look up: the sorted keys as fixed-width
    bytes (10 MB; a column of Python strings would take 90 MB, and
    searching pandas' Arrow text copies it, a third of a second a search)
    and their positions in 10 m units."""

    keys: np.ndarray
    easting_10m: np.ndarray
    northing_10m: np.ndarray

    @classmethod
    def from_table(cls, postcodes: pd.DataFrame) -> PostcodeIndex:
        """The index of the shared ``postcodes`` table (sorted by postcode)."""
        return cls(postcodes["postcode"].to_numpy(dtype=str).astype("S7"),
                   postcodes["easting_10m"].to_numpy(), postcodes["northing_10m"].to_numpy())


def postcode_of(practice_label: str) -> str:
    """The postcode key in a practice match's label ("NAME (P81185, PR5 4AY) · …")."""
    found = re.search(r"\(\w+, ([^)]*)\) · ", practice_label)
    return found[1].upper().replace(" ", "") if found else ""


def postcode_position(postcodes: PostcodeIndex, key: str) -> tuple[float, float] | None:
    """A postcode's position (easting, northing in metres, British National
    Grid), or None when England has no such live postcode. ``key``: the
    postcode in capitals with no space (the table's sorted key)."""
    if not 5 <= len(key) <= 7 or not key.isascii() or not key.isalnum():
        return None
    wanted = key.encode("ascii")
    at = int(np.searchsorted(postcodes.keys, wanted))
    if at >= len(postcodes.keys) or postcodes.keys[at] != wanted:
        return None
    return float(postcodes.easting_10m[at]) * 10.0, float(postcodes.northing_10m[at]) * 10.0


_TO_DEGREES = Transformer.from_crs(27700, 4326, always_xy=True)


def to_degrees(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid metres as (longitude, latitude) in WGS84."""
    longitude, latitude = _TO_DEGREES.transform(easting, northing)
    return float(longitude), float(latitude)


@dataclass(frozen=True)
class PostcodeAnswer:
    """Which network covers a postcode, by each boundary method, and the
    practices nearest it.

    ``networks``: method -> (network code, network name), or None where no
    network's boundary by that method holds the point (an area nearest a
    practice in no network, or the sea between simplified outlines).
    ``nearest``: the nearest practices, with ``distance_km``.
    """

    postcode: str
    longitude: float
    latitude: float
    networks: dict[str, tuple[str, str] | None]
    nearest: pd.DataFrame


def answer_postcode(key: str, postcodes: PostcodeIndex, boundaries: gpd.GeoDataFrame | Shapes,
                    practices: pd.DataFrame, nearest: int = 5) -> PostcodeAnswer | None:
    """Who covers postcode ``key`` (capitals, no space), or None when
    England has no such live postcode.

    Args:
        key: The postcode, capitals, no space.
        postcodes: England's postcodes (:class:`PostcodeIndex`).
        boundaries: The snapshot's derived network boundaries of every
            method (WGS84), as shipped.
        practices: The snapshot's practices (easting and northing in metres).
        nearest: How many of the nearest practices to list.

    Returns:
        The network whose indicative boundary holds the postcode by each
        method, and its nearest practices, or None.
    """
    place = postcode_position(postcodes, key)
    if place is None:
        return None
    longitude, latitude = to_degrees(*place)
    point = shapely.Point(longitude, latitude)
    networks: dict[str, tuple[str, str] | None] = {}
    for method in sorted(boundaries["method"].unique()):
        shapes = boundaries[boundaries["method"] == method]
        holding = shapes.iloc[shapes.sindex.query(point, predicate="intersects")]
        networks[method] = None if holding.empty else (
            str(holding["network_code"].iloc[0]), str(holding["network_name"].iloc[0]))
    placed = practices.dropna(subset=["easting", "northing"])
    distance = np.hypot(placed["easting"] - place[0], placed["northing"] - place[1]) / 1000.0
    closest = placed.assign(distance_km=distance).nsmallest(nearest, "distance_km")
    return PostcodeAnswer(postcode_display(key), longitude, latitude, networks, closest[[
        "practice_code", "practice_name", "postcode", "network_code", "network_name",
        "distance_km"]].reset_index(drop=True))


def nearby_first(matches: list[Match], local: set[str]) -> list[Match]:
    """``matches`` with the practices and networks among ``local`` (codes in
    the place the page shows) first, each group in its order: "Riverside"
    on Chorley's map lists Chorley's Riverside before Liverpool's."""
    def rank(match: Match) -> int:
        return 0 if match.kind == "postcode" or match.code in local else 1

    return sorted(matches, key=rank)


# ---------------------------------------------------------------- commissioners of other snapshots

# A commissioner code found in another snapshot only
# (:class:`pcnmap.model.places.OtherCommissioner`): former (an earlier
# snapshot had it) or later (only newer ones have it).
KINDS.update({"former": "Former commissioner", "later": "Later commissioner"})


def other_commissioner_matches(others: dict[str, OtherCommissioner], labels: dict[str, str],
                               query: str, limit: int = 8) -> list[Match]:
    """The commissioners of other snapshots whose label, published name or
    code ``query`` finds, each followed by the commissioners of the snapshot
    searched that hold its practices now (``labels``: theirs)."""
    text = query[:QUERY_LIMIT].strip()
    if not text or not others:
        return []
    key = text.upper().replace(" ", "")
    table = pd.DataFrame({"code": list(others),
                          "words": [f"{o.label} {o.published}" for o in others.values()]})
    hits = table[_words_in(table["words"], text) | (table["code"] == key)]
    found: list[Match] = []
    for code in hits["code"].head(limit):
        other = others[code]
        when = f"until {other.seen}" if other.earlier else f"from {other.seen}"
        found.append(Match("former" if other.earlier else "later", code,
                           f"{other.name} · {other.word} {when}, not in this snapshot"))
        for successor, count in other.now:
            found.append(Match("commissioner", successor,
                               f"{labels.get(successor, successor)} · now has "
                               f"{count:,} of {other.name}'s practices"))
    return found


def with_other_commissioners(matches: list[Match], others: list[Match]) -> list[Match]:
    """``matches`` with ``others`` (:func:`other_commissioner_matches`) after
    the commissioners found, a commissioner already listed not repeated."""
    listed = {match.key for match in matches}
    extra = [match for match in others if match.key not in listed]
    extra = [match for number, match in enumerate(extra)
             if match.key not in {m.key for m in extra[:number]}]
    at = next((number for number, match in enumerate(matches) if match.kind == "place"),
              len(matches))
    return [*matches[:at], *extra, *matches[at:]]
