"""Each reader on the real extracts, and each quirk of the published formats."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import codes
from pcnmap.pipeline import sources
from pcnmap.problems import QualityLog, SourceError


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


def test_one_of_agrees_with_isin_and_leaves_missing_out(extract: Path) -> None:
    practices = sources.read_practice_map(
        extract / "list_sizes/gp-reg-pat-prac-map_01Jul2026.zip", QualityLog())
    networks = practices["network_code"]
    assert networks.isna().any()  # practices in no network (PCN code U)
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


# ------------------------------------------------------------------ the newer layouts


def test_epraccur_2026_layout_reads_the_same_practices(extract: Path) -> None:
    """ODS's new layout: status ACTIVE/INACTIVE/DORMANT, role RO76 for a GP
    practice, the town in address line 4. Read as the classic layout would be."""
    log = QualityLog()
    path = extract / "ods/epraccur_2026-02.csv"
    practices = sources.read_epraccur(path, log, "epraccur-2026")
    assert practices.attrs["layout"] == "epraccur-2026"
    assert set(practices["status"]) <= {"A", "C", "D", "P"}
    riverside = practices.set_index("code").loc["P81185"]
    assert riverside["status"] == "A" and riverside["gp"]
    assert riverside["postcode"] == "PR5 4AY"
    assert riverside["address"] == "194 VICTORIA ROAD, WALTON-LE-DALE, PRESTON"
    england = sources.england_gp_practices(practices, path, log)
    assert "P81185" in set(england["code"]) and len(england) > 100
    # The classic file writes the same practice's address with its name first.
    classic = sources.read_epraccur(extract / "ods/epraccur_2025-09.csv", QualityLog())
    assert classic.set_index("code").loc["P81185", "address"] == \
        "RIVERSIDE MEDICAL CENTRE, 194 VICTORIA ROAD, WALTON-LE-DALE, PRESTON"


def test_an_epraccur_file_in_the_wrong_layout_is_refused(extract: Path) -> None:
    with pytest.raises(SourceError) as caught:
        sources.read_epraccur(extract / "ods/epraccur_2026-02.csv", QualityLog(), "epraccur")
    message = str(caught.value)
    assert message.startswith("epraccur_2026-02.csv")
    assert "is in ODS's new layout" in message and "expected the classic layout" in message


def test_an_epraccur_file_in_an_unknown_layout_names_what_was_expected(tmp_path: Path,
                                                                       extract: Path) -> None:
    lines = (extract / "ods/epraccur_2025-09.csv").read_text().splitlines(keepends=True)
    path = tmp_path / "epraccur.csv"
    path.write_text("".join(line.replace('","A","', '","OPEN","') for line in lines))
    with pytest.raises(SourceError) as caught:
        sources.read_epraccur(path, QualityLog())
    message = str(caught.value)
    assert "field 13 (status) holds ['OPEN']" in message
    assert "classic layout" in message and "new layout" in message


def test_active_on_a_date_by_open_and_close_dates(extract: Path) -> None:
    """A file published after the snapshot date: Ragstone Road (K81089), closed
    on 30 April 2025, was active on 1 October 2024; a practice closed before
    then (J82135, 31 March 2024) was not."""
    path = extract / "ods/epraccur_2025-09.csv"
    practices = sources.read_epraccur(path, QualityLog())
    active = set(sources.england_gp_practices(practices, path, QualityLog(), active="dates",
                                              as_of=dt.date(2024, 10, 1))["code"])
    assert "K81089" in active and "J82135" not in active
    now = set(sources.england_gp_practices(practices, path, QualityLog())["code"])
    assert "K81089" not in now


def test_a_short_epraccur_row_is_reported_not_padded(tmp_path: Path, extract: Path) -> None:
    lines = (extract / "ods/epraccur_2022-03-16.csv").read_text().splitlines(keepends=True)
    short = lines[4].rsplit(",", 3)[0] + "\n"
    path = tmp_path / "epraccur.csv"
    path.write_text("".join([*lines[:4], short, *lines[5:]]))
    log = QualityLog()
    practices = sources.read_epraccur(path, log)
    finding = next(f for f in log.findings if f.check == "short_row")
    assert finding.row == 5 and "24 fields, not 27" in finding.message
    assert len(practices) == len(lines) - 1  # the other rows all load


def test_registered_list_new_style_read_from_its_zip(extract: Path) -> None:
    """April 2025: Sub-ICB columns, ISO dates, no total rows, inside a zip."""
    path = extract / "list_sizes/gp-reg-pat-prac-all_01Apr2025.zip"
    lists = sources.read_registered_monthly(path, QualityLog())
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
    lists = sources.read_quinary_age(path, QualityLog())
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(
            archive.read("gp-reg-pat-prac-quin-age.csv").decode().splitlines()))
    totals = {row["ORG_CODE"]: float(row["NUMBER_OF_PATIENTS"]) for row in rows
              if row["ORG_TYPE"] == "GP" and row["SEX"] == "ALL" and row["AGE_GROUP_5"] == "ALL"}
    assert any(row["ORG_TYPE"] != "GP" for row in rows)  # a region's rows are skipped
    assert lists.set_index("practice_code")["registered"].to_dict() == totals
    bands = sources.read_quinary_age(path, QualityLog(), bands=True)
    by_practice = bands.groupby("practice_code")["registered"].sum()
    assert (by_practice.reindex(list(totals)) == pd.Series(totals)).all()


def test_practice_map_unallocated_is_no_network(extract: Path) -> None:
    path = extract / "list_sizes/gp-reg-pat-prac-map_01Jul2026.zip"
    table = sources.read_practice_map(path, QualityLog())
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(archive.read("gp-reg-pat-prac-map.csv").decode().splitlines()))
    unallocated = {row["PRACTICE_CODE"] for row in rows if row["PCN_CODE"] == "U"}
    assert unallocated  # practices in no network on 1 July 2026
    by_code = table.set_index("practice_code")
    assert by_code.loc[sorted(unallocated), "network_code"].isna().all()
    assert by_code.loc["P81185", "stp_code"] == "QE1"
    assert by_code.loc["P81185", "commissioner_code"] == "01E"
    assert "U" not in set(table["network_code"].dropna())


def test_qof_lists_are_each_practices_total(extract: Path) -> None:
    lists = sources.read_qof_lists(extract / "qof/PREVALENCE_2425.csv", QualityLog())
    assert lists["practice_code"].is_unique and len(lists) > 100
    assert lists.set_index("practice_code").loc["P81185", "registered"] > 10_000


def test_a_zip_that_is_not_one_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "CODE\n")
        archive.writestr("b.csv", "CODE\n")
    with pytest.raises(SourceError) as caught:
        sources.read_registered_monthly(path, QualityLog())
    assert "lists.zip: holds 2 CSV files" in str(caught.value)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gp-reg-pat-prac-all.csv", b"CODE," + b"0" * 50_000_000)
    with pytest.raises(SourceError) as caught:
        sources.read_registered_monthly(path, QualityLog())
    assert "would decompress to 50,000,005 bytes" in str(caught.value)
    assert "compression ratio under" in str(caught.value)
