"""The Overview page for one place: its headline figures and a picture of
its commissioners."""

from __future__ import annotations

from dataclasses import dataclass

from pcnmap import columns as c
from pcnmap.maps import picture
from pcnmap.model import coverage
from pcnmap.model.place import Place
from pcnmap.model.places import short_label
from pcnmap.views.parts import Figure
from pcnmap.views.shared import entitlements, networks_beyond, shared_note
from pcnmap.views.source import SnapshotData


@dataclass(frozen=True)
class OverviewView:
    """What the Overview shows for one place.

    Attributes:
        title: The heading, naming the place.
        figures: Six headline figures, in two rows of three.
        summary: The patients and the practices with no list, in words.
        shared: The place's networks with members outside it too.
        picture: The place's commissioners as an inline SVG, each named on hover.
    """

    title: str
    figures: tuple[Figure, ...]
    summary: str
    shared: str
    picture: str


def overview(data: SnapshotData, place: Place) -> OverviewView:
    """The headline figures of ``place``: its practices (by their own
    commissioner), the networks with a member in it, its patients."""
    practices = data.practices
    mine = place.practices(practices)
    network_codes = place.network_codes(practices)
    patients = float(mine[c.REGISTERED].sum())
    in_network = float(mine.loc[mine[c.NETWORK_CODE].notna(), c.REGISTERED].sum())
    gaps = coverage.practices_in_no_network(mine)
    crossing = data.remember(("cross_commissioner",), lambda: coverage.cross_commissioner_networks(
        practices, data.networks))
    crossing = crossing[crossing[c.CROSSES_COMMISSIONERS]
                        & crossing[c.NETWORK_CODE].isin(network_codes)]
    money = entitlements(data)
    total = float(money.networks.loc[money.networks[c.NETWORK_CODE].isin(network_codes),
                                     c.TOTAL].sum())
    share = in_network / patients if patients else 0.0
    title = ("England's Primary Care Networks" if place.is_england
             else f"Primary Care Networks: {place.name}")
    outlines = place.areas(data.national_commissioners, practices, c.COMMISSIONER_CODE)
    labels = data.labels
    named = outlines.assign(label=[short_label(labels.get(code, code), code)
                                   for code in outlines[c.COMMISSIONER_CODE]])
    return OverviewView(
        title=title,
        figures=(
            Figure("GP practices", f"{len(mine):,}", len(mine)),
            Figure("Networks", f"{len(network_codes):,}", len(network_codes),
                   codes=frozenset(network_codes)),
            Figure("Patients in a network", f"{share:.1%}", share, additive=False),
            Figure("Practices with patients in no network", f"{len(gaps):,}", len(gaps),
                   help=f"{gaps[c.REGISTERED].sum():,.0f} registered patients"),
            Figure("Networks crossing commissioners", f"{len(crossing):,}", len(crossing),
                   codes=frozenset(crossing[c.NETWORK_CODE])),
            Figure(f"Network entitlements {money.year}", f"£{total / 1e6:,.1f}m", total,
                   help="All streams of the networks with a member here, the additional "
                        "roles ceiling included; see Funding.",
                   codes=frozenset(network_codes))),
        summary=(f"{patients:,.0f} registered patients. "
                 f"{int(mine[c.REGISTERED].isna().sum()):,} practices have no list size in "
                 "the source files (see Data quality)."),
        shared=shared_note(place, networks_beyond(place, practices), data.info),
        picture=data.remember(("picture", place.key), lambda: picture.outline_svg(
            named, "label", description=f"Map of the commissioners of {place.name}")))
