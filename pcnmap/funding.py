"""Each network's entitlements under the Network Contract DES, stream by stream.

The rates live in ``pcnmap/declared/funding_rates.toml`` with a source for every figure;
this module only applies them. A year's entitlement uses the list sizes the
rates file names for that year (the list of about 1 January before it), and
every result says which lists it used.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

RATES_FILE = Path(__file__).resolve().parent / "declared" / "funding_rates.toml"
STREAMS = {
    "core": "Core network funding",
    "clinical_director": "Clinical director",
    "extended_hours": "Extended hours access",
    "enhanced_access": "Enhanced access",
    "arrs": "Additional roles (ceiling)",
    "care_home": "Care home premium",
    "participation": "Participation payment (to practices)",
}
BASES = {"registered", "weighted", "per_bed", "per_role", "national_share"}
# The widely reported average uplift per practice of the 2019 contract,
# which is the participation payment (see the rates file).
REPORTED_AVERAGE_PER_PRACTICE = 14_000
# 2019/20 additional roles: two of each role above this many patients.
LARGE_NETWORK = 100_000


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
    roles: int = 1
    roles_over_100000: int = 1
    role: str = ""
    to_practice: bool = False
    note: str = ""


@dataclass(frozen=True)
class YearLists:
    """Which list sizes a financial year uses."""

    year: str
    registered_list: str
    weighted_list: str
    list_note: str


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

    rates: tuple[Rate, ...]
    years: Mapping[str, YearLists]
    documents: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, ListFile] = field(default_factory=dict)

    def for_year(self, year: str, *, to_practice: bool = False) -> list[Rate]:
        return [r for r in self.rates if year in r.years and r.to_practice == to_practice]

    def source_text(self, rate: Rate) -> str:
        return self.documents.get(rate.source, rate.source)


def _date(value: object, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def load_rates(path: Path = RATES_FILE) -> RateBook:
    """Read and check the rates file; a bad entry names the file and the entry."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{Path(path).name}: cannot be read ({error})") from None
    documents = raw.get("documents", {})
    lists = {}
    for name, entry in raw.get("lists", {}).items():
        try:
            lists[name] = ListFile(name, entry["file"], entry["layout"], entry["describes"])
        except KeyError as missing:
            raise ValueError(f"{Path(path).name}: [lists.{name}] lacks {missing}") from None
    years = {}
    for number, entry in enumerate(raw.get("year", []), start=1):
        try:
            years[entry["year"]] = YearLists(entry["year"], entry["registered_list"],
                                             entry["weighted_list"], entry.get("list_note", ""))
        except KeyError as missing:
            raise ValueError(f"{Path(path).name}: [[year]] entry {number} lacks {missing}") from None
        for key in ("registered_list", "weighted_list"):
            if lists and entry[key] not in lists:
                raise ValueError(f"{Path(path).name}: [[year]] {entry['year']}: {key} "
                                 f"{entry[key]!r} is not in [lists]")
    rates = []
    for number, entry in enumerate(raw.get("rate", []), start=1):
        where = f"{Path(path).name}: [[rate]] entry {number} ({entry.get('stream', '?')})"
        for key in ("stream", "years", "amount", "basis", "source", "status"):
            if key not in entry:
                raise ValueError(f"{where} lacks {key!r}")
        if entry["stream"] not in STREAMS:
            raise ValueError(f"{where}: unknown stream (expected one of {list(STREAMS)})")
        if entry["basis"] not in BASES:
            raise ValueError(f"{where}: unknown basis (expected one of {sorted(BASES)})")
        if entry["source"] not in documents:
            raise ValueError(f"{where}: source {entry['source']!r} is not in [documents]")
        unknown = set(entry["years"]) - set(years)
        if unknown:
            raise ValueError(f"{where}: year {sorted(unknown)[0]} has no [[year]] entry")
        rates.append(Rate(
            stream=entry["stream"], years=tuple(entry["years"]), amount=float(entry["amount"]),
            basis=entry["basis"], source=entry["source"], status=entry["status"],
            start=_date(entry.get("from"), where), end=_date(entry.get("to"), where),
            per_period=bool(entry.get("per_period", False)), roles=int(entry.get("roles", 1)),
            roles_over_100000=int(entry.get("roles_over_100000", entry.get("roles", 1))),
            role=entry.get("role", ""), to_practice=bool(entry.get("to_practice", False)),
            note=entry.get("note", "")))
    return RateBook(tuple(rates), years, documents, lists)


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


def year_lists(lists: pd.DataFrame, book: RateBook, year: str) -> pd.DataFrame:
    """Each practice's registered and weighted list for ``year``, by the rates file's choice.

    ``lists`` holds one row per practice and list (``practice_code``,
    ``list_name``, ``registered``, ``weighted``).
    """
    chosen = book.years[year]
    registered = lists[lists["list_name"] == chosen.registered_list].set_index(
        "practice_code")["registered"]
    weighted = lists[lists["list_name"] == chosen.weighted_list].set_index(
        "practice_code")["weighted"]
    frame = pd.concat([registered, weighted], axis=1).reset_index()
    return frame.rename(columns={"index": "practice_code"})


def network_entitlements(
    practices: pd.DataFrame,
    lists: pd.DataFrame,
    book: RateBook,
    year: str,
    care_home_beds: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """What each network is entitled to in ``year``, stream by stream.

    Members are the snapshot's (``practices.network_code``); their list sizes
    are the year's. Additional roles are a ceiling the network may claim, not
    money paid. Care home beds are not in the data: pass them per network.
    """
    for_year = year_lists(lists, book, year)
    england_weighted = float(for_year["weighted"].sum())
    members = practices.dropna(subset=["network_code"])[["practice_code", "network_code",
                                                         "network_name", "commissioner_code"]]
    members = members.merge(for_year, on="practice_code", how="left")
    networks = members.groupby("network_code").agg(
        network_name=("network_name", "first"),
        members=("practice_code", "size"),
        registered=("registered", "sum"),
        weighted=("weighted", "sum"),
    )
    # Counted in one pass, not by a Python function per network.
    missing = members["registered"].isna().groupby(members["network_code"]).sum()
    networks.insert(2, "members_without_list", missing.astype(int))
    home = practices.dropna(subset=["network_code"]).groupby("network_code")[
        "network_commissioner_code"].first()
    networks["commissioner_code"] = home
    beds = pd.Series(care_home_beds or {}, dtype=float).reindex(networks.index).fillna(0.0)
    for stream in STREAMS:
        if stream != "participation":
            networks[stream] = 0.0
    for rate in book.for_year(year):
        fraction = rate_fraction(rate, year)
        if rate.basis == "registered":
            amount = rate.amount * networks["registered"]
        elif rate.basis == "weighted":
            amount = rate.amount * networks["weighted"]
        elif rate.basis == "per_bed":
            amount = rate.amount * beds
        elif rate.basis == "per_role":
            roles = np.where(networks["registered"] > LARGE_NETWORK,
                             rate.roles_over_100000, rate.roles)
            amount = rate.amount * pd.Series(roles, index=networks.index)
        else:  # national_share
            amount = rate.amount * networks["weighted"] / england_weighted
        networks[rate.stream] += amount * fraction
    stream_columns = [s for s in STREAMS if s != "participation"]
    networks["total"] = networks[stream_columns].sum(axis=1)
    networks["per_patient"] = networks["total"] / networks["registered"].where(
        networks["registered"] > 0)
    chosen = book.years[year]
    networks["year"] = year
    networks["registered_list"] = chosen.registered_list
    networks["weighted_list"] = chosen.weighted_list
    return networks.reset_index()


def participation_payments(
    practices: pd.DataFrame, lists: pd.DataFrame, book: RateBook, year: str
) -> pd.DataFrame:
    """Each participating (network member) practice's participation payment in ``year``."""
    for_year = year_lists(lists, book, year)
    members = practices.dropna(subset=["network_code"])[[
        "practice_code", "practice_name", "commissioner_code", "commissioner_name",
        "network_code"]].merge(for_year[["practice_code", "weighted"]], on="practice_code",
                               how="left")
    members["participation"] = 0.0
    for rate in book.for_year(year, to_practice=True):
        members["participation"] += rate.amount * members["weighted"].fillna(0.0) * \
            rate_fraction(rate, year)
    members["weighted_list"] = book.years[year].weighted_list
    return members


def average_participation(payments: pd.DataFrame) -> pd.DataFrame:
    """England's and each commissioner's average participation payment per practice."""
    national = pd.DataFrame({
        "commissioner_code": ["England"], "commissioner_name": ["England"],
        "practices": [len(payments)], "average": [payments["participation"].mean()]})
    local = payments.groupby("commissioner_code").agg(
        commissioner_name=("commissioner_name", "first"),
        practices=("practice_code", "size"),
        average=("participation", "mean")).reset_index()
    table = pd.concat([national, local], ignore_index=True)
    table["reported_average"] = REPORTED_AVERAGE_PER_PRACTICE
    return table


def default_year(book: RateBook, snapshot_years: tuple[str, ...]) -> str:
    """The year a snapshot's funding figures open on: the first year the
    snapshot informs (the catalogue's ``financial_years``) that the rates
    file covers, else the rates file's latest year."""
    covered = [year for year in snapshot_years if year in book.years]
    return covered[0] if covered else sorted(book.years)[-1]
