"""The full national build from ../shared/data reproduces the shipped data/.

Runs when the official files sit beside the repository (as in CI); skipped
otherwise. Its speed is measured by bench/, not here.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from pcnmap.build import build
from pcnmap.snapshots import SNAPSHOTS

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


@pytest.mark.parametrize("key", list(SNAPSHOTS))
@pytest.mark.parametrize("table", ["practices", "networks", "quality"])
def test_shipped_tables_are_reproducible(national: Path, key: str, table: str) -> None:
    built = pd.read_parquet(national / key / f"{table}.parquet")
    shipped = pd.read_parquet(SHIPPED / key / f"{table}.parquet")
    pd.testing.assert_frame_equal(built, shipped)


@pytest.mark.parametrize("key", list(SNAPSHOTS))
def test_shipped_boundaries_are_reproducible(national: Path, key: str) -> None:
    built = gpd.read_parquet(national / key / "commissioners.parquet")
    shipped = gpd.read_parquet(SHIPPED / key / "commissioners.parquet")
    assert list(built["commissioner_code"]) == list(shipped["commissioner_code"])
    assert built.geom_equals_exact(shipped, tolerance=1e-9).all()


def test_quality_rows_point_at_real_lines(national: Path) -> None:
    quality = pd.read_parquet(national / "2019-12/quality.parquet")
    lines = (SHARED / "ods/epraccur_2019-11-19.csv").read_text().splitlines()
    from_ods = quality[quality["file"] == "epraccur_2019-11-19.csv"]
    assert len(from_ods) > 0
    for row, record in zip(from_ods["row"], from_ods["record"], strict=True):
        assert lines[row - 1].startswith(f'"{record}",')


@pytest.mark.parametrize("table", ["lsoa_parts", "lsoa_edges", "funding_lists"])
def test_shared_tables_are_reproducible(national: Path, table: str) -> None:
    built = pd.read_parquet(national / f"{table}.parquet")
    shipped = pd.read_parquet(SHIPPED / f"{table}.parquet")
    pd.testing.assert_frame_equal(built, shipped)
