"""Issue 19 in a real browser, offline: choices kept as codes across
snapshots and pages, presentation mode on a projector, search with a list of
matches and any postcode, commissioner names, whole figures, and a meeting's
tasks end to end."""

from __future__ import annotations

import re

import pytest

from pcnmap import store
from pcnmap.model.place import Place
from tests.browser.app_page import MAP_FRAME, map_frame, settle

pytestmark = pytest.mark.browser
SEARCH = "Search: a practice, network, commissioner, place or postcode"
CHORLEY = "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)"
# The pages that filter by place, each with what shows once it has drawn.
PLACE_PAGES = {"Network_map": "Network map", "Coverage_gaps": "Coverage gaps",
               "Funding": "Network funding", "Plan_a_change": "Plan a change",
               "Your_own_data": "Your own data", "What_changed": "What changed"}


def download(page, button, attempts: int = 3):
    """Click a download button and return the download. A click that lands
    while a rerun redraws the page (a map reporting its first view, on a
    busy machine) is dropped with the old button, so a click with no
    download within 20 s is made again once the page has settled."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts - 1):
        try:
            with page.expect_download(timeout=20_000) as started:
                button.click()
            return started.value
        except PlaywrightTimeout:
            settle(page)
    with page.expect_download(timeout=20_000) as started:
        button.click()
    return started.value


def choose(page, label: str, option: str, where: str = "[data-testid='stSidebar']") -> None:
    """Pick ``option`` in the selectbox labelled ``label``, as a user would."""
    box = page.locator(f"{where} [data-testid='stSelectbox']").filter(
        has=page.get_by_text(label, exact=True)).first
    box.click()
    # Long lists draw only the options in view: type to bring it up.
    page.keyboard.type(option.split(" ", 1)[0])
    page.get_by_role("option", name=option, exact=True).click()


def steady_figures(page) -> dict[str, list[str]]:
    """What the page shows once it has stopped changing (the same twice, a
    second apart): a first visit works out figures other visits share."""
    shown = figures_shown(page)
    for _ in range(90):
        page.wait_for_timeout(1_000)
        again = figures_shown(page)
        if again == shown:
            return shown
        shown = again
    return shown


def figures_shown(page) -> dict[str, list[str]]:
    """What a page shows that could go wrong in silence: its metrics, its
    messages, its tables' sizes."""
    main = page.locator("[data-testid='stMain']")
    return {"metrics": main.locator("[data-testid='stMetricValue']").all_inner_texts(),
            "alerts": [" ".join(t.split()) for t in
                       main.locator("[data-testid='stAlert']").all_inner_texts()],
            "title": main.locator("h1").all_inner_texts()}


@pytest.mark.parametrize("path", list(PLACE_PAGES))
def test_a_snapshot_round_trip_keeps_the_code_and_the_figures(app_url, offline, path) -> None:
    offline.goto(f"{app_url}/{path}?snapshot=2023-01&commissioner=00X")
    settle(offline)
    before = steady_figures(offline)
    assert "commissioner=00X" in offline.url
    choose(offline, "Snapshot", "April 2022")
    offline.wait_for_url(re.compile(r"snapshot=2022-04"), timeout=60_000)
    settle(offline)
    assert "commissioner=00X" in offline.url  # April 2022's CCG 00X, by its code
    choose(offline, "Snapshot", "January 2023")
    offline.wait_for_url(re.compile(r"snapshot=2023-01"), timeout=60_000)
    settle(offline)
    assert re.search(r"[?&]commissioner=00X(&|$)", offline.url), offline.url
    assert "All+ICBs" not in offline.url and "Chorley" not in offline.url
    after = figures_shown(offline)
    for _ in range(90):  # the page may still be working out its figures (a busy machine)
        if after == before:
            break
        offline.wait_for_timeout(1_000)
        after = figures_shown(offline)
    assert after == before
    sidebar = offline.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text(CHORLEY, exact=True).count() >= 1


def test_april_2022_to_december_2019_keeps_the_commissioner(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2022-04&area=QE1&commissioner=00X")
    settle(offline)
    choose(offline, "Snapshot", "December 2019 (first year of networks)")
    offline.wait_for_url(re.compile(r"snapshot=2019-12"), timeout=60_000)
    settle(offline)
    # 2019's area for 00X is an NHS England area (Q84), not April 2022's STP.
    assert "commissioner=00X" in offline.url and "area=Q84" in offline.url
    practices = store.read_table(store.DATA_DIR, "2019-12", "practices")
    # The place's practices and every member of its networks (each drawn whole).
    local = Place("2019-12", commissioner="00X").with_whole_networks(practices)
    expected = int(local["longitude"].notna().sum())
    assert practices_drawn(offline, expected) == expected


def practices_drawn(page, expected: int, seconds: int = 60) -> int | None:
    """The practices the map draws, once it draws ``expected`` or after
    ``seconds`` (what it draws then). A snapshot's change may leave the
    previous map in sight for a moment on a busy machine, and may draw the
    new one in a new frame: each look finds the map afresh."""
    from playwright.sync_api import Error as PlaywrightError

    count = None
    for _ in range(seconds):
        try:
            count = map_frame(page).evaluate(
                "Object.values(map_div._layers).find("
                "l => l instanceof L.PcnmapPractices).featureCount")
        except PlaywrightError:  # the frame looked at was replaced: look again
            count = None
        if count == expected:
            break
        page.wait_for_timeout(1_000)
    return count


def test_changing_page_keeps_the_place_and_the_snapshot(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2022-04&commissioner=00X&method=voronoi")
    settle(offline)
    offline.locator("[data-testid='stSidebarNav']").get_by_text("Coverage gaps").click()
    offline.wait_for_url(re.compile(r"/Coverage_gaps"), timeout=60_000)
    settle(offline)
    for part in ("snapshot=2022-04", "commissioner=00X", "method=voronoi"):
        assert part in offline.url


def test_a_code_missing_from_the_snapshot_is_explained(app_url, offline) -> None:
    """A 2019 CCG merged away by April 2022: carried to the CCG holding most
    of its practices, and the page says so."""
    older = store.read_table(store.DATA_DIR, "2019-12", "practices")
    newer = store.read_table(store.DATA_DIR, "2022-04", "practices")
    gone = sorted(set(older["commissioner_code"]) - set(newer["commissioner_code"]))[0]
    offline.goto(f"{app_url}/Coverage_gaps?snapshot=2019-12&commissioner={gone}")
    settle(offline)
    choose(offline, "Snapshot", "April 2022")
    offline.wait_for_url(re.compile(r"snapshot=2022-04"), timeout=60_000)
    settle(offline)
    note = offline.get_by_text(re.compile(rf"CCG {gone} is not in this snapshot: showing"))
    note.wait_for(timeout=30_000)
    successor = re.search(r"showing (\w+),", note.inner_text()).group(1)
    assert f"commissioner={successor}" in offline.url


def measure(page) -> dict[str, float]:
    return page.evaluate("""() => {
        const px = e => parseFloat(getComputedStyle(e).fontSize);
        const metric = document.querySelector('[data-testid="stMetricValue"]');
        return {body: px(document.body), title: px(document.querySelector('h1')),
                metric: metric ? px(metric) : null}; }""")


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_presentation_mode_on_a_projector(app_url, browser, size) -> None:
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/?snapshot=2023-01&present=1")
        settle(page)
        sizes = measure(page)
        # Body text is larger than on a laptop, titles and figures more so.
        assert sizes["body"] >= 20
        assert sizes["title"] >= 1.5 * sizes["body"], sizes
        assert sizes["metric"] >= 2 * sizes["body"], sizes
        print(f"{width}x{height}: {sizes}")
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        bar = page.locator(".st-key-presentation-bar")
        assert bar.is_visible() and bar.bounding_box()["height"] < 0.12 * height
        page.mouse.wheel(0, 2_000)  # always in view
        page.wait_for_timeout(500)
        assert bar.bounding_box()["y"] == 0

        # The bar changes page, keeping the place; the map fills the height.
        choose(page, "Page", "Network map", ".st-key-presentation-bar")
        page.wait_for_url(re.compile(r"/Network_map\?.*present=1"), timeout=60_000)
        settle(page)
        frame = map_frame(page)
        box = page.locator(MAP_FRAME).bounding_box()
        assert box["y"] + box["height"] <= height + 1, box  # no part below the screen
        assert box["height"] >= 0.4 * height and box["width"] >= 0.9 * width, box
        assert frame.evaluate("parseFloat(getComputedStyle(document.querySelector("
                              "'.leaflet-control-layers')).fontSize)") >= 20
        assert bar.is_visible()
        # ... changes the snapshot and the place ...
        choose(page, "Snapshot", "April 2022", ".st-key-presentation-bar")
        page.wait_for_url(re.compile(r"snapshot=2022-04"), timeout=60_000)
        settle(page)
        bar.locator("[data-testid='stPopover'] button").first.click()
        choose(page, "CCG", "00X · Chorley and South Ribble CCG",
               "[data-testid='stPopoverBody']")
        page.wait_for_url(re.compile(r"commissioner=00X"), timeout=60_000)
        settle(page)
        page.keyboard.press("Escape")
        # ... and leaves the mode.
        page.get_by_role("button", name="Leave presentation").click()
        page.wait_for_function("!location.search.includes('present=')", timeout=60_000)
        page.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=30_000)
        settle(page)
        assert "commissioner=00X" in page.url and "snapshot=2022-04" in page.url
        assert measure(page)["body"] < sizes["body"]
        page.screenshot(path=f"/tmp/pcnmap-presentation-left-{width}.png")
    finally:
        context.close()


def search(page, text: str) -> None:
    box = page.get_by_label(SEARCH)
    box.fill(text)
    box.press("Enter")


def matches_box(page):
    """The list of matches' input (the selectbox keyed "pick"): clicked there,
    not on its label, which wraps to two lines beside the map."""
    box = page.locator(".st-key-pick input").first
    box.wait_for(timeout=60_000)
    return box


def matches(page) -> list[str]:
    """The list of matches, opened and read (then closed)."""
    matches_box(page).click()
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    found = options.all_inner_texts()
    page.keyboard.press("Escape")
    return found


def pick_match(page, option: str) -> None:
    matches_box(page).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_search_lists_matches_of_every_kind(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01")
    settle(offline)
    search(offline, "Chorley")
    offline.wait_for_url(re.compile(r"q=Chorley"), timeout=60_000)
    found = matches(offline)
    kinds = {text.split(" · ")[0] for text in found}
    assert {"Practice", "Network", "Commissioner", "Place"} <= kinds, found
    assert sum(text.startswith("Practice · ") for text in found) > 1
    assert f"Commissioner · {CHORLEY}" in found


def test_a_chosen_practice_is_marked_and_its_network_in_view(app_url, offline) -> None:
    offline.set_viewport_size({"width": 1366, "height": 768})
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00X")
    settle(offline)
    search(offline, "Riverside")
    offline.wait_for_url(re.compile(r"q=Riverside"), timeout=60_000)
    found = matches(offline)
    chosen = next(t for t in found if "(P81185," in t)
    assert found[0] == chosen  # the chosen commissioner's Riverside first
    heading = offline.get_by_role("heading", name=re.compile("BRIDGEDALE SOUTH RIBBLE PCN"))
    heading.wait_for(timeout=60_000)
    box = heading.bounding_box()
    assert box["y"] + box["height"] <= 768, box  # in view, beside the map
    frame = map_frame(offline)
    label = frame.locator(".pcnmap-found")
    label.wait_for(timeout=30_000)
    assert label.inner_text() == "RIVERSIDE MEDICAL CENTRE"
    practice = store.read_table(store.DATA_DIR, "2023-01", "practices").set_index(
        "practice_code").loc["P81185"]
    frame.wait_for_function(
        f"Math.abs(map_div.getCenter().lat - {practice['latitude']}) < 0.02", timeout=30_000)


def test_a_residents_postcode_is_answered_by_every_method(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01")
    settle(offline)
    search(offline, "pr5 6dt")  # a resident's, no practice's
    answer = offline.get_by_text(re.compile(r"PR5 6DT: covered by .* \(U\d{5}\)"))
    answer.wait_for(timeout=60_000)
    table = offline.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=30_000)
    panel = offline.locator("[data-testid='stMain']").inner_text()
    assert "Its nearest practices" in panel
    label = map_frame(offline).locator(".pcnmap-found")
    label.wait_for(timeout=30_000)
    assert label.inner_text() == "PR5 6DT"


def test_clearing_the_search_leaves_nothing_in_the_address(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&q=Chorley")
    settle(offline)
    matches(offline)
    search(offline, "")
    offline.wait_for_function("!location.search.includes('q=')", timeout=60_000)
    assert "pick=" not in offline.url


def test_layers_tabs_and_the_funding_view_live_in_the_address(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00X&layers=practices")
    frame = map_frame(offline)
    assert frame.evaluate("Object.values(map_div._layers).some(l => l instanceof "
                          "L.PcnmapShapes && l.featureCount && 'network_code' in "
                          "l.featureAt(0).properties)") is False
    offline.goto(f"{app_url}/Coverage_gaps?snapshot=2023-01&commissioner=00X")
    settle(offline)
    offline.get_by_role("tab", name="Network sizes").click()
    offline.wait_for_url(re.compile(r"tab=sizes"), timeout=60_000)
    offline.goto(f"{app_url}/Funding?snapshot=2023-01&commissioner=00X")
    settle(offline)
    offline.get_by_text("Per patient", exact=True).click()
    offline.wait_for_url(re.compile(r"view=per_patient"), timeout=60_000)
    settle(offline)
    choose(offline, "Sort by", "Name", "[data-testid='stMain']")
    offline.wait_for_url(re.compile(r"sort=network_name"), timeout=60_000)
    # A link with both opens both.
    offline.goto(f"{app_url}/Funding?snapshot=2023-01&commissioner=00X&view=per_patient"
                 "&sort=network_name")
    settle(offline)
    assert offline.get_by_role("radio", name="Per patient").is_checked()


def test_commissioner_names_are_whole_and_searchable(app_url, offline) -> None:
    offline.set_viewport_size({"width": 1366, "height": 768})
    offline.goto(f"{app_url}/Network_map?snapshot=2024-10")
    settle(offline)
    box = offline.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").filter(
        has=offline.get_by_text("Sub-ICB location", exact=True)).first
    box.click()
    offline.keyboard.type("Chorley")
    options = offline.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    assert CHORLEY in options.all_inner_texts()
    offline.get_by_role("option", name=CHORLEY).click()
    offline.wait_for_url(re.compile(r"commissioner=00X"), timeout=60_000)
    settle(offline)
    # The picker cuts it short; the whole name is beside it, all in view.
    whole = offline.locator("[data-testid='stSidebar']").get_by_text(CHORLEY, exact=True)
    whole.scroll_into_view_if_needed()
    sidebar = offline.locator("[data-testid='stSidebar']").bounding_box()
    shown = whole.bounding_box()
    assert shown["x"] + shown["width"] <= sidebar["x"] + sidebar["width"]
    assert whole.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


def test_figures_are_whole_and_labelled_with_their_list(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00X&network=U34632")
    settle(offline)
    panel = offline.locator("[data-testid='stMain']")
    offline.get_by_role("heading", name=re.compile("BRIDGEDALE")).wait_for(timeout=60_000)
    assert "29,664" in panel.locator("[data-testid='stMetricValue']").all_inner_texts()
    text = panel.inner_text()
    assert "Average patients" in text and "2022-23 average of quarterly lists" in text
    assert not re.search(r"\b\d{1,3}(,\d{3})*\.\d\b", " ".join(
        panel.locator("[data-testid='stMetricValue']").all_inner_texts()))
    headers = panel.locator("[data-testid='stDataFrame']").first
    headers.wait_for(timeout=30_000)
    grid = headers.inner_text()
    assert "practice_code" not in grid and "per_patient" not in grid


def test_a_csv_carries_no_float_noise(app_url, offline) -> None:
    offline.goto(f"{app_url}/Funding?snapshot=2023-01&commissioner=00X")
    settle(offline)
    saved = download(offline, offline.get_by_role("button", name="Download table (CSV)").first)
    text = open(saved.path(), encoding="utf-8-sig").read()
    assert "Total (£)" in text
    for cell in re.findall(r"\d+\.\d+", text):
        assert len(cell.split(".")[1]) <= 2, cell


def test_a_meeting_end_to_end(app_url, offline) -> None:
    """Find a practice by name from a list, see its network, look up a
    resident's postcode, switch the snapshot, present, leave."""
    offline.set_viewport_size({"width": 1366, "height": 768})
    offline.goto(f"{app_url}/?snapshot=2023-01")
    settle(offline)
    offline.locator("[data-testid='stSidebarNav']").get_by_text("Network map").click()
    settle(offline)
    search(offline, "ryan medical")
    found = matches(offline)
    assert any("THE RYAN MEDICAL CENTRE (P81082" in t for t in found)
    pick_match(offline, next(t for t in found if "(P81082" in t))
    offline.get_by_role("heading", name=re.compile("BRIDGEDALE SOUTH RIBBLE PCN")).wait_for(
        timeout=60_000)
    assert "network=U34632" in offline.url
    search(offline, "PR5 6DT")
    offline.get_by_text(re.compile(r"PR5 6DT: covered by")).wait_for(timeout=60_000)
    choose(offline, "Snapshot", "October 2024")
    offline.wait_for_url(re.compile(r"snapshot=2024-10"), timeout=60_000)
    offline.get_by_text(re.compile(r"PR5 6DT: covered by")).wait_for(timeout=60_000)
    assert "q=PR5" in offline.url
    offline.locator("[data-testid='stSidebar']").get_by_text("Presentation mode").click()
    offline.wait_for_url(re.compile(r"present=1"), timeout=60_000)
    offline.locator(".st-key-presentation-bar").wait_for(timeout=60_000)
    settle(offline)
    assert "present=1" in offline.url and "snapshot=2024-10" in offline.url
    sizes = measure(offline)
    assert sizes["title"] >= 1.5 * sizes["body"]
    offline.get_by_role("button", name="Leave presentation").click()
    offline.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=60_000)
    offline.wait_for_function("!location.search.includes('present=')", timeout=60_000)
    assert "snapshot=2024-10" in offline.url and "q=PR5" in offline.url
