"""The snapshot catalogue: which official files make each snapshot.

The catalogue is data (``pcnmap/declared/snapshots.toml``), not code: a new
snapshot whose files are in a known layout is one more entry there. Its
entries are declared here as a schema (pydantic models, :mod:`pcnmap.schema`),
so a mistyped or unknown key, a value of the wrong type, an unknown layout or
a snapshot naming an LSOA layer that does not exist is refused with the
entry and key named, before any file is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from pcnmap.schema import Declared, read_declared

DECLARED = Path(__file__).resolve().parents[1] / "declared"
CATALOGUE_FILE = DECLARED / "snapshots.toml"

# The layouts each kind of source may have (the readers in pcnmap.pipeline.readers).
PracticeLayout = Literal["epraccur", "epraccur-2026"]
MembershipLayout = Literal["epcn", "practice-map"]
ListLayout = Literal["payments", "registered", "quinary-age", "qof-prevalence"]
ActiveRule = Literal["status", "dates"]
PRACTICE_LAYOUTS = get_args(PracticeLayout)
MEMBERSHIP_LAYOUTS = get_args(MembershipLayout)
LIST_LAYOUTS = get_args(ListLayout)
ACTIVE_RULES = get_args(ActiveRule)


class CatalogueError(ValueError):
    """The catalogue breaks its own rules; the message names the entry."""


class SourceFile(Declared):
    """One official file: where it is (relative to the source folder), the
    layout its reader expects and the date its contents describe."""

    file: str
    layout: str
    vintage: str


class PracticesFile(SourceFile):
    """The practices' file, and how a practice is judged active on the
    snapshot date: by the file's status, or by its open and close dates."""

    layout: PracticeLayout
    active: ActiveRule


class MembershipsFile(SourceFile):
    """The file saying which practices are in which network."""

    layout: MembershipLayout


class ListFile(SourceFile):
    """A list-size file."""

    layout: ListLayout


class WeightedFile(SourceFile):
    """A file of weighted lists."""

    layout: Literal["payments"]


class NamesFile(SourceFile):
    """A file naming regions by their ODS code."""

    layout: Literal["practice-map"]


class AgeFile(SourceFile):
    """A file of patients by age band."""

    layout: Literal["quinary-age"]


class Release(Declared):
    """A Code-Point Open release."""

    file: str
    vintage: str
    layout: Literal["codepoint"] = "codepoint"


class CodePairs(Declared):
    """A table pairing ONS and ODS codes (for boundaries that carry ONS codes only)."""

    file: str
    ons: str
    ods: str


class Boundary(Declared):
    """A boundary file and the attribute names it uses."""

    file: str
    vintage: str
    ons_code: str
    name: str
    ods_code: str | None = None


class AreaLayer(Boundary):
    """Commissioner or ICB/STP boundaries of a snapshot.

    ``ods_codes`` gives the ODS codes when the boundary carries ONS codes
    only. ``names`` says where the areas' names come from: their boundary
    file, or the memberships file (newer, after a renaming). ``successors``
    are newer boundaries cutting any area that no practice names any more
    (a location split since the boundary file). ``derived`` marks outlines
    that are not published geometry.
    """

    kind: str
    note: str
    ods_codes: CodePairs | None = None
    names: Literal["boundary", "memberships"] = "boundary"
    successors: Boundary | None = None
    derived: bool = False
    locate_lsoas: bool = False

    @model_validator(mode="after")
    def _has_ods_codes(self) -> AreaLayer:
        if self.ods_code is None and self.ods_codes is None:
            raise ValueError("needs 'ods_code' or 'ods_codes' (the boundary file's ODS codes, "
                             "or a table pairing its ONS codes with them)")
        return self

    @property
    def boundary(self) -> Boundary:
        """The boundary file itself, without what the layer adds."""
        return Boundary(file=self.file, vintage=self.vintage, ons_code=self.ons_code,
                        name=self.name, ods_code=self.ods_code)


class LsoaLookup(Declared):
    """An ONS lookup placing each LSOA in a commissioner (and an ICB)."""

    file: str
    vintage: str
    lsoa: str
    commissioner: str
    icb: str | None = None


class RuralUrban(Declared):
    """The ONS rural-urban classification of an LSOA layer: its file and columns."""

    file: str
    lsoa: str
    code: str
    name: str = Field(alias="class")
    flag: str


class LsoaLayer(Declared):
    """An LSOA boundary layer network boundaries are derived from (``key``:
    its name in the catalogue, ``[lsoa_layers.<key>]``)."""

    key: str
    file: str
    vintage: str
    code: str
    name: str
    note: str
    england_prefix: str | None = None
    rural_urban: RuralUrban | None = None


def _financial_year(value: str) -> str:
    start = value[:4]
    if len(value) != 7 or value[4] != "/" or not start.isdigit() \
            or value[5:] != f"{(int(start) + 1) % 100:02d}":
        raise ValueError(f"{value!r} is not a financial year such as '2024/25'")
    return value


class Snapshot(Declared):
    """One dated view of England's networks and the files that make it."""

    key: str
    label: str
    as_of: dt.date = Field(strict=False)  # TOML text YYYY-MM-DD
    lsoa_layer: str
    financial_years: tuple[str, ...] = Field(strict=False, min_length=1)
    commissioner_word: str
    commissioner_plural: str
    area_word: str
    practices: PracticesFile
    memberships: MembershipsFile
    registered: ListFile
    commissioners: AreaLayer
    weighted: WeightedFile | None = None
    fallback_registered: ListFile | None = None
    lsoa_commissioners: LsoaLookup | None = None
    icbs: AreaLayer | None = None
    region_names: NamesFile | None = None
    age_bands: AgeFile | None = None
    list_note: str = ""

    @field_validator("lsoa_layer")
    @classmethod
    def _known_layer(cls, value: str, info: ValidationInfo) -> str:
        layers = sorted((info.context or {}).get("lsoa_layers", ()))
        if value not in layers:
            raise ValueError(f"{value!r} is not one of {layers}")
        return value

    @field_validator("financial_years")
    @classmethod
    def _financial_years(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_financial_year(year) for year in value)

    @property
    def active(self) -> str:
        """How its practices are judged active: ``status`` or ``dates``."""
        return self.practices.active

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
            found.append((layer.file, layer.vintage))
            if layer.ods_codes:
                found.append((layer.ods_codes.file, layer.vintage))
            if layer.successors:
                found.append((layer.successors.file, layer.successors.vintage))
        if self.lsoa_commissioners:
            found.append((self.lsoa_commissioners.file, self.lsoa_commissioners.vintage))
        return list(dict.fromkeys(found))


class Places(Declared):
    """The local authority districts practices are placed in."""

    file: str
    vintage: str
    code: str
    name: str


class Postcodes(Declared):
    """The Code-Point Open releases, newest first."""

    releases: tuple[Release, ...] = Field(strict=False, min_length=1)


class CatalogueFile(Declared):
    """The whole of ``snapshots.toml``, as declared."""

    postcodes: Postcodes
    places: Places
    lsoa_layers: dict[str, LsoaLayer]
    snapshot: tuple[Snapshot, ...] = Field(strict=False, min_length=1)

    @field_validator("snapshot")
    @classmethod
    def _once_each(cls, value: tuple[Snapshot, ...]) -> tuple[Snapshot, ...]:
        keys = [snapshot.key for snapshot in value]
        repeated = next((key for key in keys if keys.count(key) > 1), None)
        if repeated is not None:
            raise ValueError(f"snapshot {repeated!r} is declared twice")
        return value


@dataclass(frozen=True)
class Catalogue:
    """Every snapshot, the LSOA layers, the postcode releases and the places."""

    snapshots: Mapping[str, Snapshot]
    lsoa_layers: Mapping[str, LsoaLayer]
    postcode_releases: tuple[Release, ...]
    places: Places
    path: Path = field(default=CATALOGUE_FILE)

    def layer_of(self, snapshot: Snapshot) -> LsoaLayer:
        """The LSOA layer the snapshot places its practices on."""
        return self.lsoa_layers[snapshot.lsoa_layer]


def _with_layer_keys(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """The catalogue with each LSOA layer's key copied into its table."""
    layers = raw.get("lsoa_layers")
    if not isinstance(layers, dict):
        return raw
    return {**raw, "lsoa_layers": {key: {**table, "key": key} if isinstance(table, dict)
                                   else table for key, table in layers.items()}}


def _known(raw: Mapping[str, Any]) -> dict[str, Any]:
    layers = raw.get("lsoa_layers")
    return {"lsoa_layers": list(layers) if isinstance(layers, dict) else []}


def load_catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """Read a snapshot catalogue and check it against its schema; a bad entry
    raises :class:`CatalogueError` naming the entry and key."""
    path = Path(path)
    declared = read_declared(path, CatalogueFile, keyed=("lsoa_layers",), context=_known,
                             prepare=_with_layer_keys, error=CatalogueError)
    ordered = dict(sorted(((s.key, s) for s in declared.snapshot),
                          key=lambda item: item[1].as_of))
    return Catalogue(ordered, declared.lsoa_layers, declared.postcodes.releases,
                     declared.places, path)
