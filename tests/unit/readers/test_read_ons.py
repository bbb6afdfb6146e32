"""ONS boundaries, lookups, code pairs and the rural-urban classification."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcnmap.pipeline.readers import ons
from pcnmap.problems import QualityLog, SourceError


def test_boundaries_columns_renamed(extract: Path) -> None:
    boundaries = ons.read_boundaries(
        extract / "boundaries/ccg_apr2019_en_approx.geojson",
        {"CCG19CD": "ons", "CCG19CDH": "ods", "CCG19NM": "name"}, QualityLog())
    assert set(boundaries["ods"]) == {"00R", "00X", "01E", "01F"}
    assert boundaries.crs.to_epsg() == 4326
    assert boundaries.geometry.is_valid.all()


LOOKUP = "lookups/lsoa21_sicbl24_icb24.csv"


def test_an_lsoa_lookup_gives_each_lsoa_its_commissioner_and_icb(extract: Path) -> None:
    lookup = ons.read_lsoa_lookup(extract / LOOKUP, "lsoa21_code", "sicbl24_code", "icb24_code")
    halton = lookup.set_index("lsoa_code").loc["E01012392"]
    assert (halton["commissioner_ons_code"], halton["icb_ons_code"]) == ("E38000068",
                                                                          "E54000008")
    assert lookup["lsoa_code"].is_unique


def test_code_pairs_give_ods_codes_by_ons_code(extract: Path) -> None:
    pairs = ons.read_code_pairs(extract / LOOKUP, "sicbl24_code", "sicbl24_code_nhs")
    assert pairs["E38000068"] == "01F"
    assert pairs.index.is_unique and (pairs != "").all()


def test_a_lookup_without_its_column_names_the_file_and_column(extract: Path) -> None:
    with pytest.raises(SourceError) as caught:
        ons.read_lsoa_lookup(extract / LOOKUP, "lsoa11_code", "sicbl24_code")
    assert caught.value.file == "lsoa21_sicbl24_icb24.csv"
    assert caught.value.column == "lsoa11_code" and caught.value.row == 1


def test_the_rural_urban_class_of_each_lsoa(extract: Path) -> None:
    classes = ons.read_rural_urban(extract / "lookups/ruc21_lsoa21.csv", "lsoa21_code",
                                   "ruc21_code", "classification", "ruc")
    first = classes.set_index("lsoa_code").loc["E01012433"]
    assert first["rural_urban_code"] == "UN1"
    assert first["rural_urban_class"] == "Urban: Nearer to a major town or city"
    assert first["urban_rural"] == "Urban"
    assert "source_row" not in classes.columns


def test_a_boundary_file_that_is_not_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "areas.geojson"
    path.write_text("not geojson")
    with pytest.raises(SourceError, match="cannot be read as a boundary file"):
        ons.read_boundaries(path, {"code": "code"}, QualityLog())
