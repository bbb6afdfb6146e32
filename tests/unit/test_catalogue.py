"""The snapshot catalogue is data, checked as it is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pcnmap.pipeline.catalogue import CATALOGUE_FILE, CatalogueError, load_catalogue


def test_the_shipped_catalogue_declares_five_snapshots_oldest_first() -> None:
    catalogue = load_catalogue()
    assert list(catalogue.snapshots) == ["2019-12", "2022-04", "2023-01", "2024-10", "2026-07"]
    newest = catalogue.snapshots["2026-07"]
    assert newest.memberships.layout == "practice-map"
    assert newest.practices.layout == "epraccur-2026"
    assert catalogue.layer_of(newest).key == "2021"
    assert catalogue.layer_of(catalogue.snapshots["2019-12"]).key == "2011"
    assert newest.commissioner_word == "Sub-ICB location"
    assert catalogue.snapshots["2022-04"].commissioner_word == "CCG"
    assert catalogue.snapshots["2024-10"].active == "dates"
    # Every file a snapshot reads is named once, with its vintage.
    files = newest.files()
    assert ("list_sizes/gp-reg-pat-prac-map_01Jul2026.zip", "2026-07-01") in files
    assert len(files) == len(set(files))


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "snapshots.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "message"), [
    ('layout = "practice-map"\nvintage = "2026-07-01"',
     'layout = "practise-map"\nvintage = "2026-07-01"',
     "(2026-07).memberships: layout 'practise-map' is not one of"),
    ('lsoa_layer = "2021"\nfinancial_years = ["2026/27"]',
     'lsoa_layer = "2031"\nfinancial_years = ["2026/27"]',
     "(2026-07): lsoa_layer '2031' is not one of ['2011', '2021']"),
    ('financial_years = ["2026/27"]', 'financial_years = ["2026/28"]',
     "'2026/28' is not a financial year such as '2024/25'"),
    ('as_of = "2026-07-01"', 'as_of = "2026-07-01"\nlable = "July"',
     "(2026-07): unknown key 'lable'"),
    ('key = "2026-07"', 'key = "2024-10"', "snapshot '2024-10' is declared twice"),
    ('vintage = "2025-09"\nactive = "dates"', 'vintage = "2025-09"\nactive = "whenever"',
     "(2024-10).practices: active 'whenever' is not one of ['status', 'dates']"),
    ('ons_code = "SICBL23CD"\nname = "SICBL23NM"\nods_codes',
     'ons_code = "SICBL23CD"\nname = "SICBL23NM"\nods_kodes',
     "(2024-10).commissioners: needs 'ods_code' or 'ods_codes'"),
])
def test_a_mistake_in_the_catalogue_names_its_entry(tmp_path: Path, old: str, new: str,
                                                    message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(broken(tmp_path, old, new))
    assert message in str(caught.value)
    assert str(caught.value).startswith("snapshots.toml")


def test_an_unreadable_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "snapshots.toml"
    path.write_text("[[snapshot]\nkey =")
    with pytest.raises(CatalogueError, match=r"snapshots\.toml: cannot be read"):
        load_catalogue(path)
