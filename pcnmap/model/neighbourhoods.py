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
                final, final_regions, _ = _perform_sa(label, regions, totals, patients, weights,
                                                      distance, floor, 0.998, 10, len(rows))
                value = _calculate_within_region_distance(final_regions, distance)
                if value < best_value:
                    best, best_value = final, value
    return np.asarray(best)


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
