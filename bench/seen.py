"""What a person waits for in the open app (run by ``bench/run.py --seen``):
a postcode's answer, a planned change applied, a page changed in
presentation mode. Each is timed in the browser, from the person's action
to what it shows, ``repeat`` times after one warm-up (the app's caches and
the browser's already filled, as in a meeting after its first minute);
figures are medians with their range.

Pickers are found by their widget keys (Streamlit marks each keyed
element ``st-key-<key>``), never by their labels, which change with the
snapshot (CCG, Sub-ICB location).
"""

from __future__ import annotations

import re

import pandas as pd
from run import (
    COMMISSIONER,
    COMMISSIONER_FEATURES,
    ROOT,
    SNAPSHOT,
    drawn_at,
    map_frame,
    median,
    offline_page,
    on_page_clock,
    spread,
)

IDLE = ("!document.querySelector('[data-testid=\"stStatusWidget\"]') || getComputedStyle("
        "document.querySelector('[data-testid=\"stStatusWidget\"]')).visibility === 'hidden'")


def idle(page) -> None:
    """The app's run finished (and a rerun it asked for)."""
    page.wait_for_selector("h1", timeout=120_000)
    page.wait_for_function(IDLE, timeout=120_000)
    page.wait_for_timeout(1_000)
    page.wait_for_function(IDLE, timeout=120_000)


def keyed(page, key: str, where: str = ""):
    """The widget Streamlit keyed ``key`` (its element is marked ``st-key-<key>``)."""
    return page.locator(f"{where} .st-key-{key}".strip())


def pick(page, key: str, typed: str, option: re.Pattern | str) -> None:
    """Open the selectbox keyed ``key``, type, and click the first option matching."""
    keyed(page, key).locator("input").first.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def timed(values: list[float], name: str) -> dict:
    return {f"{name}_seconds": median(values), f"{name}_range": spread(values)}


def postcodes(count: int) -> list[str]:
    """Real postcodes in Chorley and South Ribble (Leyland, PR25), each asked once."""
    table = pd.read_parquet(ROOT / "data" / "postcodes.parquet", columns=["postcode"])
    found = table[table["postcode"].str.startswith("PR251")]["postcode"].head(count)
    return [f"{code[:-3]} {code[-3:]}" for code in found]


def postcode_answers(browser, url: str, repeat: int) -> dict:
    """From Enter in the search box to the postcode's answer shown beside the map."""
    page = offline_page(browser)
    page.goto(f"{url}/Network_map?snapshot={SNAPSHOT}&commissioner={COMMISSIONER}")
    idle(page)
    seconds = []
    for index, postcode in enumerate(postcodes(repeat + 1)):
        box = keyed(page, "search").locator("input")
        box.fill(postcode)
        started = page.evaluate("performance.now()")
        box.press("Enter")
        page.get_by_text(re.compile(f"^{postcode}: (covered by|no network)")).first.wait_for(
            timeout=120_000)
        shown = page.evaluate("performance.now()")
        if index:  # the first fills the postcode index: not what a meeting waits for
            seconds.append(round((shown - started) / 1000, 2))
        idle(page)
    page.context.close()
    return timed(seconds, "postcode_answer")


def plan_applied(browser, url: str, repeat: int) -> dict:
    """From "Apply the change" to the proposal's map drawn again."""
    page = offline_page(browser)
    seconds = []
    for index in range(repeat + 1):
        page.goto(f"{url}/Plan_a_change?snapshot={SNAPSHOT}&commissioner={COMMISSIONER}")
        idle(page)
        old = tuple(f for f in page.frames if "streamlit_folium" in f.url)
        pick(page, "move_practice", "P81", re.compile(r"P81"))
        pick(page, "move_target", "", re.compile(r"."))
        page.get_by_role("button", name="Apply the change").click()
        started = page.evaluate("performance.now()")
        drawn = drawn_at(map_frame(page, old), COMMISSIONER_FEATURES)
        if index:
            seconds.append(round((on_page_clock(page, drawn) - started) / 1000, 2))
        idle(page)
    page.context.close()
    return timed(seconds, "plan_applied")


def presentation_page_changes(browser, url: str, repeat: int) -> dict:
    """From choosing a page in presentation mode's bar to its map drawn."""
    page = offline_page(browser)
    page.goto(f"{url}/Network_map?snapshot={SNAPSHOT}&commissioner={COMMISSIONER}&present=1")
    idle(page)
    seconds = []
    targets = ["Coverage gaps", "Network map"] * (repeat + 1)
    for index, title in enumerate(targets):
        old = tuple(f for f in page.frames if "streamlit_folium" in f.url)
        bar = page.locator(".st-key-presentation-bar")
        bar.locator("[data-testid='stSelectbox'] input").first.click()
        page.get_by_role("option", name=title, exact=True).click()
        started = page.evaluate("performance.now()")
        drawn = drawn_at(map_frame(page, old), COMMISSIONER_FEATURES)
        if index >= 2:  # each page once to warm its caches
            seconds.append(round((on_page_clock(page, drawn) - started) / 1000, 2))
        idle(page)
    page.context.close()
    return timed(seconds, "presentation_page_change")


def measure(browser, url: str, repeat: int) -> dict:
    """Every wait above, on the running app at ``url``."""
    results = {}
    for name, measured in (("postcode answers", postcode_answers),
                           ("planned changes applied", plan_applied),
                           ("presentation page changes", presentation_page_changes)):
        print(f"{name}, {repeat} times after one to warm…", flush=True)
        results.update(measured(browser, url, repeat))
    return results
