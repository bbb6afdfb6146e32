"""The Cross-commissioner networks page for one place: networks whose member
practices belong to more than one commissioner, each side of each, and the
members whose commissioner differs from their network's."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.maps import colours, elements, layerdata
from pcnmap.model import coverage
from pcnmap.model.place import Place
from pcnmap.model.places import short_label
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.shared import networks_beyond, shared_note
from pcnmap.views.source import SnapshotData
from pcnmap.words import named, plural

MEMBERS_OF = Column("member_labels", "Its members' commissioners")
HOME = Column("home_label", "Its commissioner (most patients)")
NETWORK_NAMED = Column("network_named", "Network")
HOME_SIDE = Column("home_side", "Its commissioner's side", Kind.FLAG)
MEMBERS_NAMED = Column("members_named", "Member practices")


@dataclass(frozen=True)
class CrossCommissionerView:
    """What the page shows for one place.

    Attributes:
        title: The heading, naming the place.
        figure: Networks with members under two or more commissioners.
        judged: How crossing is judged (against ePCN's flag where it has one).
        disagreements: ePCN's flag against the members' codes, in words ("" none).
        shared: The place's networks with members outside it too.
        crossing: Every crossing network of the place (and those ePCN flags).
        outside: Members whose commissioner differs from their network's.
        spanning: The crossing networks to choose from, code -> "name (code)".
    """

    title: str
    figure: Figure
    judged: str
    disagreements: str
    shared: str
    crossing: Table
    outside: Table
    spanning: dict[str, str]


def cross_commissioner(data: SnapshotData, place: Place) -> CrossCommissionerView:
    """The page for ``place``: networks with a member in it that cross."""
    practices, networks, info = data.practices, data.networks, data.info
    every = data.remember(("cross_commissioner",), lambda: coverage.cross_commissioner_networks(
        practices, networks))
    crossing = place.networks(every, practices)
    spanning = crossing[crossing[c.CROSSES_COMMISSIONERS]]
    disagree = crossing[crossing[c.AGREES_WITH_EPCN].eq(False)]
    labels = data.labels
    names = dict(zip(networks[c.NETWORK_CODE], networks[c.NETWORK_NAME], strict=True))
    if crossing[c.EPCN_CROSS_COMMISSIONER].isna().all():
        judged = (f"Judged from each member practice's own {info.commissioner_word} code. "
                  "This snapshot's memberships file carries no match flag to set beside it.")
    else:
        judged = (f"Judged from each member practice's own {info.commissioner_word} code "
                  "(ODS), and set beside the ePCN workbook's match flag.")
    said = ""
    if len(disagree):
        said = (f"ePCN's flag and the members' codes disagree for "
                f"{plural(len(disagree), 'network')}: "
                + ", ".join(named(code, names) for code in disagree[c.NETWORK_CODE]) + ".")
    outside = place.networks(coverage.practices_outside_network_commissioner(practices),
                             practices)
    file = f"{data.key}-{place.file_part}"
    return CrossCommissionerView(
        title=f"Networks crossing {info.commissioner_word} boundaries: {place.name}",
        figure=Figure(f"Networks with members in two or more {info.commissioner_plural}",
                      f"{len(spanning):,}", len(spanning),
                      codes=frozenset(spanning[c.NETWORK_CODE])),
        judged=judged, disagreements=said,
        shared=shared_note(place, networks_beyond(place, practices), info),
        crossing=table(crossing.assign(**{
            MEMBERS_OF: [_labelled(text, labels) for text in crossing[c.MEMBER_COMMISSIONERS]],
            HOME: crossing[c.COMMISSIONER_CODE].map(labels)}),
            (c.NETWORK_NAME, MEMBERS_OF, HOME, c.MEMBER_COUNT, c.REGISTERED,
             c.EPCN_CROSS_COMMISSIONER, c.AGREES_WITH_EPCN, c.NETWORK_CODE),
            key=c.NETWORK_CODE, file_name=f"pcnmap-cross-commissioner-{file}.csv"),
        outside=table(outside.assign(**{
            c.COMMISSIONER_LABEL: outside[c.COMMISSIONER_CODE].map(labels),
            NETWORK_NAMED: [named(code, names) for code in outside[c.NETWORK_CODE]],
            HOME: outside[c.NETWORK_COMMISSIONER_CODE].map(labels)}),
            (c.PRACTICE_NAME, c.PRACTICE_CODE, c.COMMISSIONER_LABEL, NETWORK_NAMED, HOME,
             c.REGISTERED, c.NETWORK_CODE), key=c.NETWORK_CODE,
            file_name=f"pcnmap-practices-outside-commissioner-{file}.csv"),
        spanning={code: named(code, names) for code in spanning[c.NETWORK_CODE]})


def _labelled(text: object, labels: dict[str, str]) -> str:
    """"00X, 01E" as the commissioners' labels, one after another."""
    if not isinstance(text, str):
        return ""
    return "; ".join(labels.get(code.strip(), code.strip()) for code in text.split(","))


def sides(data: SnapshotData, network_code: str) -> Table:
    """One crossing network's members and patients on each commissioner's side."""
    every = data.remember(("cross_commissioner_sides",), lambda: coverage.cross_commissioner_sides(
        data.practices, data.networks))
    mine = every[every[c.NETWORK_CODE] == network_code]
    names = data.practice_names().to_dict()
    return table(mine.assign(**{
        c.COMMISSIONER_LABEL: mine[c.COMMISSIONER_CODE].map(data.labels),
        MEMBERS_NAMED: ["; ".join(named(code.strip(), names) for code in text.split(","))
                        for text in mine["member_codes"]]}),
        (c.COMMISSIONER_LABEL, c.PRACTICES, c.PATIENTS, HOME_SIDE, MEMBERS_NAMED,
         c.COMMISSIONER_CODE), key=c.COMMISSIONER_CODE,
        file_name=f"pcnmap-cross-commissioner-sides-{data.key}-{network_code}.csv")


def outlines_named(data: SnapshotData, codes: list[str]) -> pd.DataFrame:
    """The commissioners' outlines of ``codes``, each named as people know it."""
    outlines = data.commissioners
    outlines = outlines[outlines[c.COMMISSIONER_CODE].isin(codes)].copy()
    outlines[c.COMMISSIONER_NAME] = outlines[c.COMMISSIONER_CODE].map(
        lambda code: short_label(data.labels.get(code, code), code))
    return outlines


@dataclass(frozen=True)
class CrossMap:
    """One crossing network's map: its members each in their own
    commissioner's colour, over those commissioners' outlines in the same
    colours, each named, and the network's indicative boundary.

    Attributes:
        name: The map's name for a screen reader, naming the network.
        caption: What the colours mean, in words.
        bounds: The view (minx, miny, maxx, maxy), None when nothing is placed.
        key: The map's widget key (one map per snapshot, network and method).
    """

    name: str
    caption: str
    bounds: tuple[float, float, float, float] | None
    key: str
    word: str
    boundary: gpd.GeoDataFrame
    outlines: pd.DataFrame
    members: pd.DataFrame
    colours: dict[str, str]

    def layers(self) -> list:
        """The map's layers with their legend rows, made anew for each map
        (an element belongs to the one map it is added to)."""
        drawn: list = []
        if len(self.boundary):
            drawn.append(elements.network_layer(
                self.boundary, {code: colours.NO_NETWORK_COLOUR
                                for code in self.boundary[c.NETWORK_CODE]},
                "Network (indicative)", label="The network's indicative boundary"))
        for code, outline in self.outlines.groupby(c.COMMISSIONER_CODE):
            colour = self.colours.get(code, "#222222")
            name = outline[c.COMMISSIONER_NAME].iloc[0]
            drawn.append(elements.commissioner_layer(outline, name, colour=colour,
                                                     label=f"{name}: outline"))
            drawn.append(elements.commissioner_labels(
                layerdata.commissioner_label_rows(outline, self.bounds), f"{name}: name",
                colour))
        drawn.append(elements.grouped_practice_layer(self.members, "commissioner",
                                                     self.colours, "Member practices",
                                                     self.word))
        return drawn


def cross_map(data: SnapshotData, network_code: str, method: str) -> CrossMap:
    """The map of one crossing network (its sides from :func:`sides`)."""
    word, plural_word = data.info.commissioner_word, data.info.commissioner_plural
    side_codes = list(sides(data, network_code).frame[c.COMMISSIONER_CODE])
    outlines = outlines_named(data, side_codes)
    members = data.practices[data.practices[c.NETWORK_CODE] == network_code]
    members = members.assign(**{c.COMMISSIONER_NAME: members[c.COMMISSIONER_CODE].map(
        dict(zip(outlines[c.COMMISSIONER_CODE], outlines[c.COMMISSIONER_NAME], strict=True)))})
    boundary = data.network_boundaries
    boundary = boundary[(boundary[c.METHOD] == method)
                        & (boundary[c.NETWORK_CODE] == network_code)]
    network_name = data.networks.set_index(c.NETWORK_CODE)[c.NETWORK_NAME].get(
        network_code, network_code)
    return CrossMap(
        name=f"Map of {network_name}'s member practices, each in its own {word}'s colour",
        caption=(f"Each member practice is drawn in its own {word}'s colour, the "
                 f"{plural_word}' outlines in the same colours, each named."),
        bounds=layerdata.view_around(boundary, members),
        key=f"cross-map-{data.key}-{network_code}-{method}",
        word=word, boundary=boundary, outlines=outlines, members=members,
        colours=colours.side_colours(list(members[c.COMMISSIONER_CODE].dropna().unique())))
