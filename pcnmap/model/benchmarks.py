"""A network's figures set against its commissioner's networks and England's
(median and deciles, as Fingertips shows them), its rurality and its
patients by age."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The measures a network is benchmarked on: column -> what it is.
MEASURES = {"registered": "Registered patients", "per_patient": "£ per patient",
            "member_count": "Member practices"}
NOT_RECORDED = "not recorded"
# Which network each LSOA goes to, by method. Voronoi cells do not follow
# LSOAs: its LSOAs are those of the nearest-practice rule.
LSOA_NETWORK_COLUMN = {"lsoa": "network_code", "catchment": "catchment_network_code",
                       "voronoi": "network_code"}


@dataclass(frozen=True)
class Spread:
    """Where a value stands among others: their median, 1st and 9th deciles,
    and the decile the value falls in (1: lowest tenth, 10: highest)."""

    median: float
    low: float
    high: float
    decile: int
    count: int


@dataclass(frozen=True)
class Benchmark:
    """One measure of a network against its commissioner's networks and England's.

    The one benchmark type: the network panel's (:class:`NetworkBenchmarks`,
    a row per measure) and Funding's (its £ per patient,
    :func:`pcnmap.model.funding.per_patient_benchmarks`).

    Attributes:
        measure: The measure's column (:data:`MEASURES`).
        label: The measure in words.
        network: The network's own figure.
        commissioner: Where it stands among its commissioner's networks.
        england: Where it stands among England's networks.
    """

    measure: str
    label: str
    network: float
    commissioner: Spread
    england: Spread

    @property
    def commissioner_median(self) -> float:
        """The median of its commissioner's networks."""
        return self.commissioner.median

    @property
    def england_median(self) -> float:
        """The median of England's networks."""
        return self.england.median


@dataclass(frozen=True)
class NetworkBenchmarks:
    """A network's measures, each set against its commissioner and England."""

    network_code: str
    commissioner_code: str
    rows: tuple[Benchmark, ...]

    def table(self) -> pd.DataFrame:
        """The benchmarks as a table of text, one row per measure: the value,
        the commissioner's and England's median with their 10th–90th
        percentiles, and the decile the value falls in among each."""
        rows = []
        for row in self.rows:
            def shown(value: float, measure: str = row.measure) -> str:
                return written(measure, value)
            rows.append({
                "Measure": row.label, "This network": shown(row.network),
                "Commissioner: median (10th–90th)":
                    f"{shown(row.commissioner.median)} ({shown(row.commissioner.low)}–"
                    f"{shown(row.commissioner.high)})",
                "Decile (commissioner)": str(row.commissioner.decile or "—"),
                "England: median (10th–90th)":
                    f"{shown(row.england.median)} ({shown(row.england.low)}–"
                    f"{shown(row.england.high)})",
                "Decile (England)": str(row.england.decile or "—")})
        return pd.DataFrame(rows)


def written(measure: str, value: float) -> str:
    """A measure's value as the screens write it (£ to the penny, counts whole)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if measure == "per_patient":
        return f"£{value:,.2f}"
    if measure == "member_count":
        return f"{value:,.1f}".removesuffix(".0")
    return f"{value:,.0f}"


def spread(values: pd.Series, value: float) -> Spread:
    """Where ``value`` stands among ``values`` (missing values left out).

    Its decile is one more than the number of whole tenths of the values
    that lie below it, at most 10: the lowest value is in the 1st decile,
    the highest in the 10th (when it is above nine tenths of the others).
    """
    known = values.dropna().to_numpy(dtype=float)
    if not len(known) or value is None or (isinstance(value, float) and math.isnan(value)):
        return Spread(float("nan"), float("nan"), float("nan"), 0, len(known))
    below = float((known < value).sum()) / len(known)
    return Spread(float(np.median(known)), float(np.quantile(known, 0.1)),
                  float(np.quantile(known, 0.9)), min(10, 1 + math.floor(below * 10)),
                  len(known))


def benchmark_measures(networks: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """One row per network: its commissioner and each of :data:`MEASURES`
    (£ per patient from the funding year's entitlements, ``funding``)."""
    per_patient = funding.set_index("network_code")["per_patient"]
    return networks[["network_code", "commissioner_code", "registered", "member_count"]].assign(
        per_patient=networks["network_code"].map(per_patient).astype(float))


def network_benchmarks(measures: pd.DataFrame, network_code: str) -> NetworkBenchmarks:
    """The network's :data:`MEASURES` against its commissioner's networks
    (those whose commissioner is its own) and all of England's.

    Args:
        measures: :func:`benchmark_measures`, one row per network.
        network_code: The network.

    Returns:
        The benchmarks; ``KeyError`` when the network is not in ``measures``.
    """
    indexed = measures.set_index("network_code")
    own = indexed.loc[network_code]
    peers = indexed[indexed["commissioner_code"] == own["commissioner_code"]]
    rows = tuple(Benchmark(column, label, float(own[column]),
                           spread(peers[column], float(own[column])),
                           spread(indexed[column], float(own[column])))
                 for column, label in MEASURES.items())
    return NetworkBenchmarks(network_code, str(own["commissioner_code"]), rows)


@dataclass(frozen=True)
class NetworkRurality:
    """How rural a network is, two ways.

    Attributes:
        practices: Member practices by their own rural-urban flag (as the
            practices table carries it; "not recorded" where it does not).
        areas: The LSOAs the network covers by the method, by their ONS
            rural-urban class: ``rural_urban_class``, ``lsoas``, ``share``.
        method: The boundary method the LSOAs follow.
    """

    practices: dict[str, int]
    areas: pd.DataFrame
    method: str


def network_rurality(members: pd.DataFrame, lsoa_networks: pd.DataFrame,
                     lsoa_rurality: pd.DataFrame, network_code: str,
                     method: str) -> NetworkRurality:
    """The network's rurality: its members' own flags, and the ONS class of
    the LSOAs it covers by ``method`` (see :data:`LSOA_NETWORK_COLUMN`)."""
    flags = members["rurality"].astype("string").fillna(NOT_RECORDED)
    practices = {str(k): int(v) for k, v in flags.value_counts().sort_index().items()}
    column = LSOA_NETWORK_COLUMN.get(method, "network_code")
    covered = lsoa_networks.loc[lsoa_networks[column] == network_code, ["lsoa_code"]]
    classes = covered.merge(lsoa_rurality[["lsoa_code", "rural_urban_class"]], on="lsoa_code",
                            how="left")
    counts = classes["rural_urban_class"].astype("string").fillna(NOT_RECORDED).value_counts()
    areas = pd.DataFrame({"rural_urban_class": counts.index.astype(str),
                          "lsoas": counts.to_numpy(dtype=int)})
    areas["share"] = (areas["lsoas"] / max(1, int(areas["lsoas"].sum()))).round(3)
    return NetworkRurality(practices, areas.sort_values(
        ["lsoas", "rural_urban_class"], ascending=[False, True]).reset_index(drop=True), method)


def band_start(band: str) -> int:
    """The first age of a band written "0_4", "10_14" or "95+"."""
    return int(band.split("_", maxsplit=1)[0].rstrip("+"))


def age_profile(age_bands: pd.DataFrame, member_codes: list[str]) -> pd.DataFrame:
    """The members' registered patients by five-year age band, youngest first
    (``age_band``, ``registered``); empty where the snapshot has no bands."""
    mine = age_bands[age_bands["practice_code"].isin(member_codes)]
    if mine.empty:
        return pd.DataFrame({"age_band": pd.Series(dtype=str),
                             "registered": pd.Series(dtype=float)})
    totals = mine.groupby("age_band", as_index=False)["registered"].sum()
    totals["age_band"] = totals["age_band"].astype(str)
    order = totals["age_band"].map(band_start)
    totals = totals.assign(_start=order).sort_values("_start").drop(columns="_start")
    totals["age_band"] = totals["age_band"].str.replace("_", "–", regex=False)
    return totals.reset_index(drop=True)
