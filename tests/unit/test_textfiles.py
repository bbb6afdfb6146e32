"""Text checks before a CSV reader: each fault named by row and field, on the
real extracts' text."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline import textfiles
from pcnmap.pipeline.readers import csvfiles
from pcnmap.problems import SourceError

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "source"
EPRACCUR = EXTRACT / "ods" / "epraccur_2023-01.csv"
REGISTERED = EXTRACT / "list_sizes" / "gp-reg-pat-prac-all_01Apr2022.csv"


def test_the_real_files_pass() -> None:
    for path in (EPRACCUR, REGISTERED):
        text = textfiles.decode(path.read_bytes(), path, what="x", header=path == REGISTERED)
        check = textfiles.ragged_lines(text, path, fields=27 if path == EPRACCUR else None)
        assert check.left_out == set() and check.fields == (27 if path == EPRACCUR else 10)


def test_a_first_line_of_the_wrong_width_stops_the_file() -> None:
    lines = EPRACCUR.read_text().splitlines(keepends=True)
    lines[0] = ",".join(lines[0].split(",")[:26]) + "\n"
    with pytest.raises(SourceError) as caught:
        textfiles.ragged_lines("".join(lines), EPRACCUR, fields=27)
    assert str(caught.value) == ("epraccur_2023-01.csv, row 1: has 26 fields a row "
                                 "(expected 27 fields a row)")


def test_lines_and_fields_are_capped() -> None:
    header = REGISTERED.read_text().splitlines()[0]
    with pytest.raises(SourceError, match=r"row 1: line 1 has 5,000 fields"):
        textfiles.ragged_lines("," * 4_999 + "\n", REGISTERED)
    lines = REGISTERED.read_text().splitlines(keepends=True)
    long = "".join([header + "\n", *lines[1:2] * (textfiles.MAX_LINES + 5)])
    with pytest.raises(SourceError) as caught:
        textfiles.ragged_lines(long, REGISTERED)
    assert caught.value.row == textfiles.MAX_LINES + 1
    assert "goes on past line 100,000" in str(caught.value)
    with pytest.raises(SourceError, match=r"row 2: line 2 is 200,009 characters long"):
        textfiles.ragged_lines(header + "\n" + "x" * 200_000 + ",,,,,,,,,\n", REGISTERED)
    # A quoted field may span lines: 210,000 characters over three of them.
    huge_field = header + "\n" + '"' + "\n".join(["x" * 70_000] * 3) + '",,,,,,,,,\n'
    with pytest.raises(SourceError, match=r"row \d: is not well-formed CSV \(field larger"):
        textfiles.ragged_lines(huge_field, REGISTERED)


def test_blanked_lines_keep_every_row_number(tmp_path: Path) -> None:
    text = REGISTERED.read_text()
    blanked = textfiles.blank_lines(text, {3, 5}, 10)
    path = tmp_path / REGISTERED.name
    path.write_text(blanked)
    frame = csvfiles.read_text_csv(path, header=True, what="x")
    original = csvfiles.read_text_csv(REGISTERED, header=True, what="x")
    assert list(frame["source_row"]) == list(original["source_row"])
    assert (frame.set_index("source_row").loc[[3, 5]] == "").all().all()
    pd.testing.assert_frame_equal(frame[~frame["source_row"].isin([3, 5])],
                                  original[~original["source_row"].isin([3, 5])])


def test_wide_encodings_without_a_mark() -> None:
    text = EPRACCUR.read_text()
    assert textfiles.wide_encoding(text.encode("utf-16-le")) == "UTF-16"
    assert textfiles.wide_encoding(text.encode("utf-16-be")) == "UTF-16"
    assert textfiles.wide_encoding(text.encode("utf-8")) is None


def test_implausible_counts() -> None:
    numbers = pd.to_numeric(pd.Series(["12", "inf", "-inf", "1e308", "1000001", "999999",
                                       "12.5", "-1", "", "0"]), errors="coerce")
    assert textfiles.implausible_counts(numbers).tolist() == [
        False, True, True, True, True, False, True, True, False, False]


def test_a_reader_can_drop_the_rows_pandas_padded(tmp_path: Path) -> None:
    """The one call epraccur.read_epraccur would make after reading."""
    from pcnmap.problems import QualityLog

    lines = EPRACCUR.read_text().splitlines(keepends=True)
    fields = next(csv.reader([lines[4]]))[:20]
    lines[4] = ",".join(f'"{field}"' for field in fields) + "\n"
    path = tmp_path / EPRACCUR.name
    path.write_text("".join(lines))
    raw = csvfiles.read_text_csv(path, header=False, what="x")
    assert (raw.iloc[4, 21:] == "").all()  # padded with blanks, silently
    log = QualityLog()
    kept = textfiles.drop_ragged(raw, path, log, fields=27)
    assert list(kept["source_row"]) == [n for n in range(1, len(lines) + 1) if n != 5]
    [finding] = log.findings
    assert (finding.check, finding.row, finding.value) == ("wrong_field_count", 5, "20")
    assert finding.message == "has 20 fields where the file's lines have 27; row left out"


def test_quality_logs_in_bulk_and_without_repeats() -> None:
    from pcnmap.problems import QualityLog

    log = QualityLog()
    log.add_rows("bad_number", "a/list.csv", [2, 3], "N", ["P1", "P2"], ["x", "y"], "bad")
    log.add("bad_number", "list.csv", 2, "N", "P1", "x", "bad again")
    log.add("bad_number", "list.csv", 4, "N", "P3", "x", "bad")
    assert [(f.file, f.row, f.value) for f in log.findings] == [
        ("list.csv", 2, "x"), ("list.csv", 3, "y"), ("list.csv", 2, "x"), ("list.csv", 4, "x")]
    once = log.without_repeats()
    assert [(f.row, f.message) for f in once.findings] == [(2, "bad"), (3, "bad"), (4, "bad")]
    assert len(log.findings) == 4  # the log itself is left as it was
