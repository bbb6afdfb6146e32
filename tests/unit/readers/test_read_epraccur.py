"""ODS epraccur, both layouts, and England's active GP practices on a date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pcnmap.pipeline.readers import epraccur
from pcnmap.problems import QualityLog, SourceError


def file_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_epraccur_has_no_header_and_rows_point_at_file_lines(extract: Path) -> None:
    path = extract / "ods/epraccur_2019-11-19.csv"
    practices = epraccur.read_epraccur(path, QualityLog())
    lines = file_lines(path)
    assert len(practices) == len(lines)  # the first line is a practice, not a header
    for row, code in zip(practices["source_row"], practices["code"], strict=True):
        assert lines[row - 1].startswith(f'"{code}",')


def test_epraccur_keeps_codes_as_text(extract: Path) -> None:
    practices = epraccur.read_epraccur(extract / "ods/epraccur_2022-03-16.csv", QualityLog())
    assert {"00R", "00X", "01E", "01F"} <= set(practices["commissioner_code"])
    halton = practices.set_index("code").loc["N81011"]
    assert halton["postcode"] == "WA8 6TR"
    assert halton["status"] == "A" and halton["prescribing_setting"] == "4"


def test_england_practices_leave_out_wales_and_other_organisations(extract: Path) -> None:
    path = extract / "ods/epraccur_2022-03-16.csv"
    log = QualityLog()
    everything = epraccur.read_epraccur(path, log)
    england = epraccur.england_gp_practices(everything, path, log)
    welsh = everything[everything["region_code"] == "W00"]
    assert len(welsh) == 3
    assert not england["code"].isin(welsh["code"]).any()
    assert log.count("outside_england") == 3
    # Channel Islands surgeries (setting 0) are not GP practices in England and
    # their own code form is not reported as malformed.
    assert not england["code"].str.match(r"^(JER|GUE|ALD)").any()
    assert log.count("malformed_code") == 0
    assert (england["status"] == "A").all() and (england["prescribing_setting"] == "4").all()


def test_epraccur_2026_layout_reads_the_same_practices(extract: Path) -> None:
    """ODS's new layout: status ACTIVE/INACTIVE/DORMANT, role RO76 for a GP
    practice, the town in address line 4. Read as the classic layout would be."""
    log = QualityLog()
    path = extract / "ods/epraccur_2026-02.csv"
    practices = epraccur.read_epraccur(path, log, "epraccur-2026")
    assert practices.attrs["layout"] == "epraccur-2026"
    assert set(practices["status"]) <= {"A", "C", "D", "P"}
    riverside = practices.set_index("code").loc["P81185"]
    assert riverside["status"] == "A" and riverside["gp"]
    assert riverside["postcode"] == "PR5 4AY"
    assert riverside["address"] == "194 VICTORIA ROAD, WALTON-LE-DALE, PRESTON"
    england = epraccur.england_gp_practices(practices, path, log)
    assert "P81185" in set(england["code"]) and len(england) > 100
    # The classic file writes the same practice's address with its name first.
    classic = epraccur.read_epraccur(extract / "ods/epraccur_2025-09.csv", QualityLog())
    assert classic.set_index("code").loc["P81185", "address"] == \
        "RIVERSIDE MEDICAL CENTRE, 194 VICTORIA ROAD, WALTON-LE-DALE, PRESTON"


def test_an_epraccur_file_in_the_wrong_layout_is_refused(extract: Path) -> None:
    with pytest.raises(SourceError) as caught:
        epraccur.read_epraccur(extract / "ods/epraccur_2026-02.csv", QualityLog(), "epraccur")
    message = str(caught.value)
    assert message.startswith("epraccur_2026-02.csv")
    assert "is in ODS's new layout" in message and "expected the classic layout" in message


def test_an_epraccur_file_in_an_unknown_layout_names_what_was_expected(tmp_path: Path,
                                                                       extract: Path) -> None:
    lines = (extract / "ods/epraccur_2025-09.csv").read_text().splitlines(keepends=True)
    path = tmp_path / "epraccur.csv"
    path.write_text("".join(line.replace('","A","', '","OPEN","') for line in lines))
    with pytest.raises(SourceError) as caught:
        epraccur.read_epraccur(path, QualityLog())
    message = str(caught.value)
    assert "field 13 (status) holds ['OPEN']" in message
    assert "classic layout" in message and "new layout" in message


def test_active_on_a_date_by_open_and_close_dates(extract: Path) -> None:
    """A file published after the snapshot date: Ragstone Road (K81089), closed
    on 30 April 2025, was active on 1 October 2024; a practice closed before
    then (J82135, 31 March 2024) was not."""
    path = extract / "ods/epraccur_2025-09.csv"
    practices = epraccur.read_epraccur(path, QualityLog())
    active = set(epraccur.england_gp_practices(practices, path, QualityLog(), active="dates",
                                              as_of=dt.date(2024, 10, 1))["code"])
    assert "K81089" in active and "J82135" not in active
    now = set(epraccur.england_gp_practices(practices, path, QualityLog())["code"])
    assert "K81089" not in now


def test_a_short_epraccur_row_is_reported_not_padded(tmp_path: Path, extract: Path) -> None:
    lines = (extract / "ods/epraccur_2022-03-16.csv").read_text().splitlines(keepends=True)
    short = lines[4].rsplit(",", 3)[0] + "\n"
    path = tmp_path / "epraccur.csv"
    path.write_text("".join([*lines[:4], short, *lines[5:]]))
    log = QualityLog()
    practices = epraccur.read_epraccur(path, log)
    finding = next(f for f in log.findings if f.check == "short_row")
    assert finding.row == 5 and "24 fields, not 27" in finding.message
    assert len(practices) == len(lines) - 1  # the other rows all load


def test_wrong_field_count_in_epraccur(extract_copy: Path) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(line.rsplit(",", 3)[0] for line in lines) + "\n")
    with pytest.raises(SourceError) as caught:
        epraccur.read_epraccur(path, QualityLog())
    assert caught.value.row == 1 and "24 fields" in str(caught.value)
