"""A snapshot's tables as the page views read them, and what is worked out
from them once for all of England (then selected for each place).

The views take a :class:`SnapshotData` and never read files themselves: the
app hands them one whose tables come from its one cache (``ui/data.py``),
the tests one reading a data folder (:meth:`SnapshotData.from_folder`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from pcnmap import store
from pcnmap.model import funding

# The tables a view may ask for, and how a data folder gives each.
_FOLDER: dict[str, Callable[[Path, str], Any]] = {
    "practices": lambda d, k: store.read_table(d, k, "practices"),
    "networks": lambda d, k: store.read_table(d, k, "networks"),
    "quality": lambda d, k: store.read_table(d, k, "quality"),
    "lsoa_networks": lambda d, k: store.read_table(d, k, "lsoa_networks"),
    "contiguity": lambda d, k: store.read_table(d, k, "contiguity"),
    "method_comparison": lambda d, k: store.read_table(d, k, "method_comparison"),
    "network_pieces": lambda d, k: store.read_table(d, k, "network_pieces"),
    "age_bands": lambda d, k: store.read_table(d, k, "age_bands"),
    "commissioners": store.read_commissioners,
    "national_commissioners": lambda d, k: store.read_geo(d, k, "national_commissioners"),
    "uncovered_areas": lambda d, k: store.read_geo(d, k, "uncovered_areas"),
    "network_boundaries": lambda d, k: store.read_shapes(d, k, "network_boundaries"),
    "national_boundaries": lambda d, k: store.read_shapes(d, k, "national_boundaries"),
    "lsoa_graph": store.read_graph,
    "lsoa_rurality": lambda d, k: store.read(
        d, "lsoa_rurality", store.read_manifest(d)["snapshots"][k]["lsoa_layer"]),
    "places": lambda d, k: store.read(d, "places"),
    "funding_lists": lambda d, k: store.read_root_table(d, "funding_lists"),
    "rates": lambda d, k: funding.load_rates(),
}


class SnapshotData:
    """One snapshot's tables (each loaded on first use by ``load``) and a
    memory for what is worked out from them (:meth:`remember`).

    Args:
        key: The snapshot's key ("2026-07").
        info: Its record in the manifest.
        load: Gives a table by name (see :data:`TABLES`).
        labels: Gives each commissioner's label ("00X · Chorley and South
            Ribble (Lancashire and South Cumbria ICB)"), code -> label.
    """

    TABLES = tuple(_FOLDER)

    def __init__(self, key: str, info: store.SnapshotInfo, load: Callable[[str], Any],
                 labels: Callable[[], dict[str, str]] | None = None) -> None:
        self.key, self.info = key, info
        self._load, self._labels = load, labels
        self._remembered: dict[tuple, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: Path, key: str) -> SnapshotData:
        """A snapshot of a data folder, each table read once."""
        read: dict[str, Any] = {}

        def load(name: str) -> Any:
            if name not in read:
                read[name] = _FOLDER[name](Path(folder), key)
            return read[name]

        return cls(key, store.snapshot_info(store.read_manifest(folder), key), load)

    def __getattr__(self, name: str) -> Any:
        if name in _FOLDER:
            return self._load(name)
        raise AttributeError(name)

    @property
    def labels(self) -> dict[str, str]:
        """Each commissioner's label, code -> label (its code where none is given)."""
        if self._labels is not None:
            return self._labels()
        names = self.practices.dropna(subset=["commissioner_code"]).drop_duplicates(
            "commissioner_code").set_index("commissioner_code")["commissioner_name"]
        return {code: f"{code} · {name}" for code, name in names.items()}

    def remember(self, key: tuple, make: Callable[[], Any]) -> Any:
        """``make()``, worked out once for this snapshot and ``key``."""
        with self._lock:
            if key in self._remembered:
                return self._remembered[key]
        value = make()
        with self._lock:
            return self._remembered.setdefault(key, value)

    def practice_names(self) -> pd.Series:
        """Each practice's name, by code."""
        return self.practices.set_index("practice_code")["practice_name"]
