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
     "[[snapshot]] 5 (2026-07): memberships: layout 'practise-map' is not one of 'epcn' or "
     "'practice-map'"),
    ('lsoa_layer = "2021"\nfinancial_years = ["2026/27"]',
     'lsoa_layer = "2031"\nfinancial_years = ["2026/27"]',
     "[[snapshot]] 5 (2026-07): lsoa_layer '2031' is not one of ['2011', '2021']"),
    ('financial_years = ["2026/27"]', 'financial_years = ["2026/28"]',
     "[[snapshot]] 5 (2026-07): financial_years '2026/28' is not a financial year such as "
     "'2024/25'"),
    ('key = "2026-07"', 'key = "2024-10"', "[[snapshot]]: snapshot '2024-10' is declared twice"),
    ('vintage = "2025-09"\nactive = "dates"', 'vintage = "2025-09"\nactive = "whenever"',
     "[[snapshot]] 4 (2024-10): practices: active 'whenever' is not one of 'status' or "
     "'dates'"),
    ('ons_code = "SICBL23CD"\nname = "SICBL23NM"\nods_codes = ',
     'ons_code = "SICBL23CD"\nname = "SICBL23NM"\n# ods_codes = ',
     "[[snapshot]] 4 (2024-10): commissioners needs 'ods_code' or 'ods_codes'"),
    ('as_of = "2026-07-01"', 'as_of = "2026-07-41"',
     "[[snapshot]] 5 (2026-07): as_of should be a valid date"),
])
def test_a_mistake_in_the_catalogue_names_its_entry(tmp_path: Path, old: str, new: str,
                                                    message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(broken(tmp_path, old, new))
    assert message in str(caught.value)
    assert str(caught.value).startswith("snapshots.toml")


# The schema: a value of the wrong type, a missing key and an unknown key are
# each refused with the entry (and the key) named.

@pytest.mark.parametrize(("old", "new", "message"), [
    # the wrong type
    ('financial_years = ["2026/27"]', 'financial_years = "2026/27"',
     "snapshots.toml: [[snapshot]] 5 (2026-07): financial_years should be a list, not "
     "'2026/27'"),
    ('derived = true', 'derived = "yes"',
     "snapshots.toml: [[snapshot]] 1 (2019-12): commissioners: derived should be a valid "
     "boolean, not 'yes'"),
    ('code = "LSOA11CD"', 'code = 11',
     "snapshots.toml: [lsoa_layers.2011]: code should be a valid string, not 11"),
    # a missing key
    ('label = "April 2022"\n', '',
     "snapshots.toml: [[snapshot]] 2 (2022-04): 'label' is missing"),
    ('[snapshot.memberships]\nfile = "epcn/ePCN_2023-01-26.xlsx"\nlayout = "epcn"\n',
     '[snapshot.memberships]\nfile = "epcn/ePCN_2023-01-26.xlsx"\n',
     "snapshots.toml: [[snapshot]] 3 (2023-01): memberships: 'layout' is missing"),
    ('code = "ltla24_code"\n', '', "snapshots.toml: [places]: 'code' is missing"),
    # an unknown key
    ('as_of = "2026-07-01"', 'as_of = "2026-07-01"\nlable = "July"',
     "snapshots.toml: [[snapshot]] 5 (2026-07): unknown key 'lable'"),
    ('england_prefix = "E01"', 'england_prefix = "E01"\nprefix = "E"',
     "snapshots.toml: [lsoa_layers.2021]: unknown key 'prefix'"),
    ('vintage = "2019-11-19"\nactive = "status"',
     'vintage = "2019-11-19"\nactive = "status"\nsheet = "one"',
     "snapshots.toml: [[snapshot]] 1 (2019-12): practices: unknown key 'sheet'"),
])
def test_the_catalogues_schema_names_the_entry_and_key(tmp_path: Path, old: str, new: str,
                                                       message: str) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(broken(tmp_path, old, new))
    assert message in str(caught.value).splitlines()


def test_an_unreadable_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "snapshots.toml"
    path.write_text("[[snapshot]\nkey =")
    with pytest.raises(CatalogueError, match=r"snapshots\.toml: cannot be read"):
        load_catalogue(path)
