"""The data folder a build writes: each table with its manifest record, the
headline figures, and the build's own folder beside it, swapped in by two
renames (put back by :func:`recover` after a crash between them)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd

from pcnmap import store, tables
from pcnmap.model import coverage, methods

# ---------------------------------------------------------------- writing


def write_table(name: str, frame: pd.DataFrame, folder: Path, part: str | None = None
                ) -> dict[str, object]:
    """Write one output table as its catalogue declares it; return its record
    (rows, bytes, SHA-256) for the manifest."""
    table = tables.TABLES[name]
    path = table.path(folder, part)
    path.parent.mkdir(parents=True, exist_ok=True)
    tables.write(table, frame, path)
    return {"rows": len(frame), "bytes": path.stat().st_size, "sha256": store.sha256(path)}


def analysis_summary(frames: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Headline results of the coverage analysis, recorded in the manifest."""
    practices, networks = frames["practices"], frames["networks"]
    crossing = coverage.cross_commissioner_networks(practices, networks)
    sizes = coverage.size_check(networks)
    derived = frames["network_boundaries"]
    derived = derived[derived["network_code"] != methods.NO_NETWORK]
    groups = frames["contiguity"]
    balance = coverage.patient_balance(practices)
    return {
        "practices": len(practices),
        "practices_with_list": int(practices["registered"].notna().sum()),
        "practices_placed": int(practices["latitude"].notna().sum()),
        "networks": len(networks),
        "commissioners": len(frames["commissioners"]),
        "icbs": len(frames["icbs"]),
        "cross_commissioner_networks": int(crossing["crosses_commissioners"].sum()),
        "epcn_flag_disagreements": int((~crossing["agrees_with_epcn"].fillna(True)).sum()),
        "unaligned_practices": len(coverage.unaligned_practices(practices)),
        "uncovered_lsoas": int(frames["lsoa_networks"]["network_code"].isna().sum()),
        "networks_under_30000": int((sizes["size_band"] == "under").sum()),
        "networks_over_50000": int((sizes["size_band"] == "over").sum()),
        "single_practice_networks": int(sizes["single_practice"].sum()),
        # Networks whose practices stand in areas that do not touch, by
        # method; and networks whose boundary has several parts.
        "non_contiguous_networks": {
            method: int(coverage.non_contiguous(groups, derived, method,
                                                frames["network_pieces"])["flagged"].sum())
            for method in sorted(derived["method"].unique())},
        "networks_in_several_parts": {method: int((table["significant_parts"] > 1).sum())
                                      for method, table in derived.groupby("method")},
        "patients_in_networks": round(balance["in_network"]),
        "patients_in_gaps": round(balance["in_gaps"]),
        "patients_all": round(balance["all"]),
    }


BUILDING = ".building-"


def staging_folder(out: Path) -> Path:
    """A new, empty folder beside ``out`` to build into."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}{BUILDING}{os.getpid()}-{time.time_ns()}"
    staging.mkdir()
    return staging


def builder_of(staging: Path, out: Path) -> int | None:
    """The process id of the build writing ``staging`` (a folder beside
    ``out``), read after the folder's fixed prefix, so a name with hyphens
    ("my-data") cannot be misread; None when the name holds none."""
    rest = staging.name.removeprefix(f".{out.name}{BUILDING}")
    pid, _, stamp = rest.partition("-")
    return int(pid) if rest != staging.name and pid.isdigit() and stamp.isdigit() else None


def remove_folder(path: Path, *, quietly: bool = False) -> None:
    """Remove a folder, or a link or file in its place (never what a link
    points to); ``quietly``: what cannot be removed is left."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=quietly)


def swap_in(staging: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``staging`` folder.

    Two renames on one file system: the data folder is either the old one
    or the new one; a crash between them leaves the old one under
    ``.<name>.previous`` and :func:`recover` puts it back.
    """
    previous = out.parent / f".{out.name}.previous"
    remove_folder(previous)
    if out.exists():
        os.rename(out, previous)
    os.rename(staging, out)
    remove_folder(previous, quietly=True)


def recover(out: Path) -> None:
    """Put a data folder back if a build was stopped between its two renames,
    and remove the folders of builds that never finished (their process has
    gone)."""
    previous = out.parent / f".{out.name}.previous"
    if not out.exists() and (previous.exists() or previous.is_symlink()):
        os.rename(previous, out)
    for stale in out.parent.glob(f".{out.name}{BUILDING}*"):
        pid = builder_of(stale, out)
        if pid is None or not Path(f"/proc/{pid}").exists():
            remove_folder(stale, quietly=True)


def data_folder(out: Path) -> Path:
    """The folder a build replaces for ``out``: ``out`` itself, or, when
    ``out`` is a symbolic link, the folder it points to (built beside it and
    swapped in there, so the link keeps pointing at the new data).

    Raises:
        ValueError: ``out`` is a link to nothing, or names a file.
    """
    if out.is_symlink():
        target = out.resolve()
        if not target.is_dir():
            raise ValueError(f"{out} is a link to {target}, which is not a folder; point it "
                             "at a folder or remove it")
        return target
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    return out
