"""Network colours: one per code, the same in every snapshot, neighbours apart."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from pcnmap.maps import colours


def squares(codes: list[str], start: int = 0) -> gpd.GeoDataFrame:
    """A row of touching unit squares, one per code, from x = ``start``."""
    return gpd.GeoDataFrame({"network_code": codes},
                            geometry=[shapely.box(start + i, 0, start + i + 1, 1)
                                      for i in range(len(codes))], crs=4326)


def test_a_code_keeps_its_colour_in_every_snapshot() -> None:
    # Two snapshots: U2 is in both, between different neighbours each time.
    before = squares(["U1", "U2", "U3"])
    after = squares(["U4", "U2", "U5"])
    every = pd.concat([before, after], ignore_index=True)
    chosen = colours.stable_colours(gpd.GeoDataFrame(every, geometry="geometry", crs=4326))
    assert set(chosen) == {"U1", "U2", "U3", "U4", "U5"}
    # The same whatever order the snapshots come in.
    again = colours.stable_colours(gpd.GeoDataFrame(pd.concat([after, before],
                                                              ignore_index=True),
                                                    geometry="geometry", crs=4326))
    assert again == chosen
    # Neighbours in either snapshot differ.
    for left, right in (("U1", "U2"), ("U2", "U3"), ("U4", "U2"), ("U2", "U5")):
        assert chosen[left] != chosen[right]


def test_a_lone_network_takes_the_colour_its_code_asks_for() -> None:
    alone = squares(["U00123"])
    assert colours.stable_colours(alone) == {
        "U00123": colours.PALETTE[colours.preferred_colour("U00123")]}
    assert colours.preferred_colour("U00123") == colours.preferred_colour("U00123")


def test_a_clash_moves_the_later_code_along_the_palette() -> None:
    # Two touching networks whose codes ask for the same colour.
    by_colour: dict[int, list[str]] = {}
    for number in range(200):
        code = f"U{number:05d}"
        by_colour.setdefault(colours.preferred_colour(code), []).append(code)
    first, second = next(codes for codes in by_colour.values() if len(codes) >= 2)[:2]
    chosen = colours.stable_colours(squares([first, second]))
    asked = colours.preferred_colour(first)
    assert chosen[first] == colours.PALETTE[asked]
    assert chosen[second] == colours.PALETTE[(asked + 1) % len(colours.PALETTE)]


def test_sides_get_contrasting_colours_in_code_order() -> None:
    sides = colours.side_colours(["05V", "04Y"])
    assert sides == {"04Y": colours.CONTRASTING[0], "05V": colours.CONTRASTING[1]}
