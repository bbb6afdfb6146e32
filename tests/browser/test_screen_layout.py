"""Screens a room and a keyboard can use, in a real browser with every
off-machine request refused, Chorley and South Ribble (00X) chosen:

- in presentation mode, at 1366x768 and 1920x1080, every map's content
  (its legend, scale and sources) inside its own frame, the page's first
  map frame within the screen, and its names, legend and tooltips at 18 px
  or more;
- on every page, on a laptop and in presentation mode, no metric label and
  no button cut short;
- a keyboard alone searching, choosing a place and a network, downloading
  the network's sheet and presenting, its focus seen at each step: the
  focused control's pixels against its unfocused ones, 3:1 or more.
"""

from __future__ import annotations

import io
import re
from collections import Counter

import numpy as np
import pytest
from PIL import Image

from tests.browser.app_page import MAP_FRAME, settle
from tests.browser.test_accessibility import CHORLEY, LAPTOP, MAPS, QUERY, drawn
from tests.browser.test_meeting import SEARCH, choose
from ui.pages import PAGES

pytestmark = pytest.mark.browser
SCREENS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
# The pages with a map: the Overview draws an SVG picture, not a map frame
# (checked to have none).
MAP_PAGES = ["", *MAPS]
LEAST_PX = 18  # names, legend and tooltips, read from the back of a room


def address(app_url: str, path: str, present: bool) -> str:
    return f"{app_url}/{path}?{QUERY.get(path, CHORLEY)}" + ("&present=1" if present else "")


# ---------------------------------------------------------------------------
# 1. Presentation mode: each map's content fits its frame, and reads at 18 px.

# Inside a map's frame: the frame's own viewport, where the map, its legend,
# scale, sources, zoom buttons and layer list are drawn; the sizes of the
# legend's texts; the font each names layer drew in (layers.js keeps it on
# the layer) and would draw in at another zoom.
IN_FRAME = """() => {
    const box = selector => {
        const element = document.querySelector(selector);
        if (!element) { return null; }
        const r = element.getBoundingClientRect();
        return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    };
    const legend = document.querySelector('.pcnmap-legend');
    const texts = Array.from(legend.querySelectorAll('*'))
        .filter(e => e.offsetParent !== null && Array.from(e.childNodes).some(
            n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
        .map(e => [e.textContent.trim().slice(0, 50), parseFloat(getComputedStyle(e).fontSize)]);
    const rows = Array.from(legend.querySelectorAll('.pcnmap-legend-row'))
        .filter(row => row.offsetParent !== null)
        .map(row => [row.textContent.trim().slice(0, 50),
                     parseFloat(getComputedStyle(row).fontSize)]);
    const px = font => font ? parseFloat(font.match(/(\\d+(\\.\\d+)?)px/)[1]) : null;
    const names = Object.values(map_div._layers).filter(l => l instanceof L.PcnmapLabels)
        .map(l => ({given: l.options.font, drawn: l.font, drawnPx: px(l.font),
                    wouldPx: px(L.pcnmapScaledFont(l.options.font)), placed: l.placed.length}));
    return {view: {width: innerWidth, height: innerHeight},
            map: box('.leaflet-container'), legend: box('.pcnmap-legend'),
            legendScroll: {width: legend.scrollWidth, clientWidth: legend.clientWidth,
                           height: legend.scrollHeight, clientHeight: legend.clientHeight},
            scale: box('.leaflet-control-scale'), attribution: box('.leaflet-control-attribution'),
            zoom: box('.leaflet-control-zoom'), layers: box('.leaflet-control-layers'),
            rows, texts, names,
            labelScale: getComputedStyle(document.documentElement)
                .getPropertyValue('--pcnmap-label-scale').trim()};
}"""

# Points in the frame where the pointer would be over a feature whose layer
# has a tooltip, and over nothing else (no legend or control on top),
# nearest the map's centre first: practices' centres, else points of a grid
# inside shapes (by the layer's own hit test).
TOOLTIP_POINTS = """() => {
    const size = map_div.getSize();
    const free = (layer, p) => p.x >= 40 && p.y >= 40 && p.x <= size.x - 40
        && p.y <= size.y - 40
        && document.elementFromPoint(p.x, p.y) === map_div.getRenderer(layer)._container;
    const near = p => [p.x, p.y, Math.hypot(p.x - size.x / 2, p.y - size.y / 2)];
    const tipped = Object.values(map_div._layers)
        .filter(g => g.getTooltip && g.getTooltip() && g.getLayers)
        .map(g => g.getLayers()[0]).filter(l => l && l.featureCount && map_div.hasLayer(l));
    const found = [];
    for (const layer of tipped.filter(l => l instanceof L.PcnmapPractices)) {
        for (let i = 0; i < layer.featureCount; i++) {
            const p = map_div.latLngToContainerPoint(layer.latLngOf(i));
            if (free(layer, p)) { found.push(near(p)); }
        }
    }
    if (!found.length) {
        for (const layer of tipped.filter(l => l instanceof L.PcnmapShapes)) {
            for (let x = 40; x <= size.x - 40; x += 24) {
                for (let y = 40; y <= size.y - 40; y += 24) {
                    const p = L.point(x, y), at = map_div.containerPointToLayerPoint(p);
                    if (free(layer, p) && layer._containsPoint(at)) {
                        found.push(near(p));
                    }
                }
            }
        }
    }
    return found.sort((a, b) => a[2] - b[2]).slice(0, 12);
}"""


def inside(box: dict, view: dict) -> bool:
    return (box["left"] >= -0.5 and box["top"] >= -0.5 and box["right"] <= view["width"] + 0.5
            and box["bottom"] <= view["height"] + 0.5)


def overlap(a: dict, b: dict) -> bool:
    return (a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5
            and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5)


def steady_frame(page, frame_element) -> dict:
    """The map frame's box once it has stopped changing (the frame fits
    itself to the screen as the page around it draws): the same twice, a
    second apart."""
    box = frame_element.bounding_box()
    for _ in range(60):
        page.wait_for_timeout(1_000)
        again = frame_element.bounding_box()
        if again == box:
            return box
        box = again
    return box


def tooltip_px(page, frame_element, frame) -> dict:
    """Hover a feature near the map's centre (a practice where there are
    any), as a user would; the tooltip's font sizes (its own and its
    cells') and box."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    candidates = frame.evaluate(TOOLTIP_POINTS)
    assert candidates, "no feature with a tooltip in view"
    frame_element.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    tooltip = frame.locator(".leaflet-tooltip")
    for x, y, _ in candidates:
        box = frame_element.bounding_box()
        at = (box["x"] + x, box["y"] + y)
        # Only where the map is what the pointer would touch (not under
        # presentation mode's bar).
        if not page.evaluate("([x, y, frame]) => document.elementFromPoint(x, y) === frame",
                             [at[0], at[1], frame_element.element_handle()]):
            continue
        page.mouse.move(at[0] + 40, at[1] + 40)
        page.mouse.move(at[0], at[1], steps=5)
        try:
            tooltip.first.wait_for(timeout=3_000)
        except PlaywrightTimeout:  # a neighbour on top: the next
            continue
        return frame.evaluate("""() => {
            const tip = document.querySelector('.leaflet-tooltip');
            const r = tip.getBoundingClientRect();
            return {tooltip: parseFloat(getComputedStyle(tip).fontSize),
                    cells: Array.from(tip.querySelectorAll('th, td')).map(
                        c => parseFloat(getComputedStyle(c).fontSize)),
                    box: {left: r.left, top: r.top, right: r.right, bottom: r.bottom},
                    view: {width: innerWidth, height: innerHeight}}; }""")
    raise AssertionError(f"no tooltip over any of {len(candidates)} features in view")


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("path", MAP_PAGES, ids=[path or "Overview" for path in MAP_PAGES])
def test_presentation_maps_fit_their_frames_and_read_from_the_back(app_url, offline, path,
                                                                   screen) -> None:
    width, height = SCREENS[screen]
    offline.set_viewport_size({"width": width, "height": height})
    offline.goto(address(app_url, path, present=True))
    drawn(offline, path)
    offline.locator(".st-key-presentation-bar").wait_for(timeout=60_000)
    if path == "":
        offline.wait_for_selector(".pcnmap-picture svg", timeout=60_000)
    frames = offline.locator(MAP_FRAME)
    assert frames.count() == MAPS.get(path, 0)
    bar = offline.locator(".st-key-presentation-bar").bounding_box()
    for index in range(frames.count()):
        element = frames.nth(index)
        frame = element.element_handle().content_frame()
        frame.wait_for_selector(".pcnmap-legend", timeout=60_000)
        frame.wait_for_function("Object.values(map_div._layers).some(l => "
                                "l instanceof L.PcnmapLabels && l.placed.length)",
                                timeout=60_000)
        box = steady_frame(offline, element)
        got = frame.evaluate(IN_FRAME)
        view = got["view"]
        where = f"{path or 'Overview'} {screen}, map {index + 1}"
        # The frame's own viewport is the frame; the map fills it, its
        # legend, scale and sources are inside it.
        assert abs(view["height"] - box["height"]) <= 1 and abs(view["width"] - box["width"]) <= 1
        for part in ("map", "legend", "scale", "attribution", "zoom", "layers"):
            assert got[part] is not None, (where, part)
            assert inside(got[part], view), (where, part, got[part], view)
        assert got["map"]["bottom"] >= view["height"] - 1, (where, got["map"], view)
        # No row of the legend scrolled out of its box, and it covers no control.
        scroll = got["legendScroll"]
        assert scroll["height"] <= scroll["clientHeight"] + 1, (where, scroll, got["legend"])
        assert scroll["width"] <= scroll["clientWidth"] + 1, (where, scroll)
        for control in ("zoom", "scale", "layers", "attribution"):
            assert not overlap(got["legend"], got[control]), (where, control, got["legend"],
                                                               got[control])
        # The first map: the whole frame in view below the bar at once, and,
        # where it starts on the first screen, ending within it.
        if index == 0:
            assert box["height"] <= height - bar["height"] + 1, (where, box, bar)
            if box["y"] < 0.6 * height:
                assert box["y"] + box["height"] <= height + 1, (where, box)
        # Read from the back of a room: the legend's texts, the map's names
        # as drawn (and as drawn at any other zoom), and its tooltips.
        assert got["labelScale"] == "1.7"
        assert got["rows"] and min(px for _, px in got["rows"]) >= LEAST_PX, (where, got["rows"])
        small = [(text, px) for text, px in got["texts"] if px < LEAST_PX]
        assert not small, (where, small)
        drew = [name for name in got["names"] if name["placed"]]
        assert drew, (where, got["names"])
        for name in got["names"]:
            assert name["wouldPx"] >= LEAST_PX, (where, name)
        for name in drew:
            assert name["drawnPx"] >= LEAST_PX, (where, name)
        tip = tooltip_px(offline, element, frame)
        assert tip["cells"] and min([tip["tooltip"], *tip["cells"]]) >= LEAST_PX, (where, tip)
        assert inside(tip["box"], tip["view"]), (where, tip)
        print(f"{where}: frame y {box['y']:.0f}-{box['y'] + box['height']:.0f} of {height} "
              f"(bar {bar['height']:.0f}), map {got['map']['bottom'] - got['map']['top']:.0f} "
              f"in {view['height']}; legend {got['legend']['top']:.0f}-"
              f"{got['legend']['bottom']:.0f} ({scroll['height']}/{scroll['clientHeight']} px "
              f"shown), rows {min(px for _, px in got['rows'])} px; names "
              f"{sorted({name['drawn'] for name in drew})}; tooltip "
              f"{min([tip['tooltip'], *tip['cells']])} px")


# ---------------------------------------------------------------------------
# 2. No metric label and no button cut short, on every page, in both modes.

# Each metric label and button drawn, and every element in it: any whose
# text runs past its box (scrollWidth over clientWidth, or an ellipsis
# doing so), any clipped in height, and any button or label its container
# clips at a side.
CUT_SHORT = """() => {
    const roots = Array.from(document.querySelectorAll(
        '[data-testid="stMetricLabel"], button, [data-testid="stPopover"] button'))
        .filter((e, i, all) => all.indexOf(e) === i);
    const cut = [];
    let metrics = 0, buttons = 0, checked = 0;
    for (const root of roots) {
        const box = root.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) { continue; }  // not drawn
        if (root.matches('button')) { buttons++; } else { metrics++; }
        const name = (root.innerText || root.getAttribute('aria-label') || '').trim()
            .slice(0, 80);
        for (const element of [root, ...root.querySelectorAll('*')]) {
            if (element instanceof SVGElement) { continue; }
            checked++;
            const style = getComputedStyle(element);
            const wide = element.scrollWidth > element.clientWidth + 1;
            const ellipsis = style.textOverflow === 'ellipsis'
                && element.scrollWidth > element.clientWidth;
            const tall = style.overflowY !== 'visible'
                && element.scrollHeight > element.clientHeight + 1;
            if (wide || ellipsis || tall) {
                cut.push({name, element: element.tagName + ' ' +
                          (element.getAttribute('data-testid') || ''),
                          scrollWidth: element.scrollWidth, clientWidth: element.clientWidth,
                          scrollHeight: element.scrollHeight, clientHeight: element.clientHeight,
                          textOverflow: style.textOverflow, overflow: style.overflow,
                          whiteSpace: style.whiteSpace});
            }
        }
        for (let up = root.parentElement; up; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX === 'visible') { continue; }
            const outer = up.getBoundingClientRect();
            if (box.left < outer.left - 1 || box.right > outer.right + 1) {
                cut.push({name, clippedBy: up.tagName + ' ' +
                          (up.getAttribute('data-testid') || up.className),
                          box: [box.left, box.right], container: [outer.left, outer.right]});
            }
            break;
        }
    }
    return {metrics, buttons, checked, cut};
}"""


# What a page has drawn so far: its metric labels, buttons, spinners and text.
SO_FAR = """() => [document.querySelectorAll('[data-testid="stMetricLabel"]').length,
                  document.querySelectorAll('button').length,
                  document.querySelectorAll('[data-testid="stSpinner"]').length,
                  document.body.innerText.length]"""


def whole(page, path: str) -> None:
    """The page drawn to its end: settled, its maps drawn, then no spinner
    and nothing more drawn for two seconds (a page working out its figures
    on a busy machine draws them after its first settle)."""
    drawn(page, path)
    last, same = None, 0
    for _ in range(120):
        now = page.evaluate(SO_FAR)
        same = same + 1 if now == last and now[2] == 0 else 0
        if same == 2:
            return
        last = now
        page.wait_for_timeout(1_000)
    raise AssertionError(f"{path or 'Overview'} still drawing after 2 minutes: {last}")


@pytest.mark.parametrize("present", [False, True], ids=["laptop", "presentation"])
@pytest.mark.parametrize("entry", PAGES, ids=[page.url_path or "Overview" for page in PAGES])
def test_no_metric_label_or_button_is_cut_short(app_url, offline, entry, present) -> None:
    offline.set_viewport_size(LAPTOP)
    offline.goto(address(app_url, entry.url_path, present))
    if present:
        offline.locator(".st-key-presentation-bar").wait_for(timeout=90_000)
    whole(offline, entry.url_path)
    found = offline.evaluate(CUT_SHORT)
    print(f"{entry.url_path or 'Overview'} {'presentation' if present else 'laptop'}: "
          f"{found['metrics']} metric labels, {found['buttons']} buttons, "
          f"{found['checked']} elements checked, {len(found['cut'])} cut short")
    assert found["buttons"] > 0 and found["checked"] >= found["buttons"]
    assert found["cut"] == [], found["cut"]


# ---------------------------------------------------------------------------
# 3. A keyboard alone, its focus seen at each step.

PAD = 8    # pixels around a control, where a focus ring is drawn
INSET = 4  # and within its edge, where a border changes colour
# What has the focus: its tag, role, name and text.
FOCUSED = r"""() => {
    const e = document.activeElement;
    if (!e) { return {}; }
    return {tag: e.tagName, role: e.getAttribute('role') || '',
            label: (e.getAttribute('aria-label') || (e.labels && e.labels.length
                ? e.labels[0].innerText : '')).replace(/\s+/g, ' ').trim(),
            text: (e.innerText || '').trim().slice(0, 80)}; }"""


def luminance(rgb) -> np.ndarray:
    """WCAG 2's relative luminance of sRGB colours (0-255)."""
    c = np.asarray(rgb, dtype=float) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def contrast(a, b) -> np.ndarray:
    """WCAG 2's contrast ratio of colours ``a`` and ``b`` (1 to 21)."""
    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, key: str = "Tab", most: int = 150) -> int:
    """Press ``key`` until the focus is on what ``wanted`` (a test of
    :data:`FOCUSED`'s answer) accepts; how many presses it took."""
    trail = []
    for presses in range(1, most + 1):
        page.keyboard.press(key)
        now = focused(page)
        if wanted(now):
            return presses
        trail.append(now.get("label") or now.get("text") or now.get("tag"))
    raise AssertionError(f"{most} presses of {key} never reached it; it went {trail[-50:]}")


def view_of(page, control) -> tuple[dict, tuple[int, ...]] | None:
    """The control's box and how much of the PAD around it is on screen,
    or None when the control itself is not wholly on screen."""
    box = control.bounding_box()
    size = page.viewport_size
    if box is None or box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > size["width"] \
            or box["y"] + box["height"] > size["height"]:
        return None
    return box, (min(PAD, int(box["x"])), min(PAD, int(box["y"])),
                 min(PAD, int(size["width"] - box["x"] - box["width"])),
                 min(PAD, int(size["height"] - box["y"] - box["height"])))


def picture(page, box: dict, pads: tuple[int, ...]) -> np.ndarray:
    left, top = round(box["x"]) - pads[0], round(box["y"]) - pads[1]
    clip = {"x": left, "y": top, "width": round(box["width"]) + pads[0] + pads[2],
            "height": round(box["height"]) + pads[1] + pads[3]}
    shot = page.screenshot(clip=clip, animations="disabled", caret="hide")
    return np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=float)


def focus_seen(page, control, step: str) -> float:
    """Show that the focus on ``control`` (a locator of the visible control
    holding the focused element) is seen: its picture focused against its
    picture with the focus moved away (Tab, or Shift+Tab where Tab scrolls
    it away) and back. The pixels in a band from PAD outside its edge to
    INSET inside it whose colour changed by 3:1 or more, less any near the
    control the focus moved to, must run around at least half its
    perimeter; the commonest colour of them, the indicator, must stand 3:1
    against the background (the commonest colour at the picture's rim).
    Returns that contrast."""
    page.wait_for_timeout(500)  # a transition of the ring ends
    assert control.evaluate("e => e === document.activeElement "
                            "|| e.contains(document.activeElement)"), (step, focused(page))
    seen = view_of(page, control)
    assert seen is not None, (step, "not on screen", control.bounding_box())
    box, pads = seen
    on = picture(page, box, pads)
    off = other = None
    for away, back in (("Tab", "Shift+Tab"), ("Shift+Tab", "Tab")):
        page.keyboard.press(away)
        page.wait_for_timeout(500)
        moved = view_of(page, control)
        if moved is not None and moved[1] == pads:
            off = picture(page, moved[0], pads)
            other = page.evaluate("() => { const r = document.activeElement"
                                  ".getBoundingClientRect(); return [r.left, r.top, r.right, "
                                  "r.bottom]; }")
            other = [other[0] - moved[0]["x"] + pads[0], other[1] - moved[0]["y"] + pads[1],
                     other[2] - moved[0]["x"] + pads[0], other[3] - moved[0]["y"] + pads[1]]
        page.keyboard.press(back)
        page.wait_for_timeout(300)
        if off is not None:
            break
    assert off is not None, (step, "no neighbour keeps the control on screen")
    assert control.evaluate("e => e === document.activeElement "
                            "|| e.contains(document.activeElement)"), (step, "focus not back")
    assert off.shape == on.shape, (step, off.shape, on.shape)
    height, width = on.shape[:2]
    rows, columns = np.mgrid[0:height, 0:width]
    band = ~((columns >= pads[0] + INSET) & (columns < width - pads[2] - INSET)
             & (rows >= pads[1] + INSET) & (rows < height - pads[3] - INSET))
    # Not the ring of the control the focus went to.
    band &= ~((columns >= other[0] - PAD) & (columns < other[2] + PAD)
              & (rows >= other[1] - PAD) & (rows < other[3] + PAD))
    changed = band & (contrast(on, off) >= 3)
    perimeter = 2 * (box["width"] + box["height"])
    rim = np.concatenate([off[0], off[-1], off[:, 0], off[:, -1]]).astype(int)
    background = Counter(map(tuple, rim)).most_common(1)[0][0]
    if not changed.any():
        raise AssertionError(f"{step}: no pixel around the control changes 3:1 when focused")
    indicator = Counter(map(tuple, on[changed].astype(int))).most_common(1)[0][0]
    ratio = float(contrast(indicator, background))
    print(f"{step}: indicator rgb{tuple(int(v) for v in indicator)} on "
          f"rgb{tuple(int(v) for v in background)}: {ratio:.2f}:1; {int(changed.sum())} px "
          f"changed 3:1 or more (perimeter {perimeter:.0f})")
    assert changed.sum() >= 0.5 * perimeter, (step, int(changed.sum()), perimeter)
    assert ratio >= 3, (step, indicator, background, ratio)
    return ratio


def test_a_keyboard_alone_with_its_focus_seen_at_each_step(app_url, offline) -> None:
    offline.set_viewport_size(LAPTOP)
    offline.goto(f"{app_url}/Network_map?snapshot=2026-07")
    settle(offline)
    seen = {}
    # The search: reached, a query typed (a commissioner's code: its match
    # opens no network, so the Network picker below is the one choosing).
    offline.get_by_label(SEARCH).wait_for(timeout=90_000)
    tab_to(offline, lambda f: f.get("label") == SEARCH)
    seen["search box"] = focus_seen(offline, offline.locator(
        ".st-key-search [data-testid='stTextInputRootElement']"), "search box")
    offline.keyboard.type("00X")
    offline.keyboard.press("Enter")
    offline.wait_for_url(re.compile(r"q=00X"), timeout=60_000)
    settle(offline)
    offline.get_by_text(re.compile(r"^Matches \(")).first.wait_for(timeout=60_000)
    # The place, in the sidebar: back there, its code typed and Enter.
    offline.get_by_role("combobox", name="Sub-ICB location").wait_for(timeout=60_000)
    tab_to(offline, lambda f: f.get("label") == "Sub-ICB location", key="Shift+Tab")
    seen["Sub-ICB location"] = focus_seen(
        offline, offline.locator(".st-key-commissioner input").locator("xpath=.."),
        "Sub-ICB location")
    offline.keyboard.type("00X")
    offline.get_by_role("option", name=re.compile(r"^00X · ")).wait_for(timeout=10_000)
    offline.keyboard.press("Enter")
    offline.wait_for_url(re.compile(r"commissioner=00X"), timeout=60_000)
    settle(offline)
    # A network, in the picker beside the map: its panel opens.
    picker = offline.get_by_role("combobox", name="Network", exact=True)
    picker.wait_for(timeout=60_000)
    assert picker.input_value() == ""
    tab_to(offline, lambda f: f.get("label") == "Network" and f.get("role") == "combobox")
    seen["Network"] = focus_seen(
        offline, offline.locator(".st-key-network input").locator("xpath=.."), "Network")
    offline.keyboard.type("CHORLEY CENTRAL")
    offline.get_by_role("option", name="CHORLEY CENTRAL PCN (U01901)").wait_for(timeout=10_000)
    offline.keyboard.press("ArrowDown")
    offline.keyboard.press("Enter")
    offline.wait_for_url(re.compile(r"network=U01901"), timeout=60_000)
    settle(offline)
    offline.get_by_role("heading", name=re.compile("CHORLEY CENTRAL PCN")).wait_for(
        timeout=60_000)
    # Its sheet, downloaded with Enter (pressed again after a settle if a
    # rerun took the button away mid-press).
    sheet = offline.get_by_role("button", name=re.compile("Download the network sheet"))
    is_sheet = lambda f: f.get("text", "").startswith("Download the network sheet")  # noqa: E731
    sheet.wait_for(timeout=60_000)
    tab_to(offline, is_sheet)
    seen["network sheet button"] = focus_seen(offline, sheet, "network sheet button")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    saved = None
    for _ in range(3):
        try:
            with offline.expect_download(timeout=30_000) as started:
                offline.keyboard.press("Enter")
            saved = started.value
            break
        except PlaywrightTimeout:
            settle(offline)
            if not is_sheet(focused(offline)):
                tab_to(offline, is_sheet)
    assert saved is not None and saved.suggested_filename == \
        "pcnmap-network-sheet-2026-07-U01901.html"
    assert "CHORLEY CENTRAL PCN" in open(saved.path(), encoding="utf-8").read()
    settle(offline)
    # Presentation mode on (the sidebar's switch, Space) ...
    offline.get_by_role("switch", name="Presentation mode").wait_for(timeout=60_000)
    tab_to(offline, lambda f: f.get("label") == "Presentation mode", key="Shift+Tab")
    seen["Presentation mode switch"] = focus_seen(
        offline, offline.locator("[class*='st-key-present-toggle'] label").first,
        "Presentation mode switch")
    offline.keyboard.press("Space")
    offline.wait_for_url(re.compile(r"present=1"), timeout=60_000)
    offline.locator(".st-key-presentation-bar").wait_for(timeout=60_000)
    settle(offline)
    # ... and off again (the bar's button, Enter).
    offline.get_by_role("button", name="Leave presentation").wait_for(timeout=60_000)
    tab_to(offline, lambda f: f.get("text") == "Leave presentation")
    seen["Leave presentation"] = focus_seen(
        offline, offline.get_by_role("button", name="Leave presentation"), "Leave presentation")
    offline.keyboard.press("Enter")
    offline.wait_for_function("!location.search.includes('present=')", timeout=60_000)
    offline.locator("[data-testid='stSidebar']").wait_for(state="visible", timeout=60_000)
    settle(offline)
    for part in ("snapshot=2026-07", "commissioner=00X", "network=U01901"):
        assert part in offline.url, (part, offline.url)
    print({step: round(ratio, 2) for step, ratio in seen.items()})


def test_a_network_picked_after_a_search_stays_picked(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2026-07&commissioner=00X&q=Chorley")
    settle(offline)
    offline.wait_for_url(re.compile(r"network=U10791"), timeout=60_000)  # the search's match
    choose(offline, "Network", "CHORLEY CENTRAL PCN (U01901)", "[data-testid='stMain']")
    offline.wait_for_url(re.compile(r"network=U01901"), timeout=45_000)
    settle(offline)
    assert offline.get_by_role("combobox", name="Network", exact=True).input_value() == \
        "CHORLEY CENTRAL PCN (U01901)"


def test_the_network_picker_says_choose_a_network(app_url, offline) -> None:
    offline.goto(f"{app_url}/Network_map?snapshot=2026-07&commissioner=00X")
    settle(offline)
    picker = offline.get_by_role("combobox", name="Network", exact=True)
    assert picker.input_value() == ""
    assert picker.get_attribute("placeholder") == "Choose a network…"
