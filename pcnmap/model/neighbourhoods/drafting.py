"""The draft: contiguous footprints of whole networks, each at least the
floor, as many as it allows (PySAL's max-p regions, seeded), named for the
districts holding most of their patients."""


from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcnmap.model.neighbourhoods.footprints import Footprints
from pcnmap.model.neighbourhoods.scales import FOOTPRINT_FLOOR
from pcnmap.model.neighbourhoods.touching import (
    NetworkGraph,
    components,
    place_graph,
    place_members,
)

# The draft's seed: the same data gives the same draft.
SEED = 2025
# Max-p's effort: partitions grown (cheap: a few milliseconds each), how many
# of those with the most footprints are annealed, and how often each.
CONSTRUCTION_TRIES = 999
PARTITIONS_ANNEALED = 4
ANNEALING_RUNS = 2
_DRAFTING = threading.Lock()
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
    group = components(count, index, pairs)
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
