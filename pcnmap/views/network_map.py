"""What the Network map shows of a place, as tables: the text alternative
of the map for those who cannot see it (the networks drawn and the
practices on it), and the same for anyone who wants the list."""

from __future__ import annotations

from dataclasses import dataclass

from pcnmap import columns as c
from pcnmap.columns import Column
from pcnmap.model.place import Place
from pcnmap.model.places import short_label
from pcnmap.views.parts import Table, table
from pcnmap.views.source import SnapshotData
from pcnmap.words import named

NETWORK_NAMED = Column("network_named", "Its network")


@dataclass(frozen=True)
class MapAsTables:
    """The map's networks and practices, each a table."""

    networks: Table
    practices: Table


def map_as_tables(data: SnapshotData, place: Place) -> MapAsTables:
    """The networks the map draws for ``place`` (those with a member in it)
    and every practice on it (the place's, and its networks' members)."""
    practices = data.practices
    drawn = place.with_whole_networks(practices)
    networks = place.networks(data.networks, practices)
    labels = data.labels
    names = dict(zip(data.networks[c.NETWORK_CODE], data.networks[c.NETWORK_NAME], strict=True))
    shown = networks.assign(**{c.COMMISSIONER_LABEL: [
        short_label(labels.get(code, code), code) for code in networks[c.COMMISSIONER_CODE]]})
    members = drawn.assign(**{
        NETWORK_NAMED: [named(code, names) or "in no network" for code in drawn[c.NETWORK_CODE]],
        c.COMMISSIONER_LABEL: [short_label(labels.get(code, code), code)
                               for code in drawn[c.COMMISSIONER_CODE]]})
    file = f"{data.key}-{place.file_part}"
    return MapAsTables(
        networks=table(shown, (c.NETWORK_NAME, c.REGISTERED, c.MEMBER_COUNT, c.NETWORK_CODE,
                               c.COMMISSIONER_LABEL), key=c.NETWORK_CODE,
                       file_name=f"pcnmap-map-networks-{file}.csv", sort=(c.NETWORK_NAME,)),
        practices=table(members, (c.PRACTICE_NAME, NETWORK_NAMED, c.REGISTERED,
                                  c.PRACTICE_CODE, c.POSTCODE, c.COMMISSIONER_LABEL),
                        key=c.PRACTICE_CODE, file_name=f"pcnmap-map-practices-{file}.csv",
                        sort=(c.PRACTICE_NAME,)))
