"""List sizes: registered monthly, NHS Payments, quinary age and QOF."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline.readers import list_sizes
from pcnmap.problems import QualityLog, SourceError
from tests.editing import rewrite_line


def test_monthly_registered_lists(extract: Path) -> None:
    path = extract / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    lists = list_sizes.read_registered_monthly(path, QualityLog())
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    expected = {r["CODE"]: float(r["NUMBER_OF_PATIENTS"]) for r in rows}
    assert dict(zip(lists["practice_code"], lists["registered"], strict=True)) == expected
    pairs = lists.drop_duplicates("commissioner_code").set_index("commissioner_code")
    assert pairs.loc["01F", "commissioner_ons_code"] == "E38000068"


def test_payments_lists_keep_fractions_and_blank_missing_rurality(extract: Path) -> None:
    path = extract / "list_sizes/nhs-payments-gp-2019-20_list-sizes.csv"
    lists = list_sizes.read_payments_lists(path, QualityLog())
    raw = pd.read_csv(path, dtype=str)
    first = raw.iloc[0]
    got = lists.set_index("practice_code").loc[first["Practice Code"]]
    assert got["registered"] == float(first["Number of Registered Patients (Last Known Figure)"])
    assert got["weighted"] == float(first["Number of Weighted Patients (Last Known Figure)"])
    assert set(lists["rurality"].dropna()) <= {"Urban", "Rural"}
    assert (lists["registered"] % 1 != 0).any()  # quarterly averages are not whole numbers


def test_registered_list_new_style_read_from_its_zip(extract: Path) -> None:
    """April 2025: Sub-ICB columns, ISO dates, no total rows, inside a zip."""
    path = extract / "list_sizes/gp-reg-pat-prac-all_01Apr2025.zip"
    lists = list_sizes.read_registered_monthly(path, QualityLog())
    assert lists.attrs["file"] == "gp-reg-pat-prac-all_01Apr2025.zip (gp-reg-pat-prac-all.csv)"
    assert set(lists["extract_date"]) == {"2025-04-01"}
    assert {"00X", "01E"} <= set(lists["commissioner_code"])
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(archive.read("gp-reg-pat-prac-all.csv").decode().splitlines()))
    assert len(lists) == len(rows)
    assert lists.set_index("practice_code")["registered"].to_dict() == {
        row["CODE"]: float(row["NUMBER_OF_PATIENTS"]) for row in rows}


def test_quinary_age_file_gives_each_practice_its_whole_list(extract: Path) -> None:
    path = extract / "list_sizes/gp-reg-pat-prac-quin-age_01Jul2026.zip"
    lists = list_sizes.read_quinary_age(path, QualityLog())
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(
            archive.read("gp-reg-pat-prac-quin-age.csv").decode().splitlines()))
    totals = {row["ORG_CODE"]: float(row["NUMBER_OF_PATIENTS"]) for row in rows
              if row["ORG_TYPE"] == "GP" and row["SEX"] == "ALL" and row["AGE_GROUP_5"] == "ALL"}
    assert any(row["ORG_TYPE"] != "GP" for row in rows)  # a region's rows are skipped
    assert lists.set_index("practice_code")["registered"].to_dict() == totals
    bands = list_sizes.read_quinary_age(path, QualityLog(), bands=True)
    by_practice = bands.groupby("practice_code")["registered"].sum()
    assert (by_practice.reindex(list(totals)) == pd.Series(totals)).all()


def test_qof_lists_are_each_practices_total(extract: Path) -> None:
    lists = list_sizes.read_qof_lists(extract / "qof/PREVALENCE_2425.csv", QualityLog())
    assert lists["practice_code"].is_unique and len(lists) > 100
    assert lists.set_index("practice_code").loc["P81185", "registered"] > 10_000


def test_renamed_csv_column_names_file_row_and_column(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/nhs-payments-gp-2019-20_list-sizes.csv"
    rewrite_line(path, 1, "Practice Code", "Practice Cd")
    with pytest.raises(SourceError) as caught:
        list_sizes.read_payments_lists(path, QualityLog())
    error = caught.value
    assert (error.file, error.row, error.column) == (path.name, 1, "Practice Code")
    assert "Practice Cd" in str(error)  # what was found is shown beside what was expected


def test_bad_list_size_number_is_reported(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    lines = path.read_text().splitlines(keepends=True)
    code = lines[1].split(",")[5]
    lines[1] = lines[1].rsplit(",", 1)[0] + ",12x4\n"
    path.write_text("".join(lines))
    log = QualityLog()
    lists = list_sizes.read_registered_monthly(path, log)
    finding = next(f for f in log.findings if f.check == "bad_number")
    assert (finding.row, finding.column, finding.record, finding.value) == (
        2, "NUMBER_OF_PATIENTS", code, "12x4")
    assert pd.isna(lists.set_index("practice_code").loc[code, "registered"])
    assert lists["registered"].notna().sum() == len(lines) - 2
