"""OS Code-Point Open read from its zip."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from pcnmap.pipeline.readers import codepoint


def test_codepoint_read_from_zip(extract: Path) -> None:
    path = extract / "postcodes/codepo_gb_2025-04.zip"
    points = codepoint.read_codepoint(path)
    with zipfile.ZipFile(path) as archive:
        member = next(n for n in archive.namelist() if n.endswith("pr.csv"))
        first = next(csv.reader(archive.read(member).decode().splitlines()))
    key = first[0].replace(" ", "")
    row = points.set_index("postcode_key").loc[key]
    assert (row["easting"], row["northing"]) == (int(first[2]), int(first[3]))
    wanted = codepoint.read_codepoint(path, {key})
    assert list(wanted["postcode_key"]) == [key]


def test_codepoint_older_release_holds_retired_postcode(extract: Path) -> None:
    new = codepoint.read_codepoint(extract / "postcodes/codepo_gb_2025-04.zip")
    old = codepoint.read_codepoint(extract / "postcodes/codepo_gb_2018-07.zip")
    assert "WA86DZ" not in set(new["postcode_key"])
    assert "WA86DZ" in set(old["postcode_key"])


def test_englands_postcodes_of_a_release_are_placed_and_sorted(extract: Path) -> None:
    england = codepoint.read_codepoint_england(extract / "postcodes/codepo_gb_2025-04.zip")
    assert list(england.columns) == ["postcode", "easting", "northing"]
    assert england["postcode"].is_monotonic_increasing and england["postcode"].is_unique
    assert not england["postcode"].str.contains(" ").any()
    assert (england["easting"] > 0).all()
    placed = codepoint.read_codepoint(extract / "postcodes/codepo_gb_2025-04.zip")
    assert set(england["postcode"]) <= set(placed["postcode_key"])
