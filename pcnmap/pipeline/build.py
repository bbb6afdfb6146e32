"""The build pipeline: official source files in, the app's compact data out.

``python -m pcnmap build --source ../shared/data --out data/`` reads each
snapshot the catalogue (``pcnmap/declared/snapshots.toml``) declares, joins
its sources and writes the tables of :mod:`pcnmap.tables` plus one
``manifest.json`` recording every output's rows and checksum and every
source's checksum and vintage.

The build writes into a new folder beside ``--out`` and swaps it in only
when everything is written, so an interrupted build never leaves a
half-written data folder: the old one stays as it was."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import multiprocessing
import os
import shutil
import signal
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from pcnmap import store, tables
from pcnmap.model import funding
from pcnmap.pipeline import areas
from pcnmap.pipeline.catalogue import CATALOGUE_FILE, Catalogue, CatalogueError, load_catalogue
from pcnmap.pipeline.derived import read_layer_geography
from pcnmap.pipeline.output import (
    analysis_summary,
    data_folder,
    recover,
    staging_folder,
    swap_in,
    write_table,
)
from pcnmap.pipeline.readers import codepoint, list_sizes, ons
from pcnmap.pipeline.snapshot import build_snapshot, read_codepoint_releases, wanted_postcodes
from pcnmap.problems import QualityLog, SourceError


def read_funding_lists(source: Path, book: funding.RateBook) -> pd.DataFrame:
    """Every list-size file the rates file names, in one long table."""
    log = QualityLog()
    frames = []
    for name, entry in book.lists.items():
        lists = list_sizes.read_lists(source / entry.file, entry.layout, log)
        frames.append(lists[["practice_code", "registered", "weighted"]].assign(list_name=name))
    table = pd.concat(frames, ignore_index=True)
    return table[["list_name", "practice_code", "registered", "weighted"]]


@dataclass
class BuildResult:
    """What a build wrote and what stopped it, per snapshot."""

    written: dict[str, dict[str, int]]
    errors: dict[str, str]
    seconds: float


class _Sources:
    """Checksums of source files, each file hashed once per build."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.hashes: dict[str, str] = {}

    def record(self, relative: str, **extra: object) -> dict[str, object]:
        if relative not in self.hashes:
            self.hashes[relative] = store.sha256(self.source / relative)
        return {"name": relative, "sha256": self.hashes[relative], **extra}


# A build's own folder beside ``--out``: ``.<name>.building-<pid>-<ns>``.
def build(source: Path, out: Path, keys: Iterable[str] | None = None, *,
          catalogue_path: Path = CATALOGUE_FILE, rates_path: Path = funding.RATES_FILE,
          workers: int = 2) -> BuildResult:
    """Build every requested snapshot of the catalogue from ``source`` into ``out``.

    A snapshot whose sources fail is reported and skipped; the others still
    build, and a snapshot already in ``out`` that was not rebuilt is kept.
    Nothing in ``out`` changes until the whole build is written. ``workers``
    processes build the LSOA layers side by side.
    """
    started = time.perf_counter()
    try:
        catalogue = load_catalogue(catalogue_path)
    except CatalogueError as error:
        return BuildResult({}, {"catalogue": str(error)}, time.perf_counter() - started)
    keys = list(keys or catalogue.snapshots)
    unknown = [k for k in keys if k not in catalogue.snapshots]
    if unknown:
        return BuildResult({}, {unknown[0]: f"not in the catalogue; choose from "
                                            f"{list(catalogue.snapshots)}"},
                           time.perf_counter() - started)
    try:
        out = data_folder(Path(out))
    except ValueError as error:
        return BuildResult({}, {"data folder": str(error)}, time.perf_counter() - started)
    recover(out)
    errors: dict[str, str] = {}
    wanted: set[str] = set()
    for key in keys:
        try:
            wanted |= wanted_postcodes(source, catalogue.snapshots[key])
        except SourceError as error:
            errors[key] = str(error)
    todo = [key for key in keys if key not in errors]
    staging = staging_folder(out)
    try:
        written = _build_into(source, out, staging, catalogue, todo, wanted, rates_path, errors,
                              workers)
        if written:
            swap_in(staging, out)
        else:  # nothing new: the data folder stays exactly as it was
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(written, errors, time.perf_counter() - started)


@dataclass
class _LayerWork:
    """What building the snapshots of one LSOA layer produced (picklable, so
    a worker process can hand it back)."""

    layer: dict[str, object] | None
    snapshots: dict[str, dict[str, object]]
    written: dict[str, dict[str, int]]
    errors: dict[str, str]


def _build_layer(source: Path, catalogue: Catalogue, layer_key: str, keys: list[str],
                 positions: list[tuple[str, pd.DataFrame]], districts: gpd.GeoDataFrame,
                 staging: Path) -> _LayerWork:
    """Build one LSOA layer's piece graph and the snapshots made of it into
    ``staging``. Snapshots of one layer share its (costly) cleaned geometry."""
    work = _LayerWork(None, {}, {}, {})
    hashes = _Sources(source)
    layer = catalogue.lsoa_layers[layer_key]
    try:
        geography = read_layer_geography(source, layer)
    except SourceError as error:
        work.errors.update({key: str(error) for key in keys})
        return work
    # The piece graph lets the app judge a proposed network's contiguity
    # without shipping LSOA geometry.
    outputs = {"lsoa_parts": write_table("lsoa_parts", geography.graph.parts, staging,
                                         layer.key),
               "lsoa_edges": write_table("lsoa_edges", geography.graph.edges, staging,
                                         layer.key)}
    used = [hashes.record(layer.file, vintage=layer.vintage)]
    rural = layer.rural_urban
    try:
        if rural is not None:
            classes = ons.read_rural_urban(source / rural.file, rural.lsoa, rural.code,
                                               rural.name, rural.flag)
            classes = classes[classes["lsoa_code"].isin(set(geography.lsoas.codes))]
            outputs["lsoa_rurality"] = write_table("lsoa_rurality", classes, staging, layer.key)
            used.append(hashes.record(rural.file, vintage=layer.vintage))
        else:
            outputs["lsoa_rurality"] = write_table("lsoa_rurality", pd.DataFrame(
                columns=list(tables.TABLES["lsoa_rurality"].columns)), staging, layer.key)
    except SourceError as error:
        work.errors.update({key: str(error) for key in keys})
        return work
    work.layer = {"note": layer.note, "outputs": outputs, "sources": used}
    for key in keys:
        snapshot = catalogue.snapshots[key]
        started = time.perf_counter()
        try:
            built = build_snapshot(source, snapshot, positions, geography, districts)
        except SourceError as error:
            work.errors[key] = str(error)
            continue
        shutil.rmtree(staging / key, ignore_errors=True)
        outputs = {name: write_table(name, frame, staging, key)
                   for name, frame in built.frames.items()}
        work.written[key] = {name: record["rows"] for name, record in outputs.items()}
        work.snapshots[key] = {
            "label": snapshot.label,
            "as_of": snapshot.as_of.isoformat(),
            "lsoa_layer": snapshot.lsoa_layer,
            "financial_years": list(snapshot.financial_years),
            "commissioner_word": snapshot.commissioner_word,
            "commissioner_plural": snapshot.commissioner_plural,
            "area_word": snapshot.area_word,
            "commissioner_kind": snapshot.commissioners.kind,
            "icb_kind": snapshot.icbs.kind if snapshot.icbs else None,
            "notes": built.notes,
            "outputs": outputs,
            "analysis": analysis_summary(built.frames),
            "sources": [hashes.record(relative, vintage=vintage)
                        for relative, vintage in built.sources]
                       + [hashes.record(r.file, vintage=r.vintage)
                          for r in catalogue.postcode_releases]
                       + [hashes.record(catalogue.places.file,
                                        vintage=catalogue.places.vintage)],
            "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
    return work


# Linux's prctl option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a build worker, first thing: be killed when the build's process
    dies, however it dies (``kill -9`` included), rather than go on writing
    into a folder nobody will swap in, then wait on its pipe for ever."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the signal was set
        os._exit(1)


def _build_into(source: Path, out: Path, staging: Path, catalogue: Catalogue, keys: list[str],
                wanted: set[str], rates_path: Path, errors: dict[str, str], workers: int
                ) -> dict[str, dict[str, int]]:
    """Write the build into ``staging`` (the old data's other snapshots copied).

    Snapshots are built by LSOA layer, each layer in its own worker process
    when ``workers`` allows: the layers share nothing but the postcode
    positions, and the machine has cores to spare.
    """
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest.setdefault("snapshots", {})
    manifest.setdefault("layers", {})
    # Every snapshot and layer already built carries over until rebuilt: a
    # snapshot that fails this time keeps its last good build.
    for key in list(manifest["snapshots"]):
        if key not in catalogue.snapshots:
            del manifest["snapshots"][key]
        elif (out / key).is_dir():
            shutil.copytree(out / key, staging / key)
    for key in manifest["layers"]:
        if (out / f"lsoa-{key}").is_dir():
            shutil.copytree(out / f"lsoa-{key}", staging / f"lsoa-{key}")
    if not keys:
        return {}
    try:
        positions = read_codepoint_releases(source, catalogue, wanted)
        districts = areas.read_places(source, catalogue.places, QualityLog())
    except SourceError as error:
        errors.update({key: str(error) for key in keys})
        return {}
    by_layer: dict[str, list[str]] = {}
    for key in keys:
        by_layer.setdefault(catalogue.snapshots[key].lsoa_layer, []).append(key)
    jobs = [(source, catalogue, layer, layer_keys, positions, districts, staging)
            for layer, layer_keys in by_layer.items()]
    if workers > 1 and len(jobs) > 1:
        # spawn: a fresh interpreter per worker, never a fork of one holding
        # pyarrow's and GEOS's threads.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context,
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            results = list(pool.map(_build_layer, *zip(*jobs, strict=True)))
    else:
        results = [_build_layer(*job) for job in jobs]
    written: dict[str, dict[str, int]] = {}
    for layer, work in zip(by_layer, results, strict=True):
        if work.layer is not None:
            manifest["layers"][layer] = work.layer
        manifest["snapshots"].update(work.snapshots)
        written.update(work.written)
        errors.update(work.errors)
    hashes = _Sources(source)
    shared: dict[str, dict[str, object]] = {}
    try:
        newest = catalogue.postcode_releases[0]
        postcodes = codepoint.read_codepoint_england(source / newest.file)
        shared["postcodes"] = {
            **write_table("postcodes", pd.DataFrame({
                "postcode": postcodes["postcode"],
                "easting_10m": (postcodes["easting"] // 10).astype("int32"),
                "northing_10m": (postcodes["northing"] // 10).astype("int32")}), staging),
            "sources": [hashes.record(newest.file, vintage=newest.vintage)]}
        shared["places"] = {**write_table("places", areas.places_for_maps(districts), staging),
                            "sources": [hashes.record(catalogue.places.file,
                                                      vintage=catalogue.places.vintage)]}
    except SourceError as error:
        errors["postcodes and places"] = str(error)
    try:
        book = funding.load_rates(rates_path)
        lists = read_funding_lists(source, book)
    except (SourceError, ValueError) as error:
        errors["funding lists"] = str(error)
    else:
        shared["funding_lists"] = {
            **write_table("funding_lists", lists, staging),
            "sources": [hashes.record(entry.file, list=name, describes=entry.describes)
                        for name, entry in book.lists.items()]}
    # A shared table not rebuilt this time keeps its last good build.
    manifest["shared"] = {**manifest.get("shared", {}), **shared}
    for name in manifest["shared"]:
        path = tables.TABLES[name].path(staging)
        if not path.exists() and tables.TABLES[name].path(out).exists():
            shutil.copy2(tables.TABLES[name].path(out), path)
    manifest["snapshots"] = dict(sorted(manifest["snapshots"].items(),
                                        key=lambda item: item[1]["as_of"]))
    manifest["generator"] = "python -m pcnmap build"
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False)
                                           + "\n")
    return written
