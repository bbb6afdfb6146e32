"""pcnmap's benchmark: run by hand, prints every figure and ratio.

    python bench/run.py --source ../shared/data

Measures, on the shipped data/ and this machine:
  * the build of every snapshot of the catalogue (seconds, peak memory, the
    data folder's size, each snapshot's own seconds);
  * cold start: `streamlit run` to the overview drawn in headless Chromium
    (already open; nothing cached), a few times, and the app's resident
    memory, then memory per extra browser session;
  * the national map and one commissioner's map: bytes the browser receives
    (WebSocket frames, counted with the DevTools protocol), server seconds
    per rerun (the page script, warm), and seconds until the map's layers are
    drawn, both from navigation (Streamlit's page load included) and within
    the map's own frame (the browser drawing the map);
  * the notebook baseline: geopandas ``explore()`` of the same practices and
    the unsimplified derived boundaries, its bytes and draw time, both as a
    file opened directly and as a notebook's output cell shows it.
  * with --neighbourhoods (no browser): drafting the largest ICB's footprints
    (median of runs), the Neighbourhoods page rerun after a network is moved
    (warm caches), England drafted whole, and the table of every ICB's draft
    for the README.
Each map is drawn several times (--repeat); figures are medians with their
range. Draw times are taken inside the browser (see DRAWN_WATCH), not by polling
from Python, so the benchmark's own polling delay is not counted.
Results are also written to bench/results/ (not committed).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SNAPSHOT = "2026-07"
COMMISSIONER = "00X"
MAP_FRAME = "iframe[src*='streamlit_folium.st_folium']"
OVERVIEW_PICTURE = ".pcnmap-picture svg path"
# Feature counts a drawn map must exceed: one commissioner's map, the
# national map (every practice and network).
COMMISSIONER_FEATURES = 20
NATIONAL_FEATURES = 6000

# Runs in every document the browser opens (pages and frames). When Leaflet
# arrives (the global ``L`` is set) it starts counting the features of the
# document's Leaflet map on each animation frame (a layer with a feature
# counts one; pcnmap's own layers, each one path, count their features);
# when the count first exceeds a threshold it waits one more animation frame
# (Leaflet's canvas draws in the frame after layers are added) and records
# the time then, with
# the document's time origin so frames can be placed on the page's clock.
# The hook is a property of the window, not a timer: a frame's first empty
# document hands its window to the page the frame then loads, dropping
# pending timers but keeping properties.
DRAWN_WATCH = """
(function (thresholds) {
  var leaflet;
  Object.defineProperty(window, "L", {configurable: true, enumerable: true,
    get: function () { return leaflet; },
    set: function (value) { leaflet = value; requestAnimationFrame(watch); }});
  var drawn = window.__drawn = {};
  var pending = {};
  var last = -1, steady = 0;
  function leafletMap() {
    if (window.map && window.map._layers) { return window.map; }
    for (var key in window) {
      if (key.indexOf("map_") === 0 && window[key] && window[key]._layers &&
          window[key].getCenter) { return window[key]; }
    }
    return null;
  }
  function watch() {
    var map = leafletMap();
    var features = 0;
    if (map) {
      for (var id in map._layers) {
        var layer = map._layers[id];
        features += layer.featureCount !== undefined ? layer.featureCount
                  : layer.feature ? 1 : 0;
      }
      thresholds.forEach(function (n) {
        if (features > n && !pending[n]) {
          pending[n] = true;
          requestAnimationFrame(function () {
            drawn[n] = {features: features, painted: performance.now(),
                        origin: performance.timeOrigin};
          });
        }
      });
    }
    // Stop when every threshold is met, or once the count has not changed
    // for about two seconds (a smaller map), so idle pages cost nothing.
    steady = features && features === last ? steady + 1 : 0;
    last = features;
    if (thresholds.some(function (n) { return !pending[n]; }) && steady < 120) {
      requestAnimationFrame(watch);
    }
  }
})(%s);
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_build(source: Path) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "data"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pcnmap", "build", "--source", str(source),
                        "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        manifest = json.loads((out / "manifest.json").read_text())
    # The largest of the build and its worker processes.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"build_seconds": round(seconds, 1), "build_peak_mb": round(peak),
            "data_mb": round(size / 1e6, 1),
            "snapshot_seconds": {key: record["build_seconds"]
                                 for key, record in manifest["snapshots"].items()}}


def watched_context(browser, thresholds: list[int]):
    """A browser context whose documents record when their map is drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(DRAWN_WATCH % json.dumps(thresholds))
    return context


def drawn_at(frame, threshold: int) -> dict:
    """Wait until ``frame``'s map has drawn more than ``threshold`` features;
    its record (painted: ms after the frame's time origin)."""
    frame.wait_for_function(f"window.__drawn && window.__drawn[{threshold}]",
                            timeout=300_000)
    return frame.evaluate(f"window.__drawn[{threshold}]")


def offline_page(browser):
    """A page that refuses off-machine requests and counts the WebSocket bytes
    it receives (``page.received[0]``)."""
    context = watched_context(browser, [COMMISSIONER_FEATURES, NATIONAL_FEATURES])
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "about:", "file:")) else r.abort())
    page = context.new_page()
    counter = page.received = [0]
    session = context.new_cdp_session(page)
    session.send("Network.enable")

    def frame(event):
        response = event["response"]
        payload = response["payloadData"]
        counter[0] += len(base64.b64decode(payload)) if response["opcode"] == 2 else len(
            payload.encode())
    session.on("Network.webSocketFrameReceived", frame)
    return page


def map_frame(page, old: tuple = (), timeout: float = 120) -> object:
    """The page's map frame that is not one of ``old`` (st_folium makes a new
    frame for each map), once it exists."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        frame = next((f for f in page.frames if "streamlit_folium" in f.url
                      and f not in old and not f.is_detached()), None)
        if frame is not None:
            return frame
        # Not time.sleep: the sync API handles the browser's events (frames
        # attached, the offline route's requests) only inside its own calls.
        page.wait_for_timeout(50)
    raise TimeoutError(f"no new map frame within {timeout} s")


def on_page_clock(page, drawn: dict) -> float:
    """A frame's drawn record in milliseconds on ``page``'s own clock."""
    return drawn["origin"] + drawn["painted"] - page.evaluate("performance.timeOrigin")


def draw_map(browser, url: str, minimum_layers: int, page=None) -> dict:
    """Open ``url`` and time the map until its layers are drawn: from
    navigation (the page's clock) and within the map's own frame.

    With ``page`` (one that has shown the app before), the browser's cache
    is warm, as when a meeting moves from one view to the next.
    """
    if page is None:
        page = offline_page(browser)
    page.received[0] = 0
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, timeout=120_000)
    drawn = drawn_at(map_frame(page), minimum_layers)
    return {"seconds": round(on_page_clock(page, drawn) / 1000, 2),
            "frame_seconds": round(drawn["painted"] / 1000, 2),
            "bytes": page.received[0], "features": drawn["features"], "page": page}


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}-{max(values):.2f}"


def measure_map(browser, name: str, url: str, minimum_layers: int, repeat: int) -> dict:
    """Draw one map ``repeat`` times, each in a fresh browser context and then
    again in that context (its cache warm): medians and ranges."""
    runs: dict[str, list[float]] = {"draw": [], "frame_draw": [], "draw_warm_browser": [],
                                    "frame_draw_warm_browser": []}
    sizes, features = [], []
    for _ in range(repeat):
        first = draw_map(browser, url, minimum_layers)
        again = draw_map(browser, url, minimum_layers, page=first["page"])
        first["page"].context.close()
        runs["draw"].append(first["seconds"])
        runs["frame_draw"].append(first["frame_seconds"])
        runs["draw_warm_browser"].append(again["seconds"])
        runs["frame_draw_warm_browser"].append(again["frame_seconds"])
        sizes.append(first["bytes"])
        features.append(first["features"])
    results = {f"{name}_map_bytes": int(statistics.median(sizes)),
               f"{name}_map_features": max(features)}
    for kind, values in runs.items():
        results[f"{name}_map_{kind}_seconds"] = median(values)
        results[f"{name}_map_{kind}_range"] = spread(values)
    return results


def choose_and_draw(page, option: str, minimum_layers: int) -> float:
    """In an open map page, choose ``option`` in the sidebar's commissioner
    picker as a presenter would; seconds from the choice to the new map drawn
    (the server's rerun, the new map's frame and its drawing).

    It first waits for the page to be idle and a second more, as a presenter
    looks at a map before choosing another. Streamlit's picker sends a choice
    when it loses focus, so the clock starts at the click outside it.
    """
    page.wait_for_selector("[data-testid=stStatusWidget]", state="detached", timeout=120_000)
    page.wait_for_timeout(1000)
    old = tuple(f for f in page.frames if "streamlit_folium" in f.url)
    # By its key: its label is the snapshot's word (CCG, Sub-ICB location).
    picker = page.locator("[data-testid=stSidebar] .st-key-commissioner input")
    picker.click()
    picker.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    chosen = page.evaluate("performance.now()")
    page.locator("h1").first.click()
    drawn = drawn_at(map_frame(page, old, timeout=60), minimum_layers)
    return round((on_page_clock(page, drawn) - chosen) / 1000, 2)


def measure_switching(browser, url: str, repeat: int) -> dict:
    """In an open national map, as in a meeting: seconds from choosing one
    commissioner to its map drawn, and from choosing all of England again to
    the national map drawn, ``repeat`` times each."""
    page = draw_map(browser, url, NATIONAL_FEATURES)["page"]
    runs: dict[str, list[float]] = {"commissioner": [], "national": []}
    for _ in range(repeat):
        runs["commissioner"].append(
            choose_and_draw(page, f"({COMMISSIONER})", COMMISSIONER_FEATURES))
        runs["national"].append(choose_and_draw(page, "All of England", NATIONAL_FEATURES))
    page.context.close()
    results = {}
    for name, values in runs.items():
        results[f"{name}_map_chosen_in_app_seconds"] = median(values)
        results[f"{name}_map_chosen_in_app_range"] = spread(values)
    return results


def draw_overview(browser, url: str) -> None:
    """Open the overview; return once its figures show and its map (an
    inline SVG picture) has drawn its commissioners."""
    page = offline_page(browser)
    page.goto(url)
    page.get_by_text("GP practices").wait_for(timeout=120_000)
    page.wait_for_selector(OVERVIEW_PICTURE, timeout=120_000)
    page.context.close()


def server_seconds(page_file: str, query: dict[str, str], runs: int = 3) -> float:
    """The page script's time per rerun with warm caches (as the server runs
    it). One AppTest reruns the page: a new AppTest would also time its own
    start (it scans every installed package for components)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    if page_file != "dashboard.py":
        app.switch_page(page_file)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()  # fills the caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
    return round(min(times), 3)


def baseline(source: Path, browser, commissioner: str | None, repeat: int) -> dict:
    """geopandas explore() of the same practices and unsimplified LSOA boundaries."""
    import geopandas as gpd

    from pcnmap import store
    from pcnmap.pipeline import boundaries
    from pcnmap.pipeline.readers import ons
    from pcnmap.problems import QualityLog

    practices = store.read_table(store.DATA_DIR, SNAPSHOT, "practices")
    assignment = store.read_table(store.DATA_DIR, SNAPSHOT, "lsoa_networks")
    if commissioner:
        practices = practices[(practices["commissioner_code"] == commissioner)
                              | (practices["network_commissioner_code"] == commissioner)]
    layer = ons.read_boundaries(source / "boundaries/lsoa11_en_bgc.gpkg",
                                    {"LSOA11CD": "lsoa_code", "LSOA11NM": "lsoa_name"},
                                    QualityLog())
    lsoas = boundaries.prepare_lsoas(layer)
    shapes = boundaries.lsoa_boundaries(assignment, lsoas).to_crs(4326)
    if commissioner:
        shapes = shapes[shapes["network_code"].isin(practices["network_code"].dropna())]
    names = store.read_table(store.DATA_DIR, SNAPSHOT, "networks").set_index("network_code")
    shapes["network_name"] = shapes["network_code"].map(names["network_name"])
    points = gpd.GeoDataFrame(practices.drop(columns=["easting", "northing"]),
                              geometry=gpd.points_from_xy(practices["longitude"],
                                                          practices["latitude"]), crs=4326)
    points = points.dropna(subset=["longitude"])
    fmap = shapes.explore(column="network_code", legend=False, tiles=None)
    points.explore(m=fmap, color="black")
    html = fmap.get_root().render()
    # How a notebook shows it: the output cell holds the page, escaped, in
    # an iframe's srcdoc (folium's own _repr_html_).
    cell = f"<!DOCTYPE html><html><body>{fmap.get_root()._repr_html_()}</body></html>"
    results = {"bytes": len(html.encode("utf-8")), "features": len(points) + len(shapes)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("file", html), ("notebook", cell)):
            path = Path(tmp) / f"baseline-{name}.html"
            path.write_text(text, encoding="utf-8")
            results[name] = [open_baseline(browser, path, len(points)) for _ in range(repeat)]
    return results


def open_baseline(browser, path: Path, features: int) -> float:
    """Seconds from opening ``path`` to its map drawn (in whichever of its
    frames holds the map), with Leaflet served locally as for pcnmap."""
    from pcnmap.maps.assets import leaflet_folder

    folder = leaflet_folder()
    context = watched_context(browser, [features])

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "about:")):
            request_route.continue_()
        elif url.endswith("leaflet.js"):
            request_route.fulfill(path=str(folder / "leaflet.js"))
        elif url.endswith("leaflet.css"):
            request_route.fulfill(path=str(folder / "leaflet.css"))
        else:
            request_route.abort()
    context.route("**/*", route)
    page = context.new_page()
    page.goto(path.as_uri(), timeout=300_000)
    deadline = time.monotonic() + 300
    drawn = None
    while drawn is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path.name} not drawn within 300 s")
        for frame in page.frames:
            if frame.evaluate(f"!!(window.__drawn && window.__drawn[{features}])"):
                drawn = frame.evaluate(f"window.__drawn[{features}]")
                break
        page.wait_for_timeout(100)
    seconds = round(on_page_clock(page, drawn) / 1000, 2)
    context.close()
    return seconds


def start_app() -> tuple[subprocess.Popen, str]:
    """``streamlit run dashboard.py`` on a free port; the server and its URL."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "dashboard.py",
         "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def cold_start(browser) -> tuple[float, subprocess.Popen, str]:
    """Seconds from ``streamlit run`` to the overview drawn in an open browser
    (a fresh context: nothing cached), and the running server and its URL."""
    started = time.perf_counter()
    server, url = start_app()
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    draw_overview(browser, f"{url}/?snapshot={SNAPSHOT}")
    return round(time.perf_counter() - started, 2), server, url


def measure_app(browser, url: str, server: subprocess.Popen, args, results: dict) -> None:
    """The maps, memory per session, server time and the notebook baseline."""
    national_url = f"{url}/Network_map?snapshot={SNAPSHOT}"
    local_url = f"{national_url}&commissioner={COMMISSIONER}"
    maps = (("national", national_url, NATIONAL_FEATURES),
            ("commissioner", local_url, COMMISSIONER_FEATURES))
    for name, target, layers in maps:
        print(f"{name} map, {args.repeat} times…", flush=True)
        results.update(measure_map(browser, name, target, layers, args.repeat))
    print(f"choosing a commissioner and England again in the open app, {args.repeat} times…",
          flush=True)
    results.update(measure_switching(browser, national_url, args.repeat))
    before = rss_mb(server.pid)
    pages = [draw_map(browser, national_url, NATIONAL_FEATURES)["page"]
             for _ in range(args.sessions)]
    results["rss_per_extra_session_mb"] = round(
        (rss_mb(server.pid) - before) / args.sessions, 1)
    for page in pages:
        page.context.close()

    print("server time per rerun…", flush=True)
    results["national_server_seconds"] = server_seconds(
        "pages/1_Network_map.py", {"snapshot": SNAPSHOT})
    results["commissioner_server_seconds"] = server_seconds(
        "pages/1_Network_map.py", {"snapshot": SNAPSHOT, "commissioner": COMMISSIONER})

    print("notebook baseline (geopandas explore)…", flush=True)
    for name, commissioner in (("national", None), ("commissioner", COMMISSIONER)):
        measured = baseline(args.source, browser, commissioner, args.repeat)
        results[f"baseline_{name}_bytes"] = measured["bytes"]
        for kind in ("file", "notebook"):
            results[f"baseline_{name}_{kind}_draw_seconds"] = median(measured[kind])
            results[f"baseline_{name}_{kind}_draw_range"] = spread(measured[kind])
        results[f"{name}_bytes_ratio"] = round(
            measured["bytes"] / results[f"{name}_map_bytes"], 1)
        for kind in ("file", "notebook"):
            for shown in ("frame_draw", "draw", "draw_warm_browser"):
                results[f"{name}_{shown}_ratio_to_{kind}"] = round(
                    results[f"baseline_{name}_{kind}_draw_seconds"]
                    / results[f"{name}_map_{shown}_seconds"], 1)


def measure_neighbourhoods(repeat: int) -> dict:
    """Drafting footprints: the largest ICB (by networks) drafted ``repeat``
    times from its graph, the page rerun after moves, England whole; then
    every ICB's draft as the README's table."""
    import pandas as pd

    from pcnmap import store
    from pcnmap.model import benchmarks
    from pcnmap.model import neighbourhoods as nb
    from pcnmap.model.methods import DEFAULT

    lsoas = store.read_table(store.DATA_DIR, SNAPSHOT, "lsoa_networks").set_index("lsoa_code")
    practices = store.read_table(store.DATA_DIR, SNAPSHOT, "practices")
    networks = store.read_table(store.DATA_DIR, SNAPSHOT, "networks")
    pairs = nb.lsoa_touching_pairs(store.read_graph(store.DATA_DIR, SNAPSHOT),
                                   lsoas[benchmarks.LSOA_NETWORK_COLUMN[DEFAULT]])
    icbs = practices.dropna(subset=["network_code"]).groupby("stp_code")[
        "network_code"].nunique().sort_values(kind="stable")
    largest = icbs.index[-1]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        nb.draft_place(practices, networks, pairs, "area", largest)
        times.append(time.perf_counter() - started)
    results = {"neighbourhoods_largest_icb": f"{largest} ({icbs.iloc[-1]} networks)",
               "neighbourhoods_draft_largest_seconds": median(times),
               "neighbourhoods_draft_largest_range": spread(times)}
    print("Neighbourhoods page rerun after moves…", flush=True)
    results.update(rerun_after_moves(largest, repeat))
    print("England drafted whole…", flush=True)
    started = time.perf_counter()
    england = nb.draft_place(practices, networks, pairs, "england", None)
    results["neighbourhoods_england_seconds"] = round(time.perf_counter() - started, 1)
    results["neighbourhoods_england_footprints"] = len(england.footprints.codes)
    results["neighbourhoods_england_networks"] = len(england.footprints.assignment)
    rows = []
    for icb, name in practices.drop_duplicates("stp_code").set_index("stp_code")[
            "stp_name"].sort_values().items():
        drafted = nb.draft_place(practices, networks, pairs, "area", icb)
        found = drafted.footprints
        sizes = pd.Series([drafted.graph.networks.set_index("network_code").loc[
            found.members(code), "patients"].sum() for code in found.codes])
        whole = sum(practices.loc[practices["network_code"].isin(found.members(code)),
                                  "district_code"].nunique() == 1 for code in found.codes)
        rows.append(f"| {name.replace('Integrated Care Board', 'ICB').removeprefix('NHS ')} "
                    f"| {len(found.assignment)} | {len(found.codes)} | {sizes.min():,.0f} | "
                    f"{sizes.median():,.0f} | {sizes.max():,.0f} | "
                    f"{whole / len(found.codes):.0%} |")
    print("\n| ICB | networks | footprints | smallest | median | largest | within one "
          "district |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n", flush=True)
    return results


def rerun_after_moves(icb: str, repeat: int) -> dict:
    """The Neighbourhoods page's server time for a rerun after a network is
    moved (a new proposal: its checks and map worked out; the snapshot's
    tables and the draft warm), by AppTest."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    app.switch_page("pages/10_Neighbourhoods.py")
    app.query_params["snapshot"] = SNAPSHOT
    app.query_params["area"] = icb
    app.run()
    times = []
    for step in range(repeat):
        box = app.selectbox(key="fp_network")
        box.set_value(box.options[step * 3 % len(box.options)])
        target = app.selectbox(key="fp_target")
        target.set_value(target.options[(step + 1) % (len(target.options) - 2)])
        button = next(b for b in app.button if b.label == "Move the network")
        started = time.perf_counter()
        button.click().run()
        times.append(time.perf_counter() - started)
    return {"neighbourhoods_rerun_after_move_seconds": median(times),
            "neighbourhoods_rerun_after_move_range": spread(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--only-build", action="store_true",
                        help="measure the build alone (no browser needed)")
    parser.add_argument("--sessions", type=int, default=3, help="extra browser sessions")
    parser.add_argument("--cold-starts", type=int, default=3,
                        help="times the app is started cold (figures are medians)")
    parser.add_argument("--neighbourhoods", action="store_true",
                        help="measure the Neighbourhoods drafts alone (no browser)")
    parser.add_argument("--seen", action="store_true",
                        help="measure what a person waits for in the open app alone "
                             "(bench/seen.py: postcode answer, plan applied, page change)")
    parser.add_argument("--url", help="with --seen: an app already running there (another "
                                          "checkout's, to compare)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="draws of each map (figures are medians, with their range)")
    args = parser.parse_args()

    results: dict = {"date": dt.date.today().isoformat(),
                     "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                                f"{len(__import__('os').sched_getaffinity(0))} cores, "
                                f"Python {platform.python_version()}"}
    if args.neighbourhoods:
        results.update(measure_neighbourhoods(args.repeat))
        for key, value in results.items():
            print(f"{key:<44}  {value}")
        return
    if not args.skip_build and not args.seen:
        print("building every snapshot…", flush=True)
        results.update(measure_build(args.source))
    if args.only_build:
        for key, value in results.items():
            print(f"{key:<24}  {value}")
        return

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        starts, server = [], None
        if args.seen:
            import seen

            if args.url:
                results.update(seen.measure(browser, args.url.rstrip("/"), args.repeat))
            else:
                _, server, url = cold_start(browser)
                try:
                    results.update(seen.measure(browser, url, args.repeat))
                finally:
                    stop(server)
            for key, value in results.items():
                print(f"{key:<34}  {value}")
            return
        for _ in range(args.cold_starts):
            if server is not None:
                stop(server)
            seconds, server, url = cold_start(browser)
            starts.append(seconds)
            print(f"cold start {seconds} s", flush=True)
        results["cold_start_seconds"] = median(starts)
        results["cold_start_range"] = spread(starts)
        results["app_rss_mb"] = round(rss_mb(server.pid))
        try:
            measure_app(browser, url, server, args, results)
        finally:
            stop(server)
        browser.close()

    width = max(len(key) for key in results)
    for key, value in results.items():
        shown = f"{value:,}" if isinstance(value, int) else value
        print(f"{key:<{width}}  {shown}")
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    (folder / f"bench-{results['date']}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
