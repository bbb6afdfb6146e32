"""Uploads set beside the built extract as the pipeline built it, and the
upload folders of a killed server swept (a process is started to die)."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store, uploads
from pcnmap.model import whatif
from pcnmap.pipeline.catalogue import load_catalogue

NEW = load_catalogue().snapshots["2022-04"]


@pytest.fixture()
def space(tmp_path: Path) -> uploads.SessionSpace:
    return uploads.SessionSpace(tmp_path)


def upload(space: uploads.SessionSpace, name: str, data: bytes) -> uploads.Uploaded:
    return uploads.read_uploads([space.save(name, data)])


def test_good_files_give_the_pipelines_figures(extract: Path, built_extract: Path,
                                               space: uploads.SessionSpace) -> None:
    """The April 2022 files uploaded over the December 2019 snapshot give the
    memberships and list sizes the pipeline builds for April 2022."""
    paths = [space.save(Path(name).name, (extract / name).read_bytes())
             for name in (NEW.practices.file, NEW.memberships.file, NEW.registered.file)]
    result = uploads.read_uploads(paths)
    assert result.errors == []
    assert set(result.files) == {"epraccur", "epcn", "registered"}
    base_practices = store.read_table(built_extract, "2019-12", "practices")
    base_networks = store.read_table(built_extract, "2019-12", "networks")
    practices, networks = uploads.own_snapshot(result, base_practices, base_networks,
                                               pd.Timestamp(NEW.as_of))
    built = store.read_table(built_extract, "2022-04", "practices").set_index("practice_code")
    mine = practices.set_index("practice_code")
    assert set(mine.index) == set(built.index)
    pd.testing.assert_series_equal(mine["network_code"].sort_index(),
                                   built["network_code"].sort_index(), check_dtype=False)
    from_monthly = built["registered_source"] == Path(NEW.registered.file).name
    assert from_monthly.mean() > 0.9
    pd.testing.assert_series_equal(mine.loc[from_monthly[from_monthly].index, "registered"]
                                   .sort_index(),
                                   built.loc[from_monthly, "registered"].sort_index())
    built_networks = store.read_table(built_extract, "2022-04", "networks")
    assert set(networks["network_code"]) == set(built_networks["network_code"])
    # Problems the pipeline reports for these files are reported for the upload too.
    pipeline = store.read_table(built_extract, "2022-04", "quality")
    for check in ("member_not_in_ods", "double_membership"):
        assert result.log.count(check) == (pipeline["check"] == check).sum()


def test_unknown_codes_in_a_configuration(built_extract: Path,
                                          space: uploads.SessionSpace) -> None:
    practices = store.read_table(built_extract, "2023-01", "practices")
    networks = store.read_table(built_extract, "2023-01", "networks")
    known = practices.dropna(subset=["network_code"]).iloc[0]
    text = ("practice_code,network_code,network_name\n"
            f"{known['practice_code']},NEW1,Riverside PCN\n"
            "Y99999,NEW1,Riverside PCN\n"
            f"{practices['practice_code'].iloc[1]},U00000,\n"
            f"{practices['practice_code'].iloc[2]},NEW2,\n"
            "bad,U12345,x\n")
    result = upload(space, "configuration.csv", text.encode())
    assert result.errors == []
    path = result.files["configuration"]
    proposal = whatif.proposal_from_configuration(result.configuration, practices, networks,
                                                  path, result.log)
    assert proposal.memberships == {known["practice_code"]: "NEW1"}
    assert proposal.new_networks == {"NEW1": "Riverside PCN"}
    where = {(f.row, f.column, f.check) for f in result.log.findings}
    assert where == {(3, "practice_code", "unknown_code"), (4, "network_code", "unknown_code"),
                     (5, "network_name", "invalid_value"), (6, "practice_code", "malformed_code")}


def test_folders_of_a_killed_server_are_removed(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = tmp_path / f"{gone.stdout.strip()}-left"
    (dead / "upload").mkdir(parents=True)
    (dead / "upload" / "epraccur.csv").write_text("x")
    old = tmp_path / "1-old"  # process 1 runs, but the folder is two days old
    old.mkdir()
    os.utime(old, (0, time.time() - 2 * 86_400))
    alive = tmp_path / "1-recent"
    alive.mkdir()
    mine = uploads.SessionSpace(tmp_path)
    other = tmp_path / "notes"
    other.mkdir()
    second = uploads.SessionSpace(tmp_path)
    assert not dead.exists() and not old.exists()
    assert alive.exists() and other.exists() and mine.path.exists() and second.path.exists()
    assert mine.path.name.startswith(f"{os.getpid()}-")
    assert uploads.UPLOAD_ROOT.name == f"pcnmap-uploads-{os.getuid()}"
