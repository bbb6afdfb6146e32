"""What several page views say alike: a place's networks that reach beyond
it, and the words that say so."""

from __future__ import annotations

import pandas as pd

from pcnmap import store
from pcnmap.columns import NETWORK_CODE
from pcnmap.model import funding
from pcnmap.model.place import Place
from pcnmap.views.source import SnapshotData
from pcnmap.words import plural


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
