"""The network sheet and its picture, on small frames: every section, every text escaped."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from pcnmap import sheet, store
from pcnmap.maps import picture
from pcnmap.model import benchmarks, methods

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


def facts(**changes) -> sheet.SheetFacts:
    measures = benchmarks.benchmark_measures(
        pd.DataFrame({"network_code": ["U1", "U2"], "commissioner_code": ["00X", "00X"],
                      "registered": [9000.0, 40_000.0], "member_count": [2, 5]}),
        pd.DataFrame({"network_code": ["U1", "U2"], "per_patient": [41.5, 40.0]}))
    values = {
        "network_code": "U1", "network_name": f"North {HOSTILE}", "snapshot_label": "July 2026",
        "as_of": "2026-07-01", "method": "catchment", "members": members(),
        "registered": 9000.0, "size_band": "under", "groups": 2,
        "commissioners": ("North (00X)", "South (00Y)"), "commissioner_word": "sub-ICB location",
        "funding": (("Core PCN funding", 12_345.0),), "funding_year": "2026/27",
        "funding_total": 12_345.0, "per_patient": 1.37, "funding_note": "Lists of 1 July 2026.",
        "changes": "Since October 2024: no change in its practices.",
        "benchmarks": benchmarks.network_benchmarks(measures, "U1"),
        "rurality": sheet.rurality_words(benchmarks.NetworkRurality(
            {"Rural": 2}, pd.DataFrame({"rural_urban_class": ["Smaller rural"], "lsoas": [3],
                                        "share": [1.0]}), "catchment")),
        "picture": picture.network_picture(boundary(), members()),
        "sources": (("epraccur.csv", "2026-02"),), "attribution": store.ATTRIBUTION}
    return sheet.SheetFacts(**{**values, **changes})


def test_the_sheet_says_every_section_and_escapes_every_text() -> None:
    html = sheet.network_sheet(facts())
    assert "<img" not in html and "${x}" not in html and "<script" not in html
    assert "North &lt;img" in html
    for words in ("Member practices", "under 30,000 patients", "non-contiguous",
                  "2 separate groups", "sub-ICB locations", "Core PCN funding", "£12,345",
                  "Since October 2024", methods.INDICATIVE_NOTE, "epraccur.csv (2026-02)",
                  "no list size", "Against its sub-ICB location and England", "@page",
                  "size: A4", "Rural 2", "Smaller rural 100%"):
        assert words in html, words
    for line in store.ATTRIBUTION:
        assert line in html
    assert html.count("<tr><td class='n'>") == 2  # a row per member


def test_a_sheet_without_funding_or_benchmarks_says_so() -> None:
    html = sheet.network_sheet(facts(funding=(), benchmarks=None, groups=1))
    assert "No entitlement worked out" in html and "Against its" not in html
    assert "contiguous by the catchment method" in html


def test_the_picture_numbers_each_member_inside_its_view() -> None:
    svg = picture.network_picture(boundary(), members(), description=HOSTILE)
    assert svg.count("<circle") == 2 and ">1</text>" in svg and ">2</text>" in svg
    assert "<img" not in svg and "<script" not in svg
    assert "&lt;img src=x" in svg


def test_change_words() -> None:
    assert "first snapshot" in sheet.change_words(None, None)
    row = pd.Series({"status": "changed", "joined": "P9", "left": "", "came_from": ""})
    assert sheet.change_words(row, "October 2024") == \
        "Since October 2024: changed; joined: P9."
