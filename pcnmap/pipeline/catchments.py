"""Practice catchments: a modelled area where each practice's patients live.

No registration-by-LSOA data is available, so where a network's patients
live cannot be read off; pcnmap models it. Each practice grows a catchment
over the LSOA adjacency graph from its own LSOA, claiming the free LSOAs
next to what it holds in order of distance from the practice, until it
holds a share of England's LSOAs equal to its share of England's registered
patients. LSOAs hold roughly equal resident populations (about 1,500 people;
ONS designs them so), so a practice with ten times the list reaches about
ten times the area, and each catchment is one connected area (a practice
only ever claims LSOAs touching what it already holds).

Limits, said wherever the method is shown: patients do not live in tidy
areas around their practice (people register across town, across
commissioner borders, with practices they have moved away from); LSOAs
differ in population (1,000 to 3,000 residents); registered lists exceed
resident populations in places; and a practice's catchment here never
overlaps another's, where real ones do.

A network's area is the union of its practices' catchments. A network is
non-contiguous when its practices' catchments do not connect (touching, or
at most one LSOA apart: see :func:`practice_groups`): the separate groups
of member practices are named, with the networks lying between them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

# How ``between`` names the areas of practices in no network.
NO_AREA = "no network"
NOTE = (
    "Modelled catchments: each practice claims the LSOAs nearest it, touching "
    "what it already holds, in proportion to its registered list (LSOAs hold "
    "roughly equal numbers of residents). Patients really live across wider, "
    "overlapping areas; no registration-by-area data is available."
)


def lsoa_adjacency(piece_lsoa: np.ndarray, part_a: np.ndarray, part_b: np.ndarray,
                   count: int) -> csr_matrix:
    """Which LSOAs share an edge (from the piece graph: ``piece_lsoa`` gives
    each piece's LSOA index, ``part_a``/``part_b`` the pieces sharing one)."""
    a, b = piece_lsoa[part_a], piece_lsoa[part_b]
    keep = a != b
    a, b = a[keep], b[keep]
    data = np.ones(2 * len(a), dtype=np.int8)
    matrix = coo_matrix((data, (np.concatenate([a, b]), np.concatenate([b, a]))),
                        shape=(count, count)).tocsr()
    matrix.data[:] = 1
    return matrix


@dataclass(frozen=True)
class Catchments:
    """Each LSOA's catchment practice (an index into the practices given, -1
    for none) and how it was reached: ``grown`` (within the practice's share),
    ``filled`` (left over once every neighbour had its share: joined the
    nearest touching catchment) or ``isolated`` (an LSOA with no neighbour,
    such as an island: its nearest practice's)."""

    practice: np.ndarray
    how: np.ndarray


def grow(adjacency: csr_matrix, lsoa_points: np.ndarray, sites: np.ndarray,
         lists: np.ndarray, site_lsoa: np.ndarray) -> Catchments:
    """Grow every practice's catchment over the LSOA graph.

    ``sites`` are the practices' points and ``site_lsoa`` the LSOA each
    stands in; ``lists`` their registered lists (0 or missing: a share of
    one LSOA). Practices are seeded largest first; one whose own LSOA is
    taken (a shared building) starts from the free LSOA nearest it beside
    that one. Ties are broken by practice order, so the result is the same
    every time.
    """
    count = adjacency.shape[0]
    indptr, indices = adjacency.indptr, adjacency.indices
    lists = np.nan_to_num(np.asarray(lists, dtype=float))
    share = lists / lists.sum() * count if lists.sum() else np.ones(len(lists))
    quota = np.maximum(1, np.rint(share)).astype(np.int64)
    owner = np.full(count, -1, dtype=np.int64)
    how = np.full(count, "", dtype=object)
    held = np.zeros(len(sites), dtype=np.int64)
    px, py = shapely.get_x(lsoa_points), shapely.get_y(lsoa_points)
    sx, sy = shapely.get_x(sites), shapely.get_y(sites)

    def distance(practice: int, lsoa: np.ndarray | int) -> np.ndarray:
        return np.hypot(px[lsoa] - sx[practice], py[lsoa] - sy[practice])

    def free_near(practice: int, start: int) -> int:
        """The free LSOA nearest the practice, reached through taken ones."""
        seen, frontier, best = {start}, [start], (np.inf, -1)
        while frontier and best[1] < 0:
            following = []
            for node in frontier:
                for neighbour in indices[indptr[node]:indptr[node + 1]]:
                    if neighbour in seen:
                        continue
                    seen.add(neighbour)
                    if owner[neighbour] < 0:
                        best = min(best, (float(distance(practice, neighbour)), int(neighbour)))
                    else:
                        following.append(neighbour)
            frontier = following
        return best[1]

    queue: list[tuple[float, int, int]] = []

    def claim(practice: int, lsoa: int, kind: str) -> None:
        owner[lsoa] = practice
        how[lsoa] = kind
        held[practice] += 1
        neighbours = indices[indptr[lsoa]:indptr[lsoa + 1]]
        free = neighbours[owner[neighbours] < 0]
        for neighbour, gap in zip(free, distance(practice, free), strict=True):
            heapq.heappush(queue, (float(gap), practice, int(neighbour)))

    for practice in np.lexsort((np.arange(len(sites)), -lists)):
        seed = site_lsoa[practice]
        if seed < 0:
            continue
        if owner[seed] >= 0:
            seed = free_near(practice, seed)
        if seed >= 0:
            claim(practice, seed, "grown")
    while queue:
        _, practice, lsoa = heapq.heappop(queue)
        if owner[lsoa] < 0 and held[practice] < quota[practice]:
            claim(practice, lsoa, "grown")
    # Left over once every touching practice had its share: each joins the
    # nearest catchment it touches, so catchments stay connected.
    queue = [(float(distance(owner[lsoa], neighbour)), int(owner[lsoa]), int(neighbour))
             for lsoa in np.flatnonzero(owner >= 0)
             for neighbour in indices[indptr[lsoa]:indptr[lsoa + 1]] if owner[neighbour] < 0]
    heapq.heapify(queue)
    while queue:
        _, practice, lsoa = heapq.heappop(queue)
        if owner[lsoa] >= 0:
            continue
        owner[lsoa] = practice
        how[lsoa] = "filled"
        for neighbour in indices[indptr[lsoa]:indptr[lsoa + 1]]:
            if owner[neighbour] < 0:
                heapq.heappush(queue, (float(distance(practice, neighbour)), practice,
                                       int(neighbour)))
    # LSOAs touching no catchment at all (islands): the nearest practice's.
    rest = np.flatnonzero(owner < 0)
    if len(rest) and len(sites):
        tree = shapely.STRtree(sites)
        pairs = tree.query_nearest(lsoa_points[rest])
        owner[rest[pairs[0]]] = pairs[1]
        how[rest[pairs[0]]] = "isolated"
    return Catchments(owner, how)


def connected(adjacency: csr_matrix, members: np.ndarray) -> int:
    """How many connected groups the LSOAs ``members`` (indices) form."""
    if len(members) == 0:
        return 0
    sub = adjacency[members][:, members]
    return int(connected_components(sub, directed=False)[0])


def practice_groups(adjacency: csr_matrix, lsoa_practice: np.ndarray,
                    practices: pd.DataFrame) -> pd.DataFrame:
    """For each network, its member practices in groups whose areas connect.

    ``lsoa_practice`` gives each LSOA's practice (row position in
    ``practices``, -1 for none); ``practices`` has ``practice_code``,
    ``network_code``, ``easting`` and ``northing``. Two practices of a
    network connect when their areas touch or are at most one LSOA apart:
    catchments here are exclusive, so each is bounded by a line drawn
    through the fringe where its patients and its neighbours' really mix;
    a one-LSOA strip of another practice's between two members is that
    fringe, not a separation. Groups chain: practices connected through
    other members are one group.

    Returns per network ``groups`` (how many), ``group_practices`` (the
    groups' codes, largest first, ``|`` between groups), ``between`` (the
    networks whose areas touch two or more of the groups) and
    ``separation_km`` (the least distance between practices of two groups).
    """
    columns = ["network_code", "groups", "group_practices", "between", "separation_km"]
    network = practices["network_code"].to_numpy(dtype=object)
    count = len(practices)
    if count == 0:
        return pd.DataFrame(columns=columns)
    # The practices whose areas hold or border each LSOA: (LSOA, practice)
    # pairs; practices of one network around one LSOA are linked in a chain.
    rows, cols = adjacency.nonzero()
    lsoa = np.concatenate([np.arange(adjacency.shape[0]), rows])
    practice = np.concatenate([lsoa_practice, lsoa_practice[cols]])
    keep = practice >= 0
    lsoa, practice = lsoa[keep], practice[keep]
    codes_of_network = pd.factorize(pd.Series(network))[0]
    net = codes_of_network[practice]
    keep = net >= 0
    around = pd.DataFrame({"lsoa": lsoa[keep], "net": net[keep], "practice": practice[keep]}
                          ).drop_duplicates().sort_values(["lsoa", "net", "practice"])
    same = ((around["lsoa"].to_numpy()[1:] == around["lsoa"].to_numpy()[:-1])
            & (around["net"].to_numpy()[1:] == around["net"].to_numpy()[:-1]))
    left = around["practice"].to_numpy()[:-1][same]
    right = around["practice"].to_numpy()[1:][same]
    links = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    _, component = connected_components(links, directed=False)
    has_area = np.zeros(count, dtype=bool)
    has_area[lsoa_practice[lsoa_practice >= 0]] = True
    # Each LSOA's network on the map; NO_AREA where its practice is in none.
    lsoa_network = np.where(lsoa_practice >= 0, network[np.maximum(lsoa_practice, 0)], None)
    lsoa_network = np.where((lsoa_practice >= 0) & pd.isna(lsoa_network), NO_AREA,
                            lsoa_network)
    group_of_lsoa = np.where(lsoa_practice >= 0, component[np.maximum(lsoa_practice, 0)], -1)
    touching = pd.DataFrame({"group": group_of_lsoa[rows], "other": lsoa_network[cols],
                             "own": lsoa_network[rows]})
    touching = touching[(touching["group"] >= 0) & touching["other"].notna()
                        & (touching["other"] != touching["own"])].drop_duplicates(
        ["group", "other"])
    frame = pd.DataFrame({"row": np.arange(count), "network_code": network,
                          "group": component, "has_area": has_area})
    frame = frame[frame["has_area"] & frame["network_code"].notna()]
    code = practices["practice_code"].to_numpy(dtype=object)
    easting = practices["easting"].to_numpy(dtype=float)
    northing = practices["northing"].to_numpy(dtype=float)
    records = []
    for net, members in frame.groupby("network_code"):
        groups = [rows_ for _, rows_ in members.groupby("group")["row"]]
        groups.sort(key=lambda g: (-len(g), sorted(code[g])))
        between, separation = "", np.nan
        if len(groups) > 1:
            seen = touching[touching["group"].isin(set(members["group"]))].groupby(
                "other")["group"].nunique()
            # What lies between: the networks touching two or more groups;
            # where the groups lie further apart, those around the smaller ones.
            lying = seen.index[seen >= 2]
            if not len(lying):
                smaller = {int(component[g.iloc[0]]) for g in groups[1:]}
                lying = touching.loc[touching["group"].isin(smaller), "other"].unique()
            between = ", ".join(sorted(lying))
            first, rest = groups[0].to_numpy(), np.concatenate([g.to_numpy() for g in groups[1:]])
            separation = float(np.min(np.hypot(
                easting[first][:, None] - easting[rest][None, :],
                northing[first][:, None] - northing[rest][None, :]))) / 1000
        records.append({"network_code": net, "groups": len(groups),
                        "group_practices": " | ".join(" ".join(sorted(code[g]))
                                                      for g in groups),
                        "between": between, "separation_km": round(separation, 2)})
    return pd.DataFrame(records, columns=columns)
