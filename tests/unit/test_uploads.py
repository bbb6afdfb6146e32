"""Bringing your own files: each kind of bad file gives a clear message, a good
file gives the pipeline's figures. All files are the real extract's, some
damaged on purpose."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import export, uploads
from pcnmap.pipeline.catalogue import load_catalogue
from pcnmap.problems import SourceError

NEW = load_catalogue().snapshots["2022-04"]
PAYMENTS = "list_sizes/nhs-payments-gp-2022-23_list-sizes.csv"


@pytest.fixture()
def space(tmp_path: Path) -> uploads.SessionSpace:
    return uploads.SessionSpace(tmp_path)


def upload(space: uploads.SessionSpace, name: str, data: bytes) -> uploads.Uploaded:
    return uploads.read_uploads([space.save(name, data)])


def only_error(result: uploads.Uploaded) -> str:
    assert len(result.errors) == 1
    return str(result.errors[0])


def test_wrong_columns(extract: Path, space: uploads.SessionSpace) -> None:
    text = (extract / NEW.registered.file).read_text().replace("NUMBER_OF_PATIENTS", "PATIENTS", 1)
    text = text.replace("EXTRACT_DATE", "CODE2", 1)
    message = only_error(upload(space, "gp-reg-pat-prac-all.csv", text.encode()))
    # Without NUMBER_OF_PATIENTS the file is no longer recognised as a list.
    assert "is not a file pcnmap knows" in message and "row 1" in message
    text = (extract / NEW.registered.file).read_text().replace("SEX", "GENDER", 1)
    message = only_error(upload(space, "gp-reg-pat-prac-all.csv", text.encode()))
    assert "row 1" in message and "'SEX'" in message and "missing" in message


def england_lines(extract: Path) -> tuple[list[str], list[int]]:
    """The new epraccur's lines and the indexes of England's active GP practices."""
    lines = (extract / NEW.practices.file).read_text().splitlines(keepends=True)
    return lines, [i for i, line in enumerate(lines) if ',"A",' in line and ',"4",' in line]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_is_named_not_called_binary(extract: Path, space: uploads.SessionSpace,
                                           encoding: str) -> None:
    data = (extract / NEW.practices.file).read_text().encode(encoding)
    message = only_error(upload(space, "epraccur.csv", data))
    wide = "UTF-32" if encoding == "utf-32" else "UTF-16"
    assert message == (f"epraccur.csv: is {wide} text (expected a CSV file as UTF-8 text "
                       '(in Excel: Save As, "CSV UTF-8"))')


def test_a_latin1_byte_is_named_by_row_and_column(extract: Path,
                                                  space: uploads.SessionSpace) -> None:
    lines, england = england_lines(extract)
    row = england[3]
    lines[row] = lines[row].replace('","', '","É', 1)  # the name's first letter
    lines[england[5]] = lines[england[5]].replace('"', 'é"', 1)
    message = only_error(upload(space, "epraccur.csv", "".join(lines).encode("latin-1")))
    assert message.startswith(f"epraccur.csv, row {row + 1}, column 'field 2': byte 0xC9 is "
                              "not UTF-8 text (in Windows-1252 it is 'É'); 1 more line(s)")
    registered = (extract / NEW.registered.file).read_text().splitlines(keepends=True)
    registered[4] = registered[4].replace(",ALL,", ",ÀLL,", 1)
    message = only_error(upload(space, "gp-reg-pat-prac-all.csv",
                                "".join(registered).encode("cp1252")))
    assert message.startswith("gp-reg-pat-prac-all.csv, row 5, column 'SEX': byte 0xC0 ")


def test_a_short_or_long_line_is_reported_and_the_rest_loads(
        extract: Path, space: uploads.SessionSpace) -> None:
    lines, england = england_lines(extract)
    short, long = england[2], england[7]
    codes = {i: lines[i].split(",", 1)[0].strip('"') for i in (short, long)}
    lines[short] = ",".join(lines[short].split(",")[:20]) + "\n"  # 20 fields
    lines[long] = lines[long].rstrip("\n") + ',"extra"\n'  # 28 fields
    lines.insert(len(lines) // 2, "\n")  # a blank line moves no row number
    blank = len(lines) // 2
    clean = upload(space, "epraccur.csv", (extract / NEW.practices.file).read_bytes())
    result = upload(space, "epraccur.csv", "".join(lines).encode())
    assert result.errors == []
    found = {(f.check, f.row, f.column, f.value): f.message for f in result.log.findings
             if f.check == "wrong_field_count"}
    assert found == {
        ("wrong_field_count", short + 1 + (short >= blank), "field 21", "20"):
            "has 20 fields where the file's lines have 27; row left out",
        ("wrong_field_count", long + 1 + (long >= blank), "field 28", "28"):
            "has 28 fields where the file's lines have 27; row left out"}
    kept = set(result.england["code"])
    assert not set(codes.values()) & kept
    assert kept == set(clean.england["code"]) - set(codes.values())
    # Rows after the blank line keep their own numbers.
    last = result.practices.iloc[-1]
    assert last["source_row"] == len(lines) and last["code"] == lines[-1].split(",")[0].strip('"')


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "2000000", "12.5", "-3"])
def test_impossible_list_sizes_are_bad_numbers(extract: Path, space: uploads.SessionSpace,
                                               value: str) -> None:
    text = (extract / NEW.registered.file).read_text().splitlines(keepends=True)
    header = text[0].strip().split(",")
    rows = [i for i, line in enumerate(text) if ",ALL,ALL," in line]
    cells = text[rows[3]].rstrip("\n").split(",")
    code = cells[header.index("CODE")]
    cells[header.index("NUMBER_OF_PATIENTS")] = value
    text[rows[3]] = ",".join(cells) + "\n"
    result = upload(space, "gp-reg-pat-prac-all.csv", "".join(text).encode())
    assert result.errors == []
    [finding] = [f for f in result.log.findings if f.check == "bad_number"]
    assert (finding.row, finding.column, finding.record) == (rows[3] + 1, "NUMBER_OF_PATIENTS",
                                                             code)
    assert code not in set(result.registered["practice_code"])
    assert len(result.registered) == len(rows) - 1


def test_empty_files(space: uploads.SessionSpace) -> None:
    assert "file is empty" in only_error(upload(space, "epraccur.csv", b""))
    assert "file is empty" in only_error(upload(space, "ePCN.xlsx", b"  \n"))


def test_truncated_workbook(extract: Path, space: uploads.SessionSpace) -> None:
    data = (extract / NEW.memberships.file).read_bytes()
    message = only_error(upload(space, "ePCN.xlsx", data[: len(data) // 2]))
    assert "ePCN.xlsx" in message and "not a readable Excel workbook" in message


def test_duplicate_practices_keep_the_first(extract: Path, space: uploads.SessionSpace) -> None:
    lines = (extract / NEW.practices.file).read_text().splitlines(keepends=True)
    england = [i for i, line in enumerate(lines) if ',"A",' in line and ',"4",' in line]
    data = "".join([*lines, lines[england[0]]]).encode()
    result = upload(space, "epraccur.csv", data)
    assert result.errors == []
    repeats = [f for f in result.log.findings if f.check == "duplicate_record"]
    assert [(f.row, f.column) for f in repeats] == [(len(lines) + 1,
                                                     "field 1 (organisation code)")]
    assert result.england["code"].is_unique


def test_bad_rows_are_listed_and_good_rows_load(extract: Path,
                                                space: uploads.SessionSpace) -> None:
    text = (extract / NEW.registered.file).read_text().splitlines(keepends=True)
    header = text[0].strip().split(",")
    rows = [i for i, line in enumerate(text) if ",ALL,ALL," in line]
    damaged = list(text)
    for row, column, value in ((rows[0], "NUMBER_OF_PATIENTS", "lots"), (rows[1], "CODE", "X1")):
        cells = damaged[row].rstrip("\n").split(",")
        cells[header.index(column)] = value
        damaged[row] = ",".join(cells) + "\n"
    result = upload(space, "gp-reg-pat-prac-all.csv", "".join(damaged).encode())
    assert result.errors == []
    found = {(f.row, f.column) for f in result.log.findings}
    assert (rows[0] + 1, "NUMBER_OF_PATIENTS") in found
    assert (rows[1] + 1, "CODE") in found
    assert len(result.registered) == len(rows) - 2


def test_a_50_mb_file_is_refused_unread(space: uploads.SessionSpace) -> None:
    data = b"practice_code,network_code,network_name\n" + b"P81001,U12345,x\n" * 3_300_000
    assert len(data) > 50 * 1024 * 1024
    with pytest.raises(SourceError, match=r"is 52\.8 MB \(52,800,040 bytes\) "
                                          r"\(expected at most 10 MB \(10,000,000 bytes\)\)"):
        uploads.kind_of("configuration.csv", data)


def test_the_upload_cap_is_streamlits() -> None:
    """Streamlit's browser refuses over maxUploadSize megabytes of 1,000,000
    bytes; pcnmap's cap is the same number."""
    import tomllib

    config = tomllib.loads((Path(__file__).resolve().parents[2] / ".streamlit"
                            / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == uploads.MAX_UPLOAD_MB
    assert uploads.MAX_UPLOAD_BYTES == 10_000_000
    uploads.kind_of("configuration.csv", b"practice_code,network_code\n" + b"x" * 9_999_973)
    with pytest.raises(SourceError, match=r"10,000,001 bytes"):
        uploads.kind_of("configuration.csv", b"practice_code,network_code\n" + b"x" * 9_999_974)


def test_other_file_types_are_refused(space: uploads.SessionSpace) -> None:
    with pytest.raises(SourceError, match=r"expected a \.csv or \.xlsx file"):
        uploads.kind_of("model.pkl", b"\x80\x04K\x01.")
    with pytest.raises(SourceError, match="binary"):
        uploads.kind_of("sneaky.csv", b"PK\x03\x04 a zip called csv")
    with pytest.raises(SourceError, match="not an Excel workbook"):
        uploads.kind_of("sheet.xlsx", b"code,name\n")
    with pytest.raises(SourceError, match="is not a file pcnmap knows"):
        uploads.kind_of("notes.csv", b"hello,world\n")


def test_a_files_kind_is_told_from_a_view_of_it_as_from_its_bytes(extract: Path) -> None:
    """The page hands kind_of a view of the upload (no copy); the verdict is
    the same as from the bytes, for each of the real files."""
    for name in (NEW.practices.file, NEW.memberships.file, NEW.registered.file):
        data = (extract / name).read_bytes()
        assert uploads.kind_of(Path(name).name, memoryview(data)) \
            == uploads.kind_of(Path(name).name, data)


def test_a_ten_megabyte_first_line_is_told_from_its_head(space: uploads.SessionSpace) -> None:
    """Ten million commas on the first line: kind_of looks only at the head a
    line may fill, and refuses it as it would the whole; whitespace past a
    blank head is still empty, and data past it is not."""
    data = b"," * 9_999_999 + b"\n"
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"is not a file pcnmap knows; its first line is "
                                          r"',,,,"):
        uploads.kind_of("configuration.csv", memoryview(data))
    assert time.monotonic() - started < 5  # not ten million cells
    assert "wide.csv, row 1: is not a file pcnmap knows" in only_error(
        upload(space, "wide.csv", data))
    blank = b" " * (uploads.HEAD_BYTES + 10)
    with pytest.raises(SourceError, match="file is empty"):
        uploads.kind_of("configuration.csv", memoryview(blank + b"\n"))
    with pytest.raises(SourceError, match="is not a file pcnmap knows"):
        uploads.kind_of("configuration.csv", memoryview(blank + b"practice_code\n"))


def test_formulas_and_html_in_names_stay_text(extract: Path, space: uploads.SessionSpace
                                              ) -> None:
    lines = (extract / NEW.practices.file).read_text().splitlines(keepends=True)
    england = [i for i, line in enumerate(lines) if ',"A",' in line and ',"4",' in line]
    hostile = {england[0]: '=HYPERLINK("http://evil.example","x")',
               england[1]: "<img src=x onerror=alert(1)>"}
    for index, name in hostile.items():
        cells = lines[index].split('","')
        cells[1] = name.replace('"', '""')
        lines[index] = '","'.join(cells)
    result = upload(space, "epraccur.csv", "".join(lines).encode())
    assert result.errors == []
    flagged = {f.row: f.value for f in result.log.findings if f.check == "active_text"}
    assert flagged == {index + 1: name for index, name in hostile.items()}
    names = set(result.england["name"])
    assert set(hostile.values()) <= names
    exported = export.csv_bytes(result.england[["code", "name"]]).decode()
    assert "'=HYPERLINK" in exported and "\n=HYPERLINK" not in exported.replace('"', "")


def test_names_cannot_leave_the_session_space(space: uploads.SessionSpace) -> None:
    for name in ("../../etc/passwd.csv", "..\\..\\win.csv", ".hidden.csv", "/abs/x.csv"):
        saved = space.save(name, b"x")
        assert saved.parent == space.path
    space.clear()
    assert not space.path.exists()


def test_codes_are_read_as_text(space: uploads.SessionSpace) -> None:
    """Leading zeros survive: codes are never read as numbers."""
    text = "practice_code,network_code,network_name\nP81001,U00123,Zero PCN\n"
    result = upload(space, "configuration.csv", text.encode())
    assert result.configuration["network_code"].tolist() == ["U00123"]


def payments_lines(extract: Path) -> list[str]:
    return (extract / PAYMENTS).read_text().splitlines(keepends=True)


def test_an_nhs_payments_file_gives_the_pipelines_lists(extract: Path,
                                                        space: uploads.SessionSpace) -> None:
    from pcnmap.pipeline.readers import list_sizes
    from pcnmap.problems import QualityLog

    data = (extract / PAYMENTS).read_bytes()
    assert uploads.kind_of("payments.csv", data) == "payments"
    result = upload(space, "payments.csv", data)
    assert result.errors == [] and result.log.findings == []
    expected = list_sizes.read_payments_lists(extract / PAYMENTS, QualityLog())
    assert result.payments["practice_code"].tolist() == expected["practice_code"].tolist()
    assert result.payments["weighted"].tolist() == expected["weighted"].tolist()


@pytest.mark.parametrize("value", ["inf", "1e308", "99999999999", "-1000", "nan-ish"])
def test_impossible_weighted_lists_are_named_and_left_out(extract: Path,
                                                          space: uploads.SessionSpace,
                                                          value: str) -> None:
    lines = payments_lines(extract)
    cells = lines[5].rstrip("\n").split(",")
    code = cells[6]
    cells[-1] = value
    lines[5] = ",".join(cells) + "\n"
    result = upload(space, "payments.csv", "".join(lines).encode())
    assert result.errors == []
    [finding] = result.log.findings
    assert (finding.check, finding.row, finding.column, finding.record) == (
        "bad_number", 6, "Number of Weighted Patients (Last Known Figure)", code)
    assert "expected a number from 0 to 1,000,000" in finding.message
    weighted = result.payments.set_index("practice_code")["weighted"]
    assert pd.isna(weighted.get(code)) or code not in weighted.index
    assert weighted.dropna().between(0, 1_000_000).all()
    assert len(result.payments) == len(lines) - 1  # nothing else lost


def test_a_nul_byte_after_the_first_4_kb_is_named(extract: Path,
                                                   space: uploads.SessionSpace) -> None:
    lines = payments_lines(extract)
    assert sum(map(len, lines[:40])) > 4096
    lines[40] = lines[40].replace("GP practice", "GP\x00practice")
    result = upload(space, "payments.csv", "".join(lines).encode())
    assert result.errors == []
    [finding] = result.log.findings
    assert (finding.row, finding.column) == (41, "field 15")
    assert "NUL character" in finding.message
    assert len(result.payments) == len(lines) - 2  # that row alone left out


def test_an_unclosed_quotation_mark_is_named_on_its_own_row(extract: Path,
                                                            space: uploads.SessionSpace) -> None:
    lines = payments_lines(extract)
    lines[10] = lines[10].replace(",GP practice,", ',"GP practice,')
    result = upload(space, "payments.csv", "".join(lines).encode())
    assert result.errors == []
    [finding] = result.log.findings
    assert (finding.row, finding.column) == (11, "field 15")
    assert "quotation mark not closed on its line" in finding.message
    assert "C error" not in finding.message
    assert len(result.payments) == len(lines) - 2  # the rows after it are read


def test_direction_controls_in_a_name_are_named_and_removed(space: uploads.SessionSpace
                                                            ) -> None:
    text = ("practice_code,network_code,network_name\n"
            "P81001,NEW1,Surgery\u202egnp.exe\nP81002,NEW1,Surgery\u202egnp.exe\n")
    result = upload(space, "configuration.csv", text.encode())
    assert set(result.configuration["network_name"]) == {"Surgerygnp.exe"}
    flagged = [f for f in result.log.findings if "reverse the direction" in f.message]
    assert [(f.row, f.column, f.value) for f in flagged] == [
        (2, "network_name", "Surgery\\u202egnp.exe"), (3, "network_name", "Surgery\\u202egnp.exe")]


def test_two_uploads_of_one_name_are_two_files(space: uploads.SessionSpace) -> None:
    first, second = space.save("data.csv", b"a"), space.save("data.csv", b"b")
    assert (first.name, second.name) == ("data.csv", "data (2).csv")
    assert (first.read_bytes(), second.read_bytes()) == (b"a", b"b")
