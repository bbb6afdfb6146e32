"""pcnmap's benchmark: run by hand, prints every figure and ratio.

    python bench/run.py --source ../shared/data

Measures, on the shipped data/ and this machine:
  * the build of all three snapshots (seconds, peak memory);
  * cold start: `streamlit run` to the overview drawn in headless Chromium,
    and the app's resident memory, then memory per extra browser session;
  * the national map and one commissioner's map: bytes the browser receives
    (WebSocket frames, counted with the DevTools protocol), server seconds
    per rerun (the page script, warm), and seconds until the map's layers are
    drawn, both from navigation (Streamlit's page load included) and within
    the map's own frame (the browser drawing the map);
  * the notebook baseline: geopandas ``explore()`` of the same practices and
    the unsimplified derived boundaries, its bytes and draw time.
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
SNAPSHOT = "2023-01"
COMMISSIONER = "00X"
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
OVERVIEW_FRAME = "iframe[title='st.iframe']"
LAYERS_DRAWN = ("typeof map_div !== 'undefined' && "
                "Object.values(map_div._layers).filter(l => l.feature).length > {n}")


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
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pcnmap", "build", "--source", str(source),
                        "--out", out], cwd=ROOT, check=True, capture_output=True)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"build_seconds": round(seconds, 1), "build_peak_mb": round(peak)}


def offline_page(browser, counter: list[int]):
    """A page that refuses off-machine requests and counts WebSocket bytes received."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "about:", "file:")) else r.abort())
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")

    def frame(event):
        response = event["response"]
        payload = response["payloadData"]
        counter[0] += len(base64.b64decode(payload)) if response["opcode"] == 2 else len(
            payload.encode())
    session.on("Network.webSocketFrameReceived", frame)
    return page


def draw_map(browser, url: str, minimum_layers: int, page=None) -> dict:
    """Open ``url`` and time the map until its layers are drawn.

    With ``page`` (one that has shown the app before), the browser's cache
    is warm, as when a meeting moves from one view to the next.
    """
    counter = [0]
    if page is None:
        page = offline_page(browser, counter)
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, timeout=120_000)
    frame = None
    while frame is None:
        frame = next((f for f in page.frames if "streamlit_folium" in f.url
                      and not f.is_detached()), None)
        time.sleep(0.05)
    frame.wait_for_function(LAYERS_DRAWN.format(n=minimum_layers), timeout=120_000)
    seconds = time.perf_counter() - started
    # The map's own frame: from its loading to its layers drawn (browser work).
    in_frame = frame.evaluate("performance.now()") / 1000
    layers = frame.evaluate("Object.values(map_div._layers).filter(l => l.feature).length")
    return {"seconds": round(seconds, 2), "frame_seconds": round(in_frame, 2),
            "bytes": counter[0], "features": layers, "page": page}


def draw_overview(browser, url: str) -> None:
    """Open the overview; return once its figures show and its map (a static
    frame) has drawn its commissioners."""
    page = offline_page(browser, [0])
    page.goto(url)
    page.get_by_text("GP practices").wait_for(timeout=120_000)
    page.wait_for_selector(OVERVIEW_FRAME, timeout=120_000)
    frame = page.locator(OVERVIEW_FRAME).element_handle().content_frame()
    frame.wait_for_function(
        "Object.keys(window).some(k => k.startsWith('map_') && "
        "Object.values(window[k]._layers).some(l => l.feature))", timeout=120_000)


def server_seconds(page_file: str, query: dict[str, str], runs: int = 3) -> float:
    """The page script's time per rerun with warm caches (as the server runs it)."""
    from streamlit.testing.v1 import AppTest

    times = []
    for index in range(runs + 1):
        app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        if page_file != "dashboard.py":
            app.switch_page(page_file)
        for name, value in query.items():
            app.query_params[name] = value
        started = time.perf_counter()
        app.run()
        if index:  # the first run fills the caches
            times.append(time.perf_counter() - started)
    return round(min(times), 3)


def baseline(source: Path, browser, commissioner: str | None) -> dict:
    """geopandas explore() of the same practices and unsimplified LSOA boundaries."""
    import geopandas as gpd
    import pandas as pd

    from pcnmap import boundaries, sources, store
    from pcnmap.assets import leaflet_folder
    from pcnmap.problems import QualityLog

    practices = store.read_table(store.DATA_DIR, SNAPSHOT, "practices")
    assignment = store.read_table(store.DATA_DIR, SNAPSHOT, "lsoa_networks")
    if commissioner:
        practices = practices[(practices["commissioner_code"] == commissioner)
                              | (practices["network_commissioner_code"] == commissioner)]
    layer = sources.read_boundaries(source / "boundaries/lsoa11_en_bgc.gpkg",
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
    folder = leaflet_folder()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline.html"
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def route(request_route):
            url = request_route.request.url
            if url.startswith("file:"):
                request_route.continue_()
            elif url.endswith("leaflet.js"):
                request_route.fulfill(path=str(folder / "leaflet.js"))
            elif url.endswith("leaflet.css"):
                request_route.fulfill(path=str(folder / "leaflet.css"))
            else:
                request_route.abort()
        context.route("**/*", route)
        page = context.new_page()
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function(
            "Object.values(window).some(v => v && v._layers && v.getCenter && "
            f"Object.values(v._layers).filter(l => l.feature).length > {len(points)})",
            timeout=300_000)
        seconds = time.perf_counter() - started
        context.close()
    return {"seconds": round(seconds, 2), "bytes": len(html.encode("utf-8")),
            "features": len(points) + len(shapes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--sessions", type=int, default=3, help="extra browser sessions")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict = {"date": dt.date.today().isoformat(),
                     "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                                f"{len(__import__('os').sched_getaffinity(0))} cores, "
                                f"Python {platform.python_version()}"}
    if not args.skip_build:
        print("building all three snapshots…", flush=True)
        results.update(measure_build(args.source))

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "streamlit"), "run", "dashboard.py",
         "--server.port", str(port), "--server.headless", "true",
         "--server.address", "127.0.0.1"], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            draw_overview(browser, f"{url}/?snapshot={SNAPSHOT}")
            results["cold_start_seconds"] = round(time.perf_counter() - started, 2)
            results["app_rss_mb"] = round(rss_mb(server.pid))

            print("national map…", flush=True)
            national = draw_map(browser, f"{url}/Network_map?snapshot={SNAPSHOT}", 6000)
            print("one commissioner's map…", flush=True)
            local = draw_map(browser, f"{url}/Network_map?snapshot={SNAPSHOT}"
                             f"&commissioner={COMMISSIONER}", 20)
            print("the same maps again in a browser that has shown them…", flush=True)
            for name, target, layers, first in (
                    ("national", f"{url}/Network_map?snapshot={SNAPSHOT}", 6000, national),
                    ("commissioner", f"{url}/Network_map?snapshot={SNAPSHOT}"
                                     f"&commissioner={COMMISSIONER}", 20, local)):
                again = draw_map(browser, target, layers, page=first["page"])
                results[f"{name}_map_draw_seconds_warm_browser"] = again["seconds"]
            before = rss_mb(server.pid)
            pages = [draw_map(browser, f"{url}/Network_map?snapshot={SNAPSHOT}", 6000)["page"]
                     for _ in range(args.sessions)]
            results["rss_per_extra_session_mb"] = round(
                (rss_mb(server.pid) - before) / args.sessions, 1)
            for name, measured in (("national", national), ("commissioner", local)):
                results[f"{name}_map_bytes"] = measured["bytes"]
                results[f"{name}_map_draw_seconds"] = measured["seconds"]
                results[f"{name}_map_frame_draw_seconds"] = measured["frame_seconds"]
                results[f"{name}_map_features"] = measured["features"]
            del pages

            print("server time per rerun…", flush=True)
            results["national_server_seconds"] = server_seconds(
                "pages/1_Network_map.py", {"snapshot": SNAPSHOT})
            results["commissioner_server_seconds"] = server_seconds(
                "pages/1_Network_map.py", {"snapshot": SNAPSHOT, "commissioner": COMMISSIONER})

            print("notebook baseline (geopandas explore)…", flush=True)
            for name, commissioner in (("national", None), ("commissioner", COMMISSIONER)):
                measured = baseline(args.source, browser, commissioner)
                results[f"baseline_{name}_bytes"] = measured["bytes"]
                results[f"baseline_{name}_draw_seconds"] = measured["seconds"]
                results[f"{name}_bytes_ratio"] = round(
                    measured["bytes"] / results[f"{name}_map_bytes"], 1)
                results[f"{name}_draw_ratio"] = round(
                    measured["seconds"] / results[f"{name}_map_draw_seconds"], 1)
                results[f"{name}_frame_draw_ratio"] = round(
                    measured["seconds"] / results[f"{name}_map_frame_draw_seconds"], 1)
                results[f"{name}_warm_browser_draw_ratio"] = round(
                    measured["seconds"] / results[f"{name}_map_draw_seconds_warm_browser"], 1)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)

    width = max(len(key) for key in results)
    for key, value in results.items():
        shown = f"{value:,}" if isinstance(value, int) else value
        print(f"{key:<{width}}  {shown}")
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    (folder / f"bench-{results['date']}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
