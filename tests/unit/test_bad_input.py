"""Bad input: each gives a message naming file, row and column, and loses nothing else."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline import sources
from pcnmap.problems import QualityLog, SourceError
from tests.editing import rewrite_line


def test_renamed_csv_column_names_file_row_and_column(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/nhs-payments-gp-2019-20_list-sizes.csv"
    rewrite_line(path, 1, "Practice Code", "Practice Cd")
    with pytest.raises(SourceError) as caught:
        sources.read_payments_lists(path, QualityLog())
    error = caught.value
    assert (error.file, error.row, error.column) == (path.name, 1, "Practice Code")
    assert "Practice Cd" in str(error)  # what was found is shown beside what was expected


def test_renamed_workbook_column(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2022-04-27.xlsx"
    workbook = load_workbook(path)
    workbook["PCN Core Partner Details"]["E1"] = "Network Code"
    workbook.save(path)
    with pytest.raises(SourceError) as caught:
        sources.read_epcn(path, QualityLog())
    assert caught.value.row == 1 and caught.value.column == "PCN Code"
    assert "PCN Core Partner Details" in str(caught.value)


def test_missing_sheet(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2023-01-26.xlsx"
    workbook = load_workbook(path)
    workbook["PCNDetails"].title = "Networks"
    workbook.save(path)
    with pytest.raises(SourceError, match="no sheet named 'PCN Details' or 'PCNDetails'"):
        sources.read_epcn(path, QualityLog())


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_workbook(extract_copy: Path, damage: str) -> None:
    path = extract_copy / "epcn/ePCN_2019-12-04.xlsx"
    data = path.read_bytes()
    path.write_bytes(b"this is not a workbook" if damage == "garbage" else data[: len(data) // 2])
    with pytest.raises(SourceError) as caught:
        sources.read_epcn(path, QualityLog())
    assert caught.value.file == "ePCN_2019-12-04.xlsx"
    assert "workbook" in str(caught.value)



def test_wrong_field_count_in_epraccur(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 3)[0] for line in lines) + "\n")
    with pytest.raises(SourceError) as caught:
        sources.read_epraccur(path, QualityLog())
    assert caught.value.row == 1 and "24 fields" in str(caught.value)


def test_ragged_line_is_named(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    rewrite_line(path, 5, '"A",', '"A","extra",')
    with pytest.raises(SourceError) as caught:
        sources.read_epraccur(path, QualityLog())
    assert caught.value.row == 5  # the file's own line, in the project's words
    assert str(caught.value).startswith("epraccur_2019-11-19.csv, row 5: has 28 fields where "
                                        "the file's lines have 27")
    assert "C error" not in str(caught.value)


def test_an_unclosed_quote_is_named_by_its_own_row(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    rewrite_line(path, 7, ',"4",""', ',"4","')  # a quotation mark left open
    with pytest.raises(SourceError) as caught:
        sources.read_epraccur(path, QualityLog())
    assert (caught.value.row, caught.value.column) == (7, "field 27")
    assert "opens a quotation mark not closed on its line" in str(caught.value)
    assert "C error" not in str(caught.value)


def test_undecodable_bytes(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    path.write_bytes(path.read_bytes().replace(b"GP_PRAC_PAT_LIST", b"GP_PRAC_\xff\xfe", 1))
    with pytest.raises(SourceError, match="cannot be decoded as UTF-8"):
        sources.read_registered_monthly(path, QualityLog())



def test_bad_list_size_number_is_reported(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    lines = path.read_text().splitlines(keepends=True)
    code = lines[1].split(",")[5]
    lines[1] = lines[1].rsplit(",", 1)[0] + ",12x4\n"
    path.write_text("".join(lines))
    log = QualityLog()
    lists = sources.read_registered_monthly(path, log)
    finding = next(f for f in log.findings if f.check == "bad_number")
    assert (finding.row, finding.column, finding.record, finding.value) == (
        2, "NUMBER_OF_PATIENTS", code, "12x4")
    assert pd.isna(lists.set_index("practice_code").loc[code, "registered"])
    assert lists["registered"].notna().sum() == len(lines) - 2


def test_bad_date_in_workbook_is_reported(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2022-04-27.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["PCN Core Partner Details"]
    practice = sheet["A3"].value
    sheet["I3"] = "2019-13-45"
    workbook.save(path)
    log = QualityLog()
    _, members = sources.read_epcn(path, log)
    finding = next(f for f in log.findings if f.check == "bad_date")
    assert (finding.row, finding.record, finding.value) == (3, practice, "2019-13-45")
    assert "Start Date" in finding.column
    assert len(members) == sheet.max_row - 1


def test_formula_without_cached_value_is_blank_not_formula_text(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2019-12-04.xlsx"
    workbook = load_workbook(path)  # saving drops every cached formula result
    workbook.save(path)
    _, members = sources.read_epcn(path, QualityLog())
    assert members["network_name"].isna().all()
    assert members["match_flag"].isna().all()
