"""The ePCN workbook in each published layout, and a damaged or renamed one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pcnmap.pipeline.readers import epcn
from pcnmap.problems import QualityLog, SourceError


def test_epcn_2019_reads_formula_cells_cached_values(extract: Path) -> None:
    networks, members = epcn.read_epcn(extract / "epcn/ePCN_2019-12-04.xlsx", QualityLog())
    assert networks.attrs["sheet"] == "PCN Details"
    # In 2019 the member sheet's network name is =VLOOKUP(...) and the match
    # flag =G2=C2; both must come out as their cached values.
    kingsfold = members.set_index("practice_code").loc["P81181"]
    assert kingsfold["network_name"] == "SOUTH RIBBLE MEDICAL GROUP PCN"
    # A flag, not a number or text: True, False or missing, never 0 or "N".
    assert members["match_flag"].dtype == "boolean"
    assert isinstance(kingsfold["match_flag"], np.bool_) and not kingsfold["match_flag"]
    assert members["network_name"].notna().all()
    assert members["match_flag"].notna().all()
    # Dates are numbers in this workbook.
    assert kingsfold["start_date"] == pd.Timestamp("2019-10-01")


def test_epcn_2019_formula_cells_really_are_formulas(extract: Path) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(extract / "epcn/ePCN_2019-12-04.xlsx", read_only=True)
    sheet = workbook["PCN Core Partner Details"]
    second = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True))
    workbook.close()
    assert str(second[5]).startswith("=VLOOKUP")
    assert str(second[10]).startswith("=")


@pytest.mark.parametrize("name", ["ePCN_2022-04-27.xlsx", "ePCN_2023-01-26.xlsx"])
def test_epcn_later_layouts_line_breaks_and_text_dates(extract: Path, name: str) -> None:
    from openpyxl import load_workbook

    path = extract / "epcn" / name
    workbook = load_workbook(path, read_only=True)
    header = next(workbook["PCN Core Partner Details"].iter_rows(max_row=1, values_only=True))
    start = next(workbook["PCN Core Partner Details"].iter_rows(min_row=2, max_row=2,
                                                                 values_only=True))[8]
    workbook.close()
    assert "\n" in header[0]  # the quirk is really in the file
    assert isinstance(start, str)  # dates stored as text

    networks, members = epcn.read_epcn(path, QualityLog())
    assert networks.attrs["sheet"] == "PCNDetails"
    assert members["start_date"].dt.year.min() == 2019
    ended = members.dropna(subset=["end_date"])
    assert len(ended) > 0 and (ended["end_date"] > ended["start_date"]).all()
    assert set(members["network_code"]) <= set(networks["network_code"])


def test_epcn_2023_says_sub_icb_location(extract: Path) -> None:
    networks, members = epcn.read_epcn(extract / "epcn/ePCN_2023-01-26.xlsx", QualityLog())
    chorley = networks.set_index("network_code").loc["U01901"]
    assert chorley["commissioner_code"] == "00X"
    assert chorley["commissioner_name"] == "NHS LANCASHIRE AND SOUTH CUMBRIA ICB - 00X"
    closed = networks.set_index("network_code").loc["U04914"]
    assert closed["close_date"] == pd.Timestamp("2021-04-01")
    assert set(members["practice_commissioner_code"]) >= {"00X", "01E"}


def test_renamed_workbook_column(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2022-04-27.xlsx"
    workbook = load_workbook(path)
    workbook["PCN Core Partner Details"]["E1"] = "Network Code"
    workbook.save(path)
    with pytest.raises(SourceError) as caught:
        epcn.read_epcn(path, QualityLog())
    assert caught.value.row == 1 and caught.value.column == "PCN Code"
    assert "PCN Core Partner Details" in str(caught.value)


def test_missing_sheet(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2023-01-26.xlsx"
    workbook = load_workbook(path)
    workbook["PCNDetails"].title = "Networks"
    workbook.save(path)
    with pytest.raises(SourceError, match="no sheet named 'PCN Details' or 'PCNDetails'"):
        epcn.read_epcn(path, QualityLog())


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_workbook(extract_copy: Path, damage: str) -> None:
    path = extract_copy / "epcn/ePCN_2019-12-04.xlsx"
    data = path.read_bytes()
    path.write_bytes(b"this is not a workbook" if damage == "garbage" else data[: len(data) // 2])
    with pytest.raises(SourceError) as caught:
        epcn.read_epcn(path, QualityLog())
    assert caught.value.file == "ePCN_2019-12-04.xlsx"
    assert "workbook" in str(caught.value)


def test_bad_date_in_workbook_is_reported(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2022-04-27.xlsx"
    workbook = load_workbook(path)
    sheet = workbook["PCN Core Partner Details"]
    practice = sheet["A3"].value
    sheet["I3"] = "2019-13-45"
    workbook.save(path)
    log = QualityLog()
    _, members = epcn.read_epcn(path, log)
    finding = next(f for f in log.findings if f.check == "bad_date")
    assert (finding.row, finding.record, finding.value) == (3, practice, "2019-13-45")
    assert "Start Date" in finding.column
    assert len(members) == sheet.max_row - 1


def test_formula_without_cached_value_is_blank_not_formula_text(extract_copy: Path) -> None:
    from openpyxl import load_workbook

    path = extract_copy / "epcn/ePCN_2019-12-04.xlsx"
    workbook = load_workbook(path)  # saving drops every cached formula result
    workbook.save(path)
    _, members = epcn.read_epcn(path, QualityLog())
    assert members["network_name"].isna().all()
    assert members["match_flag"].isna().all()
