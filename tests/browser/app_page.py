"""Waiting on the running app as a person would before they act: until its
script has finished, and until the map they look at is the one that stays.

No playwright import here: a machine without it skips the browser tests at
collection (tests/browser/conftest.py), and every test module imports this.
"""

from __future__ import annotations

# A map's frame, by the component it loads (its title is the map's name,
# set once the map has drawn).
MAP_FRAME = "iframe[src*='streamlit_folium.st_folium']"
_IDLE = ("!document.querySelector('[data-testid=\"stStatusWidget\"]')"
         " || getComputedStyle(document.querySelector('[data-testid=\"stStatusWidget\"]'))"
         ".visibility === 'hidden'")


def settle(page, timeout: int = 90_000) -> None:
    """Wait until the page's script has finished its run (the running
    indicator gone) and a title is drawn."""
    page.wait_for_selector("h1", timeout=timeout)
    page.wait_for_function(_IDLE, timeout=timeout)
    page.wait_for_timeout(1_500)  # a rerun the first run asked for
    page.wait_for_function(_IDLE, timeout=timeout)


def _drawn_frame(page):
    page.wait_for_selector(MAP_FRAME, timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll(\"{MAP_FRAME}\").length === 1",
                           timeout=60_000)
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    frame.wait_for_selector(".leaflet-overlay-pane canvas", timeout=30_000)
    frame.wait_for_function("typeof map_div !== 'undefined' && "
                            "Object.values(map_div._layers).some(l => l.featureCount)",
                            timeout=30_000)
    return frame


def map_frame(page):
    """The map's frame once it has drawn its layers and the rerun its first
    view asks for has run (that rerun may draw the map afresh: a pointer
    moved over the first one, or a count read from it, would miss)."""
    _drawn_frame(page)
    settle(page)
    return _drawn_frame(page)
