"""Issue 26 in a real browser, offline: on every page that filters by place,
an ICB, then one of its Sub-ICB locations, then all of England, each chosen
in the sidebar as a person would; at each step the address names that
place and no other, the figures read off the screen are the same as the
page opened afresh at that address, the title names the place, and the
ICB's figures are not England's."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.app_page import settle
from tests.browser.test_meeting import steady_figures
from ui.pages import PAGES

pytestmark = pytest.mark.browser
# Every page but Boundary methods and Neighbourhoods (which compare methods
# for England, and draft footprints for one ICB at a time).
WALKED = [page.url_path for page in PAGES
          if page.url_path not in ("Boundary_methods", "Neighbourhoods")]
ICB, SUB_ICB = "Lancashire and South Cumbria", "Chorley and South Ribble"
# Each step's place in the address (region, area, commissioner; None: absent).
STEPS = {"icb": ("Y62", "QE1", None), "sub_icb": ("Y62", "QE1", "00X"),
         "england": (None, None, None)}


def place_in(url: str) -> tuple[str | None, ...]:
    """The place the address names: its region, area and commissioner codes."""
    query = parse_qs(urlparse(url).query)
    return tuple(query.get(level, [None])[0] for level in ("region", "area", "commissioner"))


def pick(page, key: str, typed: str, option: re.Pattern) -> None:
    """Choose in the sidebar's picker keyed ``key``: type, then click the option."""
    box = page.locator(f"[data-testid='stSidebar'] .st-key-{key} input").first
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def read(page) -> dict:
    settle(page)
    return steady_figures(page)


@pytest.mark.parametrize("path", WALKED, ids=[path or "Overview" for path in WALKED])
def test_icb_then_sub_icb_then_england_each_shows_its_own_figures(app_url, offline,
                                                                 path) -> None:
    offline.goto(f"{app_url}/{path}?snapshot=2026-07")
    settle(offline)
    walked, addresses = {}, {}
    pick(offline, "area", "Lancashire", re.compile(f"{ICB}"))
    offline.wait_for_url(re.compile(r"area=QE1"), timeout=60_000)
    walked["icb"], addresses["icb"] = read(offline), offline.url
    pick(offline, "commissioner", "00X", re.compile(r"^00X"))
    offline.wait_for_url(re.compile(r"commissioner=00X"), timeout=60_000)
    walked["sub_icb"], addresses["sub_icb"] = read(offline), offline.url
    pick(offline, "region", "All", re.compile(r"^All regions$"))
    offline.wait_for_function("!/[?&](area|commissioner|region)=/.test(location.search)",
                              timeout=60_000)
    walked["england"], addresses["england"] = read(offline), offline.url

    for step, place in STEPS.items():
        # Choosing the ICB set its region; "All regions" cleared every level.
        assert place_in(addresses[step]) == place, (step, addresses[step])
        offline.goto(addresses[step])
        settle(offline)
        direct = steady_figures(offline)
        assert walked[step] == direct, (step, walked[step], direct)
    title = {step: " ".join(shown["title"]) for step, shown in walked.items()}
    assert ICB in title["icb"] and SUB_ICB in title["sub_icb"], title
    assert ICB not in title["england"] and SUB_ICB not in title["england"], title
    if walked["england"]["metrics"]:  # (a Sub-ICB's may equal its ICB's: no findings in either)
        assert walked["icb"]["metrics"] != walked["england"]["metrics"]
