"""The Neighbourhoods page in a real browser, offline: choose an ICB, move a
network from one footprint to another and see both footprints' figures
change, open the copied address in a new browser and get the same proposal,
download a footprint's sheet; and axe-core finds no WCAG 2.x A/AA
violation in the page's own content, on a laptop and in presentation mode."""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import settle
from tests.browser.test_meeting import download

pytestmark = pytest.mark.browser
ICB = "NHS Lancashire and South Cumbria Integrated Care Board"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The page's own content: the main column, less the parts Streamlit draws
# for every page (its header and toolbar live outside it).
OWN_CONTENT = "[data-testid='stMain']"


def pick(page, label: str, typed: str, option) -> str:
    """Open the selectbox labelled ``label``, type to bring options up, click
    the first whose text matches ``option`` (a pattern); returns its text."""
    box = page.locator("[data-testid='stSelectbox']").filter(
        has=page.get_by_text(label, exact=True)).first
    box.click()
    if typed:
        page.keyboard.type(typed)
    found = page.get_by_role("option", name=option).first
    found.wait_for(timeout=30_000)
    text = found.inner_text()
    found.click()
    return text


def footprints(page) -> dict[str, int]:
    """Each footprint's patients as the footprint table shows them."""
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=60_000)
    found = {}
    for row in table.locator("[role='row']").all()[1:]:
        cells = row.locator("[role='gridcell']").all_inner_texts()
        if len(cells) >= 2:
            found[cells[0].split(" · ")[0]] = int(cells[1].replace(",", ""))
    return found


def steady(page) -> dict[str, int]:
    """The table once it has stopped changing (a rerun may still be drawing)."""
    shown = footprints(page)
    for _ in range(60):
        page.wait_for_timeout(1_000)
        again = footprints(page)
        if again == shown:
            return shown
        shown = again
    return shown


def test_choose_move_share_and_print(app_url, offline, browser) -> None:
    offline.set_viewport_size({"width": 1366, "height": 768})
    offline.goto(f"{app_url}/Neighbourhoods?snapshot=2026-07")
    settle(offline)
    offline.get_by_text(re.compile("Choose an ICB to draft its footprints")).wait_for(
        timeout=60_000)
    pick(offline, "ICB", "Lancashire", ICB)
    offline.wait_for_url(re.compile(r"area=QE1"), timeout=120_000)
    settle(offline)
    before = steady(offline)
    assert len(before) >= 2 and all(patients >= 250_000 for patients in before.values())

    offline.get_by_role("tab", name="Change the proposal").click()
    moved = pick(offline, "Network", "(now F2", re.compile(r"\(now F2 · "))
    pick(offline, "Moves to", "F1 ·", re.compile(r"^F1 · "))
    offline.get_by_role("button", name="Move the network").click()
    code = moved.split(" · ")[0]
    offline.wait_for_url(re.compile(rf"fp={code}(:|%3A)F1"), timeout=60_000)
    settle(offline)
    after = steady(offline)
    gained, lost = after["F1"] - before["F1"], before["F2"] - after["F2"]
    assert gained == lost > 0, (before, after)
    assert {k: v for k, v in after.items() if k not in ("F1", "F2")} == {
        k: v for k, v in before.items() if k not in ("F1", "F2")}

    # The address, copied into another browser, opens the same proposal.
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        other = context.new_page()
        other.goto(offline.url)
        settle(other)
        assert steady(other) == after
    finally:
        context.close()

    offline.get_by_role("tab", name="Map").click()
    sheet = download(offline, offline.get_by_role(
        "button", name="Download its sheet (one page, print-ready HTML)"))
    text = open(sheet.path(), encoding="utf-8").read()
    assert sheet.suggested_filename.startswith("pcnmap-footprint-sheet-F1-2026-07-QE1")
    assert "<script" not in text
    assert "Planning draft of a multi-neighbourhood footprint, not an official one" in text
    assert f"{after['F1']:,}" in text and code in text
    assert offline.refused == [] or all("tile.openstreetmap" in u for u in offline.refused)


def violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[OWN_CONTENT]]},
                        options={"runOnly": {"type": "tag", "values": WCAG},
                                 "resultTypes": ["violations"]})
    return results.response["violations"]


@pytest.mark.parametrize("present", [False, True])
def test_no_wcag_violations_in_the_page_content(app_url, offline, present) -> None:
    offline.set_viewport_size({"width": 1366, "height": 768})
    offline.goto(f"{app_url}/Neighbourhoods?snapshot=2026-07&area=QE1"
                 + ("&present=1" if present else ""))
    settle(offline)
    steady(offline)
    found = violations(offline)
    summary = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in found]
    print(summary)
    assert found == [], summary
