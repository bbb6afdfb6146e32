"""Page tests' helpers: a page run as the app runs it, and what a person
reads in an element whose text was made plain (pcnmap.words.plain)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Streamlit's test runner loads only where a page is run
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def run(page: str | None = None, **query: str) -> AppTest:
    """Run ``page`` (by default the first of the page list) as the app does:
    from the entry point (its links resolve there), with ``query`` in the
    address."""
    from streamlit.testing.v1 import AppTest

    from ui.pages import PAGES

    page = page or PAGES[0].path
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if page != PAGES[0].path:
        app.switch_page(page)
    for name, value in query.items():
        app.query_params[name] = value
    return app.run()


def downloads(app: AppTest) -> list[str]:
    """The labels of the page's download buttons."""
    return [element.proto.label for element in app.get("download_button")]


def shown(markdown: str) -> str:
    """``markdown`` with its backslash escapes resolved and the invisible
    word joiners (which keep addresses from becoming links) left out."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def metrics(app: AppTest) -> dict[str, str]:
    """The page's figures: each label as a person reads it, and its value."""
    return {shown(metric.label): metric.value for metric in app.metric}
