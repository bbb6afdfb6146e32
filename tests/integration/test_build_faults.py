"""The build's faults, on the real extract: dates that are not dates, a data
folder behind a link or with hyphens in its name, a build killed outright,
and a full disk. Each is reported in words, and the data folder is never
left half-built."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import __main__ as cli
from pcnmap import store
from pcnmap.pipeline import build as pipeline
from tests.editing import rewrite_line

ROOT = Path(__file__).resolve().parents[2]
ODS = "ods/epraccur_2025-09.csv"  # read by its dates for October 2024


def ods_rows(source: Path) -> pd.DataFrame:
    frame = pd.read_csv(source / ODS, header=None, dtype=str, keep_default_na=False)
    return frame.assign(row=range(1, len(frame) + 1))


def test_dates_that_are_not_dates_are_reported_and_judged_by_the_stated_rule(
        extract_copy: Path, tmp_path: Path) -> None:
    rows = ods_rows(extract_copy)
    open_now = rows[(rows[25] == "4") & (rows[12] == "A") & (rows[11] == "")]
    bad_open = dict(zip(open_now["row"].iloc[:4],
                        ["20231399", "notadate", "", "99999999"], strict=True))
    active_bad_close, closed_bad_close = open_now["row"].iloc[4], \
        rows[(rows[25] == "4") & (rows[12] == "C")]["row"].iloc[0]
    for row, value in bad_open.items():
        rewrite_line(extract_copy / ODS, row, f'"{rows.at[row - 1, 10]}"', f'"{value}"')
    rewrite_line(extract_copy / ODS, active_bad_close, f'"{rows.at[active_bad_close - 1, 10]}",""',
                 f'"{rows.at[active_bad_close - 1, 10]}","31/02/2024"')
    closed = rows.at[closed_bad_close - 1, 11]
    rewrite_line(extract_copy / ODS, closed_bad_close, f'"{closed}"', '"notadate"')

    result = pipeline.build(extract_copy, tmp_path / "out", ["2024-10"])
    assert result.errors == {}
    quality = store.read_table(tmp_path / "out", "2024-10", "quality")
    dates = quality[quality["check"] == "bad_date"]
    found = {(row, column): message for row, column, message in
             zip(dates["row"], dates["column"], dates["message"], strict=True)}
    for row, value in bad_open.items():
        message = found[(row, "field 11 (open date)")]
        assert message.startswith(f"{value!r} is not a date" if value else "no open date")
        assert "an unreadable open date counts as before 1 October 2024" in message
    assert (active_bad_close, "field 12 (close date)") in found
    assert (closed_bad_close, "field 12 (close date)") in found
    practices = set(store.read_table(tmp_path / "out", "2024-10", "practices")["practice_code"])
    kept = {rows.at[row - 1, 0] for row in [*bad_open, active_bad_close]}
    assert kept <= practices  # opened before the snapshot; still open by its status
    assert rows.at[closed_bad_close - 1, 0] not in practices  # closed: its status says so
    # No finding calls an active GP practice "not an active GP practice".
    members = quality[quality["check"] == "member_not_in_ods"]
    assert not members["message"].str.contains("status 'A' and prescribing setting '4'").any()


def test_a_member_left_out_is_said_for_what_it_is(extract_copy: Path, tmp_path: Path) -> None:
    """A member practice that opened after the snapshot date is said to have
    opened then, not to be "not an active GP practice" with status A."""
    rows = ods_rows(extract_copy)
    members = pd.read_excel(extract_copy / "epcn/ePCN_2024-10.xlsx",
                            sheet_name=None)
    partners = next(frame for name, frame in members.items() if "Partner" in name)
    code = next(c for c in partners.iloc[:, 0].astype(str)
                if c in set(rows.loc[(rows[25] == "4") & (rows[12] == "A"), 0]))
    row = int(rows.loc[rows[0] == code, "row"].iloc[0])
    rewrite_line(extract_copy / ODS, row, f'"{rows.at[row - 1, 10]}"', '"20250101"')
    pipeline.build(extract_copy, tmp_path / "out", ["2024-10"])
    quality = store.read_table(tmp_path / "out", "2024-10", "quality")
    [message] = quality.loc[(quality["check"] == "member_not_in_ods")
                            & (quality["record"] == code), "message"]
    assert message == ("ODS has it opening on 1 January 2025, after the snapshot date; "
                       "membership not counted")


def test_a_data_folder_behind_a_link_is_built_where_the_link_points(
        extract: Path, tmp_path: Path) -> None:
    target = tmp_path / "real-data"
    link = tmp_path / "data"
    pipeline.build(extract, target, ["2022-04"])
    link.symlink_to(target)
    # A link left by an earlier version of the build in the "previous" place.
    (tmp_path / ".data.previous").symlink_to(target)
    for _ in range(2):  # every later build works too
        result = pipeline.build(extract, link, ["2022-04"])
        assert result.errors == {} and list(result.written) == ["2022-04"]
        assert link.is_symlink() and link.resolve() == target.resolve()
        assert store.verify(link) == []
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == [".data.previous"]  # the old link, never followed or removed
    assert target.is_dir()


def test_a_link_to_nothing_is_refused_in_a_sentence(extract: Path, tmp_path: Path) -> None:
    (tmp_path / "data").symlink_to(tmp_path / "gone")
    result = pipeline.build(extract, tmp_path / "data", ["2022-04"])
    assert result.errors == {"data folder": f"{tmp_path / 'data'} is a link to "
                                            f"{tmp_path / 'gone'}, which is not a folder; "
                                            "point it at a folder or remove it"}


def test_a_hyphenated_data_folder_keeps_a_running_builds_folder(tmp_path: Path) -> None:
    out = tmp_path / "my-data"
    running = tmp_path / f".my-data.building-{os.getpid()}-1234"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    abandoned = tmp_path / f".my-data.building-{gone}-1234"
    other = tmp_path / ".my-data-2.building-1-1"  # another folder's build, not this one's
    for folder in (running, abandoned, other):
        folder.mkdir()
    pipeline.recover(out)
    assert running.exists() and other.exists() and not abandoned.exists()


def children(pid: int) -> list[int]:
    """Processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_build_leaves_no_worker_behind(extract: Path, tmp_path: Path) -> None:
    build = subprocess.Popen(
        [sys.executable, "-m", "pcnmap", "build", "--source", str(extract), "--out",
         str(tmp_path / "out"), "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    # At work: each worker has written its layer's first table into the
    # build's folder (and has a few seconds of snapshots still to build).
    while time.monotonic() < deadline and build.poll() is None:
        workers = [pid for pid in children(build.pid) if b"spawn_main" in
                   (Path("/proc") / str(pid) / "cmdline").read_bytes()]
        if len(workers) == 2 and len(list(tmp_path.glob(".out.building-*/lsoa-*"))) == 2:
            break
        time.sleep(0.05)
    assert len(workers) == 2, "the build's two workers never started"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    # Killed with their parent, not when their work would have ended.
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
    # The next build removes the abandoned folder and builds as usual.
    assert list(tmp_path.glob(".out.building-*"))
    pipeline.recover(tmp_path / "out")
    assert not list(tmp_path.glob(".out.building-*"))
    assert not (tmp_path / "out").exists()  # nothing half-built was swapped in


@pytest.mark.parametrize("failure", [
    OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    shutil.Error([("data/2019-12/practices.parquet", ".data.building-1-1/2019-12/x",
                   f"[Errno 28] {os.strerror(errno.ENOSPC)}")])])
def test_a_full_disk_is_said_in_one_sentence(extract: Path, built_extract: Path,
                                             tmp_path: Path, failure: Exception,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "data"
    shutil.copytree(built_extract, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def full(*args, **kwargs):
        raise failure

    monkeypatch.setattr(pipeline, "_build_into", full)
    status = cli.main(["build", "--source", str(extract), "--out", str(out)])
    told = capsys.readouterr().err.strip().splitlines()
    assert status == 1
    assert len(told) == 1 and told[0].startswith(
        f"error: the build stopped because the disk holding {out} is full (")
    assert told[0].endswith(f"{out} is unchanged")
    assert "Errno" not in told[0] and "[(" not in told[0]
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not list(tmp_path.glob(".data.building-*"))
