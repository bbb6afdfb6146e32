"""Neighbourhood provider footprints built from networks: a drafted starting
proposal, its changes, its checks and its configuration file.

The 10 Year Health Plan (DHSC, *Fit for the future*, 3 July 2025) introduced
single neighbourhood providers, for a neighbourhood of around 50,000
people, and multi-neighbourhood providers, for around 250,000 people or
more across several neighbourhoods. A *footprint* here is a group of whole
networks proposed for one multi-neighbourhood provider. Nothing here is
official: the draft is a starting point for a discussion, worked out from
the data by the rules below.

The draft (:func:`draft`):

* Networks touch when their indicative areas share an edge (by the boundary
  method chosen: :func:`touching_pairs`). A group of networks touching no
  other, holding fewer patients than the floor (an island, or networks whose
  areas touch only another place's), is joined to the nearest other group by
  a *link* between the two networks whose practices lie closest
  (:func:`place_graph`); links are named wherever they are used.
* Footprints are contiguous groups of whole networks, each of at least
  :data:`FOOTPRINT_FLOOR` registered patients, as many as the floor allows:
  PySAL's max-p regions heuristic (``spopt``), seeded, so the same data gives
  the same draft. Among partitions with that many footprints it keeps the one
  whose footprints are most alike in the local authority districts and
  Sub-ICB locations their patients' practices are in: footprints that keep
  districts and Sub-ICB locations whole.
* A place (or a group of touching networks) holding fewer than two
  footprints' worth of patients is one footprint, and the draft says so.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pcnmap import codes
from pcnmap.model.contiguity import PartGraph
from pcnmap.model.places import icb_short

# The scales named by the 10 Year Health Plan (see SOURCES).
NEIGHBOURHOOD_SCALE = 50_000
FOOTPRINT_FLOOR = 250_000
# A network "well under" the neighbourhood scale, and a combination "near" it.
WELL_UNDER = 40_000
NEAR = (40_000, 60_000)
# The draft's seed: the same data gives the same draft.
SEED = 2025
# Max-p's effort: partitions grown (cheap: a few milliseconds each), how many
# of those with the most footprints are annealed, and how often each.
CONSTRUCTION_TRIES = 999
PARTITIONS_ANNEALED = 4
ANNEALING_RUNS = 2

SOURCES = (
    ("Department of Health and Social Care, Fit for the future: 10 Year Health Plan for "
     "England (policy paper, 3 July 2025)",
     "https://www.gov.uk/government/publications/"
     "10-year-health-plan-for-england-fit-for-the-future"),
    ("NHS England, Neighbourhood health guidelines 2025/26 (30 January 2025)",
     "https://www.england.nhs.uk/long-read/neighbourhood-health-guidelines-2025-26/"),
)
SCALE_SHORT = (
    "Planning drafts to discuss, not agreed or official footprints. The scales are the 10 Year "
    "Health Plan's (DHSC, Fit for the future, 3 July 2025): single neighbourhood providers for "
    "around 50,000 people, multi-neighbourhood providers for around 250,000 or more.")
SCALE_NOTE = (
    "The 10 Year Health Plan (DHSC, Fit for the future, 3 July 2025) introduced single "
    "neighbourhood providers, for a neighbourhood of around 50,000 people, and "
    "multi-neighbourhood providers, for around 250,000 people or more across several "
    "neighbourhoods; NHS England's Neighbourhood health guidelines 2025/26 ask ICBs and "
    "local authorities to plan neighbourhood health together. No footprint is agreed or "
    "official: what this page drafts is a planning draft to discuss, made by the rules "
    "below from the snapshot's networks.")
DRAFT_RULE = (
    "How the draft is made: networks touch when their indicative areas share an edge (the "
    "boundary method chosen); footprints are contiguous groups of whole networks of at least "
    "250,000 registered patients, as many as that floor allows (PySAL's max-p regions, "
    "seeded: the same data gives the same draft), and among those the grouping that keeps "
    "local authority districts and Sub-ICB locations most whole (networks are compared by "
    "the share of their patients' practices in each). A group of networks touching no other "
    "and under the floor (an island, or networks touching only another place's) is joined "
    "to the nearest group by a link between the networks whose practices lie closest, "
    "named below. A place with fewer than two footprints' worth of patients is one "
    "footprint. Patients are the snapshot's registered lists.")

GEOJSON_NOTE = (
    "Planning draft of multi-neighbourhood footprints (groups of whole networks), not an "
    "agreed or official footprint. Each outline is the union of its networks' indicative "
    "boundaries, derived by pcnmap from practice locations; networks have no official "
    "boundary.")

FOOTPRINT_CODE = re.compile(r"^F\d{1,3}$")
NAME_LIMIT = 100
CONFIGURATION_COLUMNS = ("network_code", "footprint", "footprint_name")
# Contiguity of a footprint, in words.
CONTIGUOUS, LINKED, CUT_OFF = "contiguous", "contiguous with a link", "cut off"

_DRAFTING = threading.Lock()


# ---------------------------------------------------------------- which networks touch


def _pairs(left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    """Unordered pairs of different network codes, each once, with how often
    they occur (``network_a`` < ``network_b``, ``edges``)."""
    frame = pd.DataFrame({"a": left, "b": right}).dropna()
    frame = frame[frame["a"] != frame["b"]]
    low = np.where(frame["a"] < frame["b"], frame["a"], frame["b"])
    high = np.where(frame["a"] < frame["b"], frame["b"], frame["a"])
    pairs = pd.DataFrame({"network_a": low.astype(object), "network_b": high.astype(object)})
    return (pairs.groupby(["network_a", "network_b"]).size().rename("edges").reset_index()
            .sort_values(["network_a", "network_b"], ignore_index=True))


def lsoa_touching_pairs(graph: PartGraph, lsoa_network: pd.Series) -> pd.DataFrame:
    """Pairs of networks whose LSOA-based areas share an edge.

    Args:
        graph: The LSOA piece graph (which pieces of LSOAs share an edge).
        lsoa_network: LSOA code -> network code (an LSOA-based method's
            column of ``lsoa_networks``; missing: no network).

    Returns:
        ``network_a`` < ``network_b`` and ``edges`` (the piece edges they
        share): exact, and with no geometry.
    """
    keys = graph.parts["lsoa_code"].map(lsoa_network).to_numpy(dtype=object)
    return _pairs(keys[graph.edges["part_a"].to_numpy()], keys[graph.edges["part_b"].to_numpy()])


def shape_touching_pairs(boundaries) -> pd.DataFrame:
    """Pairs of networks whose boundaries (a GeoDataFrame of one method's
    ``network_code`` and ``geometry``) share a line of a metre or more, not
    only a corner: ``network_a`` < ``network_b``, ``edges`` (1)."""
    import shapely

    projected = boundaries.to_crs(27700)
    geometries = projected.geometry.to_numpy()
    networks = projected["network_code"].to_numpy(dtype=object)
    left, right = shapely.STRtree(geometries).query(geometries, predicate="intersects")
    keep = (left < right) & (networks[left] != networks[right])
    left, right = left[keep], right[keep]
    line = shapely.length(shapely.intersection(geometries[left], geometries[right])) >= 1.0
    pairs = _pairs(networks[left][line], networks[right][line])
    return pairs.assign(edges=1)


# ---------------------------------------------------------------- a place's networks


@dataclass(frozen=True)
class Link:
    """Two networks joined across a gap: their areas do not touch, but one's
    group of networks touches no other and is under the floor.

    Attributes:
        network_a: One network (the code first in order).
        network_b: The other.
        distance_km: How far apart their nearest practices are (NaN: a
            network with no placed practice).
    """

    network_a: str
    network_b: str
    distance_km: float

    def words(self, names: Mapping[str, str]) -> str:
        """The link in a sentence's words."""
        apart = ("no practice position" if np.isnan(self.distance_km)
                 else f"nearest practices {self.distance_km:,.1f} km apart")
        return (f"{names.get(self.network_a, self.network_a)} ({self.network_a}) with "
                f"{names.get(self.network_b, self.network_b)} ({self.network_b}), {apart}")


@dataclass(frozen=True)
class NetworkGraph:
    """The networks of a place and which of them touch.

    Attributes:
        networks: One row per network, ordered by code: ``network_code``,
            ``network_name``, ``patients`` (registered), ``practices``,
            ``easting`` and ``northing`` (the patients' practices' centre;
            NaN: none placed).
        touching: Pairs whose areas share an edge (``network_a``, ``network_b``).
        links: Pairs joined across a gap (see :class:`Link`).
        shares: Per network (index), the share of its patients' practices in
            each local authority district and Sub-ICB location (columns).
    """

    networks: pd.DataFrame
    touching: pd.DataFrame
    links: tuple[Link, ...]
    shares: pd.DataFrame

    @property
    def codes(self) -> list[str]:
        """The networks' codes, in order."""
        return list(self.networks["network_code"])

    def neighbours(self, *, links: bool = True) -> dict[str, set[str]]:
        """Each network's touching networks (and linked ones, with ``links``)."""
        found: dict[str, set[str]] = {code: set() for code in self.codes}
        pairs = list(zip(self.touching["network_a"], self.touching["network_b"], strict=True))
        if links:
            pairs += [(link.network_a, link.network_b) for link in self.links]
        for a, b in pairs:
            found[a].add(b)
            found[b].add(a)
        return found


def place_members(practices: pd.DataFrame, level: str, code: str | None) -> pd.DataFrame:
    """The practices of a place: every member of a network with any member
    practice in it (``level``: "england", "region" by ``region_code`` or
    "area", an ICB or STP, by ``stp_code``)."""
    if level == "england":
        inside = practices
    else:
        inside = practices[practices["region_code" if level == "region" else "stp_code"] == code]
    chosen = inside["network_code"].dropna().unique()
    return practices[codes.one_of(practices["network_code"], chosen)]


def _shares(members: pd.DataFrame) -> pd.DataFrame:
    patients = members["registered"].fillna(0.0)
    columns = []
    for prefix, column in (("district", "district_code"), ("sub_icb", "commissioner_code")):
        table = pd.crosstab(members["network_code"], prefix + ":" + members[column].fillna(
            "none").astype(str), values=patients, aggfunc="sum").fillna(0.0)
        total = table.sum(axis=1).replace(0.0, 1.0)
        columns.append(table.div(total, axis=0))
    return pd.concat(columns, axis=1).sort_index()


def place_graph(networks: pd.DataFrame, members: pd.DataFrame, pairs: pd.DataFrame,
                floor: float = FOOTPRINT_FLOOR) -> NetworkGraph:
    """The networks of a place, which touch, and the links a draft needs.

    Args:
        networks: The snapshot's networks (those of the place are taken).
        members: The place's practices (:func:`place_members`).
        pairs: Which networks touch (:func:`lsoa_touching_pairs`,
            :func:`shape_touching_pairs`), any wider area.
        floor: A footprint's least patients.

    Returns:
        The graph. A group of networks touching no other group and holding
        fewer than ``floor`` patients is linked to the nearest other group
        (by the two practices lying closest), the smallest group first,
        until every group holds ``floor`` or there is one group.
    """
    codes_here = sorted(members["network_code"].dropna().unique())
    table = networks.set_index("network_code").reindex(codes_here)
    placed = members.dropna(subset=["easting", "northing"])
    weight = placed["registered"].fillna(0.0) + 1.0
    centre = placed.assign(w=weight, x=placed["easting"] * weight,
                           y=placed["northing"] * weight).groupby("network_code")[
        ["w", "x", "y"]].sum()
    frame = pd.DataFrame({
        "network_code": codes_here,
        "network_name": table["network_name"].astype(str).to_numpy(),
        "patients": table["registered"].fillna(0.0).to_numpy(),
        "practices": members.groupby("network_code").size().reindex(codes_here).to_numpy(),
        "easting": (centre["x"] / centre["w"]).reindex(codes_here).to_numpy(),
        "northing": (centre["y"] / centre["w"]).reindex(codes_here).to_numpy()})
    mine = set(codes_here)
    touching = pairs[pairs["network_a"].isin(mine) & pairs["network_b"].isin(mine)][
        ["network_a", "network_b"]].reset_index(drop=True)
    links = _links(frame, touching, placed, floor)
    return NetworkGraph(frame, touching, links, _shares(members))


def _components(count: int, index: dict[str, int], pairs: list[tuple[str, str]]) -> np.ndarray:
    left = [index[a] for a, _ in pairs]
    right = [index[b] for _, b in pairs]
    matrix = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    return connected_components(matrix, directed=False)[1]


def _links(frame: pd.DataFrame, touching: pd.DataFrame, placed: pd.DataFrame,
           floor: float) -> tuple[Link, ...]:
    from scipy.spatial import cKDTree

    codes_here = list(frame["network_code"])
    index = {code: i for i, code in enumerate(codes_here)}
    pairs = list(zip(touching["network_a"], touching["network_b"], strict=True))
    patients = frame["patients"].to_numpy()
    links: list[Link] = []
    while len(codes_here) > 1:
        label = _components(len(codes_here), index, pairs)
        totals = pd.Series(patients).groupby(label).sum()
        if len(totals) == 1 or totals.min() >= floor:
            break
        # The smallest group under the floor, then (a tie) the one of the first code.
        first_code = pd.Series(range(len(label))).groupby(label).min()
        group = min(totals.index[totals < floor], key=lambda g: (totals[g], first_code[g]))
        inside = {codes_here[i] for i in np.flatnonzero(label == group)}
        near = placed[placed["network_code"].isin(inside)]
        far = placed[~placed["network_code"].isin(inside)]
        if len(near) and len(far):
            tree = cKDTree(far[["easting", "northing"]].to_numpy())
            distance, nearest = tree.query(near[["easting", "northing"]].to_numpy())
            best = int(np.argmin(distance))
            a, b = near["network_code"].iloc[best], far["network_code"].iloc[int(nearest[best])]
            km = round(float(distance[best]) / 1000, 1)
        else:  # no placed practice on one side: to the largest other group
            others = totals.drop(group)
            a = codes_here[int(np.flatnonzero(label == group)[0])]
            b = codes_here[int(np.flatnonzero(label == others.idxmax())[0])]
            km = float("nan")
        a, b = min(a, b), max(a, b)
        links.append(Link(a, b, km))
        pairs.append((a, b))
    return tuple(links)


# ---------------------------------------------------------------- footprints


def footprint_number(code: str) -> int:
    """The number in a footprint's code (F12 -> 12)."""
    return int(code[1:])


@dataclass(frozen=True)
class Footprints:
    """A proposal: each network of a place in a footprint (or in none).

    Attributes:
        assignment: Network code -> footprint code (F1, F2, ...), or None
            for a network left out of every footprint.
        names: Footprint code -> its name.
    """

    assignment: Mapping[str, str | None]
    names: Mapping[str, str]

    @property
    def codes(self) -> list[str]:
        """The footprints holding any network, in number order."""
        used = {code for code in self.assignment.values() if code}
        return sorted(used, key=footprint_number)

    def members(self, code: str) -> list[str]:
        """The networks of footprint ``code``, in code order."""
        return sorted(n for n, f in self.assignment.items() if f == code)

    @property
    def left_out(self) -> list[str]:
        """The networks in no footprint."""
        return sorted(n for n, f in self.assignment.items() if f is None)

    def name(self, code: str) -> str:
        """A footprint's name (a new one without a name is called by its code)."""
        return self.names.get(code) or f"New footprint {code}"

    def label(self, code: str) -> str:
        """Code and name, as pickers and tables show a footprint."""
        return f"{code} · {self.name(code)}"

    def next_code(self) -> str:
        """The lowest footprint code not in use."""
        used = {footprint_number(c) for c in self.codes} | {
            footprint_number(c) for c in self.names}
        return f"F{min(set(range(1, len(used) + 2)) - used)}"


@dataclass(frozen=True)
class Changes:
    """What a person changed in a draft: networks moved (to a footprint code,
    or None: out of every footprint) and footprints (re)named. It lives in
    the page's address (:meth:`to_text`), so a link opens the same proposal.
    """

    moves: Mapping[str, str | None] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.moves or self.names)

    def to_text(self) -> tuple[str, str]:
        """The changes as two address-safe strings: ``U12345:F2,U23456:``
        (a move; blank: out of every footprint) and ``F2:<name,
        percent-encoded>``."""
        moves = ",".join(f"{n}:{f or ''}" for n, f in sorted(self.moves.items()))
        names = ",".join(f"{c}:{quote(name, safe='')}" for c, name in
                         sorted(self.names.items(), key=lambda item: footprint_number(item[0])))
        return moves, names

    @classmethod
    def from_text(cls, moves: str | None, names: str | None) -> Changes:
        """Read :meth:`to_text`'s strings; malformed pieces are skipped, so a
        hand-edited link cannot break the page."""
        moved: dict[str, str | None] = {}
        for piece in (moves or "").split(","):
            network, sep, footprint = piece.partition(":")
            if sep and codes.NETWORK_CODE.fullmatch(network) and (
                    not footprint or FOOTPRINT_CODE.fullmatch(footprint)):
                moved[network] = footprint or None
        named: dict[str, str] = {}
        for piece in (names or "").split(","):
            code, sep, name = piece.partition(":")
            name = " ".join(unquote(name).split())[:NAME_LIMIT]
            if sep and FOOTPRINT_CODE.fullmatch(code) and name:
                named[code] = name
        return cls(moved, named)

    def with_move(self, network: str, footprint: str | None) -> Changes:
        """A copy with ``network`` moved (later changes win)."""
        return Changes({**self.moves, network: footprint}, dict(self.names))

    def with_name(self, footprint: str, name: str) -> Changes:
        """A copy with ``footprint`` named ``name`` (spaces tidied, cut to
        :data:`NAME_LIMIT` characters)."""
        name = " ".join(name.split())[:NAME_LIMIT]
        return Changes(dict(self.moves), {**self.names, footprint: name} if name else
                       {c: n for c, n in self.names.items() if c != footprint})


def apply_changes(draft: Footprints, changes: Changes) -> tuple[Footprints, list[str]]:
    """The draft with ``changes`` made, and what could not be made (a network
    not of this place), each in a few words. A move or a name that changes
    nothing is dropped; names of footprints left empty are dropped."""
    problems = []
    assignment = dict(draft.assignment)
    for network, footprint in changes.moves.items():
        if network not in assignment:
            problems.append(f"network {network} is not a network of this place; "
                            "change ignored")
        else:
            assignment[network] = footprint
    used = {f for f in assignment.values() if f}
    names = {c: n for c, n in {**draft.names, **changes.names}.items() if c in used}
    return Footprints(assignment, names), problems


def changes_between(draft: Footprints, proposal: Footprints) -> Changes:
    """The :class:`Changes` that make ``proposal`` of ``draft`` (the shortest:
    only networks moved and names changed)."""
    moves = {n: f for n, f in proposal.assignment.items() if draft.assignment.get(n, "") != f}
    names = {c: n for c, n in proposal.names.items()
             if c in proposal.codes and draft.names.get(c) != n}
    return Changes(moves, names)


# ---------------------------------------------------------------- the draft


@dataclass(frozen=True)
class Draft:
    """A place's drafted footprints.

    Attributes:
        graph: The place's networks and which touch.
        footprints: The draft itself.
        note: What the reader must know of it ("" when nothing): one
            footprint because the place is too small, say.
    """

    graph: NetworkGraph
    footprints: Footprints
    note: str


def _max_p(graph: NetworkGraph, rows: np.ndarray, floor: float, seed: int) -> np.ndarray:
    """Max-p regions (spopt) of the networks at ``rows`` (one touching or
    linked group): a region label per row.

    spopt's own phases, as its ``maxp`` runs them: the construction phase
    grows contiguous regions of at least ``floor`` patients from networks
    taken in random order, :data:`CONSTRUCTION_TRIES` times, and keeps the
    partitions with the most regions; its annealing then moves networks
    between regions (never below the floor, never cutting one) to make each
    region's networks more alike. ``maxp`` anneals every partition kept (tens
    to hundreds, up to a minute for one ICB); here the first
    :data:`PARTITIONS_ANNEALED` are, :data:`ANNEALING_RUNS` times each.
    """
    import libpysal
    from scipy.spatial.distance import pdist, squareform
    from spopt.region.maxp import (
        _calculate_within_region_distance,
        _construction_phase,
        _perform_sa,
    )

    local = {row: i for i, row in enumerate(rows)}
    position = {code: i for i, code in enumerate(graph.codes)}
    every = graph.neighbours()
    neighbours = {local[row]: sorted(local[position[n]] for n in every[graph.codes[row]]
                                     if position[n] in local) for row in rows}
    weights = libpysal.weights.W(neighbours, silence_warnings=True)
    chosen = graph.networks.iloc[rows]
    shares = graph.shares.reindex(chosen["network_code"]).fillna(0.0)
    attributes = shares.loc[:, shares.std(axis=0) > 0].to_numpy()
    if not attributes.shape[1]:
        attributes = np.zeros((len(rows), 1))
    distance = squareform(pdist(attributes, metric="cityblock"))
    patients = chosen["patients"].to_numpy(dtype=float)
    # spopt draws from numpy's global generator: seeded, and held alone
    # while it runs, so two drafts at once cannot change each other's.
    with _DRAFTING:
        np.random.seed(seed)
        _, partitions = _construction_phase(np.arange(len(rows)), attributes, patients,
                                            distance, weights, floor, 2, CONSTRUCTION_TRIES)
        best, best_value = None, np.inf
        for label, regions, totals in partitions[:PARTITIONS_ANNEALED]:
            for _ in range(ANNEALING_RUNS):
                found = _annealed(_perform_sa, label, regions, totals, patients, weights,
                                  distance, floor, len(rows))
                final, final_regions = found if found else (label, regions)
                value = _calculate_within_region_distance(final_regions, distance)
                if value < best_value:
                    best, best_value = final, value
    return np.asarray(best)


class _MovesSpent(Exception):
    """spopt's annealing made more moves than :data:`MOST_MOVES` allows."""


class _CountedRandom:
    """numpy's random module, counting the annealing's moves (one draw of
    ``randint`` a move) and stopping it past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.moves = limit, 0

    def randint(self, *args, **kwargs):
        self.moves += 1
        if self.moves > self.limit:
            raise _MovesSpent
        return np.random.randint(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(np.random, name)


class _CountedNumpy:
    """numpy as spopt's max-p module sees it during one annealing."""

    def __init__(self, limit: int) -> None:
        self.random = _CountedRandom(limit)

    def __getattr__(self, name: str):
        return getattr(np, name)


# The annealing's moves one partition may take: over four times the most any
# ICB of July 2026 took by either LSOA-based method (671; 300-450 for most),
# bar the one that never settled.
MOST_MOVES = 3_000


def _annealed(perform_sa, label, regions, totals, patients, weights, distance, floor: float,
              count: int):
    """Spopt's annealing of one partition, or None when it did not settle
    within :data:`MOST_MOVES` moves: it can trade one network between two
    regions for ever, each move counted an improvement (Derby and
    Derbyshire by the LSOA method did), and the partition from the
    construction phase, contiguous and above the floor, then stands. The
    count, not the clock, stops it: the same data gives the same draft."""
    from spopt.region import maxp

    counted = _CountedNumpy(MOST_MOVES)
    maxp.np = counted
    try:
        final, final_regions, _ = perform_sa(label, regions, totals, patients, weights,
                                             distance, floor, 0.998, 10, count)
    except _MovesSpent:
        return None
    finally:
        maxp.np = np
    return final, final_regions


def draft(graph: NetworkGraph, floor: float = FOOTPRINT_FLOOR, seed: int = SEED,
          district_names: Mapping[str, str] | None = None) -> Draft:
    """The drafted footprints of a place (see the module's notes).

    Args:
        graph: The place's networks (:func:`place_graph`).
        floor: A footprint's least patients.
        seed: The seed of the max-p heuristic.
        district_names: District code -> name, for the footprints' names.

    Returns:
        Every network in exactly one footprint; footprints numbered from
        north to south (by their patients' practices' centre).
    """
    count = len(graph.networks)
    if not count:
        return Draft(graph, Footprints({}, {}), "This place has no networks.")
    index = {code: i for i, code in enumerate(graph.codes)}
    pairs = [(a, b) for a, b in zip(graph.touching["network_a"], graph.touching["network_b"],
                                    strict=True)]
    pairs += [(link.network_a, link.network_b) for link in graph.links]
    group = _components(count, index, pairs)
    patients = graph.networks["patients"].to_numpy()
    labels = np.full(count, -1)
    next_label = 0
    for g in sorted(set(group), key=lambda g: int(np.flatnonzero(group == g)[0])):
        rows = np.flatnonzero(group == g)
        if patients[rows].sum() < 2 * floor or len(rows) == 1:
            labels[rows] = next_label
            next_label += 1
            continue
        regions = _max_p(graph, rows, floor, seed)
        for region in sorted(set(regions), key=lambda r: int(np.flatnonzero(regions == r)[0])):
            labels[rows[regions == region]] = next_label
            next_label += 1
    weight = patients + 1.0
    north = pd.Series(graph.networks["northing"].fillna(0.0).to_numpy() * weight).groupby(
        labels).sum() / pd.Series(weight).groupby(labels).sum()
    first = pd.Series(graph.codes).groupby(labels).min()
    order = sorted(north.index, key=lambda label: (-north[label], first[label]))
    code_of = {label: f"F{number}" for number, label in enumerate(order, 1)}
    assignment = {code: code_of[label] for code, label in zip(graph.codes, labels, strict=True)}
    footprints = Footprints(assignment, {})
    names = default_names(footprints, graph, district_names or {})
    total = float(patients.sum())
    note = ""
    if total < floor:
        note = (f"This place's networks hold {total:,.0f} registered patients, fewer than "
                f"{floor:,.0f}: one footprint, under the floor.")
    elif total < 2 * floor:
        note = (f"This place's networks hold {total:,.0f} registered patients, fewer than two "
                f"footprints' worth ({2 * floor:,.0f}): one footprint.")
    elif len(order) == 1:
        note = ("The floor allows one footprint here: no two contiguous groups of its "
                f"networks each reach {floor:,.0f} patients.")
    return Draft(graph, Footprints(assignment, names), note)


def draft_place(practices: pd.DataFrame, networks: pd.DataFrame, pairs: pd.DataFrame,
                level: str, code: str | None, floor: float = FOOTPRINT_FLOOR) -> Draft:
    """The draft of a place from a snapshot's practices and networks and
    which networks touch (:func:`place_members`, :func:`place_graph`,
    :func:`draft`), its footprints named for their districts."""
    members = place_members(practices, level, code)
    named = practices.dropna(subset=["district_code"]).drop_duplicates("district_code")
    return draft(place_graph(networks, members, pairs, floor), floor,
                 district_names=dict(zip(named["district_code"],
                                         named["district_name"].astype(str), strict=True)))


def default_names(footprints: Footprints, graph: NetworkGraph,
                  district_names: Mapping[str, str]) -> dict[str, str]:
    """Each footprint named for the districts holding most of its patients'
    practices ("Around Preston and Chorley"), as many districts as make the
    names differ (at most three), else with its code."""
    district = graph.shares.filter(like="district:")
    weight = graph.networks.set_index("network_code")["patients"]
    ranked = {}
    for code in footprints.codes:
        members = footprints.members(code)
        held = district.reindex(members).fillna(0.0).mul(weight.reindex(members), axis=0).sum()
        held = held[held > 0].sort_values(ascending=False, kind="stable")
        ranked[code] = [district_names.get(c.split(":", 1)[1], c.split(":", 1)[1])
                        for c in held.index]
    names = {}
    for code, places in ranked.items():
        for many in (1, 2, 3):
            shown = places[:many]
            name = "Around " + " and ".join(shown) if shown else f"Footprint {code}"
            clash = [other for other, theirs in ranked.items()
                     if other != code and theirs[:many] == shown]
            if not clash:
                break
        names[code] = name if not clash else f"{name} ({code})"
    return names


# ---------------------------------------------------------------- checks


def contiguity(graph: NetworkGraph, members: list[str]) -> tuple[str, tuple[str, ...],
                                                                  tuple[Link, ...]]:
    """Whether a footprint's networks connect: :data:`CONTIGUOUS` (their
    areas touch, one to the next), :data:`LINKED` (only with the links
    across a gap, returned) or :data:`CUT_OFF` (and the networks cut off
    from its largest connected part, by patients)."""
    if len(members) <= 1:
        return CONTIGUOUS, (), ()
    index = {code: i for i, code in enumerate(members)}
    mine = set(members)
    touch = [(a, b) for a, b in zip(graph.touching["network_a"], graph.touching["network_b"],
                                    strict=True) if a in mine and b in mine]
    if len(set(_components(len(members), index, touch))) == 1:
        return CONTIGUOUS, (), ()
    used = tuple(link for link in graph.links
                 if link.network_a in mine and link.network_b in mine)
    label = _components(len(members), index, touch + [(k.network_a, k.network_b) for k in used])
    if len(set(label)) == 1:
        return LINKED, (), used
    patients = graph.networks.set_index("network_code")["patients"].reindex(members).to_numpy()
    totals = pd.Series(patients).groupby(label).sum()
    main = totals.idxmax()
    return CUT_OFF, tuple(code for code, part in zip(members, label, strict=True)
                          if part != main), used


def shares_text(shares: pd.Series, limit: int = 4) -> str:
    """Shares of patients by name, largest first ("Preston 62% · Chorley
    38%"); "all in Preston" for one; at most ``limit`` named."""
    shares = shares[shares > 0].sort_values(ascending=False, kind="stable")
    if len(shares) == 1:
        return f"all in {shares.index[0]}"
    shown = [f"{name} {share:.0%}" for name, share in shares.head(limit).items()]
    more = f" · {len(shares) - limit} more" if len(shares) > limit else ""
    return " · ".join(shown) + more


# Broad age bands (first age of each): the five-year bands summed.
AGE_GROUPS = {"0–14": 0, "15–44": 15, "45–64": 45, "65–84": 65, "85 and over": 85}


def _age_group(band: str) -> str:
    start = int(str(band).split("_", maxsplit=1)[0].rstrip("+"))
    return [name for name, first in AGE_GROUPS.items() if start >= first][-1]


@dataclass(frozen=True)
class SnapshotTables:
    """What the checks need of a snapshot, for one boundary method.

    Attributes:
        practices: The snapshot's practices.
        networks: Its networks.
        age_bands: Each practice's patients by five-year band (empty: none).
        lsoa_network: LSOA code -> network code, by the boundary method.
        rurality: Each LSOA's ``urban_rural`` ("Urban", "Rural").
        entitlements: Each network's entitlement (``network_code``, ``total``).
        year: The entitlements' financial year.
        unaligned: Practices with patients in no network and the nearest
            network (:func:`pcnmap.model.coverage.unaligned_practices`).
        sub_icb_names: Sub-ICB location (or CCG) code -> its name in words.
    """

    practices: pd.DataFrame
    networks: pd.DataFrame
    age_bands: pd.DataFrame
    lsoa_network: pd.Series
    rurality: pd.Series
    entitlements: pd.DataFrame
    year: str
    unaligned: pd.DataFrame
    sub_icb_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FootprintCheck:
    """One footprint's checks.

    Attributes:
        code: Its code (F1, ...).
        name: Its name.
        networks: Its networks' codes.
        patients: Its networks' registered patients.
        practices: Their member practices.
        contiguity: :data:`CONTIGUOUS`, :data:`LINKED` or :data:`CUT_OFF`.
        cut_off: The networks cut off from its largest connected part.
        links: The links across a gap it needs.
        icbs: Patients' shares by their practices' ICB (by name).
        sub_icbs: ... by Sub-ICB location (by name and code).
        districts: ... by local authority district (by name).
        ages: Patients by broad age band (empty: the snapshot has none).
        rural: The share of its LSOAs (by the method) that are rural (NaN: none).
        entitlement: The sum of its networks' entitlements for the year (£).
    """

    code: str
    name: str
    networks: tuple[str, ...]
    patients: float
    practices: int
    contiguity: str
    cut_off: tuple[str, ...]
    links: tuple[Link, ...]
    icbs: pd.Series
    sub_icbs: pd.Series
    districts: pd.Series
    ages: pd.Series
    rural: float
    entitlement: float

    @property
    def floor_met(self) -> bool:
        """Whether it holds at least :data:`FOOTPRINT_FLOOR` patients."""
        return self.patients >= FOOTPRINT_FLOOR


def _share(frame: pd.DataFrame, by: str) -> pd.Series:
    totals = frame.groupby(by)["patients"].sum()
    return totals / max(float(totals.sum()), 1.0)


def footprint_checks(proposal: Footprints, graph: NetworkGraph,
                     tables: SnapshotTables) -> list[FootprintCheck]:
    """The checks of every footprint of ``proposal``."""
    practices = tables.practices
    members = practices[codes.one_of(practices["network_code"], graph.codes)].assign(
        patients=lambda f: f["registered"].fillna(0.0))
    members = members.assign(footprint=members["network_code"].map(proposal.assignment),
                             icb=members["stp_name"].astype("string").fillna(
                                 members["stp_code"]).map(icb_short),
                             sub_icb=members["commissioner_code"].map(
                                 lambda c: f"{tables.sub_icb_names.get(c, c)} ({c})"
                                 if tables.sub_icb_names.get(c, c) != c else c),
                             district=members["district_name"].astype("string").fillna(
                                 "no district"))
    ages = tables.age_bands[codes.one_of(tables.age_bands["practice_code"],
                                         members["practice_code"])]
    ages = ages.assign(footprint=ages["practice_code"].map(
        members.set_index("practice_code")["footprint"]),
        group=ages["age_band"].map(_age_group))
    lsoas = tables.lsoa_network[codes.one_of(tables.lsoa_network, graph.codes)]
    rural = pd.Series(lsoas.index, index=lsoas.index).map(tables.rurality)
    lsoas = pd.DataFrame({"footprint": lsoas.map(proposal.assignment),
                          "rural": rural.eq("Rural").fillna(False).to_numpy(dtype=bool)})
    money = tables.entitlements.set_index("network_code")["total"]
    patients = graph.networks.set_index("network_code")["patients"]
    checks = []
    for code in proposal.codes:
        networks = proposal.members(code)
        mine = members[members["footprint"] == code]
        status, cut_off, links = contiguity(graph, networks)
        their_lsoas = lsoas[lsoas["footprint"] == code]
        their_ages = ages[ages["footprint"] == code].groupby("group")["registered"].sum()
        checks.append(FootprintCheck(
            code=code, name=proposal.name(code), networks=tuple(networks),
            patients=float(patients.reindex(networks).sum()), practices=len(mine),
            contiguity=status, cut_off=cut_off, links=links,
            icbs=_share(mine, "icb"), sub_icbs=_share(mine, "sub_icb"),
            districts=_share(mine, "district"),
            ages=their_ages.reindex([g for g in AGE_GROUPS if g in their_ages.index]),
            rural=float(their_lsoas["rural"].mean()) if len(their_lsoas) else float("nan"),
            entitlement=float(money.reindex(networks).fillna(0.0).sum())))
    return checks


def _contiguity_words(check: FootprintCheck, names: Mapping[str, str]) -> str:
    if check.contiguity == CONTIGUOUS:
        return "contiguous"
    if check.contiguity == LINKED:
        return "contiguous with a link across a gap: " + "; ".join(
            link.words(names) for link in check.links)
    return "cut off: " + ", ".join(f"{names.get(c, c)} ({c})" for c in check.cut_off)


def _against_floor(patients: float) -> str:
    if patients >= FOOTPRINT_FLOOR:
        return f"at least {FOOTPRINT_FLOOR:,}"
    return f"under: {FOOTPRINT_FLOOR - patients:,.0f} short"


def footprint_table(checks: list[FootprintCheck], graph: NetworkGraph, year: str,
                    has_ages: bool) -> pd.DataFrame:
    """The footprints as the page and its CSV show them: headings in words,
    names first, one row each."""
    names = dict(zip(graph.networks["network_code"], graph.networks["network_name"],
                     strict=True))
    rows = []
    for check in checks:
        row = {
            "Footprint": f"{check.code} · {check.name}",
            "Patients": round(check.patients),
            f"Against {FOOTPRINT_FLOOR:,}": _against_floor(check.patients),
            "Networks": len(check.networks),
            "Practices": check.practices,
            "Contiguity": _contiguity_words(check, names),
            "Local authority districts": shares_text(check.districts),
            "Sub-ICB locations": shares_text(check.sub_icbs),
            "ICBs": shares_text(check.icbs),
        }
        if has_ages:
            older = check.ages.get("65–84", 0.0) + check.ages.get("85 and over", 0.0)
            row["Aged 65 and over"] = f"{older / (float(check.ages.sum()) or 1.0):.0%}"
        row["Rural (share of its LSOAs)"] = ("no areas" if np.isnan(check.rural)
                                             else f"{check.rural:.0%}")
        row[f"DES entitlements {year}, sum of its networks' (£)"] = round(check.entitlement, 2)
        rows.append(row)
    return pd.DataFrame(rows)


def age_table(checks: list[FootprintCheck]) -> pd.DataFrame:
    """Each footprint's patients by broad age band (empty without bands)."""
    if not any(len(check.ages) for check in checks):
        return pd.DataFrame()
    return pd.DataFrame([{"Footprint": f"{check.code} · {check.name}",
                          **{group: round(float(check.ages.get(group, 0.0)))
                             for group in AGE_GROUPS}} for check in checks])


def network_table(proposal: Footprints, graph: NetworkGraph) -> pd.DataFrame:
    """Each network of the place against the neighbourhood scale, with the
    touching networks that would bring one well under it near it."""
    table = graph.networks.set_index("network_code")
    neighbours = graph.neighbours(links=False)
    rows = []
    for code, network in table.iterrows():
        patients = float(network["patients"])
        footprint = proposal.assignment.get(code)
        if patients < WELL_UNDER:
            against = f"well under: {NEIGHBOURHOOD_SCALE - patients:,.0f} short"
        elif patients <= NEAR[1]:
            against = "near it"
        else:
            against = f"over by {patients - NEIGHBOURHOOD_SCALE:,.0f}"
        partners = ""
        if patients < WELL_UNDER:
            together = sorted(((patients + float(table.at[n, "patients"]), n)
                               for n in neighbours[code]),
                              key=lambda item: (abs(item[0] - NEIGHBOURHOOD_SCALE), item[1]))
            near = [(total, n) for total, n in together if NEAR[0] <= total <= NEAR[1]]
            partners = "; ".join(
                f"{table.at[n, 'network_name']} ({n}, {table.at[n, 'patients']:,.0f}): "
                f"together {total:,.0f}" for total, n in near[:3]) or (
                "no single touching network brings it to 40,000–60,000"
                if neighbours[code] else "touches no other network of this place")
        rows.append({"Network": f"{network['network_name']} ({code})",
                     "Patients": round(patients),
                     f"Against {NEIGHBOURHOOD_SCALE:,}": against,
                     "Footprint": proposal.label(footprint) if footprint else "in no footprint",
                     "Touching networks that would bring it near 50,000": partners})
    return pd.DataFrame(rows).sort_values(["Patients", "Network"], ignore_index=True)


def unaligned_table(proposal: Footprints, tables: SnapshotTables, level: str,
                    code: str | None) -> pd.DataFrame:
    """The place's practices with patients in no network, the nearest network
    that could cover them and its footprint: where their patients fall."""
    gaps = tables.unaligned
    practices = tables.practices.set_index("practice_code")
    if level != "england":
        column = "region_code" if level == "region" else "stp_code"
        here = practices.index[practices[column] == code]
        gaps = gaps[codes.one_of(gaps["practice_code"], here)]
    nearest = gaps["nearest_network_code"]
    footprint = nearest.map(proposal.assignment)
    return pd.DataFrame({
        "Practice": gaps["practice_name"].astype(str) + " (" + gaps["practice_code"] + ")",
        "Patients": gaps["registered"].fillna(0.0).round().astype("int64"),
        "Nearest network": (gaps["nearest_network_name"].astype("string") + " ("
                            + nearest.astype("string") + ")").fillna("none placed"),
        "Its footprint": footprint.map(lambda f: proposal.label(f) if isinstance(f, str)
                                       else "in no footprint of this place"),
    }).reset_index(drop=True)


# ---------------------------------------------------------------- the page's view


@dataclass(frozen=True)
class PlaceCheck:
    """One check of the whole proposal: what it checks, whether it holds,
    and what the reader must know (the networks or footprints concerned)."""

    label: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class NeighbourhoodView:
    """The Neighbourhoods page for one place, method and proposal.

    Attributes:
        place: The place in words.
        method: The boundary method in words (networks touch by it).
        draft: The drafted footprints.
        proposal: The draft with the person's changes.
        changes: Those changes (what the address holds).
        problems: Changes that could not be made, each in a few words.
        note: What the draft's reader must know ("" when nothing).
        checks: Each footprint's checks.
        table: The footprints, headings in words (:func:`footprint_table`).
        ages: Patients by broad age band per footprint (empty: none).
        networks: Each network against the neighbourhood scale.
        unaligned: The place's practices in no network, and where their
            patients fall.
        place_checks: The checks of the whole proposal.
        year: The entitlements' financial year.
    """

    place: str
    method: str
    draft: Draft
    proposal: Footprints
    changes: Changes
    problems: tuple[str, ...]
    note: str
    checks: tuple[FootprintCheck, ...]
    table: pd.DataFrame
    ages: pd.DataFrame
    networks: pd.DataFrame
    unaligned: pd.DataFrame
    place_checks: tuple[PlaceCheck, ...]
    year: str

    @property
    def graph(self) -> NetworkGraph:
        """The place's networks and which touch."""
        return self.draft.graph


def _listed(items: list[str], limit: int = 5) -> str:
    more = f" and {len(items) - limit:,} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def place_checks(proposal: Footprints, checks: list[FootprintCheck], graph: NetworkGraph,
                 unaligned: pd.DataFrame) -> tuple[PlaceCheck, ...]:
    """The checks of the whole proposal, in the order a meeting asks them."""
    names = dict(zip(graph.networks["network_code"], graph.networks["network_name"],
                     strict=True))
    left_out = proposal.left_out
    found = [PlaceCheck(
        "Every network in exactly one footprint", not left_out,
        f"All {len(proposal.assignment):,} networks of this place are each in one of "
        f"{len(checks):,} footprints." if not left_out else
        f"{len(left_out):,} of {len(proposal.assignment):,} networks are in no footprint: "
        + _listed([f"{names.get(c, c)} ({c})" for c in left_out]) + ".")]
    under = [c for c in checks if not c.floor_met]
    found.append(PlaceCheck(
        f"Every footprint at least {FOOTPRINT_FLOOR:,} patients", not under,
        "Every footprint reaches the floor." if not under else _listed(
            [f"{c.code} · {c.name} ({c.patients:,.0f})" for c in under]) + " fall short."))
    cut = [c for c in checks if c.contiguity == CUT_OFF]
    linked = [c for c in checks if c.contiguity == LINKED]
    found.append(PlaceCheck(
        "Every footprint contiguous", not cut,
        ("Every footprint's networks touch, one to the next"
         + (f" ({len(linked)} with a link across a gap: " + _listed(
             [f"{c.code}" for c in linked]) + ")" if linked else "") + ".") if not cut else
        "; ".join(f"{c.code} · {c.name}: " + _listed(
            [f"{names.get(n, n)} ({n})" for n in c.cut_off]) + " cut off" for c in cut) + "."))
    crossing = [c for c in checks if len(c.icbs) > 1]
    found.append(PlaceCheck(
        "Footprints within one ICB", not crossing,
        "No footprint's practices sit in more than one ICB." if not crossing else
        _listed([f"{c.code} ({shares_text(c.icbs, 2)})" for c in crossing]) + "."))
    patients = float(unaligned["Patients"].sum()) if len(unaligned) else 0.0
    found.append(PlaceCheck(
        "Practices in no network", unaligned.empty,
        "Every practice with patients here is in a network." if unaligned.empty else
        f"{len(unaligned):,} practice(s) with {patients:,.0f} patients are in no network; "
        "below, the nearest network that could cover each and its footprint."))
    return tuple(found)


def page_view(tables: SnapshotTables, drafted: Draft, changes: Changes, *, place: str,
              level: str, code: str | None, method: str) -> NeighbourhoodView:
    """The Neighbourhoods page for a place: the draft with ``changes`` made,
    and every check.

    Args:
        tables: The snapshot's tables (by the boundary method).
        drafted: The place's draft (:func:`draft`).
        changes: The person's changes (from the address).
        place: The place in words.
        level: "england", "region" or "area" (an ICB or STP).
        code: The region's or area's code (None for England).
        method: The boundary method in words.

    Returns:
        What the page shows, every figure worked out.
    """
    proposal, problems = apply_changes(drafted.footprints, changes)
    graph = drafted.graph
    checks = footprint_checks(proposal, graph, tables)
    unaligned = unaligned_table(proposal, tables, level, code)
    return NeighbourhoodView(
        place=place, method=method, draft=drafted, proposal=proposal,
        changes=changes_between(drafted.footprints, proposal), problems=tuple(problems),
        note=drafted.note, checks=tuple(checks),
        table=footprint_table(checks, graph, tables.year, not tables.age_bands.empty),
        ages=age_table(checks), networks=network_table(proposal, graph), unaligned=unaligned,
        place_checks=place_checks(proposal, checks, graph, unaligned), year=tables.year)


# ---------------------------------------------------------------- the configuration file


def configuration_table(proposal: Footprints, graph: NetworkGraph) -> pd.DataFrame:
    """The proposal as a configuration file: every network of the place,
    its footprint's code and name (blank: in no footprint), then its name
    and patients for the reader (left out when the file is loaded)."""
    table = graph.networks[["network_code", "network_name", "patients"]].copy()
    footprint = table["network_code"].map(proposal.assignment)
    table.insert(1, "footprint", footprint.fillna(""))
    table.insert(2, "footprint_name", footprint.map(
        lambda f: proposal.name(f) if isinstance(f, str) else "").fillna(""))
    return table.assign(patients=table["patients"].round().astype("int64")).reset_index(
        drop=True)


def footprints_from_configuration(table: pd.DataFrame, graph: NetworkGraph, path,
                                  log) -> Footprints:
    """A checked configuration table (``network_code``, ``footprint``,
    ``footprint_name``, ``source_row``) as a proposal for the place.

    A network not of the place is logged with its row and left out; a
    footprint named twice keeps its first name (the other is logged); the
    place's networks the file does not list are in no footprint (the checks
    name them).
    """
    mine = set(graph.codes)
    assignment: dict[str, str | None] = dict.fromkeys(graph.codes)
    names: dict[str, str] = {}
    for row in table.itertuples():
        if row.network_code not in mine:
            log.add("unknown_code", path, row.source_row, "network_code", row.network_code,
                    row.network_code, "network is not a network of this place (one with a "
                    "member practice in it); row left out")
            continue
        footprint = row.footprint or None
        assignment[row.network_code] = footprint
        name = " ".join(str(row.footprint_name).split())[:NAME_LIMIT]
        if footprint and name:
            if footprint in names and names[footprint] != name:
                log.add("invalid_value", path, row.source_row, "footprint_name",
                        row.network_code, name, f"footprint {footprint} is already named "
                        f"{names[footprint]!r} on an earlier row; this name is not used")
            else:
                names.setdefault(footprint, name)
    return Footprints(assignment, names)
