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
non-contiguous when its practices' catchments do not touch (see
:func:`pcnmap.model.contiguity.practice_groups`): the separate groups of
member practices are named, with the networks lying between them.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely
from scipy.sparse import csr_matrix


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

