"""Shared fixtures: the real extracts under tests/fixtures/source and a build of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = ROOT / "tests" / "fixtures" / "source"
SHARED = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "data"


@pytest.fixture(scope="session")
def extract() -> Path:
    """The small real extract (four commissioners' records of every source)."""
    return EXTRACT


@pytest.fixture()
def extract_copy(tmp_path: Path) -> Path:
    """A writable copy of the extract, for tests that damage a file."""
    target = tmp_path / "source"
    shutil.copytree(EXTRACT, target)
    return target


@pytest.fixture(scope="session")
def built_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pipeline's output for the extract, built once per test run."""
    from pcnmap.pipeline.build import build

    out = tmp_path_factory.mktemp("built")
    result = build(EXTRACT, out)
    assert result.errors == {}
    return out
