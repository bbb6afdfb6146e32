"""What networks (and their practices) are paid under the Network Contract DES.

Everything that varies by year, the streams, their rates and the lists
each year uses, is declared in ``pcnmap/declared/funding_rates.toml`` with a
source for every figure; this module only applies what it declares. No
stream or year is named here: a new stream or year is an entry in that
file. Every result says which lists it used and which of its figures are
estimated or "up to" amounts.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

RATES_FILE = Path(__file__).resolve().parents[1] / "declared" / "funding_rates.toml"
BASES = ("registered", "weighted", "adjusted", "per_bed", "per_role", "national_share")
PAID_TO = ("network", "practice")
STATUSES = ("sourced", "unverified")
# Above this many registered patients a per_role rate counts roles_over_100000.
LARGE_NETWORK = 100_000


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


# ---------------------------------------------------------------- reading the file


def _date(value: object, where: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def _require(entry: Mapping, keys: tuple[str, ...], where: str) -> None:
    for key in keys:
        if key not in entry:
            raise ValueError(f"{where} lacks {key!r}")


def load_rates(path: Path = RATES_FILE) -> RateBook:
    """Read and check the rates file; a bad entry names the file and the entry."""
    name = Path(path).name
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{name}: cannot be read ({error})") from None
    documents = raw.get("documents", {})
    streams = {}
    for key, entry in raw.get("streams", {}).items():
        where = f"{name}: [streams.{key}]"
        _require(entry, ("label", "paid_to", "colour"), where)
        if entry["paid_to"] not in PAID_TO:
            raise ValueError(f"{where}: paid_to {entry['paid_to']!r} is not one of {PAID_TO}")
        streams[key] = Stream(key, entry["label"], entry["paid_to"], entry["colour"],
                              entry.get("reported_average"), entry.get("reported_per", ""),
                              documents.get(entry.get("reported_source", ""), ""))
    lists = {}
    for key, entry in raw.get("lists", {}).items():
        _require(entry, ("file", "layout", "describes"), f"{name}: [lists.{key}]")
        lists[key] = ListFile(key, entry["file"], entry["layout"], entry["describes"])
    years = {}
    for number, entry in enumerate(raw.get("year", []), start=1):
        where = f"{name}: [[year]] entry {number}"
        _require(entry, ("year", "registered_list", "weighted_list", "list_note"), where)
        for key in ("registered_list", "weighted_list"):
            if lists and entry[key] not in lists:
                raise ValueError(f"{where} ({entry['year']}): {key} {entry[key]!r} is not "
                                 "in [lists]")
        if entry.get("compared") and entry.get("compared_source") not in documents:
            raise ValueError(f"{where} ({entry['year']}): compared_source "
                             f"{entry.get('compared_source')!r} is not in [documents]")
        years[entry["year"]] = YearLists(entry["year"], entry["registered_list"],
                                         entry["weighted_list"], entry["list_note"],
                                         bool(entry.get("estimate_weighted", False)),
                                         entry.get("note", ""), entry.get("compared", ""),
                                         documents.get(entry.get("compared_source", ""), ""))
    rates = []
    for number, entry in enumerate(raw.get("rate", []), start=1):
        where = f"{name}: [[rate]] entry {number} ({entry.get('stream', '?')})"
        _require(entry, ("stream", "years", "amount", "basis", "source", "status"), where)
        if entry["stream"] not in streams:
            raise ValueError(f"{where}: stream is not one of [streams] {list(streams)}")
        if entry["basis"] not in BASES:
            raise ValueError(f"{where}: unknown basis (expected one of {list(BASES)})")
        if entry["status"] not in STATUSES:
            raise ValueError(f"{where}: unknown status (expected one of {list(STATUSES)})")
        if entry["source"] not in documents:
            raise ValueError(f"{where}: source {entry['source']!r} is not in [documents]")
        unknown = set(entry["years"]) - set(years)
        if unknown:
            raise ValueError(f"{where}: year {sorted(unknown)[0]} has no [[year]] entry")
        rates.append(Rate(
            stream=entry["stream"], years=tuple(entry["years"]), amount=float(entry["amount"]),
            basis=entry["basis"], source=entry["source"], status=entry["status"],
            start=_date(entry.get("from"), where), end=_date(entry.get("to"), where),
            per_period=bool(entry.get("per_period", False)),
            up_to=bool(entry.get("up_to", False)), roles=int(entry.get("roles", 1)),
            roles_over_100000=int(entry.get("roles_over_100000", entry.get("roles", 1))),
            role=entry.get("role", ""), note=entry.get("note", "")))
    return RateBook(streams, tuple(rates), years, documents, lists)


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


def year_lists(lists: pd.DataFrame, book: RateBook, year: str,
               weighted: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each practice's registered and weighted list for ``year``, by the rates
    file's choice, and whether its weighted list is estimated.

    ``lists`` holds one row per practice and list (``practice_code``,
    ``list_name``, ``registered``, ``weighted``). For a year with no weighted
    list, a practice's is its registered list times its weighted-to-
    registered ratio in the last known list (England's ratio where it has
    none). ``weighted`` (a user's NHS Payments file: ``practice_code``,
    ``weighted``) replaces the estimate for the practices it lists.
    """
    chosen = book.years[year]
    registered = lists[lists["list_name"] == chosen.registered_list].set_index(
        "practice_code")["registered"]
    known = lists[lists["list_name"] == chosen.weighted_list].set_index("practice_code")
    frame = pd.DataFrame({"registered": registered})
    if chosen.estimate_weighted:
        ratio = (known["weighted"] / known["registered"].where(known["registered"] > 0))
        england = known["weighted"].sum() / known["registered"].sum()
        frame["weighted"] = frame["registered"] * ratio.reindex(frame.index).fillna(england)
        frame["weighted_estimated"] = True
    else:
        frame = frame.join(known["weighted"], how="outer")
        frame["weighted_estimated"] = False
    if weighted is not None:
        given = weighted.set_index("practice_code")["weighted"].dropna()
        frame = frame.reindex(frame.index.union(given.index))
        frame.loc[given.index, "weighted"] = given
        frame.loc[given.index, "weighted_estimated"] = False
        frame["weighted_estimated"] = frame["weighted_estimated"].fillna(False).astype(bool)
    frame.index.name = "practice_code"
    return frame.reset_index()


def _amount(rate: Rate, base: pd.DataFrame, beds: pd.Series, england: Mapping[str, float]
            ) -> pd.Series:
    """A rate applied to each row of ``base`` (registered, weighted, adjusted lists)."""
    if rate.basis in ("registered", "weighted", "adjusted"):
        return rate.amount * base[rate.basis]
    if rate.basis == "per_bed":
        return rate.amount * beds.reindex(base.index).fillna(0.0)
    if rate.basis == "per_role":
        roles = np.where(base["registered"] > LARGE_NETWORK, rate.roles_over_100000,
                         rate.roles)
        return rate.amount * pd.Series(roles, index=base.index, dtype=float)
    return rate.amount * base["weighted"] / england["weighted"]  # national_share


@dataclass(frozen=True)
class NetworkFunding:
    """Every network's entitlement in one year, stream by stream.

    ``networks`` has one row per network: its members, lists (``registered``,
    ``weighted``, ``adjusted``; ``estimated`` where a member's weighted list
    is an estimate), one column per stream of ``streams``, ``total``,
    ``due`` (the streams that are not "up to") and ``per_patient`` (total per
    registered patient). ``up_to`` names the streams whose figures are
    ceilings or earned by achievement.
    """

    year: str
    lists: YearLists
    streams: tuple[Stream, ...]
    up_to: frozenset[str]
    networks: pd.DataFrame
    england_registered: float
    england_weighted: float

    @property
    def estimated(self) -> bool:
        """Whether the year's weighted (and adjusted) lists are estimates."""
        return bool(self.networks["estimated"].any())


# Care home beds one network may be aligned to: England has about 400,000
# beds (CQC) over some 1,250 networks; ten times the largest plausible share.
MAX_BEDS = 5_000


def care_home_beds(entered: pd.DataFrame, network_codes: Collection[str]
                   ) -> tuple[dict[str, float], list[str]]:
    """The care home beds a person entered (``network_code``,
    ``care_home_beds``), checked: each network one of ``network_codes``,
    each count a whole number from 0 to :data:`MAX_BEDS`, each network once.

    Returns:
        The good rows (network code -> beds), and a sentence for each bad
        row naming its row (1 for the first, as on screen), column and value.
    """
    good: dict[str, float] = {}
    problems: list[str] = []
    known = set(network_codes)
    for row, (given, beds) in enumerate(zip(entered["network_code"],
                                            entered["care_home_beds"], strict=True), start=1):
        code = "" if pd.isna(given) else str(given).strip().upper()
        if not code and pd.isna(beds):
            continue  # a row not yet filled in
        where = f"Care home beds, row {row}"
        if code not in known:
            problems.append(f"{where}, column 'network_code': {code!r} is not a network of "
                            "this snapshot (expected a network code such as U12345); "
                            "row not used")
        elif code in good:
            problems.append(f"{where}, column 'network_code': {code} is entered twice "
                            "(expected each network once); the first row is used")
        elif pd.isna(beds) or not np.isfinite(beds) or beds < 0 or beds > MAX_BEDS \
                or beds % 1:
            shown = "blank" if pd.isna(beds) else f"{beds:g}"
            problems.append(f"{where}, column 'care_home_beds': {shown} is not a number of "
                            f"beds (expected a whole number from 0 to {MAX_BEDS:,}); "
                            "row not used")
        else:
            good[code] = float(beds)
    return good, problems


def network_funding(
    practices: pd.DataFrame,
    lists: pd.DataFrame,
    book: RateBook,
    year: str,
    care_home_beds: Mapping[str, float] | None = None,
    weighted: pd.DataFrame | None = None,
) -> NetworkFunding:
    """What each network is entitled to in ``year``, stream by stream.

    Members are the snapshot's (``practices.network_code``); their list sizes
    are the year's. A network's adjusted population is its weighted list
    scaled so England's adjusted total equals its registered total. Care
    home beds are not in the data: pass them per network.
    """
    for_year = year_lists(lists, book, year, weighted)
    england = {"registered": float(for_year["registered"].sum()),
               "weighted": float(for_year["weighted"].sum())}
    to_adjusted = england["registered"] / england["weighted"] if england["weighted"] else 0.0
    members = practices.dropna(subset=["network_code"])[["practice_code", "network_code",
                                                         "network_name"]]
    members = members.merge(for_year, on="practice_code", how="left")
    grouped = members.groupby("network_code")
    networks = grouped.agg(network_name=("network_name", "first"),
                           members=("practice_code", "size"),
                           registered=("registered", "sum"), weighted=("weighted", "sum"))
    networks.insert(2, "members_without_list", members["registered"].isna().groupby(
        members["network_code"]).sum().astype(int))
    networks["adjusted"] = networks["weighted"] * to_adjusted
    networks["estimated"] = members["weighted_estimated"].fillna(False).astype(bool).groupby(
        members["network_code"]).any()
    networks["commissioner_code"] = practices.dropna(subset=["network_code"]).groupby(
        "network_code")["network_commissioner_code"].first()
    beds = pd.Series(care_home_beds or {}, dtype=float)
    streams = book.streams_of(year)
    for stream in streams:
        networks[stream.key] = 0.0
    for rate in book.for_year(year):
        networks[rate.stream] += _amount(rate, networks, beds, england) * rate_fraction(rate,
                                                                                        year)
    keys = [stream.key for stream in streams]
    up_to = frozenset(book.up_to(year)) & set(keys)
    networks["total"] = networks[keys].sum(axis=1)
    networks["due"] = networks[[key for key in keys if key not in up_to]].sum(axis=1)
    networks["per_patient"] = networks["total"] / networks["registered"].where(
        networks["registered"] > 0)
    networks["year"] = year
    return NetworkFunding(year, book.years[year], tuple(streams), up_to, networks.reset_index(),
                          england["registered"], england["weighted"])


def practice_payments(practices: pd.DataFrame, lists: pd.DataFrame, book: RateBook, year: str,
                      weighted: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each network member practice's own payments in ``year`` (the streams
    paid to practices), with ``total`` and whether its list is estimated."""
    for_year = year_lists(lists, book, year, weighted)
    england = {"registered": float(for_year["registered"].sum()),
               "weighted": float(for_year["weighted"].sum())}
    members = practices.dropna(subset=["network_code"])[[
        "practice_code", "practice_name", "commissioner_code", "commissioner_name",
        "network_code"]].merge(for_year, on="practice_code", how="left")
    members["adjusted"] = members["weighted"] * (england["registered"] / england["weighted"])
    members["estimated"] = members["weighted_estimated"].fillna(False).astype(bool)
    streams = book.streams_of(year, "practice")
    for stream in streams:
        members[stream.key] = 0.0
    for rate in book.for_year(year, "practice"):
        members[rate.stream] += (_amount(rate, members, pd.Series(dtype=float), england)
                                 .fillna(0.0) * rate_fraction(rate, year))
    members["total"] = members[[stream.key for stream in streams]].sum(axis=1)
    members["year"] = year
    return members.drop(columns="weighted_estimated")


def averages(payments: pd.DataFrame, column: str = "total") -> pd.DataFrame:
    """England's and each commissioner's average payment per practice."""
    national = pd.DataFrame({
        "commissioner_code": ["England"], "commissioner_name": ["England"],
        "practices": [len(payments)], "average": [payments[column].mean()]})
    local = payments.groupby("commissioner_code").agg(
        commissioner_name=("commissioner_name", "first"),
        practices=("practice_code", "size"),
        average=(column, "mean")).reset_index()
    return pd.concat([national, local], ignore_index=True)


@dataclass(frozen=True)
class Benchmarks:
    """Per-patient figures of one network set beside its commissioner's and England's."""

    network: float
    commissioner_median: float
    england_median: float


def per_patient_benchmarks(funding: NetworkFunding, network_code: str) -> Benchmarks | None:
    """A network's total per patient beside the medians of its commissioner's
    networks and of England's."""
    table = funding.networks.set_index("network_code")
    if network_code not in table.index:
        return None
    row = table.loc[network_code]
    local = table.loc[table["commissioner_code"] == row["commissioner_code"], "per_patient"]
    return Benchmarks(float(row["per_patient"]), float(local.median()),
                      float(table["per_patient"].median()))


def year_on_year(this: NetworkFunding, before: NetworkFunding) -> pd.DataFrame:
    """Each network's change from ``before`` to ``this`` year, stream by
    stream and in total (the same members throughout, so the change is the
    rates' and lists'). Every stream of either year is a column, one paid
    in only one of them counted at £0 in the other (a stream that ended
    falls by all of the year before's amount), so the streams' changes add
    up to the total's."""
    keys = list(dict.fromkeys([s.key for s in before.streams] + [s.key for s in this.streams]))
    now = this.networks.set_index("network_code").reindex(columns=[*keys, "total"]).fillna(0.0)
    was = before.networks.set_index("network_code").reindex(
        index=now.index, columns=[*keys, "total"]).fillna(0.0)
    return (now - was).reset_index()


def default_year(book: RateBook, snapshot_years: tuple[str, ...]) -> str:
    """The year a snapshot's funding figures open on: the first year the
    snapshot informs (the catalogue's ``financial_years``) that the rates
    file covers, else the rates file's latest year."""
    covered = [year for year in snapshot_years if year in book.years]
    return covered[0] if covered else sorted(book.years)[-1]
