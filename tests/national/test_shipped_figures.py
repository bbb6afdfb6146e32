"""Figures, links and search on the shipped national data (data/): each
snapshot's list named with its date, quarterly averages, a proposal of every
practice too long for an address, a long search cut to its first 100
characters."""

from __future__ import annotations

import pytest

from pcnmap import links, store
from pcnmap.model import figures, lookup, whatif

pytestmark = pytest.mark.national


def test_each_snapshots_list_is_named_with_its_date() -> None:
    found = {key: figures.list_source(store.read_table(store.DATA_DIR, key, "practices")[
        "registered_source"]) for key in ("2023-01", "2024-10", "2026-07")}
    assert found["2023-01"].average
    assert found["2023-01"].patients_label == (
        "Average patients (2022-23 average of quarterly lists, NHS Payments)")
    assert found["2024-10"] == figures.ListSource("1 April 2025", False)
    assert found["2026-07"].patients_label == "Patients (1 July 2026)"


def test_quarterly_averages_are_shown_whole() -> None:
    networks = store.read_table(store.DATA_DIR, "2023-01", "networks").set_index("network_code")
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    fractional = practices.loc[practices["registered"] % 1 != 0, "registered"]
    assert len(fractional) > 1000  # averages of four quarters: .25, .5, .75
    assert figures.whole(networks.at["U34632", "registered"]) == "29,664"
    assert figures.whole(10095.5) == "10,096" and figures.whole(float("nan")) == "–"
    assert figures.pounds(973501.7010202006) == "£973,502"
    assert figures.pounds(2.345, pence=True) == "£2.35"


def test_a_proposal_fits_an_address_or_not() -> None:
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    every = whatif.Proposal(dict.fromkeys(practices["practice_code"]))
    moves, new = every.to_text()
    assert len(moves) > 50_000 and not links.fits(moves, new)
    some = whatif.Proposal(dict.fromkeys(practices["practice_code"][:400]))
    assert links.fits(*some.to_text())


def test_a_long_search_is_the_search_of_its_first_100_characters() -> None:
    """So it costs what a short one does, whatever its length."""
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    query = "RIVERSIDE " * 10_000
    found = lookup.find(practices, query)
    assert found.equals(lookup.find(practices, query[:100]))
    assert "RIVERSIDE MEDICAL CENTRE" in set(found["practice_name"])
    assert lookup.find(practices, "x" * 100 + "P81185").empty  # the code is past the cap
