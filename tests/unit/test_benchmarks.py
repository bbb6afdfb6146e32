"""Benchmarks on small frames: medians, deciles, rurality and age profiles."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pcnmap.model import benchmarks, funding


def test_spread_gives_median_deciles_and_the_values_decile() -> None:
    values = pd.Series(range(1, 101), dtype=float)  # 1..100
    low = benchmarks.spread(values, 1.0)
    assert low.median == 50.5 and low.decile == 1 and low.count == 100
    assert low.low == pytest.approx(10.9) and low.high == pytest.approx(90.1)
    assert benchmarks.spread(values, 100.0).decile == 10
    assert benchmarks.spread(values, 55.0).decile == 6  # 54 of 100 lie below
    missing = benchmarks.spread(pd.Series([1.0, None, 3.0]), 2.0)
    assert missing.count == 2 and missing.median == 2.0
    nothing = benchmarks.spread(pd.Series([], dtype=float), 2.0)
    assert nothing.decile == 0 and math.isnan(nothing.median)


def networks() -> pd.DataFrame:
    return pd.DataFrame({
        "network_code": ["U1", "U2", "U3", "U4", "U5"],
        "commissioner_code": ["00X", "00X", "00X", "00Y", "00Y"],
        "registered": [20_000.0, 40_000.0, 60_000.0, 30_000.0, 50_000.0],
        "member_count": [2, 4, 6, 3, 5]})


def test_a_network_is_set_against_its_commissioner_and_england() -> None:
    funding = pd.DataFrame({"network_code": ["U1", "U2", "U3", "U4", "U5"],
                            "per_patient": [40.0, 41.0, 42.0, 43.0, 44.0]})
    measures = benchmarks.benchmark_measures(networks(), funding)
    found = benchmarks.network_benchmarks(measures, "U3")
    assert found.commissioner_code == "00X"
    registered, per_patient, members = found.rows
    assert registered.network == 60_000 and registered.commissioner.median == 40_000
    assert registered.commissioner.count == 3 and registered.england.count == 5
    # Four of the five lie below it: eight tenths, its 9th decile.
    assert registered.england.median == 40_000 and registered.england.decile == 9
    assert per_patient.label == "£ per patient" and per_patient.england.median == 42.0
    assert members.commissioner.decile == 7  # two of three below
    table = found.table()
    assert list(table["Measure"]) == ["Registered patients", "£ per patient",
                                      "Member practices"]
    assert list(table["This network"]) == ["60,000", "£42.00", "6"]
    assert table.at[0, "Commissioner: median (10th–90th)"] == "40,000 (24,000–56,000)"
    assert list(table["Decile (England)"]) == ["9", "5", "9"]  # 42: two of five below
    with pytest.raises(KeyError):
        benchmarks.network_benchmarks(measures, "U9")


def test_rurality_counts_the_practices_flags_and_the_areas_classes() -> None:
    members = pd.DataFrame({"practice_code": ["P1", "P2", "P3"],
                            "rurality": pd.array(["Rural", "Urban", None], dtype="string")})
    lsoa_networks = pd.DataFrame({"lsoa_code": ["E1", "E2", "E3", "E4"],
                                  "network_code": ["U1", "U1", "U2", "U1"],
                                  "catchment_network_code": ["U1", "U2", "U2", "U2"]})
    rurality = pd.DataFrame({"lsoa_code": ["E1", "E2", "E3"],
                             "rural_urban_class": ["Urban: Nearer", "Smaller rural", "Urban"]})
    by_lsoa = benchmarks.network_rurality(members, lsoa_networks, rurality, "U1", "lsoa")
    assert by_lsoa.practices == {"Rural": 1, "Urban": 1, "not recorded": 1}
    assert dict(zip(by_lsoa.areas["rural_urban_class"], by_lsoa.areas["lsoas"],
                    strict=True)) == {"Urban: Nearer": 1, "Smaller rural": 1, "not recorded": 1}
    assert by_lsoa.areas["share"].sum() == pytest.approx(1.0, abs=0.01)
    by_catchment = benchmarks.network_rurality(members, lsoa_networks, rurality, "U1",
                                               "catchment")
    assert by_catchment.areas["lsoas"].tolist() == [1]


def test_age_profile_sums_the_members_bands_youngest_first() -> None:
    bands = pd.DataFrame({"practice_code": ["P1", "P1", "P1", "P2", "P3"],
                          "age_band": ["10_14", "0_4", "95+", "0_4", "0_4"],
                          "registered": [5.0, 10.0, 1.0, 20.0, 99.0]})
    profile = benchmarks.age_profile(bands, ["P1", "P2"])
    assert profile["age_band"].tolist() == ["0–4", "10–14", "95+"]
    assert profile["registered"].tolist() == [30.0, 5.0, 1.0]
    assert benchmarks.age_profile(bands, ["P9"]).empty


def test_fundings_per_patient_figure_is_the_one_benchmark_type() -> None:
    table = pd.DataFrame({"network_code": ["U1", "U2", "U3"],
                          "commissioner_code": ["00X", "00X", "01E"],
                          "per_patient": [2.0, 4.0, 9.0]})
    money = funding.NetworkFunding("2024/25", None, (), frozenset(), table, 0.0, 0.0)
    mark = funding.per_patient_benchmarks(money, "U1")
    assert isinstance(mark, benchmarks.Benchmark)
    assert (mark.network, mark.commissioner_median, mark.england_median) == (2.0, 3.0, 4.0)
    assert mark.label == "£ per patient" and mark.england.decile == 1
    assert funding.per_patient_benchmarks(money, "U9") is None
