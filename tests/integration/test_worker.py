"""Uploads read in a worker process: the same result as reading in the app,
and every hostile file up to 10 MB accepted or refused within 10 s, the
reader under 500 MB, with the reason shown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pcnmap import codes, uploads, worker
from pcnmap.pipeline.catalogue import load_catalogue
from tests import hostile

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "source"
NEW = load_catalogue().snapshots["2022-04"]
PRACTICES = [line.split(",")[0].strip('"') for line in
             (EXTRACT / NEW.practices.file).read_text().splitlines()]


@pytest.fixture()
def space(tmp_path: Path) -> uploads.SessionSpace:
    return uploads.SessionSpace(tmp_path)


def test_the_worker_reads_what_the_app_would(space: uploads.SessionSpace) -> None:
    paths = [space.save(Path(name).name, (EXTRACT / name).read_bytes())
             for name in (NEW.practices.file, NEW.memberships.file, NEW.registered.file)]
    here = uploads.read_uploads(paths)
    there = worker.read_uploads(paths)
    assert there.errors == here.errors == []
    assert there.files == here.files
    for name in ("practices", "england", "networks", "members", "registered"):
        pd.testing.assert_frame_equal(getattr(there, name), getattr(here, name))
    assert there.log.findings == here.log.findings
    assert set(there.peak_memory) == {path.name for path in paths}
    assert all(50e6 < peak < 500e6 for peak in there.peak_memory.values())


HOSTILE = {
    "a sheet declaring A1:XFD1048576": (
        "ePCN.xlsx", hostile.everything_declared,
        "sheet 'PCNDetails' declares the range A1:XFD1048576"),
    "a sheet inflating to 1.5 GB": (
        "ePCN.xlsx", hostile.inflating,
        "its part 'xl/worksheets/sheet2.xml' inflates to 1,493,223,995 bytes"),
    "a million unused shared strings": (
        "ePCN.xlsx", lambda: hostile.many_strings(1_000_000),
        "its part 'xl/sharedStrings.xml' inflates to 23,034,554 bytes"),
    "300,000 unused shared strings": ("ePCN.xlsx", lambda: hostile.many_strings(300_000),
                                      None),
    "one line of 10 million commas": (
        "configuration.csv", hostile.one_wide_line, "row 2: line 2 is 9,999,959 characters long"),
    "1.1 million lines": (
        "configuration.csv", hostile.many_lines, "row 100001: goes on past line 100,000"),
    "99,000 long names": ("configuration.csv", lambda: hostile.long_names(PRACTICES[:500]),
                          None),
    "10 MB of epraccur lines": (
        "epraccur.csv", lambda: hostile.repeated_epraccur(EXTRACT / NEW.practices.file), None),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_uploads_are_settled(space: uploads.SessionSpace, case: str) -> None:
    """Each refused with its reason, or read with its repeats reported and
    under 500 MB (how long each takes is measured by bench/load.py --hostile)."""
    name, make, refusal = HOSTILE[case]
    data = make()
    assert len(data) <= uploads.MAX_UPLOAD_BYTES
    uploads.kind_of(name, data)  # what the app checks itself
    result = worker.read_uploads([space.save(name, data)])
    if refusal:
        assert len(result.errors) == 1 and refusal in str(result.errors[0])
        return
    assert result.errors == []
    assert result.peak_memory[name] < 500e6
    if name == "ePCN.xlsx":
        assert len(result.members) > 100  # the real rows
    elif name == "epraccur.csv":
        assert result.england["code"].is_unique and len(result.england) > 50
        assert result.log.count("duplicate_record") > 10_000
    else:  # each practice once, its repeats reported
        listed = [line.split(b",")[0].decode() for line in data.splitlines()[1:]]
        valid = {code for code in listed if codes.PRACTICE_CODE.fullmatch(code)}
        assert set(result.configuration["practice_code"]) == valid
        assert result.log.count("duplicate_record") == len(listed) - len(set(listed)) > 80_000


def test_a_file_too_slow_is_stopped(space: uploads.SessionSpace) -> None:
    """Stopped by its processor time: a second is less than the worker's start
    and this 10 MB file need (about 3 s), however idle or busy the machine."""
    path = space.save("epraccur.csv", hostile.repeated_epraccur(EXTRACT / NEW.practices.file))
    result = worker.read_uploads([path], seconds=1)
    assert [str(e) for e in result.errors] == [
        "epraccur.csv: took more than 1 s of processing to read and was stopped "
        "(expected a file pcnmap can read within 1 s)"]


def test_a_file_needing_too_much_memory_is_stopped(space: uploads.SessionSpace) -> None:
    good = space.save("gp-reg-pat-prac-all.csv", (EXTRACT / NEW.registered.file).read_bytes())
    path = space.save("ePCN.xlsx", hostile.many_strings(300_000))
    result = worker.read_uploads([path, good], memory=50_000_000)
    assert [str(e) for e in result.errors] == [
        "ePCN.xlsx: needed more than 50 MB of memory to read and was stopped "
        "(expected a file pcnmap can read within 50 MB)"]
    assert result.registered is not None and len(result.registered) > 50  # the other file


def test_the_worker_sets_uploads_beside_a_snapshot_as_the_app_would(
        space: uploads.SessionSpace, built_extract: Path) -> None:
    paths = [space.save(Path(name).name, (EXTRACT / name).read_bytes())
             for name in (NEW.practices.file, NEW.memberships.file, NEW.registered.file)]
    read = uploads.read_uploads(paths)
    as_of = pd.Timestamp(NEW.as_of)
    here = uploads.beside_snapshot(read, built_extract, "2019-12", "lsoa", as_of)
    there = worker.beside_snapshot(read, built_extract, "2019-12", "lsoa", as_of)
    assert isinstance(there, uploads.Beside)
    pd.testing.assert_frame_equal(there.table, here.table)
    pd.testing.assert_frame_equal(there.after.practices, here.after.practices)
    assert there.log.findings == here.log.findings
    assert len(there.table) > 0  # April 2022's networks beside December 2019's


def test_a_comparison_that_fails_in_its_worker_is_said(space: uploads.SessionSpace,
                                                   built_extract: Path) -> None:
    path = space.save("gp-reg-pat-prac-all.csv", (EXTRACT / NEW.registered.file).read_bytes())
    read = uploads.read_uploads([path])
    # A megabyte more than the worker's start: the snapshot's tables cannot be read.
    said = worker.beside_snapshot(read, built_extract, "2019-12", "lsoa",
                                  pd.Timestamp(NEW.as_of), memory=1_000_000)
    assert said == ("Your files could not be set beside the snapshot: the comparison failed "
                    "(the details are in the app’s log).")
