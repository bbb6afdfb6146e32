"""Every figure true for the place chosen, on the shipped national data: for
every snapshot and ten ICBs chosen at random each run (the seed printed),
each page view's counts for the ICB equal the sum over its Sub-ICB
locations (networks, which can have members in two, as the union of their
sets), England's the sum over its regions; and no row of any table belongs
outside its place."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from pcnmap import columns as c
from pcnmap import store
from pcnmap.model.funding import default_year
from pcnmap.model.methods import DEFAULT
from pcnmap.model.place import Place, parts_of
from pcnmap.model.proposal import Proposal
from pcnmap.views.coverage_gaps import coverage_gaps
from pcnmap.views.cross_commissioner import cross_commissioner
from pcnmap.views.data_quality import data_quality, place_records
from pcnmap.views.funding import funding
from pcnmap.views.overview import overview
from pcnmap.views.parts import Figure, Table
from pcnmap.views.plan import outcome, plan_a_change
from pcnmap.views.source import SnapshotData

pytestmark = pytest.mark.national
DATA = Path(__file__).resolve().parents[2] / "data"
KEYS = store.snapshot_keys(DATA)
SEED = int(os.environ.get("PCNMAP_PLACE_SEED", random.randrange(1_000_000)))
SAMPLE = 10

def _overview(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    return list(overview(data, place).figures), []


def _gaps(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    view = coverage_gaps(data, place, DEFAULT)
    return list(view.figures), list(view.tables.values())


def _crossing(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    view = cross_commissioner(data, place)
    return [view.figure], [view.crossing, view.outside]


def _quality(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    view = data_quality(data, place)
    return [view.figure], [view.findings]


def _funding(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    view = funding(data, place, default_year(data.rates, data.info.financial_years),
                   method=DEFAULT)
    return list(view.figures), [view.table] + ([view.practices.table] if view.practices else [])


def _plan(data: SnapshotData, place: Place) -> tuple[list[Figure], list[Table]]:
    nothing = Proposal()
    view = plan_a_change(data, place, nothing, DEFAULT, outcome(data, nothing, DEFAULT))
    return list(view.comparison.figures), [view.comparison.changes]


# Each view: what it shows for a place, as figures and tables.
VIEWS: dict[str, Callable[[SnapshotData, Place], tuple[list[Figure], list[Table]]]] = {
    "overview": _overview, "coverage gaps": _gaps, "cross-commissioner": _crossing,
    "data quality": _quality, "funding": _funding, "plan a change": _plan}
# What changed compares two snapshots, whose place codes differ (an ICB of
# 2026 was no area of 2019): its sums over Sub-ICB locations and its rows are
# checked by its own rule in tests/national/test_what_changed_national.py.


@pytest.fixture(scope="module", params=KEYS)
def snapshot(request) -> SnapshotData:
    return SnapshotData.from_folder(DATA, request.param)


def shown(data: SnapshotData, place: Place, view: str) -> tuple[list[Figure], list[Table]]:
    return VIEWS[view](data, place)


def check_sums(whole: list[Figure], parts: list[list[Figure]], where: str,
               placeless: frozenset[str] = frozenset()) -> None:
    """A place's figures against its parts': sums, and unions of networks
    (``placeless``: networks with no member practice, which belong to
    England alone)."""
    for index, figure in enumerate(whole):
        of_parts = [figures[index] for figures in parts]
        if figure.codes is not None:
            union = frozenset().union(*(f.codes for f in of_parts))
            assert figure.codes - placeless == union, f"{where}: {figure.label}"
        elif figure.additive and figure.value is not None:
            assert figure.value == pytest.approx(sum(f.value for f in of_parts)), \
                f"{where}: {figure.label}"


def allowed(data: SnapshotData, place: Place) -> dict[str, set[str]]:
    """What may appear as a row's key in a table of ``place``."""
    practices = data.practices
    mine = place.practices(practices)
    lsoas = place.areas(data.lsoa_networks, practices)
    records, _ = place_records(data, place)
    return {c.PRACTICE_CODE: set(mine[c.PRACTICE_CODE]),
            c.NETWORK_CODE: place.network_codes(practices),
            c.COMMISSIONER_CODE: place.commissioner_codes(practices),
            c.LSOA_CODE: set(lsoas[c.LSOA_CODE]), c.RECORD: records}


def check_rows(tables: list[Table], place: Place, data: SnapshotData, where: str) -> None:
    """Every keyed table's rows belong to the place."""
    if place.is_england:
        return
    keys = allowed(data, place)

    for found in tables:
        if found.key is None or str(found.key) not in keys:
            continue
        outside = set(found.frame[found.key].dropna()) - keys[str(found.key)]
        assert not outside, f"{where}: {found.file_name or found.title} holds {sorted(outside)}"


@pytest.mark.parametrize("view", list(VIEWS))
def test_england_is_its_regions_and_each_icb_its_sub_icb_locations(snapshot: SnapshotData,
                                                                   view: str) -> None:
    print(f"place sample seed {SEED} (PCNMAP_PLACE_SEED={SEED} repeats it)")
    practices = snapshot.practices
    england = Place(snapshot.key)
    regions = parts_of(england, practices)
    figures, tables = shown(snapshot, england, view)
    placeless = frozenset(set(snapshot.networks[c.NETWORK_CODE])
                          - set(practices[c.NETWORK_CODE].dropna()))
    check_sums(figures, [shown(snapshot, region, view)[0] for region in regions],
               f"{snapshot.key} England, {view}", placeless)
    icbs = [icb for region in regions for icb in parts_of(region, practices)]
    for icb in random.Random(SEED).sample(icbs, min(SAMPLE, len(icbs))):
        where = f"{snapshot.key} {icb.area}, {view}"
        figures, tables = shown(snapshot, icb, view)
        check_rows(tables, icb, snapshot, where)
        subs = parts_of(icb, practices)
        of_subs = [shown(snapshot, sub, view) for sub in subs]
        check_sums(figures, [found[0] for found in of_subs], where)
        for sub, found in zip(subs, of_subs, strict=True):
            check_rows(found[1], sub, snapshot, f"{where} / {sub.commissioner}")
        # An ICB's own figures are not England's.
        england_figures = shown(snapshot, england, view)[0]
        assert not figures or [f.text for f in figures] != [
            f.text for f in england_figures], where


def test_lancashire_and_south_cumbria_shows_its_own_figures() -> None:
    data = SnapshotData.from_folder(DATA, "2026-07")
    icb = Place("2026-07", region="Y62", area="QE1", name="Lancashire and South Cumbria ICB")
    england = Place("2026-07")
    for view in VIEWS:
        mine, theirs = shown(data, icb, view)[0], shown(data, england, view)[0]
        assert [f.text for f in mine] != [f.text for f in theirs], view
    gaps = coverage_gaps(data, icb, DEFAULT)
    assert gaps.title == "Coverage gaps: Lancashire and South Cumbria ICB"
    listed = set(gaps.tables["unaligned"].frame[c.PRACTICE_CODE])
    assert listed <= set(icb.practices(data.practices)[c.PRACTICE_CODE])
