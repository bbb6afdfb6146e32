"""The Your own data page for one place: the uploaded files' scenario beside
the shipped snapshot (:mod:`pcnmap.views.comparison`), and the place's
configuration file."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.model import whatif
from pcnmap.model.place import Place
from pcnmap.model.proposal import configuration_table
from pcnmap.views.comparison import Comparison, comparison
from pcnmap.views.plan import current, year_of
from pcnmap.views.source import SnapshotData


def title(place: Place) -> str:
    """The page's heading, naming the place."""
    return f"Your own data: {place.name}"


@dataclass(frozen=True)
class OwnDataView:
    """What Your own data shows of the files, for one place.

    Attributes:
        title: The page's heading, naming the place.
        heading: Above the comparison.
        comparison: The place's figures and networks that change.
        configuration: The files' configuration of the place's practices
            (:func:`pcnmap.model.proposal.configuration_table`).
        configuration_file: Its CSV's name.
    """

    title: str
    heading: str
    comparison: Comparison
    configuration: pd.DataFrame
    configuration_file: str


def placed(after: whatif.Scenario, practices: pd.DataFrame) -> whatif.Scenario:
    """The files' practices with the region and ICB of their commissioner in
    the snapshot (``practices``): a practice belongs to a place by its own
    commissioner and that commissioner's ICB and region, and an uploaded
    epraccur's own groupings are of its date, or missing."""
    levels = practices.dropna(subset=[c.COMMISSIONER_CODE]).drop_duplicates(
        c.COMMISSIONER_CODE).set_index(c.COMMISSIONER_CODE)
    frame = after.practices.copy()
    for column in (c.REGION_CODE, c.STP_CODE):
        own = frame[column] if column in frame else pd.Series(None, index=frame.index,
                                                               dtype=object)
        frame[column] = frame[c.COMMISSIONER_CODE].map(levels[column]).fillna(own)
    return whatif.Scenario(frame, after.networks)


def own_data(data: SnapshotData, place: Place, after: whatif.Scenario, compared: pd.DataFrame,
             as_of: str) -> OwnDataView:
    """The files' scenario (``after``, with England's networks that change,
    ``compared``: :attr:`pcnmap.uploads.Beside.table`) beside the shipped
    snapshot, for ``place``; ``as_of``: the date the memberships hold on."""
    name = place.file_part
    after = placed(after, data.practices)
    return OwnDataView(
        title=title(place),
        heading=f"Your files beside the shipped {data.key} snapshot",
        comparison=comparison(
            data, place, current(data), after, compared, label="in your files",
            year=year_of(data), against="your files",
            file_name=f"pcnmap-own-data-comparison-{data.key}-{name}-{as_of}.csv"),
        configuration=configuration_table(
            after, place.practices(after.practices)[c.PRACTICE_CODE]),
        configuration_file=f"pcnmap-configuration-own-{data.key}-{name}-{as_of}.csv")
