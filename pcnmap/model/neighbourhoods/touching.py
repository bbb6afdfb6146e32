"""Which networks touch (by the LSOA piece graph or by their shapes), and a
place's networks as a graph: members, patients, shares by district and
Sub-ICB location, and the links that join a group cut off from the rest."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from pcnmap import codes
from pcnmap.model.contiguity import PartGraph
from pcnmap.model.neighbourhoods.scales import FOOTPRINT_FLOOR

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


def components(count: int, index: dict[str, int], pairs: list[tuple[str, str]]) -> np.ndarray:
    """The connected group of each of ``count`` networks (numbered by
    ``index``) when ``pairs`` of them are joined."""
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
        label = components(len(codes_here), index, pairs)
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
