"""Practice catchments and the groups of a network's practices, on small graphs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix

from pcnmap.model import contiguity
from pcnmap.pipeline import catchments


def line(count: int) -> tuple[csr_matrix, np.ndarray]:
    """LSOAs in a row, each touching the next, 1 km apart."""
    a = np.arange(count - 1)
    adjacency = contiguity.lsoa_adjacency(np.arange(count), a, a + 1, count)
    return adjacency, shapely.points(np.arange(count) * 1000.0, np.zeros(count))


def test_catchments_grow_in_proportion_to_lists_and_stay_connected() -> None:
    adjacency, points = line(12)
    sites = shapely.points([0.0, 11_000.0], [0.0, 0.0])
    grown = catchments.grow(adjacency, points, sites, np.array([9_000, 3_000]),
                            np.array([0, 11]))
    assert (grown.practice == [0] * 9 + [1] * 3).all()
    for practice in (0, 1):
        members = np.flatnonzero(grown.practice == practice)
        assert contiguity.connected(adjacency, members) == 1


def test_a_practice_sharing_a_building_starts_beside_it() -> None:
    adjacency, points = line(6)
    sites = shapely.points([2_000.0, 2_000.0], [0.0, 0.0])  # both in LSOA 2
    grown = catchments.grow(adjacency, points, sites, np.array([4_000, 2_000]),
                            np.array([2, 2]))
    assert grown.practice[2] == 0  # the larger takes the building's LSOA
    assert contiguity.connected(adjacency, np.flatnonzero(grown.practice == 1)) == 1
    assert (grown.practice >= 0).all()
    assert (grown.practice == 0).sum() == 4 and (grown.practice == 1).sum() == 2


def test_left_over_lsoas_join_a_touching_catchment_and_islands_the_nearest() -> None:
    """Five LSOAs in a row with a small practice at each end, and two islands
    (touching nothing), one with a large practice: the ends take their share
    (one LSOA each), the middle three join the nearest touching catchment
    (the tie at the centre to the first practice), the empty island its
    nearest practice."""
    _, points = line(5)
    points = np.concatenate([points, shapely.points([9_000.0, 20_000.0], [0.0, 0.0])])
    adjacency = contiguity.lsoa_adjacency(np.arange(7), np.arange(4), np.arange(1, 5), 7)
    sites = shapely.points([0.0, 4_000.0, 9_000.0], [0.0, 0.0, 0.0])
    grown = catchments.grow(adjacency, points, sites, np.array([1, 1, 5]),
                            np.array([0, 4, 5]))
    assert list(grown.practice) == [0, 0, 0, 1, 1, 2, 2]
    assert list(grown.how) == ["grown", "filled", "filled", "filled", "grown", "grown",
                               "isolated"]


def practices(networks: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"practice_code": [f"P{i:05d}" for i in range(len(networks))],
                         "network_code": networks,
                         "easting": np.arange(len(networks)) * 1000.0,
                         "northing": np.zeros(len(networks))})


def test_practices_connect_only_where_their_areas_touch() -> None:
    adjacency, _ = line(7)
    table = practices(["U00001", "U00002", "U00001", "U00001", "U00003", "U00001"])
    # A | B | A A | C | A A: the first A is one LSOA (B's) from the second, which
    # touches the third; the fourth lies beyond C's. A strip of another
    # network's area separates, as the map draws it.
    lsoa_practice = np.array([0, 1, 2, 3, 4, 5, 5])
    groups = contiguity.practice_groups(adjacency, lsoa_practice, table).set_index(
        "network_code")
    assert groups.loc["U00001", "groups"] == 3
    assert groups.loc["U00001", "group_practices"] == "P00002 P00003 | P00000 | P00005"
    assert set(groups.loc["U00001", "between"].split(", ")) == {"U00002", "U00003"}
    assert groups.loc["U00001", "separation_km"] == 2.0
    assert groups.loc["U00002", "groups"] == 1 and groups.loc["U00003", "groups"] == 1
