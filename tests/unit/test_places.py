"""Commissioner names matched by code or place, and a place's own name (the
shipped data's cases are in tests/national/test_place_names.py)."""

from __future__ import annotations

from pcnmap.model import places


def test_names_match_by_code_or_place() -> None:
    label = "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)"
    assert places.matches_label(label, "chorley")
    assert places.matches_label(label, "00x")
    assert places.matches_label(label, "south ribble lancashire")
    assert not places.matches_label(label, "preston")
    assert not places.matches_label(label, "  ")


def test_place_of_and_icb_short() -> None:
    assert places.place_of("NHS  Chorley and South Ribble CCG ") == "Chorley and South Ribble"
    assert places.icb_short("NHS Lancashire and South Cumbria Integrated Care Board") == (
        "Lancashire and South Cumbria ICB")
    assert places.is_sub_icb_name("NHS Lancashire and South Cumbria ICB - 00X")
    assert not places.is_sub_icb_name("NHS Chorley and South Ribble CCG")
