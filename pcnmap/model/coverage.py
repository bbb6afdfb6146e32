"""Coverage gaps and networks that cross commissioner boundaries.

Pure functions over a snapshot's practices and networks (and, for areas, the
LSOA assignment and derived boundaries). The rules come from the Network
Contract DES: every patient should be covered by a network, networks
normally serve 30,000 to 50,000 patients, are geographically contiguous and
stay inside one commissioner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from pcnmap.model.contiguity import practice_points
from pcnmap.model.methods import NO_NETWORK

# Network Contract DES specification: networks "typically" serve 30,000 to
# 50,000 registered patients.
SIZE_MIN = 30_000
SIZE_MAX = 50_000
# Each size band in words, the same on every screen and sheet.
SIZE_WORDS = {"under": "under 30,000 patients (a gap to flag)",
              "over": "over 50,000 patients (a note)", "within": "within 30,000-50,000"}


def practices_in_no_network(practices: pd.DataFrame) -> pd.DataFrame:
    """Practices with registered patients that belong to no network: the gaps."""
    return practices[practices["network_code"].isna() & (practices["registered"] > 0)]


def unaligned_practices(practices: pd.DataFrame) -> pd.DataFrame:
    """Practices with registered patients that belong to no network.

    Each is shown with the nearest network that could cover its list: the
    network of the nearest practice that is in one, preferring a practice of
    the same commissioner.
    """
    gap = practices_in_no_network(practices)
    columns = ["practice_code", "practice_name", "postcode", "commissioner_code",
               "commissioner_name", "registered"]
    result = gap[columns].copy()
    in_network = practice_points(practices.dropna(subset=["network_code"]))
    nearest_code, nearest_name, distance_km = [], [], []
    for _, practice in gap.iterrows():
        if pd.isna(practice["easting"]) or in_network.empty:
            nearest_code.append(None)
            nearest_name.append(None)
            distance_km.append(np.nan)
            continue
        same = in_network[in_network["commissioner_code"] == practice["commissioner_code"]]
        pool = same if len(same) else in_network
        site = shapely.points(practice["easting"], practice["northing"])
        gaps = shapely.distance(pool["point"].to_numpy(), site)
        best = int(np.argmin(gaps))
        nearest_code.append(pool["network_code"].iloc[best])
        nearest_name.append(pool["network_name"].iloc[best])
        distance_km.append(round(float(gaps[best]) / 1000, 2))
    result["nearest_network_code"] = nearest_code
    result["nearest_network_name"] = nearest_name
    result["nearest_network_km"] = distance_km
    return result.sort_values("registered", ascending=False).reset_index(drop=True)


def uncovered_areas(assignment: pd.DataFrame) -> pd.DataFrame:
    """LSOAs whose nearest practice (by the boundary rule) is in no network."""
    gap = assignment[assignment["network_code"].isna()]
    columns = ["lsoa_code", "lsoa_name", "lsoa_commissioner_code", "practice_code",
               "distance_m", "area_km2"]
    return gap[columns].sort_values(["practice_code", "lsoa_code"]).reset_index(drop=True)


def size_band(patients: pd.Series) -> np.ndarray:
    """``under`` (a gap to flag), ``over`` (a note) or ``within`` the usual
    30,000-50,000 patients, for each count of patients."""
    return np.select([patients < SIZE_MIN, patients > SIZE_MAX], ["under", "over"],
                     default="within")


def size_check(networks: pd.DataFrame) -> pd.DataFrame:
    """Each network's size against the 30,000-50,000 norm, and single-practice networks.

    ``size_band`` is ``under`` (a gap to flag), ``over`` (a note) or ``within``.
    """
    result = networks[["network_code", "network_name", "commissioner_code", "member_count",
                       "registered"]].copy()
    result["size_band"] = size_band(result["registered"])
    result["single_practice"] = result["member_count"] == 1
    return result


def non_contiguous(groups: pd.DataFrame, boundaries: pd.DataFrame, method: str,
                   pieces: pd.DataFrame) -> pd.DataFrame:
    """The networks a method draws in separate pieces, flagged or explained.

    A network is flagged non-contiguous when its member practices stand in
    areas that do not touch: by the LSOA-based methods, when its practices'
    areas form more than one group (``groups``, judged on the LSOA graph);
    by the Voronoi method, whose cells do not follow LSOAs, when more than
    one of its pieces of at least
    :data:`~pcnmap.model.methods.SIGNIFICANT_PART_KM2` holds a member
    practice. A network drawn in several such pieces that is not flagged
    (a piece holds no member practice) is listed too, unflagged, its pieces
    (``pieces``, :mod:`pcnmap.pipeline.pieces`) saying why: so every network
    the map draws in pieces is on the list, and the flag says which.
    """
    shapes = boundaries[(boundaries["method"] == method)
                        & (boundaries["network_code"] != NO_NETWORK)]
    parts = pd.DataFrame(shapes[["network_code", "network_name", "significant_parts", "parts",
                                 "area_km2"]])
    mine = pieces[pieces["method"] == method]
    holding = (mine[mine["members"].fillna("") != ""].groupby("network_code").size())
    judged = groups[groups["method"] == method]
    if len(judged):
        table = parts.merge(judged.drop(columns="method"), on="network_code", how="left")
        table["flagged"] = table["groups"].fillna(1) > 1
    else:
        table = parts.assign(groups=parts["network_code"].map(holding).fillna(1).astype(int),
                             group_practices="", between="", separation_km=float("nan"))
        table["flagged"] = table["groups"] > 1
    table["groups"] = table["groups"].astype("Int64")
    drawn_in_pieces = table["significant_parts"] > 1
    listed = table[table["flagged"] | drawn_in_pieces]
    columns = ["network_code", "network_name", "flagged", "groups", "group_practices",
               "between", "separation_km", "significant_parts", "parts", "area_km2"]
    return listed[columns].sort_values(["flagged", "groups", "network_code"],
                                       ascending=[False, False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class MethodSummary:
    """How one boundary method behaves on a snapshot."""

    method: str
    networks: int
    flagged: int
    in_several_parts: int
    shared_with: dict[str, float]
    density_iqr: tuple[float, float]
    practice_area_correlation: float | None
    nearest_share: float
    density_list_correlation: float

    @property
    def flagged_share(self) -> float:
        """The share of networks flagged non-contiguous."""
        return self.flagged / self.networks if self.networks else 0.0


# The column of lsoa_networks naming each LSOA's practice, by method.
PRACTICE_AREAS = {"lsoa": "practice_code", "catchment": "catchment_practice_code"}


def method_summaries(comparison: pd.DataFrame, groups: pd.DataFrame,
                     boundaries: pd.DataFrame, lsoa_networks: pd.DataFrame,
                     practices: pd.DataFrame, pieces: pd.DataFrame) -> list[MethodSummary]:
    """Each method side by side: networks flagged, networks in several parts,
    the median share of a network's area the other methods also give it, the
    spread of patients per km2 (quartiles) and how it follows list size
    (rank correlation), the share of practices' nearest-practice areas the
    method keeps in their own network (weighted by their patients), and, for
    the LSOA-based methods, how closely a practice's area (its LSOAs, each
    holding about the same number of residents) follows its registered list
    (correlation). ``comparison`` holds the networks to judge (a place's)."""
    registered = practices.set_index("practice_code")["registered"].dropna()
    listed = practices.dropna(subset=["network_code"]).groupby("network_code")[
        "registered"].sum()
    summaries = []
    for method, table in comparison.groupby("method", sort=False):
        shapes = boundaries[(boundaries["method"] == method)
                            & (boundaries["network_code"] != NO_NETWORK)]
        shared = {other.removeprefix("shared_"): float(table[other].median())
                  for other in table.columns if other.startswith("shared_")
                  and other != f"shared_{method}"}
        density = table["patients_per_km2"].dropna()
        correlation = None
        if method in PRACTICE_AREAS:
            held = lsoa_networks[PRACTICE_AREAS[method]].value_counts()
            correlation = float(registered.corr(held.reindex(registered.index).fillna(0)
                                                .astype(float)))
        flagged_here = non_contiguous(groups, shapes, method, pieces)
        flagged = int(flagged_here.loc[flagged_here["network_code"].isin(
            table["network_code"]), "flagged"].sum())
        patients = table["network_code"].map(listed).fillna(0.0)
        kept = table["nearest_share"].fillna(0.0) * patients
        nearest = float(kept.sum() / patients.sum()) if patients.sum() else float("nan")
        rank = float(table["network_code"].map(listed).corr(table["patients_per_km2"],
                                                             method="spearman"))
        several = shapes[shapes["network_code"].isin(table["network_code"])]
        summaries.append(MethodSummary(
            method, len(table), flagged, int((several["significant_parts"] > 1).sum()), shared,
            (float(density.quantile(0.25)), float(density.quantile(0.75))), correlation,
            nearest, rank))
    return summaries


def commissioner_coverage(practices: pd.DataFrame) -> pd.DataFrame:
    """Per commissioner: practices, patients, and the share of each in a network."""
    frame = practices.assign(
        in_network=practices["network_code"].notna(),
        patients=practices["registered"].fillna(0.0),
    )
    frame["patients_in_network"] = frame["patients"].where(frame["in_network"], 0.0)
    table = frame.groupby(["commissioner_code"], dropna=False).agg(
        commissioner_name=("commissioner_name", "first"),
        practices=("practice_code", "size"),
        practices_in_network=("in_network", "sum"),
        patients=("patients", "sum"),
        patients_in_network=("patients_in_network", "sum"),
    ).reset_index()
    table["pct_practices_in_network"] = (
        100 * table["practices_in_network"] / table["practices"]).round(1)
    table["pct_patients_in_network"] = (
        100 * table["patients_in_network"] / table["patients"].where(table["patients"] > 0)
    ).round(1)
    return table.sort_values("pct_patients_in_network", na_position="first").reset_index(
        drop=True)


def member_commissioners(practices: pd.DataFrame) -> pd.Series:
    """Each network's members' commissioner codes, sorted and without repeats."""
    pairs = practices.dropna(subset=["network_code", "commissioner_code"]).drop_duplicates(
        ["network_code", "commissioner_code"]).sort_values("commissioner_code")
    return pairs.groupby("network_code")["commissioner_code"].agg(list)


def cross_commissioner_networks(practices: pd.DataFrame, networks: pd.DataFrame) -> pd.DataFrame:
    """Networks whose members belong to more than one commissioner.

    Judged from the members' own commissioner codes (ODS), then set beside
    ePCN's own match flag: ``agrees_with_epcn`` is False where the two
    disagree, and missing where the memberships file carries no flag (a
    practice map). Networks flagged only by ePCN are included so that every
    disagreement is listed.
    """
    spread = member_commissioners(practices)
    table = networks[["network_code", "network_name", "commissioner_code", "member_count",
                      "registered", "epcn_cross_commissioner"]].copy()
    table["epcn_cross_commissioner"] = table["epcn_cross_commissioner"].astype("boolean")
    table["member_commissioners"] = table["network_code"].map(spread).apply(
        lambda codes: codes if isinstance(codes, list) else [])
    table["crosses_commissioners"] = table["member_commissioners"].str.len() > 1
    table["agrees_with_epcn"] = (table["crosses_commissioners"].astype("boolean")
                                 == table["epcn_cross_commissioner"])
    listed = table[table["crosses_commissioners"]
                   | table["epcn_cross_commissioner"].fillna(False).astype(bool)]
    listed = listed.assign(member_commissioners=listed["member_commissioners"].str.join(", "))
    return listed.sort_values("network_code").reset_index(drop=True)


def cross_commissioner_sides(practices: pd.DataFrame, networks: pd.DataFrame) -> pd.DataFrame:
    """For each cross-commissioner network: its members and patients on each side."""
    crossing = cross_commissioner_networks(practices, networks)
    crossing = crossing[crossing["crosses_commissioners"]]
    members = practices[practices["network_code"].isin(crossing["network_code"])]
    sides = members.groupby(["network_code", "network_name", "commissioner_code"]).agg(
        commissioner_name=("commissioner_name", "first"),
        practices=("practice_code", "size"),
        member_codes=("practice_code", lambda codes: ", ".join(sorted(codes))),
        patients=("registered", "sum"),
    ).reset_index()
    home = networks.set_index("network_code")["commissioner_code"]
    sides["network_commissioner_code"] = sides["network_code"].map(home)
    sides["home_side"] = sides["commissioner_code"] == sides["network_commissioner_code"]
    return sides


def practices_outside_network_commissioner(practices: pd.DataFrame) -> pd.DataFrame:
    """Member practices whose commissioner differs from their network's."""
    members = practices.dropna(subset=["network_code"])
    differ = members[members["commissioner_code"] != members["network_commissioner_code"]]
    return differ[["practice_code", "practice_name", "commissioner_code", "network_code",
                   "network_name", "network_commissioner_code", "registered"]].reset_index(
        drop=True)


def patient_balance(practices: pd.DataFrame) -> dict[str, float]:
    """Registered patients in networks, in gaps, and in all: the first two sum to the third."""
    patients = practices["registered"].fillna(0.0)
    in_network = practices["network_code"].notna()
    gap = unaligned_practices(practices)["registered"].sum()
    return {
        "in_network": float(patients[in_network].sum()),
        "in_gaps": float(gap),
        "all": float(patients.sum()),
    }
