"""CSV and zip primitives: a bad line or byte named by its row, a zip checked
before it is inflated, repeats dropped and logged."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline.readers import csvfiles, epraccur, list_sizes
from pcnmap.problems import QualityLog, SourceError
from tests.editing import rewrite_line


def test_ragged_line_is_named(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    rewrite_line(path, 5, '"A",', '"A","extra",')
    with pytest.raises(SourceError) as caught:
        epraccur.read_epraccur(path, QualityLog())
    assert caught.value.row == 5  # the file's own line, in the project's words
    assert str(caught.value).startswith("epraccur_2019-11-19.csv, row 5: has 28 fields where "
                                        "the file's lines have 27")
    assert "C error" not in str(caught.value)


def test_an_unclosed_quote_is_named_by_its_own_row(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    rewrite_line(path, 7, ',"4",""', ',"4","')  # a quotation mark left open
    with pytest.raises(SourceError) as caught:
        epraccur.read_epraccur(path, QualityLog())
    assert (caught.value.row, caught.value.column) == (7, "field 27")
    assert "opens a quotation mark not closed on its line" in str(caught.value)
    assert "C error" not in str(caught.value)


def test_undecodable_bytes(extract_copy: Path) -> None:
    path = extract_copy / "list_sizes/gp-reg-pat-prac-all_01Apr2022.csv"
    path.write_bytes(path.read_bytes().replace(b"GP_PRAC_PAT_LIST", b"GP_PRAC_\xff\xfe", 1))
    with pytest.raises(SourceError, match="cannot be decoded as UTF-8"):
        list_sizes.read_registered_monthly(path, QualityLog())


def test_a_zip_that_is_not_one_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "CODE\n")
        archive.writestr("b.csv", "CODE\n")
    with pytest.raises(SourceError) as caught:
        list_sizes.read_registered_monthly(path, QualityLog())
    assert "lists.zip: holds 2 CSV files" in str(caught.value)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "lists.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gp-reg-pat-prac-all.csv", b"CODE," + b"0" * 5_000_000)
    with pytest.raises(SourceError) as caught:
        list_sizes.read_registered_monthly(path, QualityLog())
    assert "would decompress to 5,000,005 bytes" in str(caught.value)
    assert "compression ratio under" in str(caught.value)


def test_repeats_keep_the_first_row_and_each_is_logged() -> None:
    frame = pd.DataFrame({"source_row": [2, 3, 4, 5], "code": ["A1", "B2", "A1", "A1"]})
    log = QualityLog()
    kept = csvfiles.drop_repeats(frame, "code", "lists.csv", log, source_column="CODE",
                                 what="practice")
    assert kept["source_row"].tolist() == [2, 3]
    assert [(f.file, f.row, f.column, f.record, f.check) for f in log.findings] == [
        ("lists.csv", 4, "CODE", "A1", "duplicate_record"),
        ("lists.csv", 5, "CODE", "A1", "duplicate_record")]
    assert log.findings[0].message == "practice appears more than once; the first row is used"


def test_a_renamed_column_is_found_by_its_variants_else_named(tmp_path: Path) -> None:
    frame = pd.DataFrame({"source_row": [2], "SUB_ICB_LOCATION_CODE": ["00X"]})
    variants = {"commissioner_code": ("CCG_CODE", "SUB_ICB_LOCATION_CODE")}
    assert csvfiles.first_present(frame, variants, "x.csv") == {
        "SUB_ICB_LOCATION_CODE": "commissioner_code"}
    with pytest.raises(SourceError) as caught:
        csvfiles.first_present(frame.drop(columns="SUB_ICB_LOCATION_CODE"), variants, "x.csv")
    assert (caught.value.row, caught.value.column) == (1, "CCG_CODE")


def test_text_stays_text_and_rows_are_the_files_own(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text("CODE,COUNT\n00123,NA\n,\nA1,7\n")
    frame = csvfiles.read_text_csv(path, header=True, what="codes")
    assert frame["CODE"].tolist() == ["00123", "", "A1"]  # no number, no NaN
    assert frame["COUNT"].tolist() == ["NA", "", "7"]
    assert frame["source_row"].tolist() == [2, 3, 4]
    assert csvfiles.without_blank_records(frame)["source_row"].tolist() == [2, 4]
