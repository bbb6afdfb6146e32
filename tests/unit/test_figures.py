"""Figures as people read them: list sources with dates, whole patients,
pounds, headings in words, and CSVs without float noise."""

from __future__ import annotations

import pandas as pd

from pcnmap.model import figures


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


def test_patients_are_whole_and_pounds_rounded() -> None:
    assert figures.whole(29_663.75) == "29,664"  # a 2022-23 average of four quarters
    assert figures.whole(10095.5) == "10,096" and figures.whole(float("nan")) == "–"
    assert figures.pounds(973501.7010202006) == "£973,502"
    assert figures.pounds(2.345, pence=True) == "£2.35"
