"""Figures as people read them: list sources with dates, whole patients,
pounds, headings in words, and CSVs without float noise."""

from __future__ import annotations

import pandas as pd

from pcnmap import store
from pcnmap.model import figures


def test_each_snapshots_list_is_named_with_its_date() -> None:
    found = {key: figures.list_source(store.read_table(store.DATA_DIR, key, "practices")[
        "registered_source"]) for key in ("2023-01", "2024-10", "2026-07")}
    assert found["2023-01"].average
    assert found["2023-01"].patients_label == (
        "Average patients (2022-23 average of quarterly lists, NHS Payments)")
    assert found["2024-10"] == figures.ListSource("1 April 2025", False)
    assert found["2026-07"].patients_label == "Patients (1 July 2026)"


def test_quarterly_averages_are_shown_whole() -> None:
    networks = store.read_table(store.DATA_DIR, "2023-01", "networks").set_index("network_code")
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    fractional = practices.loc[practices["registered"] % 1 != 0, "registered"]
    assert len(fractional) > 1000  # averages of four quarters: .25, .5, .75
    assert figures.whole(networks.at["U34632", "registered"]) == "29,664"
    assert figures.whole(10095.5) == "10,096" and figures.whole(float("nan")) == "–"
    assert figures.pounds(973501.7010202006) == "£973,502"
    assert figures.pounds(2.345, pence=True) == "£2.35"


def test_csv_figures_carry_no_float_noise() -> None:
    frame = pd.DataFrame({"network_name": ["A"], "registered": [10095.5],
                          "Total (£)": [973501.7010202006], "£ per patient": [1.23456],
                          "area_km2": [0.1 + 0.2], "members": [3]})
    rounded = figures.rounded(frame)
    assert rounded.loc[0, "registered"] == 10096 and str(rounded["registered"].dtype) == "Int64"
    assert rounded.loc[0, "Total (£)"] == 973501.70
    assert rounded.loc[0, "£ per patient"] == 1.23
    assert repr(rounded.loc[0, "area_km2"]) == "0.3" or rounded.loc[0, "area_km2"] == 0.3
    assert rounded.loc[0, "members"] == 3
    assert "973501.7010202006" not in rounded.to_csv(index=False)


def test_headings_are_words() -> None:
    frame = pd.DataFrame(columns=["practice_code", "per_patient", "in_network", "registered"])
    assert list(figures.human(frame, hide=("in_network",)).columns) == [
        "Practice code", "£ per patient", "Patients"]
    assert figures.header("uncovered_lsoas") == "Uncovered lsoas"
    assert figures.is_patients("Patients (2022/23 funding list)")
    assert not figures.is_patients("£ per patient") and figures.is_money("Total (£)")
