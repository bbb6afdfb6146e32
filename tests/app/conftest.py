"""Every page test runs on a fixture data folder: the pipeline's build of the
real extract (tests/fixtures/source), not the shipped national data.

The app reads :data:`pcnmap.store.DATA_DIR` when a page loads, so pointing it
at the built extract (as ``PCNMAP_DATA`` does for a running app) is enough;
the cache is emptied around each test so no table of another folder lingers.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st

from pcnmap import store


@pytest.fixture(autouse=True)
def fixture_data_folder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's data folder for the test: the built extract, unless the test
    is marked ``shipped_data`` (it needs England's size, not its detail)."""
    folder = store.DATA_DIR if request.node.get_closest_marker("shipped_data") else \
        request.getfixturevalue("built_extract")
    monkeypatch.setattr(store, "DATA_DIR", folder)
    st.cache_resource.clear()
    yield folder
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def main_module_kept() -> None:
    """Streamlit's test runner leaves the page's script as ``__main__``; a
    process pool started later (the build's workers, started by spawn) would
    run ``dashboard.py`` in each worker and lose it. Put the real one back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
