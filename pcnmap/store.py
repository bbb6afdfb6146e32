"""Reading the processed data the app ships with (``data/``).

Plain functions with no caching: the app's one caching module wraps them.
Every reader checks what it reads against :mod:`pcnmap.tables` and raises
:class:`DataMissing` naming the table it wanted, so the app can say what is
wrong instead of showing a traceback or a server path; :func:`verify` checks
the whole folder against its manifest's checksums.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from pcnmap import tables
from pcnmap.model.contiguity import PartGraph
from pcnmap.shapes import Shapes

# The app reads its data from here; PCNMAP_DATA points it elsewhere (a small
# fixture folder in the page tests, a fresh build to try).
DATA_DIR = Path(os.environ.get("PCNMAP_DATA") or Path(__file__).resolve().parent.parent / "data")
REBUILD = "python -m pcnmap build --source ../shared/data --out data/"

ATTRIBUTION = (
    "Contains information from NHS England / NHS Digital, licensed under the current "
    "version of the Open Government Licence",
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
    "Contains OS data © Crown copyright and database right 2025",
    "Contains Royal Mail data © Royal Mail copyright and database right 2025",
    "Contains National Statistics data © Crown copyright and database right 2025",
)


class DataMissing(Exception):
    """A processed table is missing, damaged or not the one its manifest lists.

    The message names the table (and snapshot), never a path on the server.
    """

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        super().__init__(f"{what} {reason}. Rebuild the data with `{REBUILD}`.")


def _where(name: str, part: str | None) -> str:
    table = tables.TABLES.get(name)
    if table is None or table.scope == tables.SHARED or part is None:
        return f"the {name} table"
    return (f"the {name} table of snapshot {part}" if table.scope == tables.SNAPSHOT
            else f"the {name} table of the {part} LSOAs")


def read_manifest(data_dir: Path = DATA_DIR) -> dict:
    """The build manifest: per snapshot its sources, checksums and row counts."""
    path = Path(data_dir) / "manifest.json"
    if not path.exists():
        raise DataMissing("the data folder's manifest", "is missing")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DataMissing("the data folder's manifest", f"is not valid JSON ({error})") from None


def snapshot_keys(data_dir: Path = DATA_DIR) -> list[str]:
    """The snapshots the data folder holds, oldest first."""
    snapshots = read_manifest(data_dir).get("snapshots", {})
    return sorted(snapshots, key=lambda key: snapshots[key].get("as_of", key))


def sha256(path: Path) -> str:
    """A file's SHA-256, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(data_dir: Path = DATA_DIR) -> list[str]:
    """Every way the data folder differs from its manifest, as sentences
    naming the table (empty when it is whole).

    Each table the manifest lists must exist, have the recorded SHA-256 and
    the columns :mod:`pcnmap.tables` declares; each snapshot must have every
    table a snapshot has. A folder mixing two builds, or one a build left
    half-written, fails here.
    """
    manifest = read_manifest(data_dir)
    folder = Path(data_dir)
    problems = []
    listed: list[tuple[str, str | None, dict]] = []
    for key, record in manifest.get("snapshots", {}).items():
        outputs = record.get("outputs", {})
        for name, table in tables.TABLES.items():
            if table.scope == tables.SNAPSHOT and name not in outputs:
                problems.append(f"{_where(name, key)} is not in the manifest")
        listed += [(name, key, output) for name, output in outputs.items()]
    for layer, record in manifest.get("layers", {}).items():
        listed += [(name, layer, output) for name, output in record.get("outputs", {}).items()]
    for name, output in manifest.get("shared", {}).items():
        listed.append((name, None, output))
    for name, part, output in listed:
        table = tables.TABLES.get(name)
        if table is None:
            problems.append(f"{_where(name, part)} is not a table pcnmap knows")
            continue
        path = table.path(folder, part)
        if not path.exists():
            problems.append(f"{_where(name, part)} is missing")
        elif sha256(path) != output.get("sha256"):
            problems.append(f"{_where(name, part)} does not match its manifest (changed "
                            "or left half-written since the build)")
        else:
            wrong = tables.check_file(table, path)
            if wrong:
                problems.append(f"{_where(name, part)} {wrong}")
    return problems


def read(data_dir: Path, name: str, part: str | None = None, *, compact: bool = False
         ) -> pd.DataFrame | Shapes:
    """One table of the data folder (``part``: its snapshot or LSOA layer),
    checked against its declaration; geographic tables as GeoDataFrames in
    EPSG:4326, or as :class:`~pcnmap.shapes.Shapes` when ``compact``."""
    table = tables.TABLES.get(name)
    if table is None:
        raise DataMissing(f"the {name} table", "is not a table pcnmap knows")
    where = _where(name, part)
    path = table.path(Path(data_dir), part)
    if not path.exists():
        raise DataMissing(where, "is missing")
    try:
        wrong = tables.check_file(table, path)
        if not table.geographic:
            frame = pd.read_parquet(path)
        else:
            frame = Shapes.read(path) if compact else gpd.read_parquet(path).to_crs(4326)
    except Exception as error:  # pyarrow raises many kinds for a damaged file
        raise DataMissing(where, f"cannot be read ({type(error).__name__})") from None
    if wrong:
        raise DataMissing(where, wrong)
    return frame


def read_table(data_dir: Path, snapshot: str, name: str) -> pd.DataFrame:
    """One of a snapshot's tables: practices, networks, quality, lsoa_networks, ..."""
    return read(data_dir, name, snapshot)


def read_geo(data_dir: Path, snapshot: str, name: str) -> gpd.GeoDataFrame:
    """One of a snapshot's GeoParquet layers (commissioners, network_boundaries, ...)."""
    return read(data_dir, name, snapshot)


def read_shapes(data_dir: Path, snapshot: str, name: str) -> Shapes:
    """One of a snapshot's GeoParquet layers as compact :class:`~pcnmap.shapes.Shapes`."""
    return read(data_dir, name, snapshot, compact=True)


def read_commissioners(data_dir: Path, snapshot: str) -> gpd.GeoDataFrame:
    """A snapshot's commissioner boundaries (simplified for display)."""
    return read(data_dir, "commissioners", snapshot)


def read_root_table(data_dir: Path, name: str) -> pd.DataFrame:
    """A table shared by every snapshot (such as ``funding_lists``)."""
    return read(data_dir, name)


def read_graph(data_dir: Path, snapshot: str) -> PartGraph:
    """The LSOA piece graph of the layer a snapshot's boundaries are made of."""
    return read_layer_graph(data_dir, read_manifest(data_dir)["snapshots"][snapshot]["lsoa_layer"])


def read_layer_graph(data_dir: Path, layer: str) -> PartGraph:
    """The piece graph of one LSOA layer ("2011", "2021")."""
    return PartGraph(read(data_dir, "lsoa_parts", layer), read(data_dir, "lsoa_edges", layer))


@dataclass(frozen=True)
class SnapshotInfo:
    """What the manifest says of one snapshot, for the screens."""

    key: str
    label: str
    as_of: str
    commissioner_word: str
    commissioner_plural: str
    area_word: str
    commissioner_kind: str
    financial_years: tuple[str, ...]
    notes: dict[str, str]
    sources: tuple[dict, ...]

    @property
    def list_note(self) -> str:
        """What to say beside the list sizes (empty when they are the snapshot's own date)."""
        return self.notes.get("lists", "")


def snapshot_info(manifest: dict, key: str) -> SnapshotInfo:
    """A snapshot's record in the manifest, typed."""
    record = manifest["snapshots"][key]
    return SnapshotInfo(
        key=key, label=record["label"], as_of=record["as_of"],
        commissioner_word=record["commissioner_word"],
        commissioner_plural=record["commissioner_plural"], area_word=record["area_word"],
        commissioner_kind=record["commissioner_kind"],
        financial_years=tuple(record["financial_years"]), notes=dict(record.get("notes", {})),
        sources=tuple(record.get("sources", ())))


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
