"""The snapshot catalogue: which official files make each snapshot.

The catalogue is data (``pcnmap/declared/snapshots.toml``), not code: a new
snapshot whose files are in a known layout is one more entry there. This
module reads it into typed records and checks it as it does, so a mistyped
key, an unknown layout or a snapshot naming an LSOA layer that does not
exist is refused with the entry named, before any file is read.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DECLARED = Path(__file__).resolve().parents[1] / "declared"
CATALOGUE_FILE = DECLARED / "snapshots.toml"

# The layouts each kind of source may have (the readers in pcnmap.pipeline.readers).
PRACTICE_LAYOUTS = ("epraccur", "epraccur-2026")
MEMBERSHIP_LAYOUTS = ("epcn", "practice-map")
LIST_LAYOUTS = ("payments", "registered", "quinary-age", "qof-prevalence")
WEIGHTED_LAYOUTS = ("payments",)
NAME_LAYOUTS = ("practice-map",)
AGE_LAYOUTS = ("quinary-age",)
ACTIVE_RULES = ("status", "dates")


class CatalogueError(ValueError):
    """The catalogue breaks its own rules; the message names the entry."""


@dataclass(frozen=True)
class SourceFile:
    """One official file: where it is (relative to the source folder), the
    layout its reader expects and the date its contents describe."""

    file: str
    layout: str
    vintage: str


@dataclass(frozen=True)
class CodePairs:
    """A table pairing ONS and ODS codes (for boundaries that carry ONS codes only)."""

    file: str
    ons: str
    ods: str


@dataclass(frozen=True)
class Boundary:
    """A boundary file and the attribute names it uses."""

    file: str
    vintage: str
    ons_code: str
    name: str
    ods_code: str | None = None


@dataclass(frozen=True)
class AreaLayer:
    """Commissioner or ICB/STP boundaries of a snapshot.

    ``ods_codes`` gives the ODS codes when ``boundary`` carries ONS codes
    only. ``names`` says where the areas' names come from: their boundary
    file, or the memberships file (newer, after a renaming). ``successors``
    are newer boundaries cutting any area that no practice names any more
    (a location split since the boundary file). ``derived`` marks outlines
    that are not published geometry.
    """

    kind: str
    boundary: Boundary
    note: str
    ods_codes: CodePairs | None = None
    names: str = "boundary"
    successors: Boundary | None = None
    derived: bool = False
    locate_lsoas: bool = False


@dataclass(frozen=True)
class LsoaLookup:
    """An ONS lookup placing each LSOA in a commissioner (and an ICB)."""

    file: str
    vintage: str
    lsoa: str
    commissioner: str
    icb: str | None = None


@dataclass(frozen=True)
class RuralUrban:
    """The ONS rural-urban classification of an LSOA layer: its file and columns."""

    file: str
    lsoa: str
    code: str
    name: str
    flag: str


@dataclass(frozen=True)
class LsoaLayer:
    """An LSOA boundary layer network boundaries are derived from."""

    key: str
    file: str
    vintage: str
    code: str
    name: str
    note: str
    england_prefix: str | None = None
    rural_urban: RuralUrban | None = None


@dataclass(frozen=True)
class Snapshot:
    """One dated view of England's networks and the files that make it."""

    key: str
    label: str
    as_of: dt.date
    lsoa_layer: str
    financial_years: tuple[str, ...]
    commissioner_word: str
    commissioner_plural: str
    area_word: str
    practices: SourceFile
    active: str
    memberships: SourceFile
    registered: SourceFile
    commissioners: AreaLayer
    weighted: SourceFile | None = None
    fallback_registered: SourceFile | None = None
    lsoa_commissioners: LsoaLookup | None = None
    icbs: AreaLayer | None = None
    region_names: SourceFile | None = None
    age_bands: SourceFile | None = None
    list_note: str = ""

    @property
    def default_year(self) -> str:
        """The financial year the snapshot's funding figures default to."""
        return self.financial_years[0]

    def files(self) -> list[tuple[str, str]]:
        """Every (file, vintage) the snapshot reads, without repeats."""
        found: list[tuple[str, str]] = []
        for item in (self.practices, self.memberships, self.registered, self.weighted,
                     self.fallback_registered, self.region_names, self.age_bands):
            if item is not None:
                found.append((item.file, item.vintage))
        for layer in (self.commissioners, self.icbs):
            if layer is None:
                continue
            found.append((layer.boundary.file, layer.boundary.vintage))
            if layer.ods_codes:
                found.append((layer.ods_codes.file, layer.boundary.vintage))
            if layer.successors:
                found.append((layer.successors.file, layer.successors.vintage))
        if self.lsoa_commissioners:
            found.append((self.lsoa_commissioners.file, self.lsoa_commissioners.vintage))
        return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Places:
    """The local authority districts practices are placed in."""

    file: str
    vintage: str
    code: str
    name: str


@dataclass(frozen=True)
class Catalogue:
    """Every snapshot, the LSOA layers, the postcode releases and the places."""

    snapshots: Mapping[str, Snapshot]
    lsoa_layers: Mapping[str, LsoaLayer]
    postcode_releases: tuple[SourceFile, ...]
    places: Places
    path: Path = field(default=CATALOGUE_FILE)

    def layer_of(self, snapshot: Snapshot) -> LsoaLayer:
        """The LSOA layer the snapshot places its practices on."""
        return self.lsoa_layers[snapshot.lsoa_layer]


# ---------------------------------------------------------------- checking


class _Entry:
    """Reads one TOML table, refusing keys it does not know."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise CatalogueError(f"{where}: expected a table of keys")
        self.raw = raw
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, default: Any = ..., kind: type | tuple[type, ...] = str) -> Any:
        self.used.add(key)
        if key not in self.raw:
            if default is ...:
                raise CatalogueError(f"{self.where}: {key!r} is missing")
            return default
        value = self.raw[key]
        if not isinstance(value, kind):
            raise CatalogueError(f"{self.where}: {key!r} should be "
                                 f"{getattr(kind, '__name__', kind)}, not {value!r}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> Any:
        value = self.get(key, default)
        if value is not None and value not in options:
            raise CatalogueError(f"{self.where}: {key} {value!r} is not one of {list(options)}")
        return value

    def table(self, key: str) -> _Entry | None:
        self.used.add(key)
        value = self.raw.get(key)
        return None if value is None else _Entry(value, f"{self.where}.{key}")

    def done(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            raise CatalogueError(f"{self.where}: unknown key {unknown[0]!r}")


def _source(entry: _Entry | None, layouts: tuple[str, ...]) -> SourceFile | None:
    if entry is None:
        return None
    source = SourceFile(entry.get("file"), entry.choice("layout", layouts), entry.get("vintage"))
    return source


def _pairs(entry: _Entry | None) -> CodePairs | None:
    if entry is None:
        return None
    pairs = CodePairs(entry.get("file"), entry.get("ons"), entry.get("ods"))
    entry.done()
    return pairs


def _boundary(entry: _Entry) -> Boundary:
    return Boundary(entry.get("file"), entry.get("vintage"), entry.get("ons_code"),
                    entry.get("name"), entry.get("ods_code", None))


def _area(entry: _Entry | None) -> AreaLayer | None:
    if entry is None:
        return None
    successors = entry.table("successors")
    layer = AreaLayer(
        kind=entry.get("kind"), boundary=_boundary(entry), note=entry.get("note"),
        ods_codes=_pairs(entry.table("ods_codes")),
        names=entry.choice("names", ("boundary", "memberships"), "boundary"),
        successors=None if successors is None else _boundary(successors),
        derived=entry.get("derived", False, bool),
        locate_lsoas=entry.get("locate_lsoas", False, bool))
    if successors is not None:
        successors.done()
    if layer.boundary.ods_code is None and layer.ods_codes is None:
        raise CatalogueError(f"{entry.where}: needs 'ods_code' or 'ods_codes' (the boundary "
                             "file's ODS codes, or a table pairing its ONS codes with them)")
    entry.done()
    return layer


def _year(value: str, where: str) -> str:
    start = value[:4]
    if len(value) != 7 or value[4] != "/" or not start.isdigit() \
            or value[5:] != f"{(int(start) + 1) % 100:02d}":
        raise CatalogueError(f"{where}: {value!r} is not a financial year such as '2024/25'")
    return value


def _snapshot(entry: _Entry, layers: Mapping[str, LsoaLayer]) -> Snapshot:
    key = entry.get("key")
    entry.where = f"{entry.where} ({key})"
    try:
        as_of = dt.date.fromisoformat(entry.get("as_of"))
    except ValueError:
        raise CatalogueError(f"{entry.where}: as_of is not a date (YYYY-MM-DD)") from None
    layer = entry.get("lsoa_layer")
    if layer not in layers:
        raise CatalogueError(f"{entry.where}: lsoa_layer {layer!r} is not one of "
                             f"{sorted(layers)}")
    years = tuple(_year(y, entry.where) for y in entry.get("financial_years", kind=list))
    if not years:
        raise CatalogueError(f"{entry.where}: financial_years is empty")
    practices = entry.table("practices")
    if practices is None:
        raise CatalogueError(f"{entry.where}: [snapshot.practices] is missing")
    active = practices.choice("active", ACTIVE_RULES)
    parts: dict[str, Any] = {}
    for name, layouts, required in (("memberships", MEMBERSHIP_LAYOUTS, True),
                                    ("registered", LIST_LAYOUTS, True),
                                    ("weighted", WEIGHTED_LAYOUTS, False),
                                    ("fallback_registered", LIST_LAYOUTS, False),
                                    ("region_names", NAME_LAYOUTS, False),
                                    ("age_bands", AGE_LAYOUTS, False)):
        table = entry.table(name)
        if table is None and required:
            raise CatalogueError(f"{entry.where}: [snapshot.{name}] is missing")
        parts[name] = _source(table, layouts)
        if table is not None:
            table.done()
    commissioners = _area(entry.table("commissioners"))
    if commissioners is None:
        raise CatalogueError(f"{entry.where}: [snapshot.commissioners] is missing")
    lookup_entry = entry.table("lsoa_commissioners")
    lookup = None
    if lookup_entry is not None:
        lookup = LsoaLookup(lookup_entry.get("file"), lookup_entry.get("vintage"),
                            lookup_entry.get("lsoa"), lookup_entry.get("commissioner"),
                            lookup_entry.get("icb", None))
        lookup_entry.done()
    snapshot = Snapshot(
        key=key, label=entry.get("label"), as_of=as_of, lsoa_layer=layer,
        financial_years=years, commissioner_word=entry.get("commissioner_word"),
        commissioner_plural=entry.get("commissioner_plural"),
        area_word=entry.get("area_word"),
        practices=_source(practices, PRACTICE_LAYOUTS), active=active,
        commissioners=commissioners, lsoa_commissioners=lookup,
        icbs=_area(entry.table("icbs")), list_note=entry.get("list_note", ""), **parts)
    practices.done()
    entry.done()
    return snapshot


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read and check a snapshot catalogue; a bad entry raises :class:`CatalogueError`."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogueError(f"{path.name}: cannot be read ({error})") from None
    top = _Entry(raw, path.name)
    layers: dict[str, LsoaLayer] = {}
    layer_tables = top.get("lsoa_layers", kind=dict)
    for key, table in layer_tables.items():
        entry = _Entry(table, f"{path.name}: [lsoa_layers.{key}]")
        rural = entry.table("rural_urban")
        layers[key] = LsoaLayer(key, entry.get("file"), entry.get("vintage"), entry.get("code"),
                                entry.get("name"), entry.get("note"),
                                entry.get("england_prefix", None),
                                None if rural is None else RuralUrban(
                                    rural.get("file"), rural.get("lsoa"), rural.get("code"),
                                    rural.get("class"), rural.get("flag")))
        if rural is not None:
            rural.done()
        entry.done()
    postcodes = _Entry(top.get("postcodes", kind=dict), f"{path.name}: [postcodes]")
    releases = []
    for number, release in enumerate(postcodes.get("releases", kind=list), start=1):
        entry = _Entry(release, f"{path.name}: [postcodes] release {number}")
        releases.append(SourceFile(entry.get("file"), "codepoint", entry.get("vintage")))
        entry.done()
    postcodes.done()
    entry = _Entry(top.get("places", kind=dict), f"{path.name}: [places]")
    places = Places(entry.get("file"), entry.get("vintage"), entry.get("code"), entry.get("name"))
    entry.done()
    snapshots: dict[str, Snapshot] = {}
    for number, table in enumerate(top.get("snapshot", kind=list), start=1):
        snapshot = _snapshot(_Entry(table, f"{path.name}: [[snapshot]] {number}"), layers)
        if snapshot.key in snapshots:
            raise CatalogueError(f"{path.name}: snapshot {snapshot.key!r} is declared twice")
        snapshots[snapshot.key] = snapshot
    top.done()
    if not snapshots:
        raise CatalogueError(f"{path.name}: declares no snapshot")
    ordered = dict(sorted(snapshots.items(), key=lambda item: item[1].as_of))
    return Catalogue(ordered, layers, tuple(releases), places, path)

