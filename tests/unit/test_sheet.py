"""The network sheet and its picture, on small frames: every section, every text escaped."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from pcnmap import sheet, store
from pcnmap.maps import picture
from pcnmap.model import benchmarks, coverage, figures, methods
from pcnmap.views.network import AMOUNT, STREAM, UP_TO, NetworkEntitlement, NetworkFacts
from pcnmap.views.parts import table

HOSTILE = '<img src=x onerror="window.__pwned=1">${x}'


def members() -> pd.DataFrame:
    return pd.DataFrame({"practice_code": ["P1", "P2"], "practice_name": [HOSTILE, "HILL"],
                         "postcode": ["PR1 1AA", "PR2 2BB"], "commissioner_code": ["00X", "00Y"],
                         "registered": [9000.0, float("nan")],
                         "easting": [350_000.0, 352_000.0], "northing": [430_000.0, 431_000.0]})


def boundary() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"network_code": ["U1"]},
                            geometry=[shapely.box(349_000, 429_000, 353_000, 432_000)],
                            crs=27700).to_crs(4326)


def facts(**changes) -> NetworkFacts:
    measures = benchmarks.benchmark_measures(
        pd.DataFrame({"network_code": ["U1", "U2"], "commissioner_code": ["00X", "00X"],
                      "registered": [9000.0, 40_000.0], "member_count": [2, 5]}),
        pd.DataFrame({"network_code": ["U1", "U2"], "per_patient": [41.5, 40.0]}))
    streams = table(pd.DataFrame({STREAM: ["Core PCN funding"], AMOUNT: [12_345.0],
                                  UP_TO: [False]}), (STREAM, AMOUNT, UP_TO))
    values = {
        "network_code": "U1", "network_name": f"North {HOSTILE}", "snapshot_label": "July 2026",
        "as_of": "2026-07-01", "method": "catchment",
        "members": members().assign(commissioner_label=["North (00X)", "South (00Y)"]),
        "registered": 9000.0, "lists": figures.ListSource("1 July 2026", False),
        "size_band": "under", "size_words": coverage.SIZE_WORDS["under"], "groups": 2,
        "commissioners": ("North (00X)", "South (00Y)"), "commissioner_word": "sub-ICB location",
        "funding": NetworkEntitlement("2026/27", streams, 12_345.0, 12_345.0, 1.37, False,
                                      "Lists of 1 July 2026."),
        "changes": "Since October 2024: no change in its practices.",
        "benchmarks": benchmarks.network_benchmarks(measures, "U1"),
        "rurality": benchmarks.NetworkRurality(
            {"Rural": 2}, pd.DataFrame({"rural_urban_class": ["Smaller rural"], "lsoas": [3],
                                        "share": [1.0]}), "catchment"),
        "ages": pd.DataFrame(), "colour": "#88CCEE", "boundary": boundary(),
        "outlines": None}
    return NetworkFacts(**{**values, **changes})


def sheet_of(found: NetworkFacts) -> str:
    return sheet.network_sheet(found, ({"name": "epraccur.csv", "vintage": "2026-02"},),
                               store.ATTRIBUTION)


def test_the_sheet_says_every_section_and_escapes_every_text() -> None:
    html = sheet_of(facts())
    assert "<img" not in html and "${x}" not in html and "<script" not in html
    assert "North &lt;img" in html
    for words in ("Member practices", "under 30,000 patients", "non-contiguous", "North (00X)",
                  "2 separate groups", "sub-ICB locations", "Core PCN funding", "£12,345",
                  "Since October 2024", methods.INDICATIVE_NOTE, "epraccur.csv (2026-02)",
                  "no list size", "Against its sub-ICB location and England", "@page",
                  "size: A4", "Rural 2", "Smaller rural 100%"):
        assert words in html, words
    for line in store.ATTRIBUTION:
        assert line in html
    assert html.count("<tr><td class='n'>") == 2  # a row per member


def test_a_sheet_without_funding_or_benchmarks_says_so() -> None:
    html = sheet_of(facts(funding=None, benchmarks=None, groups=1))
    assert "No entitlement worked out" in html and "Against its" not in html
    assert "contiguous by practice catchments" in html


def test_the_picture_numbers_each_member_inside_its_view() -> None:
    svg = picture.network_picture(boundary(), members(), description=HOSTILE)
    assert svg.count("<circle") == 2 and ">1</text>" in svg and ">2</text>" in svg
    assert "<img" not in svg and "<script" not in svg
    assert "&lt;img src=x" in svg


def test_the_panel_and_the_sheet_say_the_same_size_and_commissioners() -> None:
    found = facts()
    html = sheet_of(found)
    assert found.size_words in html and found.size_words in found.summary
    assert all(name in html and name in found.summary for name in found.commissioners)
