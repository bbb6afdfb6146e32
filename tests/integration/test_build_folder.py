"""The build's data folder: one snapshot at a time, a new snapshot from the
catalogue alone, and never half a folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.pipeline import build as pipeline
from pcnmap.pipeline.catalogue import CATALOGUE_FILE

ROOT = Path(__file__).resolve().parents[2]

# A snapshot nobody declared: October 2025, from the practice map of that
# date, the classic ODS file of September 2025 and the April 2025 lists. All
# three layouts are known, so it takes one catalogue entry and no code.
OCTOBER_2025 = '''
[[snapshot]]
key = "2025-10"
label = "October 2025 (test)"
as_of = "2025-10-01"
lsoa_layer = "2021"
financial_years = ["2025/26"]
commissioner_word = "Sub-ICB location"
commissioner_plural = "Sub-ICB locations"
area_word = "ICB"

[snapshot.practices]
file = "ods/epraccur_2025-09.csv"
layout = "epraccur"
vintage = "2025-09"
active = "status"

[snapshot.memberships]
file = "list_sizes/gp-reg-pat-prac-map_01Oct2025.csv"
layout = "practice-map"
vintage = "2025-10-01"

[snapshot.registered]
file = "list_sizes/gp-reg-pat-prac-all_01Apr2025.zip"
layout = "registered"
vintage = "2025-04-01"

[snapshot.commissioners]
kind = "Sub-ICB location (April 2023)"
file = "boundaries/sub_icb_apr2023_en_bsc.geojson"
vintage = "2023-04"
ons_code = "SICBL23CD"
name = "SICBL23NM"
ods_codes = { file = "lookups/lsoa21_sicbl24_icb24.csv", ons = "sicbl24_code", \
ods = "sicbl24_code_nhs" }
note = "April 2023 Sub-ICB location boundaries (ONS)."

[snapshot.lsoa_commissioners]
file = "lookups/lsoa21_sicbl24_icb24.csv"
vintage = "2024-04"
lsoa = "lsoa21_code"
commissioner = "sicbl24_code"
'''


def test_a_new_snapshot_is_one_catalogue_entry(extract: Path, tmp_path: Path) -> None:
    catalogue = tmp_path / "snapshots.toml"
    catalogue.write_text(CATALOGUE_FILE.read_text(encoding="utf-8") + OCTOBER_2025)
    result = pipeline.build(extract, tmp_path / "out", ["2025-10"], catalogue_path=catalogue)
    assert result.errors == {} and list(result.written) == ["2025-10"]
    practices = store.read_table(tmp_path / "out", "2025-10", "practices")
    practice_map = pd.read_csv(extract / "list_sizes/gp-reg-pat-prac-map_01Oct2025.csv",
                               dtype=str)
    assert set(practices["practice_code"]) == set(practice_map["PRACTICE_CODE"])
    members = practice_map[practice_map["PCN_CODE"] != "U"]
    assert set(store.read_table(tmp_path / "out", "2025-10", "networks")["network_code"]) == \
        set(members["PCN_CODE"])
    assert store.verify(tmp_path / "out") == []
    record = store.read_manifest(tmp_path / "out")["snapshots"]["2025-10"]
    assert record["lsoa_layer"] == "2021" and record["label"] == "October 2025 (test)"


@pytest.fixture()
def built(built_extract: Path, tmp_path: Path) -> Path:
    """A writable copy of the extract's whole build."""
    target = tmp_path / "data"
    shutil.copytree(built_extract, target)
    return target


def checksums(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_building_one_snapshot_keeps_the_others(extract: Path, built: Path) -> None:
    before = checksums(built)
    result = pipeline.build(extract, built, ["2022-04"])
    assert list(result.written) == ["2022-04"]
    after = checksums(built)
    for name, content in before.items():
        if not name.startswith("2022-04/") and name != "manifest.json":
            assert after[name] == content, name
    assert store.verify(built) == []
    assert sorted(store.read_manifest(built)["snapshots"]) == sorted(
        json.loads(before["manifest.json"])["snapshots"])


def test_an_interrupted_build_leaves_the_data_folder_as_it_was(
        extract: Path, built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = checksums(built)
    real = pipeline.write_table
    written = []

    def stop_half_way(name, frame, folder, part=None):
        written.append(name)
        if len(written) == 12:  # in the middle of the second snapshot
            raise KeyboardInterrupt
        return real(name, frame, folder, part)

    monkeypatch.setattr(pipeline, "write_table", stop_half_way)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build(extract, built, workers=1)  # one process: the patch applies
    assert checksums(built) == before
    assert not list(built.parent.glob(".data.building-*"))
    assert store.verify(built) == []


def test_a_snapshot_that_fails_keeps_its_last_good_build(extract_copy: Path, built: Path) -> None:
    (extract_copy / "ods/epraccur_2023-01.csv").write_text("not,a,practice\n")
    before = checksums(built)
    result = pipeline.build(extract_copy, built)
    assert "2023-01" in result.errors and "2023-01" not in result.written
    assert checksums(built)["2023-01/practices.parquet"] == before["2023-01/practices.parquet"]
    assert store.verify(built) == []


def test_a_build_stopped_between_its_two_renames_is_recovered(built: Path) -> None:
    before = checksums(built)
    built.rename(built.parent / f".{built.name}.previous")
    pipeline.recover(built)
    assert checksums(built) == before


def test_cli_when_every_snapshot_fails_says_so_without_a_traceback(
        extract_copy: Path, tmp_path: Path) -> None:
    for path in (extract_copy / "ods").glob("epraccur_*.csv"):
        path.write_bytes(b"\xff\xfe broken")
    run = subprocess.run(
        [sys.executable, "-m", "pcnmap", "build", "--source", str(extract_copy),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    for key in ("2019-12", "2022-04", "2023-01", "2024-10", "2026-07"):
        assert f"error: {key} not built: epraccur_" in run.stderr
    assert "built 0 snapshot(s)" in run.stdout
    assert not (tmp_path / "out").exists()  # nothing half-built left behind
