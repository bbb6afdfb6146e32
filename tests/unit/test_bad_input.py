"""Bad input: each gives a message naming file, row and column, and loses nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline import sources
from pcnmap.pipeline.build import build
from pcnmap.problems import QualityLog, SourceError

ROOT = Path(__file__).resolve().parents[2]


def rewrite_line(path: Path, line_number: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[line_number - 1]
    lines[line_number - 1] = lines[line_number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_missing_file_stops_only_its_snapshot(extract_copy: Path, tmp_path: Path) -> None:
    (extract_copy / "ods/epraccur_2022-03-16.csv").unlink()
    result = build(extract_copy, tmp_path / "out")
    assert set(result.written) == {"2019-12", "2023-01", "2024-10", "2026-07"}
    message = result.errors["2022-04"]
    assert "epraccur_2022-03-16.csv" in message and "file not found" in message
    assert "expected an ODS epraccur file" in message


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


def test_corrupt_codepoint_zip_stops_the_build_with_its_name(extract_copy: Path,
                                                            tmp_path: Path) -> None:
    path = extract_copy / "postcodes/codepo_gb_2018-07.zip"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SourceError, match="codepo_gb_2018-07.zip: is not a readable zip"):
        sources.read_codepoint(path)
    result = build(extract_copy, tmp_path / "out")
    assert result.written == {}
    assert all("codepo_gb_2018-07.zip" in m for m in result.errors.values())


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
    with pytest.raises(SourceError, match="line 5"):
        sources.read_epraccur(path, QualityLog())


def test_undecodable_bytes(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    path.write_bytes(path.read_bytes().replace(b"GP_PRAC_PAT_LIST", b"GP_PRAC_\xff\xfe", 1))
    with pytest.raises(SourceError, match="cannot be decoded as UTF-8"):
        sources.read_registered_monthly(path, QualityLog())


def test_malformed_postcode_and_code_are_reported_and_the_rest_loads(
    extract_copy: Path, tmp_path: Path
) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    # Line 4 is Halton's N81011 at WA8 6TR; line 5 is N81019.
    rewrite_line(path, 4, '"WA8 6TR"', '"WA8 6T"')
    rewrite_line(path, 5, '"N81019"', '"N8101"')
    out = tmp_path / "out"
    assert build(extract_copy, out, ["2019-12"]).errors == {}
    quality = pd.read_parquet(out / "2019-12/quality.parquet")
    postcode = quality[quality["check"] == "malformed_postcode"].iloc[0]
    assert (postcode["file"], postcode["row"], postcode["column"], postcode["record"]) == (
        "epraccur_2019-11-19.csv", 4, "field 10 (postcode)", "N81011")
    code = quality[quality["check"] == "malformed_code"].iloc[0]
    assert (code["row"], code["column"], code["value"]) == (5, "field 1 (organisation code)",
                                                             "N8101")
    practices = pd.read_parquet(out / "2019-12/practices.parquet").set_index("practice_code")
    assert {"N81011", "N8101"} <= set(practices.index)  # both kept
    assert pd.isna(practices.loc["N81011", "longitude"])  # no position for a bad postcode
    assert practices["longitude"].notna().sum() == len(practices) - 2  # and N81119's missing


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


def test_cli_reports_without_traceback(extract_copy: Path, tmp_path: Path) -> None:
    (extract_copy / "epcn/ePCN_2023-01-26.xlsx").write_bytes(b"PK\x03\x04broken")
    run = subprocess.run(
        [sys.executable, "-m", "pcnmap", "build", "--source", str(extract_copy),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "2023-01 not built: ePCN_2023-01-26.xlsx" in run.stderr
    assert "2019-12: practices" in run.stdout
