"""Each reader on the real extracts, and each quirk of the published formats."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import codes, sources, store
from pcnmap.problems import QualityLog


def file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# ------------------------------------------------------------------ epraccur


def test_epraccur_has_no_header_and_rows_point_at_file_lines(extract: Path) -> None:
    path = extract / "ods/epraccur_2019-11-19.csv"
    practices = sources.read_epraccur(path, QualityLog())
    lines = file_lines(path)
    assert len(practices) == len(lines)  # the first line is a practice, not a header
    for row, code in zip(practices["source_row"], practices["code"], strict=True):
        assert lines[row - 1].startswith(f'"{code}",')


def test_epraccur_keeps_codes_as_text(extract: Path) -> None:
    practices = sources.read_epraccur(extract / "ods/epraccur_2022-03-16.csv", QualityLog())
    assert {"00R", "00X", "01E", "01F"} <= set(practices["commissioner_code"])
    halton = practices.set_index("code").loc["N81011"]
    assert halton["postcode"] == "WA8 6TR"
    assert halton["status"] == "A" and halton["prescribing_setting"] == "4"


def test_england_practices_leave_out_wales_and_other_organisations(extract: Path) -> None:
    path = extract / "ods/epraccur_2022-03-16.csv"
    log = QualityLog()
    everything = sources.read_epraccur(path, log)
    england = sources.england_gp_practices(everything, path, log)
    welsh = everything[everything["region_code"] == "W00"]
    assert len(welsh) == 3
    assert not england["code"].isin(welsh["code"]).any()
    assert log.count("outside_england") == 3
    # Channel Islands surgeries (setting 0) are not GP practices in England and
    # their own code form is not reported as malformed.
    assert not england["code"].str.match(r"^(JER|GUE|ALD)").any()
    assert log.count("malformed_code") == 0
    assert (england["status"] == "A").all() and (england["prescribing_setting"] == "4").all()


# ------------------------------------------------------------------ ePCN


def test_epcn_2019_reads_formula_cells_cached_values(extract: Path) -> None:
    networks, members = sources.read_epcn(extract / "epcn/ePCN_2019-12-04.xlsx", QualityLog())
    assert networks.attrs["sheet"] == "PCN Details"
    # In 2019 the member sheet's network name is =VLOOKUP(...) and the match
    # flag =G2=C2; both must come out as their cached values.
    kingsfold = members.set_index("practice_code").loc["P81181"]
    assert kingsfold["network_name"] == "SOUTH RIBBLE MEDICAL GROUP PCN"
    assert kingsfold["match_flag"] is False or kingsfold["match_flag"] == False  # noqa: E712
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

    networks, members = sources.read_epcn(path, QualityLog())
    assert networks.attrs["sheet"] == "PCNDetails"
    assert members["start_date"].dt.year.min() == 2019
    ended = members.dropna(subset=["end_date"])
    assert len(ended) > 0 and (ended["end_date"] > ended["start_date"]).all()
    assert set(members["network_code"]) <= set(networks["network_code"])


def test_epcn_2023_says_sub_icb_location(extract: Path) -> None:
    networks, members = sources.read_epcn(extract / "epcn/ePCN_2023-01-26.xlsx", QualityLog())
    chorley = networks.set_index("network_code").loc["U01901"]
    assert chorley["commissioner_code"] == "00X"
    assert chorley["commissioner_name"] == "NHS LANCASHIRE AND SOUTH CUMBRIA ICB - 00X"
    closed = networks.set_index("network_code").loc["U04914"]
    assert closed["close_date"] == pd.Timestamp("2021-04-01")
    assert set(members["practice_commissioner_code"]) >= {"00X", "01E"}


# ------------------------------------------------------------------ list sizes


def test_monthly_registered_lists(extract: Path) -> None:
    path = extract / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    lists = sources.read_registered_monthly(path, QualityLog())
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    expected = {r["CODE"]: float(r["NUMBER_OF_PATIENTS"]) for r in rows}
    assert dict(zip(lists["practice_code"], lists["registered"], strict=True)) == expected
    pairs = lists.drop_duplicates("commissioner_code").set_index("commissioner_code")
    assert pairs.loc["01F", "commissioner_ons_code"] == "E38000068"


def test_payments_lists_keep_fractions_and_blank_missing_rurality(extract: Path) -> None:
    path = extract / "list_sizes/nhs-payments-gp-2019-20_list-sizes.csv"
    lists = sources.read_payments_lists(path, QualityLog())
    raw = pd.read_csv(path, dtype=str)
    first = raw.iloc[0]
    got = lists.set_index("practice_code").loc[first["Practice Code"]]
    assert got["registered"] == float(first["Number of Registered Patients (Last Known Figure)"])
    assert got["weighted"] == float(first["Number of Weighted Patients (Last Known Figure)"])
    assert set(lists["rurality"].dropna()) <= {"Urban", "Rural"}
    assert (lists["registered"] % 1 != 0).any()  # quarterly averages are not whole numbers


# ------------------------------------------------------------------ Code-Point


def test_codepoint_read_from_zip(extract: Path) -> None:
    path = extract / "postcodes/codepo_gb_2025-04.zip"
    points = sources.read_codepoint(path)
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith("pr.csv"))
        first = next(csv.reader(archive.read(member).decode().splitlines()))
    key = first[0].replace(" ", "")
    row = points.set_index("postcode_key").loc[key]
    assert (row["easting"], row["northing"]) == (int(first[2]), int(first[3]))
    wanted = sources.read_codepoint(path, {key})
    assert list(wanted["postcode_key"]) == [key]


def test_codepoint_older_release_holds_retired_postcode(extract: Path) -> None:
    new = sources.read_codepoint(extract / "postcodes/codepo_gb_2025-04.zip")
    old = sources.read_codepoint(extract / "postcodes/codepo_gb_2018-07.zip")
    assert "WA86DZ" not in set(new["postcode_key"])
    assert "WA86DZ" in set(old["postcode_key"])


# ------------------------------------------------------------------ boundaries


def test_boundaries_columns_renamed(extract: Path) -> None:
    boundaries = sources.read_boundaries(
        extract / "boundaries/ccg_apr2019_en_approx.geojson",
        {"CCG19CD": "ons", "CCG19CDH": "ods", "CCG19NM": "name"}, QualityLog())
    assert set(boundaries["ods"]) == {"00R", "00X", "01E", "01F"}
    assert boundaries.crs.to_epsg() == 4326
    assert boundaries.geometry.is_valid.all()


def test_one_of_agrees_with_isin_and_leaves_missing_out(built_extract) -> None:
    practices = store.read_table(built_extract, "2023-01", "practices")
    networks = practices["network_code"]
    assert networks.isna().any()  # the extract has practices in no network
    some = networks.dropna().unique()[:3]
    chosen = codes.one_of(networks, list(some))
    assert chosen.tolist() == networks.isin(some).tolist()
    assert chosen.sum() == networks.isin(some).sum() > 0
    # Missing values are never "one of" anything, even when None is offered.
    with_missing = codes.one_of(networks, [*some, None])
    assert not with_missing[networks.isna()].any()
    assert with_missing.index.equals(networks.index)
    assert not codes.one_of(practices["practice_code"], []).any()
    assert codes.one_of(practices["practice_code"], set(practices["practice_code"])).all()
