"""NHS Digital's practice map: PCN code U is no network."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from pcnmap import codes
from pcnmap.pipeline.readers import practice_map
from pcnmap.problems import QualityLog


def test_practice_map_unallocated_is_no_network(extract: Path) -> None:
    path = extract / "list_sizes/gp-reg-pat-prac-map_01Jul2026.zip"
    table = practice_map.read_practice_map(path, QualityLog())
    with zipfile.ZipFile(path) as archive:
        rows = list(csv.DictReader(archive.read("gp-reg-pat-prac-map.csv").decode().splitlines()))
    unallocated = {row["PRACTICE_CODE"] for row in rows if row["PCN_CODE"] == "U"}
    assert unallocated  # practices in no network on 1 July 2026
    by_code = table.set_index("practice_code")
    assert by_code.loc[sorted(unallocated), "network_code"].isna().all()
    assert by_code.loc["P81185", "stp_code"] == "QE1"
    assert by_code.loc["P81185", "commissioner_code"] == "01E"
    assert "U" not in set(table["network_code"].dropna())


def test_one_of_agrees_with_isin_and_leaves_missing_out(extract: Path) -> None:
    practices = practice_map.read_practice_map(
        extract / "list_sizes/gp-reg-pat-prac-map_01Jul2026.zip", QualityLog())
    networks = practices["network_code"]
    assert networks.isna().any()  # practices in no network (PCN code U)
    some = networks.dropna().unique()[:3]
    chosen = codes.one_of(networks, list(some))
    assert chosen.tolist() == networks.isin(some).tolist()
    assert chosen.sum() == networks.isin(some).sum() > 0
    # Missing values are never "one of" anything, even when None is offered.
    with_missing = codes.one_of(networks, [*some, None])
    assert not with_missing[networks.isna()].any()
    assert with_missing.index.equals(networks.index)
    assert not codes.one_of(practices["practice_code"], []).any()
    assert codes.one_of(practices["practice_code"], set(practices["practice_code"])).all()


def test_region_names_by_their_ods_code(extract: Path) -> None:
    regions = practice_map.read_region_names(
        extract / "list_sizes/gp-reg-pat-prac-map_01Jan2022.csv")
    assert regions["Y62"] == "North West"
    assert regions.index.is_unique
