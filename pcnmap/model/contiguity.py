"""Whether a network's areas connect, judged without geometry.

The LSOA piece graph (which pieces of LSOAs share an edge) and the LSOA
adjacency it gives answer every contiguity question: the separate parts of
a set of LSOAs, and whether a network's practices' areas connect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

from pcnmap.model.methods import SIGNIFICANT_PART_KM2

# How ``between`` names the areas of practices in no network.
NO_AREA = "no network"


def practice_points(practices: pd.DataFrame) -> pd.DataFrame:
    """Practices with a position, with their grid coordinates as points."""
    placed = practices.dropna(subset=["easting", "northing"]).copy()
    placed["point"] = shapely.points(placed["easting"].to_numpy(), placed["northing"].to_numpy())
    return placed


@dataclass(frozen=True)
class PartGraph:
    """Which pieces of England's LSOAs share an edge.

    An LSOA can have several separate pieces (islands), so the graph's nodes
    are pieces: ``parts`` has ``lsoa_code`` and ``area_km2`` per piece and
    ``edges`` the pairs of pieces (``part_a`` < ``part_b``, positions in
    ``parts``) whose boundaries share a line, not just a point. Counting the
    connected pieces of a set of LSOAs then gives the separate parts of their
    union without any geometry, which is how a proposed network's contiguity
    is judged in the app.
    """

    parts: pd.DataFrame
    edges: pd.DataFrame


def parts_of_areas(graph: PartGraph, lsoa_keys: pd.Series) -> pd.DataFrame:
    """Separate parts of each key's LSOAs, judged on the piece graph.

    ``lsoa_keys`` maps LSOA code to a key (a network code; missing for areas
    of no network). Returns per key ``parts``, ``significant_parts`` (parts of
    at least :data:`SIGNIFICANT_PART_KM2`) and ``area_km2``, the same figures
    :func:`describe_parts` gives for the dissolved shapes.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    keys = graph.parts["lsoa_code"].map(lsoa_keys).to_numpy()
    a, b = graph.edges["part_a"].to_numpy(), graph.edges["part_b"].to_numpy()
    key_a, key_b = keys[a], keys[b]
    # Pieces join only when both belong to the same key.
    same = pd.notna(key_a) & (key_a == key_b)
    size = len(keys)
    matrix = coo_matrix((np.ones(int(same.sum()), dtype=np.int8), (a[same], b[same])),
                        shape=(size, size))
    _, component = connected_components(matrix, directed=False)
    pieces = pd.DataFrame({"key": keys, "component": component,
                           "area_km2": graph.parts["area_km2"].to_numpy()}).dropna(
        subset=["key"])
    areas = pieces.groupby(["key", "component"])["area_km2"].sum()
    grouped = areas.groupby(level="key")
    result = pd.DataFrame({
        "parts": grouped.size(),
        "significant_parts": grouped.agg(lambda s: int((s >= SIGNIFICANT_PART_KM2).sum())),
        "area_km2": grouped.sum().round(3),
    })
    result.index.name = "network_code"
    return result.reset_index()


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


def connected(adjacency: csr_matrix, members: np.ndarray) -> int:
    """How many connected groups the LSOAs ``members`` (indices) form."""
    if len(members) == 0:
        return 0
    sub = adjacency[members][:, members]
    return int(connected_components(sub, directed=False)[0])


def practice_groups(adjacency: csr_matrix, lsoa_practice: np.ndarray,
                    practices: pd.DataFrame) -> pd.DataFrame:
    """For each network, its member practices in groups whose areas touch.

    ``lsoa_practice`` gives each LSOA's practice (row position in
    ``practices``, -1 for none); ``practices`` has ``practice_code``,
    ``network_code``, ``easting`` and ``northing``. Two practices of a
    network connect when their areas share an edge, as the map draws them
    (a strip of another network's area between two members, however
    narrow, separates them: the map shows two pieces, and so does the
    flag). Groups chain: practices connected through other members are one
    group.

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
    codes_of_network, network_names = pd.factorize(pd.Series(network))
    # Practices of one network whose LSOAs share an edge are linked.
    rows, cols = adjacency.nonzero()
    first, second = lsoa_practice[rows], lsoa_practice[cols]
    both = (first >= 0) & (second >= 0)
    first, second = first[both], second[both]
    net = codes_of_network[first]
    same = (net >= 0) & (net == codes_of_network[second]) & (first != second)
    links = coo_matrix((np.ones(int(same.sum()), dtype=np.int8), (first[same], second[same])),
                       shape=(count, count))
    _, component = connected_components(links, directed=False)
    has_area = np.zeros(count, dtype=bool)
    has_area[lsoa_practice[lsoa_practice >= 0]] = True
    # Each LSOA's network on the map, by number (names: ``labels``): NO_AREA
    # where its practice is in none, -1 where it has no practice. Numbers, not
    # codes: the pairs of neighbouring LSOAs run to hundreds of thousands.
    labels = np.append(network_names, NO_AREA).astype(object)
    lsoa_network = np.where(lsoa_practice >= 0, codes_of_network[np.maximum(lsoa_practice, 0)],
                            -1)
    lsoa_network[(lsoa_practice >= 0) & (lsoa_network == -1)] = len(labels) - 1
    group_of_lsoa = np.where(lsoa_practice >= 0, component[np.maximum(lsoa_practice, 0)], -1)
    touching = pd.DataFrame({"group": group_of_lsoa[rows], "other": lsoa_network[cols],
                             "own": lsoa_network[rows]})
    touching = touching[(touching["group"] >= 0) & (touching["other"] >= 0)
                        & (touching["other"] != touching["own"])].drop_duplicates(
        ["group", "other"])
    frame = pd.DataFrame({"row": np.arange(count), "network_code": network,
                          "group": component, "has_area": has_area})
    frame = frame[frame["has_area"] & frame["network_code"].notna()]
    code = practices["practice_code"].to_numpy(dtype=object)
    easting = practices["easting"].to_numpy(dtype=float)
    northing = practices["northing"].to_numpy(dtype=float)
    # Most networks are one group: said at once, not network by network.
    groups_of = frame["network_code"].map(frame.groupby("network_code")["group"].nunique())
    whole = frame[groups_of == 1]
    joined = (whole.assign(code=code[whole["row"].to_numpy()]).sort_values("code")
              .groupby("network_code")["code"].agg(" ".join))
    records = [{"network_code": net, "groups": 1, "group_practices": names, "between": "",
                "separation_km": np.nan} for net, names in joined.items()]
    for net, members in frame[groups_of > 1].groupby("network_code"):
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
            between = ", ".join(sorted(labels[np.asarray(lying, dtype=int)]))
            first, rest = groups[0].to_numpy(), np.concatenate([g.to_numpy() for g in groups[1:]])
            separation = float(np.min(np.hypot(
                easting[first][:, None] - easting[rest][None, :],
                northing[first][:, None] - northing[rest][None, :]))) / 1000
        records.append({"network_code": net, "groups": len(groups),
                        "group_practices": " | ".join(" ".join(sorted(code[g]))
                                                      for g in groups),
                        "between": between, "separation_km": round(separation, 2)})
    return pd.DataFrame(records, columns=columns).sort_values(
        "network_code", ignore_index=True)
