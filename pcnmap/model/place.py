"""A place a person chooses (all of England, an NHS region, an ICB or STP,
a commissioner) and the one rule that selects what belongs to it.

The rule, the same on every page:

* a practice belongs to a place by its own commissioner, and that
  commissioner's ICB (or STP, or NHS England area) and region;
* a network belongs to a place when any of its member practices does (so a
  network with members under two commissioners belongs to both, and a
  place's count of networks is not the sum of its parts': each page says
  how many are shared);
* an area (an LSOA) belongs to a place by its own commissioner;
* a commissioner belongs to a place when its practices do.

A place is of one snapshot: its codes are that snapshot's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import codes
from pcnmap.columns import (
    COMMISSIONER_CODE,
    LSOA_COMMISSIONER_CODE,
    NETWORK_CODE,
    PRACTICE_CODE,
    REGION_CODE,
    STP_CODE,
)

ENGLAND, REGION, AREA, COMMISSIONER = "england", "region", "area", "commissioner"
# The practices' column holding each level's code.
LEVEL_COLUMNS = {REGION: REGION_CODE, AREA: STP_CODE, COMMISSIONER: COMMISSIONER_CODE}


@dataclass(frozen=True)
class Place:
    """All of England, a region, an ICB/STP (``area``) or a commissioner of
    one snapshot, with its name as people know it.

    ``region``, ``area`` and ``commissioner`` are codes (None: all); the
    narrowest set is the place, the others the places holding it.
    """

    snapshot: str
    region: str | None = None
    area: str | None = None
    commissioner: str | None = None
    name: str = "England"

    @property
    def level(self) -> str:
        """``england``, ``region``, ``area`` or ``commissioner``."""
        if self.commissioner:
            return COMMISSIONER
        if self.area:
            return AREA
        return REGION if self.region else ENGLAND

    @property
    def code(self) -> str | None:
        """The place's own code (None for England)."""
        return {COMMISSIONER: self.commissioner, AREA: self.area,
                REGION: self.region}.get(self.level)

    @property
    def is_england(self) -> bool:
        """Whether the place is all of England."""
        return self.level == ENGLAND

    @property
    def file_part(self) -> str:
        """The place in a file name: its code, or "england"."""
        return self.code or "england"

    @property
    def key(self) -> tuple[str, str | None, str | None, str | None]:
        """What the place is, as a cache's key (the name follows from it)."""
        return self.snapshot, self.region, self.area, self.commissioner

    def holds(self, practices: pd.DataFrame) -> pd.Series:
        """Which of ``practices`` belong to the place (by their own codes)."""
        inside = pd.Series(True, index=practices.index)
        for level, column in LEVEL_COLUMNS.items():
            code = getattr(self, level)
            if code:
                inside &= (practices[column] == code).fillna(False).astype(bool)
        return inside

    def practices(self, practices: pd.DataFrame) -> pd.DataFrame:
        """The practices belonging to the place."""
        return practices if self.is_england else practices[self.holds(practices)]

    def network_codes(self, practices: pd.DataFrame) -> set[str]:
        """The networks with a member practice in the place."""
        return set(self.practices(practices)[NETWORK_CODE].dropna())

    def networks(self, frame: pd.DataFrame, practices: pd.DataFrame,
                 column: str = NETWORK_CODE) -> pd.DataFrame:
        """The rows of ``frame`` whose network (``column``) belongs to the place."""
        if self.is_england:
            return frame
        return frame[codes.one_of(frame[column], self.network_codes(practices))]

    def with_whole_networks(self, practices: pd.DataFrame) -> pd.DataFrame:
        """The place's practices and every member of its networks (so a map
        draws each network whole, members elsewhere included)."""
        if self.is_england:
            return practices
        return practices[self.holds(practices) | codes.one_of(
            practices[NETWORK_CODE], self.network_codes(practices))]

    def commissioner_codes(self, practices: pd.DataFrame) -> set[str]:
        """The commissioners whose practices belong to the place."""
        return set(self.practices(practices)[COMMISSIONER_CODE].dropna())

    def areas(self, frame: pd.DataFrame, practices: pd.DataFrame,
              column: str = LSOA_COMMISSIONER_CODE) -> pd.DataFrame:
        """The rows of ``frame`` (LSOAs) whose own commissioner (``column``)
        belongs to the place."""
        if self.is_england:
            return frame
        return frame[codes.one_of(frame[column], self.commissioner_codes(practices))]

    def of_practices(self, frame: pd.DataFrame, practices: pd.DataFrame,
                     column: str = PRACTICE_CODE) -> pd.DataFrame:
        """The rows of ``frame`` whose practice (``column``) belongs to the place."""
        if self.is_england:
            return frame
        return frame[codes.one_of(frame[column], self.practices(practices)[PRACTICE_CODE])]


def parts_of(place: Place, practices: pd.DataFrame) -> list[Place]:
    """The places one level down that make up ``place``: England's regions,
    a region's ICBs (STPs), an ICB's commissioners (none below a
    commissioner). Their names are their codes: the caller names them."""
    inside = place.practices(practices)
    if place.level == COMMISSIONER:
        return []
    if place.level == ENGLAND:
        return [Place(place.snapshot, region=code, name=code)
                for code in sorted(inside[REGION_CODE].dropna().unique())]
    if place.level == REGION:
        return [Place(place.snapshot, region=place.region, area=code, name=code)
                for code in sorted(inside[STP_CODE].dropna().unique())]
    found = inside.dropna(subset=[COMMISSIONER_CODE]).drop_duplicates(COMMISSIONER_CODE)
    return [Place(place.snapshot, region=place.region, area=place.area, commissioner=code,
                  name=code) for code in sorted(found[COMMISSIONER_CODE])]


def settled(practices: pd.DataFrame, region: str | None, area: str | None,
            commissioner: str | None) -> tuple[str | None, str | None, str | None]:
    """Codes that agree: a commissioner sets its own ICB and region, an ICB
    its region; a code the snapshot lacks, or one outside the level above
    it, is dropped (None). Returns (region, area, commissioner)."""
    def where(column: str, code: str | None) -> pd.DataFrame:
        return practices.iloc[0:0] if code is None else practices[practices[column] == code]

    if commissioner is not None:
        own = where(COMMISSIONER_CODE, commissioner)
        if own.empty:
            commissioner = None
        else:
            area = _most(own[STP_CODE])
            region = _most(own[REGION_CODE])
    if commissioner is None and area is not None:
        own = where(STP_CODE, area)
        if own.empty:
            area = None
        else:
            region = _most(own[REGION_CODE])
    if region is not None and where(REGION_CODE, region).empty:
        region = area = commissioner = None
    return region, area, commissioner


def _most(values: pd.Series) -> str | None:
    found = values.dropna()
    return None if found.empty else str(found.mode().iloc[0])
