"""What networks (and their practices) are entitled to in a year, stream by
stream, from the rates book (:mod:`pcnmap.model.funding.rates`): the year's
lists, each network's entitlement, the practices' own payments, averages,
the change from the year before, a network's per-patient figure beside its
commissioner's and England's, and the care home beds a person enters."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcnmap.model.benchmarks import MEASURES, Benchmark, spread
from pcnmap.model.funding.rates import Rate, RateBook, Stream, YearLists, rate_fraction

# Above this many registered patients a per_role rate counts roles_over_100000.
LARGE_NETWORK = 100_000


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



def per_patient_benchmarks(funding: NetworkFunding, network_code: str) -> Benchmark | None:
    """A network's total per patient beside its commissioner's networks' and
    England's (their medians, 10th-90th percentiles and its decile): the one
    benchmark type the network panel uses too."""
    table = funding.networks.set_index("network_code")
    if network_code not in table.index:
        return None
    row = table.loc[network_code]
    own = float(row["per_patient"])
    local = table.loc[table["commissioner_code"] == row["commissioner_code"], "per_patient"]
    return Benchmark("per_patient", MEASURES["per_patient"], own, spread(local, own),
                     spread(table["per_patient"], own))


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
