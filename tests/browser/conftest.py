"""The real app (`streamlit run dashboard.py`) driven in headless Chromium.

Every request off this machine is refused, as on an NHS network that blocks
CDNs, so the tests show what draws with no internet. A failing test leaves a
screenshot in test-artifacts/.

Without Chromium (``/usr/bin/chromium``, or ``PCNMAP_CHROMIUM``) or the
playwright package, every test here is skipped with the reason; with
``PCNMAP_BROWSER_TESTS=required`` (CI, which installs Chromium) they fail
instead, so a CI run cannot pass by skipping them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("PCNMAP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]

pytestmark = pytest.mark.browser


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).is_file():
        return f"Chromium ({CHROMIUM}) is not installed"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (requirements-dev.txt)"
    if not (Path(sys.executable).parent / "streamlit").exists():
        return f"streamlit is not installed beside {sys.executable}"
    return None


def pytest_collection_modifyitems(config, items) -> None:
    reason = missing()
    if reason is None:
        return
    if os.environ.get("PCNMAP_BROWSER_TESTS") == "required":
        raise pytest.UsageError(f"browser tests required, but {reason}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    streamlit = str(Path(sys.executable).parent / "streamlit")
    # The app's log to a file, to read after a failure (a pipe nobody reads
    # would stall the app once full).
    log = (tmp_path_factory.mktemp("app") / "app.log").open("w")
    server = subprocess.Popen(
        [streamlit, "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("the app did not start within 60 s")
    yield url
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def offline(browser):
    """A page whose requests to anywhere but this machine are refused."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:",
                           "about:", "file:")):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.refused = refused
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("offline") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)
