"""The place pickers agree, on the fixture data: an ICB sets its region; a
level opened ("All regions", "All of North West") opens the levels below it,
so the page is then for England or the region, not set back to the
commissioner chosen before."""

from __future__ import annotations

from tests.screen import run

PAGE = "pages/2_Coverage_gaps.py"


def place(app) -> tuple[str, str, str]:
    return tuple(app.selectbox(key=level).value for level in ("region", "area", "commissioner"))


def test_choosing_an_icb_sets_its_region() -> None:
    app = run(PAGE, snapshot="2026-07")
    assert place(app) == ("all", "all", "all")
    app.selectbox(key="area").set_value("QE1").run()
    assert place(app) == ("Y62", "QE1", "all")
    assert app.title[0].value == "Coverage gaps: Lancashire and South Cumbria ICB"


def test_all_regions_from_a_sub_icb_is_england() -> None:
    app = run(PAGE, snapshot="2026-07", area="QE1", commissioner="00X")
    assert place(app) == ("Y62", "QE1", "00X")
    app.selectbox(key="region").set_value("all").run()
    assert place(app) == ("all", "all", "all")
    assert app.title[0].value == "Coverage gaps: England"
    assert not {"region", "area", "commissioner"} & set(app.query_params)


def test_all_of_a_region_from_a_sub_icb_is_the_region() -> None:
    app = run(PAGE, snapshot="2026-07", area="QE1", commissioner="00X")
    app.selectbox(key="area").set_value("all").run()
    assert place(app) == ("Y62", "all", "all")
    assert app.title[0].value == "Coverage gaps: North West"
