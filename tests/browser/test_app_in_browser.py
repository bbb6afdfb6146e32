"""The map, search, network panel and presentation mode in a real browser, offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pcnmap import store
from pcnmap.maps import assets, basemap, elements
from pcnmap.model.place import Place
from tests.browser.app_page import MAP_FRAME, map_frame
from ui.pages import PAGES

pytestmark = pytest.mark.browser
ROOT_DATA_SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "source"


def overview_picture(page) -> int:
    """The overview's map (an inline SVG picture) once drawn: its shapes' count."""
    page.wait_for_selector(".pcnmap-picture svg path", timeout=60_000)
    return page.locator(".pcnmap-picture svg g > title").count()


# The map's practice layer (one canvas path holding every practice) in a page.
PRACTICES = "Object.values(map_div._layers).find(l => l instanceof L.PcnmapPractices)"
# Its network boundaries, commissioner outlines and plain basemap (each one
# canvas path holding every shape), told apart by their features' properties.
SHAPES = ("(key => Object.values(map_div._layers).find(l => l instanceof L.PcnmapShapes"
          " && l.featureCount && key in l.featureAt(0).properties))")
NETWORKS = SHAPES + "('network_code')"
COMMISSIONERS = SHAPES + "('commissioner_code')"
BASEMAP = ("Object.values(map_div._layers).find(l => l instanceof L.PcnmapShapes"
           " && !l.options.interactive)")


def click_practice(page, code: str) -> None:
    """Click a practice's circle on the map, as a user would."""
    frame = map_frame(page)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    point = frame.evaluate(f"""code => {{
        const practices = {PRACTICES};
        const p = map_div.latLngToContainerPoint(practices.latLngOf(practices.indexOf(code)));
        return [p.x, p.y]; }}""", code)
    box = page.locator(MAP_FRAME).bounding_box()
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])


def central_practice(page, codes: list[str]) -> str:
    """Of ``codes``, the practice drawn nearest the map's centre (clear of
    the legend and the layer control in its corners)."""
    return map_frame(page).evaluate(f"""codes => {{
        const practices = {PRACTICES};
        const size = map_div.getSize();
        const away = code => {{
            const p = map_div.latLngToContainerPoint(
                practices.latLngOf(practices.indexOf(code)));
            return Math.hypot(p.x - size.x / 2, p.y - size.y / 2); }};
        return codes.slice().sort((a, b) => away(a) - away(b))[0]; }}""", codes)


def test_map_draws_its_layers_offline(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2022-04&commissioner=00X")
    frame = map_frame(offline)
    kinds = frame.evaluate(f"""() => ({{
        practice: {PRACTICES}.featureCount, network: {NETWORKS}.featureCount,
        commissioner: {COMMISSIONERS}.featureCount, basemap: {BASEMAP}.featureCount}})""")
    practices = store.read_table(store.DATA_DIR, "2022-04", "practices")
    # The place's practices and every member of its networks (each drawn whole).
    local = Place("2022-04", commissioner="00X").with_whole_networks(practices)
    assert kinds["practice"] == local["longitude"].notna().sum()
    assert local["commissioner_code"].nunique() > 1  # members beyond 00X drawn too
    # Each practice is painted: the canvas at the centre of a practice with
    # no other near it shows its network's colour (filled at 0.9 opacity over
    # the boundaries' paler fills).
    placed = local[local["commissioner_code"] == "00X"].dropna(subset=["longitude"])
    # Names are drawn over practices (a network's name may cross one): off
    # while the practices' own paint is read.
    frame.evaluate("""() => Object.values(map_div._layers)
        .filter(l => l instanceof L.PcnmapLabels).forEach(l => map_div.removeLayer(l))""")
    frame.wait_for_timeout(300)
    painted = frame.evaluate(f"""codes => {{
        const practices = {PRACTICES};
        const canvas = map_div.getRenderer(practices)._container;
        const context = canvas.getContext('2d');
        const box = canvas.getBoundingClientRect();
        const mapBox = map_div.getContainer().getBoundingClientRect();
        const ratio = canvas.width / box.width;
        const points = codes.map(code => map_div.latLngToContainerPoint(
            practices.latLngOf(practices.indexOf(code))));
        return codes.map((code, i) => {{
            const p = points[i];
            if (points.some((q, j) => j !== i && p.distanceTo(q) < 14)) {{ return null; }}
            const pixel = context.getImageData(Math.round((p.x + mapBox.left - box.left) * ratio),
                                               Math.round((p.y + mapBox.top - box.top) * ratio),
                                               1, 1).data;
            const network = practices.featureAt(practices.indexOf(code)).properties.network_code;
            return [practices._networks.find(n => n[0] === network)[2], Array.from(pixel)];
        }}).filter(Boolean); }}""", placed["practice_code"].tolist())
    assert len(painted) >= 5
    for colour, (red, green, blue, alpha) in painted:
        wanted = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
        assert alpha >= 0.9 * 255  # the circle's own fill at least
        assert max(abs(a - b) for a, b in zip([red, green, blue], wanted, strict=True)) <= 40, (
            colour, (red, green, blue))
    assert kinds["network"] >= local["network_code"].nunique()
    assert kinds["commissioner"] == 1 and kinds["basemap"] >= 1
    # Leaflet came from the app; only map tiles were refused.
    assert frame.evaluate("typeof L.version") == "string"
    hosts = {url.split("/")[2] for url in offline.refused}
    assert hosts <= {"tile.openstreetmap.org"}


def test_search_by_postcode_zooms_to_the_practice(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01")
    map_frame(offline)
    box = offline.get_by_label("Search: a practice, network, commissioner, place or postcode")
    box.fill("PR5 4AY")
    box.press("Enter")
    offline.get_by_text(re.compile(r"RIVERSIDE MEDICAL CENTRE \(P81185, PR5 4AY\)")).wait_for(
        timeout=30_000)
    practice = store.read_table(store.DATA_DIR, "2023-01", "practices").set_index(
        "practice_code").loc["P81185"]
    frame = map_frame(offline)
    frame.wait_for_function(
        f"Math.abs(map_div.getCenter().lat - {practice['latitude']}) < 0.02", timeout=30_000)
    assert frame.evaluate("map_div.getZoom()") >= 12
    offline.get_by_role("heading", name=re.compile("BRIDGEDALE SOUTH RIBBLE PCN")).wait_for()


def test_hovering_a_network_outlines_and_names_it(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00R")
    frame = map_frame(offline)
    # A point inside a network's boundary with no practice near it.
    code, x, y = frame.evaluate(f"""() => {{
        const practices = {PRACTICES}, networks = {NETWORKS};
        const size = map_div.getSize();
        for (let y = 20; y < size.y; y += 15) {{
            for (let x = 20; x < size.x; x += 15) {{
                const p = map_div.containerPointToLayerPoint([x, y]);
                if (networks._containsPoint(p)
                    && practices._points.every(q => q.distanceTo(p) > 20)) {{
                    return [networks.featureAt(networks.hit).properties.network_code, x, y];
                }}
            }}
        }} }}""")
    assert frame.evaluate(f"{NETWORKS}.highlighted") == -1
    box = offline.locator(MAP_FRAME).bounding_box()
    offline.mouse.move(box["x"] + x + 40, box["y"] + y + 40)
    offline.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert code in tooltip.inner_text()
    outlined = frame.evaluate(f"""() => {{
        const networks = {NETWORKS};
        return networks.featureAt(networks.highlighted).properties.network_code; }}""")
    assert outlined == code


def test_clicking_a_network_shows_its_panel(app_url, offline) -> None:
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    members = practices[(practices["commissioner_code"] == "00R")
                        & practices["network_code"].notna()].set_index("practice_code")
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00R")
    code = central_practice(offline, list(members.index))
    blackpool = members.loc[code]
    click_practice(offline, code)
    offline.get_by_role("heading", name=re.compile(re.escape(blackpool["network_name"]))
                        ).wait_for(timeout=30_000)
    assert f"network={blackpool['network_code']}" in offline.url


def test_presentation_mode_hides_controls_and_enlarges_type(app_url, offline) -> None:
    offline.goto(f"{app_url}/?snapshot=2019-12&present=1")
    offline.get_by_role("heading", name="England's Primary Care Networks").wait_for(
        timeout=60_000)
    assert overview_picture(offline) > 100
    # The mode's style arrives with the page's run: hidden once it has.
    offline.locator("[data-testid='stSidebar']").wait_for(state="hidden", timeout=30_000)
    size = offline.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert size >= 44
    metric = offline.locator("[data-testid='stMetricValue']").first
    assert float(metric.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 48


def practice_map_page(page, practices, tmp_path: Path) -> None:
    """Open a standalone map of ``practices`` (as the app's download writes it)."""
    fmap = basemap.base_map(tiles=None)
    elements.practice_layer(practices, {}, "practices").add_to(fmap)
    page_file = tmp_path / "map.html"
    page_file.write_text(assets.standalone_html(fmap), encoding="utf-8")
    page.goto(page_file.as_uri())
    page.wait_for_function("Object.values(window).some(v => v && v._layers && v.getCenter)")


def hover_practice(page, code: str, *, zoom: int | None = None, towards: tuple = (60, 60),
                   shift: tuple = (0, 0)) -> str:
    """Move the mouse onto practice ``code``'s circle (from ``towards`` pixels
    away, ending ``shift`` pixels from its centre), as a user would; the
    tooltip's text."""
    point = """([code, zoom]) => {
        const map = Object.values(window).find(v => v && v._layers && v.getCenter);
        const practices = Object.values(map._layers).find(l => l instanceof L.PcnmapPractices);
        const where = practices.latLngOf(practices.indexOf(code));
        if (zoom !== null) { map.setView(where, zoom, {animate: false}); }
        const p = map.latLngToContainerPoint(where);
        const box = map.getContainer().getBoundingClientRect();
        return [box.x + p.x, box.y + p.y]; }"""
    if zoom is not None:
        page.evaluate(point, [code, zoom])
        page.wait_for_timeout(500)  # let the canvas redraw at the new view
    tooltip = page.locator(".leaflet-tooltip")
    for _ in range(5):
        x, y = page.evaluate(point, [code, None])
        page.mouse.move(x + towards[0], y + towards[1])
        page.mouse.move(x + shift[0], y + shift[1], steps=5)
        if tooltip.count():
            break
        page.wait_for_timeout(300)
    tooltip.wait_for(timeout=5_000)
    page.wait_for_timeout(100)  # hover is tested at most every 32 ms
    return tooltip.inner_text()


def test_hostile_name_runs_no_script(offline, tmp_path) -> None:
    hostile = '<img src=x onerror="window.__pwned=1">${window.__pwned=2}'
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices").head(30).copy()
    alone = ~practices.duplicated(["longitude", "latitude"], keep=False)
    target = practices.index[alone][0]  # no other circle on top
    practices.loc[target, "practice_name"] = hostile
    practice_map_page(offline, practices, tmp_path)
    shown = hover_practice(offline, practices.at[target, "practice_code"], zoom=18)
    assert offline.evaluate("window.__pwned") is None
    assert offline.locator(".leaflet-tooltip img").count() == 0
    assert hostile in shown  # shown as text, not run


def test_tooltip_follows_the_pointer_between_touching_practices(offline, tmp_path) -> None:
    """Two circles that touch: moving from one straight onto the other never
    leaves the practice layer, and the tooltip must still name the second."""
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices").head(30).copy()
    alone = practices.index[~practices.duplicated(["longitude", "latitude"], keep=False)]
    first, second = alone[0], alone[1]
    # About 3 m east of the first: at zoom 18 the circles overlap.
    practices.loc[second, ["latitude", "longitude"]] = (
        practices.at[first, "latitude"], practices.at[first, "longitude"] + 0.00004)
    practice_map_page(offline, practices, tmp_path)
    assert practices.at[first, "practice_code"] in hover_practice(
        offline, practices.at[first, "practice_code"], zoom=18, shift=(-3, 0))
    gap = offline.evaluate("""codes => {
        const map = Object.values(window).find(v => v && v._layers && v.getCenter);
        const practices = Object.values(map._layers).find(l => l instanceof L.PcnmapPractices);
        const [a, b] = codes.map(c => map.latLngToContainerPoint(
            practices.latLngOf(practices.indexOf(c))));
        return b.x - a.x; }""", [practices.at[first, "practice_code"],
                                  practices.at[second, "practice_code"]])
    assert 0 < gap < 10  # the circles (radius 5) touch
    shown = hover_practice(offline, practices.at[second, "practice_code"],
                           towards=(-gap - 3, 0), shift=(3, 0))
    assert practices.at[second, "practice_code"] in shown
    assert practices.at[first, "practice_code"] not in shown


def test_back_button_returns_to_the_previous_view(app_url, offline) -> None:
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    members = practices[(practices["commissioner_code"] == "00R")
                        & practices["network_code"].notna()].set_index("practice_code")
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00R")
    code = central_practice(offline, list(members.index))
    blackpool = members.loc[code]
    click_practice(offline, code)
    heading = offline.get_by_role("heading", name=re.compile(
        re.escape(blackpool["network_name"])))
    heading.wait_for(timeout=30_000)
    assert "network=" in offline.url
    offline.go_back()
    offline.wait_for_function("!location.search.includes('network=')", timeout=30_000)
    heading.wait_for(state="detached", timeout=30_000)
    assert "commissioner=00R" in offline.url


def test_panning_and_zooming_do_not_rerun_the_script(app_url, offline) -> None:
    session = offline.context.new_cdp_session(offline)
    session.send("Network.enable")
    sent: list[int] = []
    session.on("Network.webSocketFrameSent", lambda event: sent.append(1))
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00X")
    frame = map_frame(offline)
    offline.wait_for_timeout(1_000)  # let the page settle after its first run
    before = len(sent)
    box = offline.locator(MAP_FRAME).bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    offline.mouse.move(*centre)
    offline.mouse.down()
    offline.mouse.move(centre[0] + 150, centre[1] + 80, steps=10)
    offline.mouse.up()
    offline.mouse.wheel(0, -400)
    frame.evaluate("map_div.setZoom(map_div.getZoom() + 1, {animate: false})")
    offline.wait_for_timeout(2_000)
    assert frame.evaluate("map_div.getZoom()") > 0
    assert len(sent) == before  # nothing asked the server to rerun


def test_uploads_are_checked_and_reported(app_url, offline) -> None:
    """Good and bad files at once: each bad one named with its reason, the good
    one used, a hostile name shown as text, and no traceback anywhere."""
    dialogs: list[str] = []
    offline.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    offline.goto(f"{app_url}/Your_own_data?snapshot=2023-01&commissioner=00X")
    offline.get_by_text("Nothing uploaded").wait_for(timeout=60_000)
    hostile = "<img src=x onerror=alert(1)>Riverside"
    configuration = ("practice_code,network_code,network_name\n"
                     f"P81185,NEW1,{hostile}\nP81010,NEW1,\nY99999,U10791,\n").encode()
    workbook = (ROOT_DATA_SOURCE / "epcn/ePCN_2023-01-26.xlsx").read_bytes()
    offline.locator("input[type=file]").set_input_files(files=[
        {"name": "configuration.csv", "mimeType": "text/csv", "buffer": configuration},
        {"name": "notes.csv", "mimeType": "text/csv", "buffer": b"hello,world\n"},
        {"name": "ePCN.xlsx", "mimeType": "application/octet-stream",
         "buffer": workbook[: len(workbook) // 2]},
    ])
    offline.get_by_text("configuration.csv: read as").wait_for(timeout=60_000)
    offline.get_by_text(re.compile(r"Not used: notes\.csv.*is not a file pcnmap knows")).wait_for()
    offline.get_by_text(re.compile(r"Not used: ePCN\.xlsx.*not a readable Excel workbook")
                        ).wait_for()
    offline.get_by_text(re.compile(r"\d+ problem\(s\) in the rows")).wait_for()
    offline.get_by_text("Networks that change").wait_for(timeout=60_000)
    body = offline.locator("body").inner_text()
    assert "Traceback" not in body and "Error:" not in body
    assert dialogs == []


def test_a_configuration_loads_into_the_address(app_url, offline) -> None:
    offline.goto(f"{app_url}/Plan_a_change?snapshot=2023-01&commissioner=00X")
    offline.get_by_text("No change proposed yet").wait_for(timeout=60_000)
    offline.get_by_role("tab", name="Load or save a configuration").click()
    offline.locator("input[type=file]").set_input_files(files=[{
        "name": "configuration.csv", "mimeType": "text/csv",
        "buffer": b"practice_code,network_code,network_name\nP81185,U10791,\n"}])
    offline.wait_for_url(re.compile(r"moves=P81185%3AU10791"), timeout=60_000)
    offline.get_by_text("Networks that change (2)").wait_for(timeout=60_000)


def test_editing_the_table_moves_a_practice(app_url, offline) -> None:
    """The table's proposed-network cell, edited as a user would (double-click,
    type, Enter), becomes the proposal in the address and its comparison."""
    offline.goto(f"{app_url}/Plan_a_change?snapshot=2023-01&commissioner=00X")
    offline.get_by_text("Change several practices at once in a table").click()
    grid = offline.locator("[data-testid='stExpander']", has_text="several practices").locator(
        "[data-testid='stDataFrame']")
    grid.wait_for(timeout=60_000)
    grid.scroll_into_view_if_needed()
    offline.wait_for_timeout(1_000)
    box = grid.bounding_box()
    # First row (sorted by name: ADLINGTON MEDICAL CENTRE, P81740), last column.
    offline.mouse.click(box["x"] + box["width"] - 60, box["y"] + 35 + 17)
    offline.wait_for_timeout(500)  # the grid scrolls the chosen cell fully into view
    # Open the cell's list, type to filter it, choose, close; the grid's
    # editor needs a moment between keys.
    for action, key in (("press", "Enter"), ("type", "U57096"), ("press", "Enter"),
                        ("press", "Escape")):
        getattr(offline.keyboard, action)(key)
        offline.wait_for_timeout(500)
    offline.get_by_role("heading", name="Plan a change").click()  # leave the table
    offline.wait_for_url(re.compile(r"moves=P81740%3AU57096"), timeout=60_000)
    offline.get_by_text("Networks that change (2)").wait_for(timeout=60_000)


def test_sidebar_names_every_page(app_url, offline) -> None:
    """The page list's names, in its order, whichever page a link opens."""
    for path, ready in (("/?snapshot=2023-01", "GP practices"),
                        ("/Your_own_data?snapshot=2023-01", "Nothing uploaded")):
        offline.goto(f"{app_url}{path}")
        offline.get_by_text(ready).wait_for(timeout=60_000)
        links = offline.locator("[data-testid='stSidebarNav'] [data-testid='stSidebarNavLink']")
        links.nth(len(PAGES) - 1).wait_for(timeout=30_000)
        assert links.count() == len(PAGES)
        assert [name.strip() for name in links.all_inner_texts()] == [
            page.title for page in PAGES]


def test_a_file_over_the_cap_never_reaches_the_app(app_url, offline) -> None:
    offline.goto(f"{app_url}/Your_own_data?snapshot=2023-01")
    offline.get_by_text("Nothing uploaded").wait_for(timeout=60_000)
    big = b"practice_code,network_code,network_name\n" + b"P81001,U12345,x\n" * 700_000
    assert len(big) > 10 * 1024 * 1024
    offline.locator("input[type=file]").set_input_files(files=[
        {"name": "configuration.csv", "mimeType": "text/csv", "buffer": big}])
    offline.get_by_text(re.compile(r"File must be 10(\.0)?\s?MB or smaller")).wait_for(
        timeout=30_000)
    assert offline.get_by_text("read as").count() == 0


def test_overview_map_draws_offline(app_url, offline) -> None:
    """The overview's map is a picture drawn from the page itself: every
    commissioner, named on hover, with no request beyond the app."""
    offline.goto(f"{app_url}/?snapshot=2023-01")
    offline.get_by_text("GP practices").wait_for(timeout=60_000)
    commissioners = store.read_geo(store.DATA_DIR, "2023-01", "national_commissioners")
    assert overview_picture(offline) == len(commissioners)
    titles = offline.locator(".pcnmap-picture svg g > title").all_text_contents()
    # Each commissioner once, named in words with its code ("Sunderland
    # (00P)"), not as the source spells it ("NHS North East ... ICB - 00P").
    named = [re.fullmatch(r"(.+) \((\w+)\)", title) for title in titles]
    assert sorted(found.group(2) for found in named) == sorted(
        commissioners["commissioner_code"])
    assert not any(" - " in found.group(1) or found.group(1).startswith("NHS ")
                   for found in named)
    assert offline.locator("iframe").count() == 0
    assert offline.refused == []


def test_a_file_of_exactly_the_cap_reaches_the_app(app_url, offline) -> None:
    """Streamlit's browser side and pcnmap refuse at the same size: 10 MB of
    1,000,000 bytes. A file of 10,000,000 bytes is pcnmap's to judge (here it
    has too many lines); one byte more never leaves the browser."""
    offline.goto(f"{app_url}/Your_own_data?snapshot=2023-01")
    offline.get_by_text("Nothing uploaded").wait_for(timeout=60_000)
    header = b"practice_code,network_code,network_name\n"
    body = b"P81001,U12345,x\n" * ((10_000_000 - len(header)) // 16)
    exact = header + body + b"x" * (10_000_000 - len(header) - len(body))
    assert len(exact) == 10_000_000
    offline.locator("input[type=file]").set_input_files(files=[
        {"name": "configuration.csv", "mimeType": "text/csv", "buffer": exact}])
    offline.get_by_text(re.compile(r"Not used: configuration\.csv, row 100001: goes on past "
                                   r"line 100,000")).wait_for(timeout=60_000)
    offline.locator("input[type=file]").set_input_files(files=[
        {"name": "configuration.csv", "mimeType": "text/csv", "buffer": exact + b"x"}])
    offline.get_by_text(re.compile(r"File must be 10(\.0)?\s?MB or smaller")).wait_for(
        timeout=30_000)


# Under the search's 100 characters.
HOSTILE_TEXT = ("[Sign in](https://evil.example) ![x](http://evil.example/x.png) <b>b</b> "
                "**s** :red[r] $x^2$ :smile:")


def test_text_from_a_link_is_drawn_as_its_characters(app_url, offline) -> None:
    """The search box's text comes back in a warning: the browser draws its
    characters, with no link, no image (none is fetched), no markup."""
    from urllib.parse import quote

    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&q={quote(HOSTILE_TEXT)}")
    alert = offline.locator("[data-testid='stAlert']", has_text="Nothing matches")
    alert.wait_for(timeout=60_000)
    # Word joiners (invisible) keep the addresses from becoming links.
    assert alert.inner_text().strip().replace("\u2060", "") == f"Nothing matches {HOSTILE_TEXT!r}."
    assert alert.locator("a, img, b, strong, .katex, span[style*='color']").count() == 0
    assert not [url for url in offline.refused if "evil.example" in url]


LINE = f"www.evil.example a@evil.example {HOSTILE_TEXT}"


def test_a_files_first_line_is_drawn_as_its_characters(app_url, offline) -> None:
    offline.goto(f"{app_url}/Your_own_data?snapshot=2023-01")
    offline.get_by_text("Nothing uploaded").wait_for(timeout=60_000)
    offline.locator("input[type=file]").set_input_files(files=[
        {"name": "notes.csv", "mimeType": "text/csv",
         "buffer": f"{LINE},x\n1,2\n".encode()}])
    alert = offline.locator("[data-testid='stAlert']", has_text="Not used: notes")
    alert.wait_for(timeout=60_000)
    # The message quotes the line's first 120 characters.
    assert f"its first line is {(LINE + ',x')[:120]!r}" in alert.inner_text().replace(
        "\u2060", "")
    assert alert.locator("a, img, b, strong, .katex, span[style*='color']").count() == 0
    assert not [url for url in offline.refused if "evil.example" in url]
