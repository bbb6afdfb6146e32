"""The funding model on the real extract's lists (Bridgedale South Ribble PCN,
U34632, and its neighbours); hand-worked figures that depend on England's
totals are in tests/national/test_funding_national.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import funding

NETWORK = "U34632"


@pytest.fixture(scope="module")
def book() -> funding.RateBook:
    return funding.load_rates()


@pytest.fixture(scope="module")
def lists(built_extract: Path) -> pd.DataFrame:
    return store.read_root_table(built_extract, "funding_lists")


def test_weighted_lists_are_estimated_from_the_last_known_ratio(lists, book) -> None:
    """2025/26 has no weighted list: each practice's is its registered list of
    April 2025 times its 2022-23 weighted-to-registered ratio."""
    table = funding.year_lists(lists, book, "2025/26").set_index("practice_code")
    known = lists[lists["list_name"] == "payments-2022-23"].set_index("practice_code")
    now = lists[lists["list_name"] == "registered-2025-04-01"].set_index("practice_code")
    riverside = "P81185"
    ratio = known.at[riverside, "weighted"] / known.at[riverside, "registered"]
    assert table.at[riverside, "weighted"] == pytest.approx(now.at[riverside, "registered"] * ratio)
    assert table["weighted_estimated"].all()
    # An uploaded NHS Payments file replaces the estimate.
    given = pd.DataFrame({"practice_code": [riverside], "weighted": [12_345.0]})
    replaced = funding.year_lists(lists, book, "2025/26", given).set_index("practice_code")
    assert replaced.at[riverside, "weighted"] == 12_345.0
    assert not replaced.at[riverside, "weighted_estimated"]
    assert funding.year_lists(lists, book, "2023/24")["weighted_estimated"].eq(False).all()


def test_every_stream_of_a_year_is_a_column_and_up_to_ones_are_not_due(
        built_extract, lists, book) -> None:
    practices = store.read_table(built_extract, "2023-01", "practices")
    result = funding.network_funding(practices, lists, book, "2023/24")
    keys = [stream.key for stream in result.streams]
    assert keys == [s.key for s in book.streams_of("2023/24")]
    assert result.up_to == {"capacity_improvement", "iif", "arrs"}
    row = result.networks.set_index("network_code").loc[NETWORK]
    assert row["total"] == pytest.approx(sum(row[key] for key in keys))
    assert row["due"] == pytest.approx(sum(row[k] for k in keys if k not in result.up_to))
    assert not result.estimated


def test_2019_20_participation_is_a_whole_year(built_extract, lists, book) -> None:
    """The participation payment ran from 1 April 2019 (DHSC, June 2019): about
    £1.76 per weighted patient in 2019/20 as in every later full year."""
    practices = store.read_table(built_extract, "2019-12", "practices")
    for year in ("2019/20", "2020/21", "2023/24"):
        payments = funding.practice_payments(practices, lists, book, year).dropna(
            subset=["weighted"])
        per_weighted = payments["participation"].sum() / payments["weighted"].sum()
        assert per_weighted == pytest.approx(1.76, abs=0.005), year
    payments = funding.practice_payments(practices, lists, book, "2019/20").set_index(
        "practice_code")
    assert payments.loc["P81082", "participation"] == pytest.approx(1.764 * 10_547.94)


def test_care_home_beds_are_an_input(built_extract, lists, book) -> None:
    practices = store.read_table(built_extract, "2019-12", "practices")
    without = funding.network_funding(practices, lists, book, "2020/21").networks.set_index(
        "network_code").loc[NETWORK]
    with_beds = funding.network_funding(practices, lists, book, "2020/21",
                                        care_home_beds={NETWORK: 50}).networks.set_index(
        "network_code").loc[NETWORK]
    assert without["care_home"] == 0
    assert with_beds["care_home"] == pytest.approx(120 * 50 * 6 / 12)  # from October 2020
    assert with_beds["total"] - without["total"] == pytest.approx(3_000)


def test_year_on_year_and_benchmarks(built_extract, lists, book) -> None:
    practices = store.read_table(built_extract, "2023-01", "practices")
    this = funding.network_funding(practices, lists, book, "2023/24")
    before = funding.network_funding(practices, lists, book, book.previous_year("2023/24"))
    change = funding.year_on_year(this, before).set_index("network_code").loc[NETWORK]
    was = before.networks.set_index("network_code").loc[NETWORK]
    now = this.networks.set_index("network_code").loc[NETWORK]
    assert change["total"] == pytest.approx(now["total"] - was["total"])
    assert change["extended_hours"] == pytest.approx(-was["extended_hours"])  # ended 2022
    marks = funding.per_patient_benchmarks(this, NETWORK)
    table = this.networks
    assert marks.network == pytest.approx(now["per_patient"])
    assert marks.england_median == pytest.approx(table["per_patient"].median())
    assert marks.commissioner_median == pytest.approx(table.loc[
        table["commissioner_code"] == now["commissioner_code"], "per_patient"].median())
