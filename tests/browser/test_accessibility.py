"""WCAG 2.2 AA in a real browser, offline: axe-core on every page at
1366x768, on a laptop and in presentation mode, with a commissioner chosen,
map frames included; every page its own title, every map frame and map a
name."""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import MAP_FRAME, settle
from ui.pages import PAGES

pytestmark = pytest.mark.browser
# axe-core's tags for WCAG 2.0, 2.1 and 2.2, levels A and AA. No rule is
# disabled: every rule of these tags runs on the page and in each frame.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHORLEY = "snapshot=2026-07&commissioner=00X"
# Neighbourhoods drafts footprints for an ICB (Lancashire and South Cumbria).
QUERY = {"Neighbourhoods": "snapshot=2026-07&area=QE1"}
LAPTOP = {"width": 1366, "height": 768}


# The pages that draw a map as they open, and how many (Your own data draws
# one once a file is read).
MAPS = {"Network_map": 1, "Coverage_gaps": 1, "Cross_commissioner_networks": 1, "Funding": 1,
        "Plan_a_change": 1, "Neighbourhoods": 1}


def drawn(page, url_path: str) -> None:
    """Settled, and every map on the page drawn and named."""
    settle(page)
    if url_path in MAPS:
        page.wait_for_function(f"document.querySelectorAll(\"{MAP_FRAME}\").length === "
                               f"{MAPS[url_path]}", timeout=90_000)
    frames = page.locator(MAP_FRAME)
    for index in range(frames.count()):
        frame = frames.nth(index).element_handle().content_frame()
        frame.wait_for_selector(".leaflet-overlay-pane canvas", timeout=60_000)
    page.wait_for_function(
        f"Array.from(document.querySelectorAll(\"{MAP_FRAME}\"))"
        ".every(f => f.title.startsWith('Map'))", timeout=60_000)


def chosen_network(page) -> str:
    """The network the page's "Network" picker shows."""
    return page.get_by_role("combobox", name="Network", exact=True).input_value()


def wcag_violations(page) -> list[tuple]:
    """axe-core's WCAG A/AA violations in the page and in each of its frames:
    (rule, impact, frame, first targets, why)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found = []
    for frame in page.frames:
        result = axe.run(frame, options={"runOnly": {"type": "tag", "values": WCAG},
                                         "resultTypes": ["violations"]})
        found += [(rule["id"], rule["impact"], frame.url.split("?")[0][-40:],
                   [node["target"] for node in rule["nodes"]][:3],
                   rule["nodes"][0].get("failureSummary", "")[:160])
                  for rule in result.response["violations"]]
    return found


@pytest.mark.parametrize("present", [False, True], ids=["laptop", "presentation"])
@pytest.mark.parametrize("entry", PAGES, ids=[page.url_path or "Overview" for page in PAGES])
def test_no_wcag_violation_on_any_page(app_url, offline, entry, present) -> None:
    offline.set_viewport_size(LAPTOP)
    query = QUERY.get(entry.url_path, CHORLEY) + ("&present=1" if present else "")
    offline.goto(f"{app_url}/{entry.url_path}?{query}")
    drawn(offline, entry.url_path)
    found = wcag_violations(offline)
    assert len(offline.frames) >= 1 + offline.locator(MAP_FRAME).count()
    assert found == [], found


def test_every_page_has_its_own_title_and_every_map_a_name(app_url, offline) -> None:
    offline.set_viewport_size(LAPTOP)
    titles, maps = [], {}
    for entry in PAGES:
        offline.goto(f"{app_url}/{entry.url_path}?{QUERY.get(entry.url_path, CHORLEY)}")
        drawn(offline, entry.url_path)
        assert offline.title() == f"{entry.title} · pcnmap"
        titles.append(offline.title())
        frames = offline.locator(MAP_FRAME)
        for index in range(frames.count()):
            name = frames.nth(index).get_attribute("title")
            frame = frames.nth(index).element_handle().content_frame()
            region = frame.locator(".leaflet-container")
            # The frame and the map inside it carry one name, naming the place
            # or the network chosen on the page.
            network = re.match(r"Map of (.+)'s member practices", name)
            assert name.startswith("Map of ") and (
                "Chorley and South Ribble" in name or "Lancashire and South Cumbria" in name
                or (network and network.group(1) in chosen_network(offline))), (entry, name)
            assert region.get_attribute("aria-label") == name
            assert region.get_attribute("role") == "region"
            maps[entry.url_path] = maps.get(entry.url_path, 0) + 1
    assert len(set(titles)) == len(PAGES)
    assert maps == MAPS
