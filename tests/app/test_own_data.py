"""Your own data in AppTest, with the real extracts (some damaged on purpose):
problems counted once however often the page reruns, hostile files refused
within 10 s while another session's page stays quick, and every file's text
shown as plain text."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

from openpyxl import load_workbook

from pcnmap import uploads, worker
from pcnmap.pipeline.catalogue import load_catalogue
from tests import hostile
from tests.app.test_planning import assert_table, expected_leaving_table
from tests.screen import run, shown
from ui import urlstate

PAGE = "pages/7_Your_own_data.py"
EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "source"
NEW = load_catalogue().snapshots["2022-04"]
LINK = "[Sign in](https://evil.example/login)"
IMAGE = "![x](https://evil.example/x.png)"



def upload(files: list[tuple[str, bytes]], **query: str):
    app = run(PAGE, snapshot="2019-12", **query)
    app.get("file_uploader")[0].set_value([(name, data, "text/csv") for name, data in files])
    return app.run()


def problems(app) -> int:
    """The number the page reports."""
    told = next(shown(w.value) for w in app.warning if "problem(s) in the rows" in w.value)
    return int(told.split(" ", 1)[0].replace(",", ""))


def damaged_epraccur() -> bytes:
    lines = (EXTRACT / NEW.practices.file).read_text().splitlines(keepends=True)
    england = [i for i, line in enumerate(lines) if ',"A",' in line and ',"4",' in line]
    lines[england[1]] = ",".join(lines[england[1]].split(",")[:20]) + "\n"  # a short row
    lines[england[2]] = lines[england[2]].replace(lines[england[2]].split(",")[9], '"XX1 1"')
    return "".join(lines).encode()


def test_problems_are_counted_once_however_often_the_page_reruns() -> None:
    configuration = (b"practice_code,network_code,network_name\n"
                     b"Y99999,U34632,\nP81185,NEW1,\nbad,U1,x\n")
    app = upload([("epraccur.csv", damaged_epraccur()),
                  ("gp-reg-pat-prac-all.csv", (EXTRACT / NEW.registered.file).read_bytes()),
                  ("configuration.csv", configuration)])
    assert not app.exception
    first = problems(app)
    table = app.dataframe[0].value
    assert len(table) == first
    assert not table.duplicated(["file", "row", "column", "value", "message"]).any()
    found = set(zip(table["file"], table["row"], table["column"], strict=True))
    assert ("configuration.csv", 2, "practice_code") in found  # Y99999: not in the snapshot
    assert ("configuration.csv", 4, "practice_code") in found  # "bad": malformed
    assert any(f == "epraccur.csv" and c == "field 21" for f, _, c in found)  # the short row
    for _ in range(3):
        app.run()
        assert problems(app) == first and len(app.dataframe[0].value) == first
    # The good rows were used: the uploaded practices stand in for the snapshot's.
    assert any("epraccur.csv: read as" in shown(s.value) for s in app.success)
    assert "Your files beside the shipped 2019-12 snapshot" in [h.value for h in app.header]


def test_a_first_line_holding_a_link_is_shown_as_text() -> None:
    app = upload([("notes.csv", f"{LINK},{IMAGE}\n1,2\n".encode()),
                  ("gp-reg-pat-prac-all.csv", (EXTRACT / NEW.registered.file).read_bytes())])
    [error] = app.error
    assert shown(error.value).startswith(
        f"Not used: notes.csv, row 1: is not a file pcnmap knows; its first line is "
        f"'{LINK},{IMAGE}'")
    assert "](" not in error.value.replace("\\]\\(", "")
    assert any("gp-reg-pat-prac-all.csv: read as" in shown(s.value) for s in app.success)


def test_a_header_cell_holding_a_link_is_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "ePCN.xlsx"
    workbook = load_workbook(EXTRACT / NEW.memberships.file)
    workbook["PCN Core Partner Details"]["E1"] = LINK
    workbook.save(path)
    app = upload([("ePCN.xlsx", path.read_bytes())])
    [error] = app.error
    text = shown(error.value)
    assert text.startswith("Not used: ePCN.xlsx, row 1, column 'PCN Code': sheet 'PCN Core "
                           "Partner Details': required column 'PCN Code' is missing")
    assert LINK in text and "](" not in error.value.replace("\\]\\(", "")


def test_a_utf16_file_is_named() -> None:
    data = (EXTRACT / NEW.practices.file).read_text().encode("utf-16")
    app = upload([("epraccur.csv", data)])
    assert [shown(e.value) for e in app.error] == [
        'Not used: epraccur.csv: is UTF-16 text (expected a CSV file as UTF-8 text (in Excel: '
        'Save As, "CSV UTF-8"))']


HOSTILE = [("ePCN.xlsx", hostile.everything_declared),
           ("ePCN_big.xlsx", hostile.inflating),
           ("strings.xlsx", lambda: hostile.many_strings(300_000)),
           ("configuration.csv", hostile.one_wide_line),
           ("epraccur.csv", lambda: hostile.repeated_epraccur(EXTRACT / NEW.practices.file))]


def test_hostile_workbooks_are_refused_and_the_good_file_used() -> None:
    files = [(name, make()) for name, make in HOSTILE[:2]]
    app = upload([*files, ("gp-reg-pat-prac-all.csv",
                           (EXTRACT / NEW.registered.file).read_bytes())])
    assert not app.exception
    errors = sorted(shown(e.value) for e in app.error)
    assert errors[0].startswith("Not used: ePCN.xlsx: sheet 'PCNDetails' declares the range "
                                "A1:XFD1048576 (1,048,576 rows by 16,384 columns)")
    assert errors[1].startswith("Not used: ePCN_big.xlsx: its part 'xl/worksheets/sheet2.xml' "
                                "inflates to 1,493,223,995 bytes")
    assert any("gp-reg-pat-prac-all.csv: read as" in shown(s.value) for s in app.success)
    assert "Your files beside the shipped 2019-12 snapshot" in [h.value for h in app.header]


def test_another_session_keeps_working_while_hostile_files_are_read(tmp_path: Path) -> None:
    """What the page does with each upload (check, save, read in a worker)
    runs in a thread, as a second user's session would, while this session's
    page reruns. (AppTest runs one app at a time, so the hostile user is the
    page's reading, not a second AppTest.) How quick each is, is measured by
    bench/load.py --hostile, not here."""
    other = run("dashboard.py", snapshot="2023-01")  # its data loaded
    space = uploads.SessionSpace(tmp_path)
    paths = []
    for name, make in HOSTILE:
        data = make()
        uploads.kind_of(name, data)
        paths.append(space.save(name, data))
    outcome = {}

    def hostile_user() -> None:
        outcome["result"] = worker.read_uploads(paths)

    user = threading.Thread(target=hostile_user)
    user.start()
    reruns = 0
    while user.is_alive():
        other.run()
        reruns += 1
        assert not other.exception and other.metric
    user.join()
    assert reruns >= 2  # the other page ran on while the files were read
    result = outcome["result"]
    refused = {error.file: str(error) for error in result.errors}
    assert {"ePCN.xlsx", "ePCN_big.xlsx", "configuration.csv"} <= set(refused)
    # The heavy but well-formed files are read, or (on a busy machine: this
    # session's reruns take a core) refused for time, never left hanging.
    for name in ("strings.xlsx", "epraccur.csv"):
        assert name in result.peak_memory or (
            f"took more than {worker.SECONDS:g} s of processing" in refused[name])
    assert all(peak < 500e6 for peak in result.peak_memory.values())


def test_more_files_than_the_cap_are_refused_by_name(monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_FILES", 2)  # 8 in the app; each file costs a worker
    data = (EXTRACT / NEW.registered.file).read_bytes()
    app = upload([(f"list{n}.csv", data) for n in range(1, 5)])
    assert [shown(e.value) for e in app.error] == [
        *(f"Not used: list{n}.csv: was not read: more files than the app reads at once "
          "(expected at most 2 files)" for n in (3, 4)),
        "Not used: list2.csv: is a second Patients registered at a GP practice "
        "(gp-reg-pat-prac-all.csv); the first (list1.csv) is used (expected one file of each "
        "kind)"]


def test_files_are_on_disk_only_while_read_and_let_go_on_leaving(monkeypatch) -> None:
    app = upload([("gp-reg-pat-prac-all.csv", (EXTRACT / NEW.registered.file).read_bytes())])
    assert not app.exception
    kept = {key: app.session_state[key] for key in ("own_files_result", "own_files_beside")}
    result = kept["own_files_result"][1]
    assert result.registered is not None
    assert not any(path.exists() for path in result.files.values())  # read, then removed
    # What the page keeps, as the next page's start finds it (AppTest keeps
    # the first page's address across a switch, so the start is called here).
    state = {"_page": "Your_own_data", **kept}
    monkeypatch.setattr(urlstate, "st", SimpleNamespace(session_state=state, query_params={}))
    urlstate.keep_shared_choices("Your_own_data")  # a rerun of the page keeps them
    assert set(kept) <= set(state)
    urlstate.keep_shared_choices("Data_quality")
    assert not any(key in state for key in urlstate.LEFT_BEHIND)


def test_only_refused_files_are_not_set_beside_the_snapshot() -> None:
    app = upload([("ePCN.xlsx", hostile.everything_declared())])
    assert not app.exception
    assert len(app.error) == 1
    assert shown(app.error[0].value).startswith("Not used: ePCN.xlsx: sheet 'PCNDetails' declares")
    assert not app.header
    assert "own_files_beside" not in app.session_state


def test_two_files_of_one_name_both_get_a_verdict() -> None:
    configuration = b"practice_code,network_code,network_name\nP81185,NEW1,A new network\n"
    registered = (EXTRACT / NEW.registered.file).read_bytes()
    app = upload([("data.csv", configuration), ("data.csv", registered),
                  ("data.csv", registered)])
    assert not app.exception
    assert sorted(shown(s.value) for s in app.success) == [
        f"data (2).csv: read as {uploads.KINDS['registered']}",
        f"data.csv: read as {uploads.KINDS['configuration']}"]
    assert [shown(e.value) for e in app.error] == [
        f"Not used: data (3).csv: is a second {uploads.KINDS['registered']}; the first "
        "(data (2).csv) is used (expected one file of each kind)"]


def test_a_file_of_another_extension_from_a_crafted_client_gets_a_sentence() -> None:
    """The browser offers only CSV and XLSX files; a client that sends
    another all the same is answered by the page, not by Streamlit's own
    exception box."""
    app = upload([("report.exe", b"MZ\x90\x00"), ("data.CSV.exe", b"a,b\n1,2\n")])
    assert not app.exception
    assert [shown(e.value) for e in app.error] == [
        "Not used: report.exe: is a .exe (expected a .csv or .xlsx file)",
        "Not used: data.CSV.exe: is a .exe (expected a .csv or .xlsx file)"]


def test_a_configuration_is_compared_for_the_place_chosen() -> None:
    """Your own data through the same view as Plan a change, for an ICB: its
    own figures and the exact table of its networks that change, the network
    covering a practice not signing up among them."""
    app = run(PAGE, snapshot="2026-07", area="QE1")
    assert app.title[0].value == "Your own data: Lancashire and South Cumbria ICB"
    configuration = b"practice_code,network_code,network_name\nP81687,,\n"
    app.get("file_uploader")[0].set_value([("configuration.csv", configuration, "text/csv")])
    app.run()
    assert not app.exception and not app.error
    assert "Your files beside the shipped 2026-07 snapshot" in [h.value for h in app.header]
    assert_table(app.dataframe[-1].value,
                 expected_leaving_table("2026-07", "in your files", "Sub-ICB locations"))
    figures = {shown(m.label): (m.value, m.delta) for m in app.metric}
    assert figures["Patients covered by a neighbouring network"] == ("2,091", "↑ +2,091")
    assert figures["Networks"] == ("14", "no change")  # the ICB's, not the extract's 32
    assert "Download your files' configuration of these practices (CSV)" in [
        b.proto.label for b in app.get("download_button")]
