"""Funding arithmetic on a real network, checked against values worked by hand.

Bridgedale South Ribble PCN (U34632) has three members in every snapshot:
P81082 and P81083 (Chorley and South Ribble) and P81185 (Greater Preston).
Their list sizes below are copied from the extract's rows of each file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import funding, store

NETWORK = "U34632"


@pytest.fixture(scope="module")
def book() -> funding.RateBook:
    return funding.load_rates()


@pytest.fixture(scope="module")
def lists(built_extract: Path) -> pd.DataFrame:
    return pd.read_parquet(built_extract / "funding_lists.parquet")


def entitlement(built_extract, lists, book, snapshot, year, **kwargs) -> pd.Series:
    practices = store.read_table(built_extract, snapshot, "practices")
    table = funding.network_entitlements(practices, lists, book, year, **kwargs)
    return table.set_index("network_code").loc[NETWORK]


def test_rates_file_has_a_source_for_every_figure(book) -> None:
    assert len(book.rates) >= 20
    for rate in book.rates:
        assert rate.source in book.documents and book.documents[rate.source]
        assert rate.status in {"sourced", "unverified"}
    for year in book.years:
        assert year in book.years and book.years[year].list_note
        streams = {r.stream for r in book.for_year(year)}
        assert {"core", "clinical_director", "arrs"} <= streams


def test_months_active_pro_rata() -> None:
    assert funding.months_active("2019/20", dt.date(2019, 7, 1), None) == 9
    assert funding.months_active("2022/23", None, dt.date(2022, 9, 30)) == 6
    assert funding.months_active("2022/23", dt.date(2022, 10, 1), None) == 6
    assert funding.months_active("2020/21", dt.date(2020, 10, 1), None) == 6
    assert funding.months_active("2023/24", None, None) == 12
    assert funding.months_active("2023/24", None, dt.date(2022, 9, 30)) == 0


def test_2019_20_streams_by_hand(built_extract, lists, book) -> None:
    got = entitlement(built_extract, lists, book, "2019-12", "2019/20")
    # NHS Payments 2019-20 registered: 10,293.75 + 8,442.25 + 11,303.5
    registered = 30_039.5
    assert got["registered"] == pytest.approx(registered)
    assert got["core"] == pytest.approx(1.50 * registered * 9 / 12)  # from July: 33,794.44
    assert got["core"] == pytest.approx(33_794.4375)
    assert got["clinical_director"] == pytest.approx(0.514 * registered)  # a period amount
    assert got["extended_hours"] == pytest.approx(32_667.95625)  # 1.45 x list x 9/12
    # One pharmacist (up to £37,810) and one link worker (up to £34,113), 9 months.
    assert got["arrs"] == pytest.approx((37_810 + 34_113) * 9 / 12)
    assert got["enhanced_access"] == 0 and got["care_home"] == 0
    assert got["total"] == pytest.approx(135_844.94675)
    assert got["registered_list"] == "payments-2019-20"


def test_2022_23_switch_from_extended_hours_to_enhanced_access(built_extract, lists,
                                                                book) -> None:
    got = entitlement(built_extract, lists, book, "2022-04", "2022/23")
    # Registered 1 January 2022: 10,093 + 8,649 + 11,014
    assert got["registered"] == 29_756
    # Weighted, NHS Payments 2021-22: 10,438.54 + 8,894.55 + 10,764.48
    assert got["weighted"] == pytest.approx(30_097.57)
    assert got["core"] == pytest.approx(44_634.0)
    assert got["clinical_director"] == pytest.approx(21_900.416)  # 0.736 x 29,756
    assert got["extended_hours"] == pytest.approx(21_424.32)  # 1.44 x 29,756 x 6/12
    assert got["enhanced_access"] == pytest.approx(114_039.69273)  # 7.578 x weighted x 6/12


def test_2023_24_additional_roles_share(built_extract, lists, book, extract) -> None:
    got = entitlement(built_extract, lists, book, "2023-01", "2023/24")
    weighted = 10_477.52 + 8_886.23 + 10_757.76  # NHS Payments 2022-23
    assert got["weighted"] == pytest.approx(weighted)
    raw = pd.read_csv(extract / "list_sizes/nhs-payments-gp-2022-23_list-sizes.csv")
    england = raw["Number of Weighted Patients (Last Known Figure)"].sum()
    assert got["arrs"] == pytest.approx(1_412_000_000 * weighted / england)
    assert got["enhanced_access"] == pytest.approx(7.578 * weighted)
    assert got["clinical_director"] == pytest.approx(0.729 * 29_664.0)


def test_care_home_beds_are_an_input(built_extract, lists, book) -> None:
    without = entitlement(built_extract, lists, book, "2019-12", "2020/21")
    with_beds = entitlement(built_extract, lists, book, "2019-12", "2020/21",
                            care_home_beds={NETWORK: 50})
    assert without["care_home"] == 0
    assert with_beds["care_home"] == pytest.approx(120 * 50 * 6 / 12)  # from October 2020
    assert with_beds["total"] - without["total"] == pytest.approx(3_000)


def test_participation_payment_goes_to_practices(built_extract, lists, book) -> None:
    practices = store.read_table(built_extract, "2019-12", "practices")
    payments = funding.participation_payments(practices, lists, book, "2019/20").set_index(
        "practice_code")
    assert payments.loc["P81082", "participation"] == pytest.approx(1.761 * 10_547.94 * 9 / 12)
    assert "participation" not in funding.network_entitlements(
        practices, lists, book, "2019/20").columns
    averages = funding.average_participation(payments.reset_index()).set_index(
        "commissioner_code")
    assert averages.loc["England", "average"] == pytest.approx(payments["participation"].mean())
    assert (averages["reported_average"] == 14_000).all()


def test_bad_rates_file_names_the_entry(tmp_path) -> None:
    text = funding.RATES_FILE.read_text().replace('basis = "per_bed"', 'basis = "per_cot"', 1)
    path = tmp_path / "rates.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"rates.toml: \[\[rate\]\] entry \d+ \(care_home\)"):
        funding.load_rates(path)
