"""Reading the processed data the app ships with (``data/``).

Plain functions with no caching: the app's one caching module wraps them.
Every reader raises :class:`DataMissing` with the file it wanted, so the app
can say what is missing instead of showing a traceback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

ATTRIBUTION = (
    "Contains information from NHS England / NHS Digital, licensed under the current "
    "version of the Open Government Licence",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
    "Contains OS data © Crown copyright and database right 2025",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025",
    "Contains National Statistics data © Crown copyright and database right 2025",
)


class DataMissing(Exception):
    """A processed data file is missing or unreadable."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"{path}: {reason}. Rebuild it with "
            "`python -m pcnmap build --source ../shared/data --out data/`."
        )


def read_manifest(data_dir: Path = DATA_DIR) -> dict:
    """The build manifest: per snapshot its sources, checksums and row counts."""
    path = Path(data_dir) / "manifest.json"
    if not path.exists():
        raise DataMissing(path, "file not found")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise DataMissing(path, f"is not valid JSON ({error})") from None


def snapshot_keys(data_dir: Path = DATA_DIR) -> list[str]:
    """The snapshots the data folder holds, oldest first."""
    return sorted(read_manifest(data_dir).get("snapshots", {}))


def _read_parquet(path: Path, reader=pd.read_parquet):
    """Read a Parquet file, turning any failure into :class:`DataMissing`."""
    if not path.exists():
        raise DataMissing(path, "file not found")
    try:
        return reader(path)
    except Exception as error:
        raise DataMissing(path, f"cannot be read ({error})") from None


def read_table(data_dir: Path, snapshot: str, name: str) -> pd.DataFrame:
    """One of a snapshot's plain tables: practices, networks, quality, lsoa_networks."""
    return _read_parquet(Path(data_dir) / snapshot / f"{name}.parquet")


def read_geo(data_dir: Path, snapshot: str, name: str) -> gpd.GeoDataFrame:
    """One of a snapshot's GeoParquet layers (commissioners, network_boundaries, ...)."""
    return _read_parquet(Path(data_dir) / snapshot / f"{name}.parquet", gpd.read_parquet)


def read_commissioners(data_dir: Path, snapshot: str) -> gpd.GeoDataFrame:
    """A snapshot's commissioner boundaries (simplified for display)."""
    return read_geo(data_dir, snapshot, "commissioners")


def read_root_table(data_dir: Path, name: str) -> pd.DataFrame:
    """A table shared by every snapshot (such as ``funding_lists``)."""
    return _read_parquet(Path(data_dir) / f"{name}.parquet")


@dataclass(frozen=True)
class Headline:
    """England's headline figures for one snapshot."""

    practices: int
    networks: int
    registered: float
    registered_in_network: float
    practices_outside_network: int
    practices_without_list: int

    @property
    def share_in_network(self) -> float:
        """Share of registered patients whose practice is in a network."""
        return self.registered_in_network / self.registered if self.registered else 0.0


def headline(practices: pd.DataFrame, networks: pd.DataFrame) -> Headline:
    """Count practices, networks and patients covered by a network."""
    in_network = practices["network_code"].notna()
    return Headline(
        practices=len(practices),
        networks=len(networks),
        registered=float(practices["registered"].sum()),
        registered_in_network=float(practices.loc[in_network, "registered"].sum()),
        practices_outside_network=int((~in_network).sum()),
        practices_without_list=int(practices["registered"].isna().sum()),
    )
