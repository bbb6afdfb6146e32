"""The rates file (``pcnmap/declared/funding_rates.toml``): its schema, and the
book it is read into (streams, rates, the lists each year uses, documents).

The file is checked against its schema (:mod:`pcnmap.schema`, pydantic) as
it is read: a key of the wrong type, missing or unknown, a basis or status
not declared, or a stream, year, list or document that no table declares,
is refused with the entry and key named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationInfo, field_validator, model_validator

from pcnmap.schema import Declared, read_declared

RATES_FILE = Path(__file__).resolve().parents[2] / "declared" / "funding_rates.toml"
Basis = Literal["registered", "weighted", "adjusted", "per_bed", "per_role", "national_share"]
PaidTo = Literal["network", "practice"]
Status = Literal["sourced", "unverified"]
BASES = get_args(Basis)
PAID_TO = get_args(PaidTo)
STATUSES = get_args(Status)


@dataclass(frozen=True)
class Stream:
    """A kind of payment: its name on screen, who is paid, its chart colour."""

    key: str
    label: str
    paid_to: str
    colour: str
    reported_average: float | None = None
    reported_per: str = ""
    reported_source: str = ""


@dataclass(frozen=True)
class Rate:
    """One figure of the rates file."""

    stream: str
    years: tuple[str, ...]
    amount: float
    basis: str
    source: str
    status: str
    start: dt.date | None = None
    end: dt.date | None = None
    per_period: bool = False
    up_to: bool = False
    roles: int = 1
    roles_over_100000: int = 1
    role: str = ""
    note: str = ""


@dataclass(frozen=True)
class YearLists:
    """Which lists a financial year uses, and whether its weighted list is
    estimated; ``note`` says anything else about the year, ``compared`` how
    the model's figures compare with what was paid, and ``compared_source``
    the document that comparison was made with (its title)."""

    year: str
    registered_list: str
    weighted_list: str
    list_note: str
    estimate_weighted: bool = False
    note: str = ""
    compared: str = ""
    compared_source: str = ""


@dataclass(frozen=True)
class ListFile:
    """A list-size file the funding model may use: where it is, its layout, what it describes."""

    name: str
    file: str
    layout: str
    describes: str


@dataclass(frozen=True)
class RateBook:
    """The whole rates file, checked."""

    streams: Mapping[str, Stream]
    rates: tuple[Rate, ...]
    years: Mapping[str, YearLists]
    documents: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, ListFile] = field(default_factory=dict)

    def for_year(self, year: str, paid_to: str = "network") -> list[Rate]:
        """The rates of ``year`` whose stream is paid to networks (or practices)."""
        return [rate for rate in self.rates
                if year in rate.years and self.streams[rate.stream].paid_to == paid_to]

    def streams_of(self, year: str, paid_to: str = "network") -> list[Stream]:
        """The streams ``year`` pays (to networks or practices), in the file's order."""
        paid = {rate.stream for rate in self.for_year(year, paid_to)}
        return [stream for key, stream in self.streams.items() if key in paid]

    def up_to(self, year: str) -> set[str]:
        """The streams whose amounts in ``year`` are ceilings or earned, not due."""
        return {rate.stream for rate in self.rates if year in rate.years and rate.up_to}

    def source_text(self, rate: Rate) -> str:
        """The document a rate comes from, by its title where the book names it."""
        return self.documents.get(rate.source, rate.source)

    def previous_year(self, year: str) -> str | None:
        """The financial year before ``year`` in the rates file, if it has one."""
        years = sorted(self.years)
        position = years.index(year)
        return years[position - 1] if position else None



# ---------------------------------------------------------------- the file's schema


def _declared(info: ValidationInfo, table: str, value: str) -> str:
    """``value`` when ``table`` of the rates file declares it, else an error
    naming what it does declare."""
    known = (info.context or {}).get(table, ())
    if value not in known:
        raise ValueError(f"{value!r} is not in [{table}]")
    return value


class StreamEntry(Declared):
    """``[streams.<key>]``: a kind of payment."""

    label: str
    paid_to: PaidTo
    colour: str
    reported_average: float | None = None
    reported_per: str = ""
    reported_source: str = ""

    @field_validator("reported_source")
    @classmethod
    def _document(cls, value: str, info: ValidationInfo) -> str:
        return _declared(info, "documents", value) if value else value


class ListEntry(Declared):
    """``[lists.<name>]``: a list-size file the model may use."""

    file: str
    layout: Literal["payments", "registered", "quinary-age", "qof-prevalence"]
    describes: str


class YearEntry(Declared):
    """``[[year]]``: the lists a financial year uses."""

    year: str
    registered_list: str
    weighted_list: str
    list_note: str
    estimate_weighted: bool = False
    note: str = ""
    compared: str = ""
    compared_source: str = ""

    @field_validator("registered_list", "weighted_list")
    @classmethod
    def _list(cls, value: str, info: ValidationInfo) -> str:
        return _declared(info, "lists", value)

    @field_validator("compared_source")
    @classmethod
    def _document(cls, value: str, info: ValidationInfo) -> str:
        return _declared(info, "documents", value) if value else value

    @model_validator(mode="after")
    def _compared_with(self) -> YearEntry:
        if self.compared and not self.compared_source:
            raise ValueError("'compared' needs 'compared_source' (a key of [documents])")
        return self


class RateEntry(Declared):
    """``[[rate]]``: one figure, its basis, months, source and status."""

    stream: str
    years: tuple[str, ...] = Field(strict=False, min_length=1)
    amount: float
    basis: Basis
    source: str
    status: Status
    start: dt.date | None = Field(None, alias="from", strict=False)  # TOML text YYYY-MM-DD
    end: dt.date | None = Field(None, alias="to", strict=False)
    per_period: bool = False
    up_to: bool = False
    roles: int = 1
    roles_over_100000: int | None = None
    role: str = ""
    note: str = ""

    @field_validator("stream")
    @classmethod
    def _stream(cls, value: str, info: ValidationInfo) -> str:
        return _declared(info, "streams", value)

    @field_validator("source")
    @classmethod
    def _source(cls, value: str, info: ValidationInfo) -> str:
        return _declared(info, "documents", value)

    @field_validator("years")
    @classmethod
    def _years(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        known = (info.context or {}).get("year", ())
        missing = [year for year in value if year not in known]
        if missing:
            raise ValueError(f"{missing[0]!r} has no [[year]] entry")
        return value


class RatesFile(Declared):
    """The whole of ``funding_rates.toml``, as declared."""

    documents: dict[str, str]
    streams: dict[str, StreamEntry]
    lists: dict[str, ListEntry]
    year: tuple[YearEntry, ...] = Field(strict=False, min_length=1)
    rate: tuple[RateEntry, ...] = Field(strict=False, min_length=1)


def _known(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The keys each table of the raw file declares, for the cross-checks."""
    def keys(table: str) -> list[str]:
        value = raw.get(table)
        return list(value) if isinstance(value, dict) else []
    years = raw.get("year")
    return {"documents": keys("documents"), "streams": keys("streams"),
            "lists": keys("lists"),
            "year": [entry.get("year") for entry in years if isinstance(entry, dict)]
            if isinstance(years, list) else []}


def load_rates(path: Path = RATES_FILE) -> RateBook:
    """Read the rates file and check it against its schema; a bad entry
    raises ``ValueError`` naming the file, the entry and the key."""
    declared = read_declared(path, RatesFile, keyed=("streams", "lists", "documents"),
                             context=_known)
    documents = declared.documents
    streams = {key: Stream(key, entry.label, entry.paid_to, entry.colour,
                           entry.reported_average, entry.reported_per,
                           documents.get(entry.reported_source, ""))
               for key, entry in declared.streams.items()}
    lists = {key: ListFile(key, entry.file, entry.layout, entry.describes)
             for key, entry in declared.lists.items()}
    years = {entry.year: YearLists(entry.year, entry.registered_list, entry.weighted_list,
                                   entry.list_note, entry.estimate_weighted, entry.note,
                                   entry.compared, documents.get(entry.compared_source, ""))
             for entry in declared.year}
    rates = tuple(Rate(
        stream=entry.stream, years=entry.years, amount=entry.amount, basis=entry.basis,
        source=entry.source, status=entry.status, start=entry.start, end=entry.end,
        per_period=entry.per_period, up_to=entry.up_to, roles=entry.roles,
        roles_over_100000=entry.roles if entry.roles_over_100000 is None
        else entry.roles_over_100000, role=entry.role, note=entry.note)
        for entry in declared.rate)
    return RateBook(streams, rates, years, documents, lists)


# ---------------------------------------------------------------- arithmetic


def months_active(year: str, start: dt.date | None, end: dt.date | None) -> int:
    """Whole months of a financial year (April to March) inside [start, end]."""
    first = int(year[:4])
    months = [dt.date(first + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]
    return sum(1 for month in months
               if (start is None or month >= start.replace(day=1))
               and (end is None or month <= end.replace(day=1)))


def rate_fraction(rate: Rate, year: str) -> float:
    """The share of the annual amount due in ``year`` (1 for a period amount)."""
    return 1.0 if rate.per_period else months_active(year, rate.start, rate.end) / 12




def default_year(book: RateBook, snapshot_years: tuple[str, ...]) -> str:
    """The year a snapshot's funding figures open on: the first year the
    snapshot informs (the catalogue's ``financial_years``) that the rates
    file covers, else the rates file's latest year."""
    covered = [year for year in snapshot_years if year in book.years]
    return covered[0] if covered else sorted(book.years)[-1]
