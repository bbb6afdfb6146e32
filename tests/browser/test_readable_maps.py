"""Maps a person can read, in a real browser with every off-machine request
refused: legends, place names, stable colours, tooltips inside the map, the
cross-commissioner map, the saved map opened from disk, the network sheet in print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pcnmap import store
from tests.browser.app_page import MAP_FRAME, map_frame, settle
from tests.browser.test_app_in_browser import PRACTICES, hover_practice, practice_map_page
from tests.browser.test_meeting import download

pytestmark = pytest.mark.browser

# Every map of the app, as a user opens it.
MAPS = {
    "network map": "Network_map?snapshot=2023-01&commissioner=00R",
    "coverage gaps": "Coverage_gaps?snapshot=2026-07&commissioner=00L",
    "cross-commissioner": "Cross_commissioner_networks?snapshot=2023-01",
    "funding": "Funding?snapshot=2023-01&commissioner=00R",
    "plan a change": "Plan_a_change?snapshot=2023-01&commissioner=00X&moves=P81185%3AU10791",
}

# The names of the layers the map's layer control shows as drawn, and the
# layer names of the legend's visible rows.
SHOWN = """() => {
    const control = document.querySelector('.leaflet-control-layers');
    const drawn = Array.from(control.querySelectorAll('label'))
        .filter(label => label.querySelector('input').checked)
        .map(label => label.textContent.trim());
    const rows = Array.from(document.querySelectorAll('.pcnmap-legend-row'))
        .filter(row => row.offsetParent !== null)
        .map(row => [row.getAttribute('data-layer'), row.textContent.trim()]);
    return {drawn, rows}; }"""


def legend_frame(page, path: str, app_url: str):
    page.goto(f"{app_url}/{path}")
    frame = map_frame(page)
    frame.wait_for_selector(".pcnmap-legend", timeout=30_000)
    return frame


@pytest.mark.parametrize("name", list(MAPS))
def test_every_map_has_a_legend_naming_each_visible_layer(app_url, offline, name) -> None:
    frame = legend_frame(offline, MAPS[name], app_url)
    shown = frame.evaluate(SHOWN)
    assert len(shown["drawn"]) >= 3
    legend_layers = {layer for layer, _ in shown["rows"]}
    for layer in shown["drawn"]:
        assert layer in legend_layers, (name, layer, shown["rows"])
    assert all(text for _, text in shown["rows"])
    # A layer switched off leaves the legend; switched on, it is back (the
    # layer list, folded on a map this narrow, opened as a pointer does).
    last = shown["drawn"][-1]
    frame.locator(".leaflet-control-layers").hover()
    frame.get_by_text(last, exact=True).first.click()
    after = frame.evaluate(SHOWN)
    assert last not in {layer for layer, _ in after["rows"]}
    frame.get_by_text(last, exact=True).first.click()
    assert last in {layer for layer, _ in frame.evaluate(SHOWN)["rows"]}
    # Only the plain outline is drawn: no tiles asked for, none credited.
    assert not offline.refused
    assert "OpenStreetMap" not in frame.locator(".leaflet-control-attribution").inner_text()


def test_place_names_draw_with_every_off_machine_request_refused(app_url, offline) -> None:
    frame = legend_frame(offline, MAPS["network map"], app_url)
    labels = """kind => Object.values(map_div._layers).filter(l => l instanceof L.PcnmapLabels)
        .find(l => l.options.font.indexOf(kind) === 0)"""
    frame.wait_for_function(f"({labels})('italic').placed.length > 0", timeout=10_000)
    places = frame.evaluate(f"({labels})('italic').placed.map(l => l.text)")
    assert "Blackpool" in places
    # Network names appear once a network fills the map.
    frame.evaluate("map_div.setView([53.815, -3.04], 13, {animate: false})")
    frame.wait_for_function(f"({labels})('bold 11px').placed.length > 0", timeout=10_000)
    networks = frame.evaluate(f"({labels})('bold 11px').placed.map(l => l.text)")
    assert any("PCN" in name.upper() for name in networks)
    # Each label is painted: the canvas is not blank where it is drawn.
    inked = frame.evaluate(f"""() => {{
        const layer = ({labels})('italic');
        const canvas = map_div.getRenderer(layer)._container;
        const box = canvas.getBoundingClientRect(), mapBox = map_div.getContainer()
            .getBoundingClientRect(), ratio = canvas.width / box.width;
        const context = canvas.getContext('2d');
        return layer.placed.map(label => {{
            const p = map_div.layerPointToContainerPoint([label.x, label.y]);
            const x = Math.round((p.x + mapBox.left - box.left - 12) * ratio);
            const y = Math.round((p.y + mapBox.top - box.top - 4) * ratio);
            const pixels = context.getImageData(x, y, Math.round(24 * ratio),
                                                Math.round(8 * ratio)).data;
            let dark = 0;
            for (let i = 0; i < pixels.length; i += 4) {{
                if (pixels[i + 3] > 200 && pixels[i] < 120) {{ dark++; }}
            }}
            return dark; }}); }}""")
    assert inked and all(count > 0 for count in inked)
    assert not offline.refused


def practice_colours(page) -> dict[str, str]:
    frame = map_frame(page)
    return dict(frame.evaluate(f"{PRACTICES}._networks.filter(n => n[0])"
                               ".map(n => [n[0], n[2]])"))


def test_a_network_keeps_its_colour_across_snapshots(app_url, offline) -> None:
    before = store.read_table(store.DATA_DIR, "2023-01", "practices")
    after = store.read_table(store.DATA_DIR, "2024-10", "practices")
    both = set(before.loc[before["commissioner_code"] == "00R", "network_code"].dropna()) & set(
        after.loc[after["commissioner_code"] == "00R", "network_code"].dropna())
    assert both
    offline.goto(f"{app_url}/Network_map?snapshot=2023-01&commissioner=00R")
    first = practice_colours(offline)
    offline.goto(f"{app_url}/Network_map?snapshot=2024-10&commissioner=00R")
    offline.wait_for_function(f"document.querySelectorAll(\"{MAP_FRAME}\").length === 1")
    second = practice_colours(offline)
    assert both <= set(first) and both <= set(second)
    for code in both:
        assert first[code] == second[code], code
    # The boundaries are filled in the same colours as their practices.
    frame = map_frame(offline)
    fills = dict(frame.evaluate("""() => Object.values(map_div._layers)
        .filter(l => l instanceof L.PcnmapShapes && l.featureCount
                && 'network_code' in l.featureAt(0).properties)[0]._features
        .map(f => [f.properties.network_code, f.properties.colour])"""))
    for code in both & set(fills):
        assert fills[code] == second[code]


EDGES = {"left": (4, 0.5), "right": (-4, 0.5), "top": (0.5, 4), "bottom": (0.5, -4)}


@pytest.mark.parametrize("edge", list(EDGES))
def test_tooltips_stay_within_the_map_at_all_four_edges(offline, tmp_path, edge) -> None:
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices").head(30).copy()
    alone = practices.index[~practices.duplicated(["longitude", "latitude"], keep=False)]
    code = practices.at[alone[0], "practice_code"]
    practices.loc[alone[0], "practice_name"] = "A PRACTICE WITH A LONG NAME " * 3
    practice_map_page(offline, practices, tmp_path)
    x, y = EDGES[edge]
    # Move the map so that the practice sits 4 pixels from the edge.
    offline.evaluate("""([code, x, y]) => {
        const map = Object.values(window).find(v => v && v._layers && v.getCenter);
        const practices = Object.values(map._layers).find(l => l instanceof L.PcnmapPractices);
        map.setView(practices.latLngOf(practices.indexOf(code)), 15, {animate: false});
        const size = map.getSize();
        const want = [x > 0 && x < 1 ? size.x * x : x < 0 ? size.x + x : x,
                      y > 0 && y < 1 ? size.y * y : y < 0 ? size.y + y : y];
        const at = map.latLngToContainerPoint(practices.latLngOf(practices.indexOf(code)));
        map.panBy([at.x - want[0], at.y - want[1]], {animate: false}); }""", [code, x, y])
    offline.wait_for_timeout(300)
    towards = {"left": (30, 0), "right": (-30, 0), "top": (0, 30), "bottom": (0, -30)}[edge]
    assert code in hover_practice(offline, code, towards=towards)
    inside = offline.evaluate("""() => {
        const map = Object.values(window).find(v => v && v._layers && v.getCenter);
        const outer = map.getContainer().getBoundingClientRect();
        const tip = document.querySelector('.leaflet-tooltip').getBoundingClientRect();
        return [tip.left - outer.left, outer.right - tip.right, tip.top - outer.top,
                outer.bottom - tip.bottom]; }""")
    assert min(inside) >= -0.5, (edge, inside)


def test_cross_commissioner_map_colours_members_by_their_own_commissioner(app_url,
                                                                          offline) -> None:
    offline.goto(f"{app_url}/{MAPS['cross-commissioner']}")
    frame = map_frame(offline)
    network = re.search(r"network=(\w+)", offline.url)
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    drawn = frame.evaluate(f"""() => {{
        const layer = {PRACTICES};
        return layer._rows.map(row => [row[3], layer._networks[row[2]][0],
                                       layer._networks[row[2]][2]]); }}""")
    own = practices.set_index("practice_code")["commissioner_code"]
    if network:
        members = practices[practices["network_code"] == network.group(1)]
        assert {code for code, _, _ in drawn} == set(members["practice_code"])
    for code, group, _ in drawn:
        assert group == own[code]
    colour_of = {group: colour for _, group, colour in drawn}
    assert len(colour_of) >= 2 and len(set(colour_of.values())) == len(colour_of)
    # Each commissioner's outline in its members' colour, its name on the map.
    outlines = dict(frame.evaluate("""() => Object.values(map_div._layers)
        .filter(l => l instanceof L.PcnmapShapes && l.featureCount
                && 'commissioner_code' in l.featureAt(0).properties)
        .map(l => [l.featureAt(0).properties.commissioner_code, l.options.color])"""))
    for group, colour in colour_of.items():
        assert outlines[group] == colour
    named = frame.evaluate("""() => Object.values(map_div._layers)
        .filter(l => l instanceof L.PcnmapLabels && l.options.font.indexOf('bold 13px') === 0)
        .map(l => l.placed.map(p => p.text)).flat()""")
    for group in colour_of:
        assert any(group in text for text in named), (group, named)


def test_the_saved_map_draws_from_disk_with_title_legend_and_attribution(
        app_url, offline, tmp_path: Path) -> None:
    offline.goto(f"{app_url}/{MAPS['network map']}")
    map_frame(offline)
    settle(offline)  # a rerun after the first draw would take the button away mid-click
    saved = download(offline, offline.get_by_role("button", name=re.compile("Download this map")))
    assert saved.suggested_filename == "pcnmap-network-map-2023-01-00R.html"
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "/app/static" not in text
    errors: list[str] = []
    offline.on("console", lambda message: errors.append(message.text)
               if message.type == "error" else None)
    offline.on("pageerror", lambda error: errors.append(str(error)))
    offline.goto(path.as_uri())
    offline.wait_for_selector(".leaflet-overlay-pane canvas", timeout=30_000)
    offline.wait_for_selector(".pcnmap-legend")
    assert re.match(r"Network map: .*00R.*January 2023", offline.title())
    legend = offline.locator(".pcnmap-legend")
    assert re.search(r"Network map: .*00R", legend.locator(".pcnmap-legend-title").inner_text())
    for layer in ("Practices", "Network boundaries (indicative)", "Place names"):
        assert legend.locator(f".pcnmap-legend-row[data-layer='{layer}']").first.is_visible()
    for line in store.ATTRIBUTION:
        assert offline.get_by_text(line, exact=True).is_visible(), line
    drawn = offline.evaluate("""() => {
        const map = Object.values(window).find(v => v && v._layers && v.getCenter);
        return Object.values(map._layers).filter(l => l.featureCount).length; }""")
    assert drawn >= 4
    assert errors == []
    assert not offline.refused


def pdf_pages(pdf: bytes) -> int:
    """The pages of a PDF (its page objects; not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def test_the_network_sheet_prints_on_one_a4_page(app_url, offline, tmp_path: Path) -> None:
    networks = store.read_table(store.DATA_DIR, "2026-07", "networks")
    practices = store.read_table(store.DATA_DIR, "2026-07", "practices")
    ten = networks[networks["member_count"] == 10]["network_code"]
    # Of the networks of ten practices, the one with the longest names to fit.
    longest = max(ten, key=lambda code: practices.loc[practices["network_code"] == code,
                                                      "practice_name"].str.len().sum())
    offline.goto(f"{app_url}/Network_map?snapshot=2026-07&network={longest}")
    offline.get_by_role("heading", name=re.compile(re.escape(longest))).wait_for(timeout=60_000)
    settle(offline)
    saved = download(offline, offline.get_by_role("button",
                                                  name=re.compile("Download the network sheet")))
    assert saved.suggested_filename == f"pcnmap-network-sheet-2026-07-{longest}.html"
    path = tmp_path / saved.suggested_filename
    saved.save_as(path)
    offline.goto(path.as_uri())
    assert offline.locator("table").first.is_visible()
    assert offline.locator("svg.pcnmap-network circle").count() == 10
    pdf = offline.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1
    # A page's worth more (a second copy of the members) needs a second page:
    # the count is of real pages.
    offline.evaluate("document.body.innerHTML += document.body.innerHTML")
    assert pdf_pages(offline.pdf(format="A4", prefer_css_page_size=True)) == 2
