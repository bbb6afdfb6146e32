"""Bad sources stop only their own snapshot, and the command line says so in
one line: builds of the damaged real extract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pcnmap.pipeline.build import build
from pcnmap.pipeline.readers import codepoint
from pcnmap.problems import SourceError
from tests.editing import rewrite_line

ROOT = Path(__file__).resolve().parents[2]


def test_missing_file_stops_only_its_snapshot(extract_copy: Path, tmp_path: Path) -> None:
    (extract_copy / "ods/epraccur_2022-03-16.csv").unlink()
    result = build(extract_copy, tmp_path / "out")
    assert set(result.written) == {"2019-12", "2023-01", "2024-10", "2026-07"}
    message = result.errors["2022-04"]
    assert "epraccur_2022-03-16.csv" in message and "file not found" in message
    assert "expected an ODS epraccur file" in message


def test_corrupt_codepoint_zip_stops_the_build_with_its_name(extract_copy: Path,
                                                            tmp_path: Path) -> None:
    path = extract_copy / "postcodes/codepo_gb_2018-07.zip"
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SourceError, match=r"codepo_gb_2018-07\.zip: is not a readable zip"):
        codepoint.read_codepoint(path)
    result = build(extract_copy, tmp_path / "out")
    assert result.written == {}
    assert all("codepo_gb_2018-07.zip" in m for m in result.errors.values())


def test_malformed_postcode_and_code_are_reported_and_the_rest_loads(
    extract_copy: Path, tmp_path: Path
) -> None:
    path = extract_copy / "ods/epraccur_2019-11-19.csv"
    # Line 4 is Halton's N81011 at WA8 6TR; line 5 is N81019.
    rewrite_line(path, 4, '"WA8 6TR"', '"WA8 6T"')
    rewrite_line(path, 5, '"N81019"', '"N8101"')
    out = tmp_path / "out"
    assert build(extract_copy, out, ["2019-12"]).errors == {}
    quality = pd.read_parquet(out / "2019-12/quality.parquet")
    postcode = quality[quality["check"] == "malformed_postcode"].iloc[0]
    assert (postcode["file"], postcode["row"], postcode["column"], postcode["record"]) == (
        "epraccur_2019-11-19.csv", 4, "field 10 (postcode)", "N81011")
    code = quality[quality["check"] == "malformed_code"].iloc[0]
    assert (code["row"], code["column"], code["value"]) == (5, "field 1 (organisation code)",
                                                             "N8101")
    practices = pd.read_parquet(out / "2019-12/practices.parquet").set_index("practice_code")
    assert {"N81011", "N8101"} <= set(practices.index)  # both kept
    assert pd.isna(practices.loc["N81011", "longitude"])  # no position for a bad postcode
    assert practices["longitude"].notna().sum() == len(practices) - 2  # and N81119's missing


def test_cli_reports_without_traceback(extract_copy: Path, tmp_path: Path) -> None:
    (extract_copy / "epcn/ePCN_2023-01-26.xlsx").write_bytes(b"PK\x03\x04broken")
    run = subprocess.run(
        [sys.executable, "-m", "pcnmap", "build", "--source", str(extract_copy),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT, check=False)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "2023-01 not built: ePCN_2023-01-26.xlsx" in run.stderr
    assert "2019-12: practices" in run.stdout

