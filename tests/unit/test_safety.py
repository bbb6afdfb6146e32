"""Zips and workbooks checked before parsing: each hostile file made from a
real extract is refused with its reason, quickly; the real files pass."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook

from pcnmap.pipeline import safety
from pcnmap.pipeline.readers import epcn
from pcnmap.problems import QualityLog, SourceError
from tests import hostile

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "source"


def saved(tmp_path: Path, data: bytes, name: str = "ePCN.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in (EXTRACT / "epcn").glob("*.xlsx")))
def test_the_real_workbooks_pass(name: str) -> None:
    safety.check_workbook(EXTRACT / "epcn" / name)
    safety.check_zip(EXTRACT / "postcodes" / "codepo_gb_2025-04.zip")


def never_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any parse of a workbook fail the test: a refusal must come first."""
    def parse(*_args, **_kwargs):
        raise AssertionError("the workbook was parsed before it was checked")
    monkeypatch.setattr(openpyxl, "load_workbook", parse)


def test_a_sheet_declaring_every_cell_is_refused_unread(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = saved(tmp_path, hostile.everything_declared())
    assert path.stat().st_size < 10_000
    never_parsed(monkeypatch)
    with pytest.raises(SourceError) as caught:
        epcn.read_epcn(path, QualityLog())
    assert caught.value.file == "ePCN.xlsx"
    assert "sheet 'PCNDetails' declares the range A1:XFD1048576 " \
           "(1,048,576 rows by 16,384 columns)" in str(caught.value)
    assert "at most 100,000 rows, 1,024 columns" in str(caught.value)


def test_rows_are_read_without_the_declared_padding(tmp_path: Path) -> None:
    """Past the check, a lying dimension still costs nothing: the rows read
    are the ones in the file, as wide as the header."""
    path = saved(tmp_path, hostile.everything_declared())
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = list(safety.sheet_rows(workbook["PCN Core Partner Details"], path))
    assert len(rows) == 1 and rows[0][0].split() == ["Partner", "Organisation", "Code"]
    workbook.close()


def test_a_too_small_dimension_loses_no_rows(tmp_path: Path) -> None:
    """openpyxl stops at the declared last row; the readers read every row."""
    real = EXTRACT / "epcn" / "ePCN_2023-01-26.xlsx"
    path = saved(tmp_path, hostile.rewrite(real, {hostile.MEMBER_SHEET: hostile.declare("A1:B2")}))
    _, members = epcn.read_epcn(path, QualityLog())
    _, expected = epcn.read_epcn(real, QualityLog())
    assert len(members) == len(expected) > 100


def test_a_stray_far_cell_does_not_widen_the_rows(tmp_path: Path) -> None:
    real = EXTRACT / "epcn" / "ePCN_2023-01-26.xlsx"

    def stray(xml: bytes) -> bytes:
        return xml.replace(b'</row><row r="3"', b'<c r="XFD2"><v>1</v></c></row><row r="3"', 1)

    path = saved(tmp_path, hostile.rewrite(real, {hostile.MEMBER_SHEET: stray}))
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = list(safety.sheet_rows(workbook["PCN Core Partner Details"], path))
    workbook.close()
    assert {len(row) for row in rows} == {len(rows[0])} and len(rows[0]) < 20
    _, members = epcn.read_epcn(path, QualityLog())
    assert len(members) == len(epcn.read_epcn(real, QualityLog())[1])


def test_rows_and_header_width_are_capped(tmp_path: Path) -> None:
    real = EXTRACT / "epcn" / "ePCN_2023-01-26.xlsx"
    workbook = load_workbook(real, read_only=True, data_only=True)
    sheet = workbook["PCN Core Partner Details"]
    with pytest.raises(SourceError) as caught:
        list(safety.sheet_rows(sheet, real, max_rows=10))
    assert caught.value.row == 11 and "goes on past row 10" in str(caught.value)
    with pytest.raises(SourceError) as caught:
        list(safety.sheet_rows(sheet, real, max_columns=5))
    assert (caught.value.row, caught.value.column) == (1, "F")
    assert "the header row is 11 columns wide" in str(caught.value)
    workbook.close()


def test_a_zip_bomb_sheet_is_refused_from_the_directory(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = hostile.inflating()
    assert len(data) < 2_000_000
    path = saved(tmp_path, data)
    never_parsed(monkeypatch)
    with pytest.raises(SourceError) as caught:
        epcn.read_epcn(path, QualityLog())
    message = str(caught.value)
    assert "ePCN.xlsx" in message and "'xl/worksheets/sheet2.xml' inflates" in message
    assert "1,493,223,995 bytes" in message


def test_zip_caps(tmp_path: Path) -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for number in range(30):
            archive.writestr(f"Data/CSV/{number}.csv", "x")
    with pytest.raises(SourceError, match=r"holds 30 files \(expected at most 20 files"):
        safety.check_zip(many.getvalue(), max_members=20)
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.csv", b"1,2\n" * 500_000)
        archive.writestr("b.csv", b"3,4\n" * 500_000)
    with pytest.raises(SourceError, match=r"'a.csv' inflates 1,020 times .*as a zip bomb"):
        safety.check_zip(big.getvalue())
    with pytest.raises(SourceError, match=r"inflates to 4,000,000 bytes in all"):
        safety.check_zip(big.getvalue(), max_ratio=10_000, max_total_bytes=3_000_000)
    with pytest.raises(SourceError, match=r"'a.csv' inflates to 2,000,000 bytes"):
        safety.check_zip(big.getvalue(), max_ratio=10_000, max_member_bytes=1_000_000)
    with pytest.raises(SourceError, match="is not a readable zip archive"):
        safety.check_zip(b"PK\x03\x04 broken")


def test_a_member_lying_about_its_size_inflates_no_further(tmp_path: Path) -> None:
    """What check_zip relies on: zipfile stops at the declared size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("sheet.xml", b" " * 5_000_000)
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        struct.pack_into("<I", data, at + offset, 1_000)  # the declared inflated size
    safety.check_zip(bytes(data))  # it declares 1,000 bytes
    inflated = 0
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        with archive.open("sheet.xml") as member, pytest.raises(zipfile.BadZipFile, match="CRC"):
            while piece := member.read(100):
                inflated += len(piece)
    assert inflated <= 1_000


def test_a_dtd_is_refused(tmp_path: Path) -> None:
    real = EXTRACT / "epcn" / "ePCN_2023-01-26.xlsx"
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    path = saved(tmp_path, hostile.rewrite(real, {"xl/sharedStrings.xml": lambda x: entity
                                                  + x.split(b"?>", 1)[1]}))
    with pytest.raises(SourceError, match=r"'xl/sharedStrings\.xml' declares a DTD"):
        epcn.read_epcn(path, QualityLog())


def test_cell_references() -> None:
    assert safety.cell_position("XFD1048576") == (1_048_576, 16_384)
    assert safety.cell_position("a1") == (1, 1)
    assert [safety.column_letter(n) for n in (1, 26, 27, 1024, 16_384)] == [
        "A", "Z", "AA", "AMJ", "XFD"]
