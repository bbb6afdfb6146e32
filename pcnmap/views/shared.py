"""What several page views say alike: a place's networks that reach beyond
it, and the words that say so."""

from __future__ import annotations

import pandas as pd

from pcnmap import store
from pcnmap.columns import NETWORK_CODE, NETWORK_NAME
from pcnmap.model import funding
from pcnmap.model.methods import NO_NETWORK
from pcnmap.model.place import Place
from pcnmap.views.source import SnapshotData
from pcnmap.words import joined, named, plural


def networks_beyond(place: Place, practices: pd.DataFrame) -> set[str]:
    """The place's networks with a member practice outside it too."""
    if place.is_england:
        return set()
    inside = place.holds(practices)
    mine = set(practices.loc[inside, NETWORK_CODE].dropna())
    outside = set(practices.loc[~inside, NETWORK_CODE].dropna())
    return mine & outside


def shared_note(place: Place, beyond: set[str], info: store.SnapshotInfo) -> str:
    """Why the place's counts of networks are not the sum of its parts':
    "4 of these networks also have members outside Chorley and South Ribble;
    each is counted in every place it has members in, once in each"."""
    if not beyond:
        return ""
    return (f"{plural(len(beyond), 'network')} here also "
            f"{'has' if len(beyond) == 1 else 'have'} members outside {place.name}: a network "
            f"counts in every place it has members in (once in each), so the counts of "
            f"networks of several {info.commissioner_plural} are not their sum.")


def entitlements(data: SnapshotData) -> funding.NetworkFunding:
    """Every network's entitlement in the snapshot's first funding year
    (worked out once a snapshot)."""
    year = funding.default_year(data.rates, data.info.financial_years)
    return data.remember(("entitlements", year), lambda: funding.network_funding(
        data.practices, data.funding_lists, data.rates, year))


# Why a method gives a network an area, by method.
WHOSE = {"lsoa": "its LSOAs are nearest {practice} (of their own commissioner's practices)",
         "catchment": "it is {practice}'s modelled catchment",
         "voronoi": "it is part of the nearest-site cell of {practice}"}


def piece_words(piece: pd.Series, method: str, practices: dict[str, str],
                networks: dict[str, str], others: pd.DataFrame | None = None) -> str:
    """One piece of a network's area in words: its size, the member
    practices standing in it, and for a piece with none, why the method gave
    it to the network and what lies around it; for a piece whose practice's
    area lies in another piece too (``others``: the network's other pieces),
    which practice's and where."""
    size = f"{piece['area_km2']:,.1f} km²"
    members = str(piece["members"] or "").split()
    if members:
        said = f"{size} with {joined([named(code, practices) for code in members])}"
        if others is not None and len(others):
            mine = set(str(piece["area_of"] or "").split())
            shared = [(code, number) for number, area_of in zip(others["piece"],
                                                               others["area_of"], strict=True)
                      for code in str(area_of or "").split() if code in mine]
            if shared:
                code, number = shared[0]
                said += (f"; part of the area of {named(code, practices)}, which lies in "
                         f"piece {number} too")
        return said
    whose = [named(code, practices) for code in str(piece["area_of"] or "").split()]
    why = WHOSE.get(method, "{practice}").format(practice=joined(whose) or "a member practice")
    around = [code.strip() for code in str(piece["touching"] or "").split(",") if code.strip()]
    others = [named(code, networks) for code in around if code != NO_NETWORK]
    where = (f"among {joined(others)}" if others else
             "with no network's area around it (water, or land outside England)")
    return (f"{size} with no member practice of its own: {why}; it lies "
            f"{piece['apart_km']:,.1f} km from the pieces holding its practices, {where}")


def network_choices(data: SnapshotData, place: Place) -> dict[str, str]:
    """The networks to choose from on a place's pages, code -> "name (code)":
    the place's own first, then the rest of England's, each by name."""
    found = data.networks
    mine = place.network_codes(data.practices)
    labels = {code: f"{name} ({code})" for code, name in
              zip(found[NETWORK_CODE], found[NETWORK_NAME], strict=True)}
    return dict(sorted(labels.items(), key=lambda item: (item[0] not in mine, item[1])))
