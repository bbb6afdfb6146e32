"""The derived boundary methods: their names, notes and shared constants.

Networks have no official boundary; every method is indicative, and each
screen showing one names it and its assumption.
"""

from __future__ import annotations

from enum import StrEnum


class Method(StrEnum):
    """A way of deriving network areas (its value is its code in the data and
    the address)."""

    CATCHMENT = "catchment"
    LSOA = "lsoa"
    VORONOI = "voronoi"


CATCHMENT, LSOA, VORONOI = Method.CATCHMENT, Method.LSOA, Method.VORONOI
# In the order the pickers offer them: the default first.
METHODS = {
    LSOA: "LSOAs to the nearest practice's network",
    VORONOI: "nearest-practice cells (Voronoi) of practice sites",
    CATCHMENT: "practice catchments grown in proportion to their lists",
}


def title(method: str) -> str:
    """The method's name where it stands alone (a table row, a legend, a heading)."""
    name = METHODS[method]
    return name[:1].upper() + name[1:]


# The method a page draws until another is chosen (the Boundary methods page
# and the README's "Network boundaries" say why).
DEFAULT = LSOA
# The methods' names where a column is narrow (a table beside the map).
SHORT_NAMES = {CATCHMENT: "Catchments", LSOA: "LSOAs", VORONOI: "Voronoi cells"}
INDICATIVE_NOTE = (
    "Indicative boundaries derived by pcnmap from practice locations; networks "
    "have no official boundary."
)
NO_NETWORK = "NONE"  # the pseudo-network of areas nearest a practice in no network

# A separate part smaller than this (a coastal islet, a sliver between
# neighbours) does not make a network non-contiguous.
SIGNIFICANT_PART_KM2 = 0.1

# What the modelled catchments assume, said wherever they are shown.
CATCHMENT_NOTE = (
    "Modelled catchments: each practice claims the LSOAs nearest it, touching "
    "what it already holds, in proportion to its registered list (LSOAs hold "
    "roughly equal numbers of residents). Patients really live across wider, "
    "overlapping areas; no registration-by-area data is available."
)
