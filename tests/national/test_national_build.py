"""The full national build from ../shared/data reproduces the shipped data/.

Runs when the official files sit beside the repository (as in CI); skipped
otherwise. Its speed is measured by bench/, not here.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from pcnmap import tables
from pcnmap.pipeline.build import build
from pcnmap.pipeline.catalogue import load_catalogue

SNAPSHOTS = load_catalogue().snapshots

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "data"

pytestmark = [
    pytest.mark.national,
    pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data (official files) not present"),
]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("national")
    result = build(SHARED, out)
    assert result.errors == {}
    return out


SNAPSHOT_TABLES = [name for name, table in tables.TABLES.items()
                   if table.scope == tables.SNAPSHOT]


@pytest.mark.parametrize("key", list(SNAPSHOTS))
@pytest.mark.parametrize("name", SNAPSHOT_TABLES)
def test_shipped_tables_are_reproducible(national: Path, key: str, name: str) -> None:
    """Every table of every snapshot, rebuilt from the official files, is the
    shipped one (geometry to a nanodegree)."""
    table = tables.TABLES[name]
    reader = gpd.read_parquet if table.geographic else pd.read_parquet
    built, shipped = reader(table.path(national, key)), reader(table.path(SHIPPED, key))
    if table.geographic:
        assert built.geom_equals_exact(shipped, tolerance=1e-9).all()
        built, shipped = built.drop(columns="geometry"), shipped.drop(columns="geometry")
    pd.testing.assert_frame_equal(pd.DataFrame(built), pd.DataFrame(shipped))


def test_quality_rows_point_at_real_lines(national: Path) -> None:
    quality = pd.read_parquet(national / "2019-12/quality.parquet")
    lines = (SHARED / "ods/epraccur_2019-11-19.csv").read_text().splitlines()
    from_ods = quality[quality["file"] == "epraccur_2019-11-19.csv"]
    assert len(from_ods) > 0
    for row, record in zip(from_ods["row"], from_ods["record"], strict=True):
        assert lines[row - 1].startswith(f'"{record}",')


@pytest.mark.parametrize("name", ["lsoa_parts", "lsoa_edges"])
@pytest.mark.parametrize("layer", ["2011", "2021"])
def test_layer_tables_are_reproducible(national: Path, name: str, layer: str) -> None:
    table = tables.TABLES[name]
    pd.testing.assert_frame_equal(pd.read_parquet(table.path(national, layer)),
                                  pd.read_parquet(table.path(SHIPPED, layer)))


def test_funding_lists_are_reproducible(national: Path) -> None:
    table = tables.TABLES["funding_lists"]
    pd.testing.assert_frame_equal(pd.read_parquet(table.path(national)),
                                  pd.read_parquet(table.path(SHIPPED)))
