"""The funding model applies the rates file and nothing else.

List sizes here are the real extract's rows for Bridgedale South Ribble PCN
(U34632); hand-worked figures that depend on England's totals are in
tests/national/test_funding_national.py.
"""

from __future__ import annotations

import datetime as dt
import re
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


def test_every_figure_has_a_source_and_a_status(book) -> None:
    assert len(book.rates) >= 50
    for rate in book.rates:
        assert book.documents[rate.source]
        assert rate.status in {"sourced", "unverified"}
    for year, chosen in book.years.items():
        assert chosen.list_note
        assert {chosen.registered_list, chosen.weighted_list} <= set(book.lists)
        assert book.for_year(year), year  # every declared year pays something
    assert sorted(book.years) == [f"{y}/{(y + 1) % 100:02d}" for y in range(2019, 2027)]


def test_the_funding_code_names_no_stream_and_no_year(book) -> None:
    """A new stream or year is an entry in the rates file, never code."""
    code = Path(funding.__file__).read_text()
    for key in book.streams:
        assert not re.search(rf"[\"']{key}[\"']", code), key
    assert not re.search(r"20\d\d/\d\d", code)


def test_months_active_pro_rata() -> None:
    assert funding.months_active("2019/20", dt.date(2019, 7, 1), None) == 9
    assert funding.months_active("2022/23", None, dt.date(2022, 9, 30)) == 6
    assert funding.months_active("2022/23", dt.date(2022, 10, 1), None) == 6
    assert funding.months_active("2023/24", None, None) == 12
    assert funding.months_active("2023/24", None, dt.date(2022, 9, 30)) == 0


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


def test_a_bad_rates_file_names_the_entry(tmp_path) -> None:
    text = funding.RATES_FILE.read_text().replace('basis = "per_bed"', 'basis = "per_cot"', 1)
    path = tmp_path / "rates.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"rates.toml: \[\[rate\]\] entry \d+ \(care_home\)"):
        funding.load_rates(path)
    text = funding.RATES_FILE.read_text().replace('stream = "iif"', 'stream = "iff"', 1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"\(iff\): stream is not one of \[streams\]"):
        funding.load_rates(path)
