"""Funding worked by hand for one real network, and England's totals set
beside the national amounts NHS England, DHSC and the BMA published.

Bridgedale South Ribble PCN (U34632): P81082, P81083 and P81185 until 2023,
joined by P81179 and P81687 (from South Ribble Medical Group PCN, which
closed) by October 2024. Their lists below are copied from the official
files; England's totals come from the shipped lists.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import funding

DATA = Path(__file__).resolve().parents[2] / "data"
NETWORK = "U34632"
pytestmark = pytest.mark.national


@pytest.fixture(scope="module")
def book() -> funding.RateBook:
    return funding.load_rates()


@pytest.fixture(scope="module")
def lists() -> pd.DataFrame:
    return store.read_root_table(DATA, "funding_lists")


def england(lists: pd.DataFrame, name: str) -> tuple[float, float]:
    chosen = lists[lists["list_name"] == name]
    return chosen["registered"].sum(), chosen["weighted"].sum()


def network(book, lists, snapshot: str, year: str) -> pd.Series:
    practices = store.read_table(DATA, snapshot, "practices")
    result = funding.network_funding(practices, lists, book, year)
    return result.networks.set_index("network_code").loc[NETWORK]


def test_2020_21_by_hand(book, lists) -> None:
    got = network(book, lists, "2019-12", "2020/21")
    # NHS Payments 2019-20 (the nearest list to 1 January 2020)
    registered = 10_293.75 + 8_442.25 + 11_303.5
    weighted = 10_547.94 + 8_771.92 + 10_870.04
    _, england_weighted = england(lists, "payments-2019-20")
    assert (got["registered"], got["weighted"]) == pytest.approx((registered, weighted))
    assert got["core"] == pytest.approx(1.50 * registered)
    assert got["clinical_director"] == pytest.approx(0.722 * registered)
    assert got["extended_hours"] == pytest.approx(1.45 * registered)
    assert got["support"] == pytest.approx(0.27 * weighted)  # April-September 2020
    assert got["iif"] == pytest.approx(24_250_000 * weighted / england_weighted)
    assert got["arrs"] == pytest.approx(430_000_000 * weighted / england_weighted)
    assert got["care_home"] == 0
    assert got["total"] == pytest.approx(345_825.13, abs=0.01)


def test_2022_23_by_hand(book, lists) -> None:
    got = network(book, lists, "2022-04", "2022/23")
    registered = 10_093 + 8_649 + 11_014  # 1 January 2022
    weighted = 10_438.54 + 8_894.55 + 10_764.48  # NHS Payments 2021-22
    england_registered = lists.loc[lists["list_name"] == "registered-2022-01-01",
                                   "registered"].sum()
    _, england_weighted = england(lists, "payments-2021-22")
    adjusted = weighted * england_registered / england_weighted
    assert got["adjusted"] == pytest.approx(adjusted)
    assert got["core"] == pytest.approx(1.50 * registered)
    assert got["clinical_director"] == pytest.approx(0.722 * registered)
    assert got["leadership"] == pytest.approx(0.699 * adjusted)
    assert got["extended_hours"] == pytest.approx(0.720 * registered)  # to September
    assert got["enhanced_access"] == pytest.approx(3.764 * adjusted)  # from October
    assert got["capacity_support"] == pytest.approx(37_000_000 * weighted / england_weighted)
    assert got["iif"] == pytest.approx(188_000_000 * weighted / england_weighted)
    assert got["arrs"] == pytest.approx(1_026_000_000 * weighted / england_weighted)


def test_2024_25_by_hand(book, lists) -> None:
    """Core PCN funding now absorbs the clinical director and leadership money."""
    got = network(book, lists, "2024-10", "2024/25")
    # NHS Payments 2022-23 (no 1 January 2024 list is in the data)
    registered = 10_095.5 + 8_627.75 + 5_595 + 10_940.75 + 1_959.75
    weighted = 10_477.52 + 8_886.23 + 5_569.15 + 10_757.76 + 2_084.97
    england_registered, england_weighted = england(lists, "payments-2022-23")
    adjusted = weighted * england_registered / england_weighted
    assert got["members"] == 5
    assert got["core"] == pytest.approx(2.218 * registered + 0.698 * adjusted)
    assert got["enhanced_access"] == pytest.approx(7.674 * adjusted)
    assert got["capacity_support"] == pytest.approx(3.248 * adjusted)
    assert got["capacity_improvement"] == pytest.approx(87_600_000 * weighted / england_weighted)
    assert got["iif"] == pytest.approx(13_000_000 * weighted / england_weighted)
    assert got["arrs"] == pytest.approx(22.894 * weighted + 1.303 * weighted)
    assert "clinical_director" not in got.index and "leadership" not in got.index
    assert got["due"] == pytest.approx(got["core"] + got["enhanced_access"]
                                       + got["capacity_support"])


def test_2026_27_by_hand_with_estimated_weighted_lists(book, lists) -> None:
    got = network(book, lists, "2026-07", "2026/27")
    registered = {"P81082": 11_063, "P81083": 8_679, "P81179": 6_819, "P81185": 10_550,
                  "P81687": 2_091}  # 1 July 2026
    # Each weighted list: the July 2026 list times the 2022-23 ratio.
    ratios = {"P81082": 10_477.52 / 10_095.5, "P81083": 8_886.23 / 8_627.75,
              "P81179": 5_569.15 / 5_595, "P81185": 10_757.76 / 10_940.75,
              "P81687": 2_084.97 / 1_959.75}
    weighted = sum(registered[p] * ratios[p] for p in registered)
    table = funding.year_lists(lists, book, "2026/27")
    england_registered, england_weighted = table["registered"].sum(), table["weighted"].sum()
    adjusted = weighted * england_registered / england_weighted
    assert got["estimated"]
    assert got["weighted"] == pytest.approx(weighted)
    assert got["core"] == pytest.approx(2.266 * sum(registered.values()) + 0.733 * adjusted)
    assert got["enhanced_access"] == pytest.approx(8.903 * adjusted)
    assert got["arrs"] == pytest.approx(1_754_000_000 * weighted / england_weighted)
    assert "capacity_support" not in got.index  # left the DES in 2026/27


def england_total(book, lists, snapshot: str, year: str, stream: str) -> float:
    practices = store.read_table(DATA, snapshot, "practices")
    return funding.network_funding(practices, lists, book, year).networks[stream].sum()


def test_2020_21_and_2021_22_totals_match_the_published_national_amounts(book, lists) -> None:
    """England's sums over the networks of the nearest membership (December
    2019) set beside the national amounts found: NHS England's IIF page
    (£16.25m PCN support payment, £24.25m IIF in 2020/21; £150m IIF in
    2021/22, of which £62.4m was paid from December 2021 as a PCN support
    payment, leaving £87.6m), the ARRS maxima (£430m, £746m) and the £43m
    leadership payment of October 2021 to March 2022. Practices in no
    network or merged since take the rest (under 2%)."""
    published = {("2020/21", "support"): 16_250_000, ("2020/21", "iif"): 24_250_000,
                 ("2020/21", "arrs"): 430_000_000, ("2021/22", "iif"): 87_600_000,
                 ("2021/22", "support"): 62_400_000,
                 ("2021/22", "arrs"): 746_000_000, ("2021/22", "leadership"): 43_000_000}
    for (year, stream), amount in published.items():
        total = england_total(book, lists, "2019-12", year, stream)
        assert 0.98 < total / amount <= 1.0, (year, stream, total)


def test_2021_22_repurposed_iif_adds_up_to_the_150m(book, lists) -> None:
    """The £62.4m PCN support payment and the £87.6m left in the IIF are the
    £150m IIF of 2021/22 (NHS England), shared the same way, so England's
    two sums are the £150m's share to networks."""
    practices = store.read_table(DATA, "2019-12", "practices")
    result = funding.network_funding(practices, lists, book, "2021/22").networks
    both = result["support"].sum() + result["iif"].sum()
    assert 0.98 < both / 150_000_000 <= 1.0
    assert result["support"].sum() / result["iif"].sum() == pytest.approx(62.4 / 87.6)
    # 2021/22 core is the £1.50 alone: the support payment is its own stream.
    row = result.set_index("network_code").loc[NETWORK]
    assert row["core"] == pytest.approx(1.50 * row["registered"])


def test_2019_20_all_streams_match_dhscs_296m(book, lists) -> None:
    """DHSC put networks' 2019/20 payments (core £1.50, clinical director,
    extended hours and the participation payment) at £296m."""
    practices = store.read_table(DATA, "2019-12", "practices")
    networks = funding.network_funding(practices, lists, book, "2019/20")
    paid = sum(networks.networks[key].sum() for key in
               ("core", "clinical_director", "extended_hours"))
    paid += funding.practice_payments(practices, lists, book, "2019/20")["total"].sum()
    assert paid == pytest.approx(296_000_000, rel=0.03)


def test_core_funding_matches_nhs_englands_91m_for_2022_23(book, lists) -> None:
    total = england_total(book, lists, "2022-04", "2022/23", "core")
    assert total == pytest.approx(91_000_000, rel=0.02)


@pytest.mark.parametrize("snapshot", ["2019-12", "2022-04", "2023-01", "2024-10", "2026-07"])
def test_streams_changes_add_up_to_the_totals_change(book, lists, snapshot) -> None:
    """For every network and every year with a year before, each stream's
    change (streams that ended or began included, at £0 in the year without
    them) adds up to the change in the network's total."""
    practices = store.read_table(DATA, snapshot, "practices")
    results = {year: funding.network_funding(practices, lists, book, year)
               for year in sorted(book.years)}
    checked = 0
    for year, this in results.items():
        previous = book.previous_year(year)
        if previous is None:
            continue
        before = results[previous]
        change = funding.year_on_year(this, before).set_index("network_code")
        streams = {s.key for s in this.streams} | {s.key for s in before.streams}
        assert set(change.columns) == streams | {"total"}
        now = this.networks.set_index("network_code")["total"]
        was = before.networks.set_index("network_code")["total"]
        assert change["total"].to_numpy() == pytest.approx((now - was).to_numpy(), abs=1e-6)
        assert change[sorted(streams)].sum(axis=1).to_numpy() == pytest.approx(
            change["total"].to_numpy(), abs=1e-6), (snapshot, year)
        checked += len(change)
    assert checked > 1_000 * 7
