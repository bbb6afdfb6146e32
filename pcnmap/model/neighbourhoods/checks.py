"""Each footprint's checks (patients against the floor, contiguity, shares by
district, Sub-ICB location and ICB, age, rurality, entitlements) and the
tables that show them."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pcnmap import codes
from pcnmap.model.neighbourhoods.footprints import Footprints
from pcnmap.model.neighbourhoods.scales import (
    FOOTPRINT_FLOOR,
    NEAR,
    NEIGHBOURHOOD_SCALE,
    WELL_UNDER,
)
from pcnmap.model.neighbourhoods.touching import Link, NetworkGraph, components
from pcnmap.model.places import icb_short

# Contiguity of a footprint, in words.
CONTIGUOUS, LINKED, CUT_OFF = "contiguous", "contiguous with a link", "cut off"
# ---------------------------------------------------------------- checks


def contiguity(graph: NetworkGraph, members: list[str]) -> tuple[str, tuple[str, ...],
                                                                  tuple[Link, ...]]:
    """Whether a footprint's networks connect: :data:`CONTIGUOUS` (their
    areas touch, one to the next), :data:`LINKED` (only with the links
    across a gap, returned) or :data:`CUT_OFF` (and the networks cut off
    from its largest connected part, by patients)."""
    if len(members) <= 1:
        return CONTIGUOUS, (), ()
    index = {code: i for i, code in enumerate(members)}
    mine = set(members)
    touch = [(a, b) for a, b in zip(graph.touching["network_a"], graph.touching["network_b"],
                                    strict=True) if a in mine and b in mine]
    if len(set(components(len(members), index, touch))) == 1:
        return CONTIGUOUS, (), ()
    used = tuple(link for link in graph.links
                 if link.network_a in mine and link.network_b in mine)
    label = components(len(members), index, touch + [(k.network_a, k.network_b) for k in used])
    if len(set(label)) == 1:
        return LINKED, (), used
    patients = graph.networks.set_index("network_code")["patients"].reindex(members).to_numpy()
    totals = pd.Series(patients).groupby(label).sum()
    main = totals.idxmax()
    return CUT_OFF, tuple(code for code, part in zip(members, label, strict=True)
                          if part != main), used


def shares_text(shares: pd.Series, limit: int = 4) -> str:
    """Shares of patients by name, largest first ("Preston 62% · Chorley
    38%"); "all in Preston" for one; at most ``limit`` named."""
    shares = shares[shares > 0].sort_values(ascending=False, kind="stable")
    if len(shares) == 1:
        return f"all in {shares.index[0]}"
    shown = [f"{name} {share:.0%}" for name, share in shares.head(limit).items()]
    more = f" · {len(shares) - limit} more" if len(shares) > limit else ""
    return " · ".join(shown) + more


# Broad age bands (first age of each): the five-year bands summed.
AGE_GROUPS = {"0–14": 0, "15–44": 15, "45–64": 45, "65–84": 65, "85 and over": 85}


def _age_group(band: str) -> str:
    start = int(str(band).split("_", maxsplit=1)[0].rstrip("+"))
    return [name for name, first in AGE_GROUPS.items() if start >= first][-1]


@dataclass(frozen=True)
class SnapshotTables:
    """What the checks need of a snapshot, for one boundary method.

    Attributes:
        practices: The snapshot's practices.
        networks: Its networks.
        age_bands: Each practice's patients by five-year band (empty: none).
        lsoa_network: LSOA code -> network code, by the boundary method.
        rurality: Each LSOA's ``urban_rural`` ("Urban", "Rural").
        entitlements: Each network's entitlement (``network_code``, ``total``).
        year: The entitlements' financial year.
        unaligned: Practices with patients in no network and the nearest
            network (:func:`pcnmap.model.coverage.unaligned_practices`).
        sub_icb_names: Sub-ICB location (or CCG) code -> its name in words.
    """

    practices: pd.DataFrame
    networks: pd.DataFrame
    age_bands: pd.DataFrame
    lsoa_network: pd.Series
    rurality: pd.Series
    entitlements: pd.DataFrame
    year: str
    unaligned: pd.DataFrame
    sub_icb_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FootprintCheck:
    """One footprint's checks.

    Attributes:
        code: Its code (F1, ...).
        name: Its name.
        networks: Its networks' codes.
        patients: Its networks' registered patients.
        practices: Their member practices.
        contiguity: :data:`CONTIGUOUS`, :data:`LINKED` or :data:`CUT_OFF`.
        cut_off: The networks cut off from its largest connected part.
        links: The links across a gap it needs.
        icbs: Patients' shares by their practices' ICB (by name).
        sub_icbs: ... by Sub-ICB location (by name and code).
        districts: ... by local authority district (by name).
        ages: Patients by broad age band (empty: the snapshot has none).
        rural: The share of its LSOAs (by the method) that are rural (NaN: none).
        entitlement: The sum of its networks' entitlements for the year (£).
    """

    code: str
    name: str
    networks: tuple[str, ...]
    patients: float
    practices: int
    contiguity: str
    cut_off: tuple[str, ...]
    links: tuple[Link, ...]
    icbs: pd.Series
    sub_icbs: pd.Series
    districts: pd.Series
    ages: pd.Series
    rural: float
    entitlement: float

    @property
    def floor_met(self) -> bool:
        """Whether it holds at least :data:`FOOTPRINT_FLOOR` patients."""
        return self.patients >= FOOTPRINT_FLOOR


def _share(frame: pd.DataFrame, by: str) -> pd.Series:
    totals = frame.groupby(by)["patients"].sum()
    return totals / max(float(totals.sum()), 1.0)


def footprint_checks(proposal: Footprints, graph: NetworkGraph,
                     tables: SnapshotTables) -> list[FootprintCheck]:
    """The checks of every footprint of ``proposal``."""
    practices = tables.practices
    members = practices[codes.one_of(practices["network_code"], graph.codes)].assign(
        patients=lambda f: f["registered"].fillna(0.0))
    members = members.assign(footprint=members["network_code"].map(proposal.assignment),
                             icb=members["stp_name"].astype("string").fillna(
                                 members["stp_code"]).map(icb_short),
                             sub_icb=members["commissioner_code"].map(
                                 lambda c: f"{tables.sub_icb_names.get(c, c)} ({c})"
                                 if tables.sub_icb_names.get(c, c) != c else c),
                             district=members["district_name"].astype("string").fillna(
                                 "no district"))
    ages = tables.age_bands[codes.one_of(tables.age_bands["practice_code"],
                                         members["practice_code"])]
    ages = ages.assign(footprint=ages["practice_code"].map(
        members.set_index("practice_code")["footprint"]),
        group=ages["age_band"].map(_age_group))
    lsoas = tables.lsoa_network[codes.one_of(tables.lsoa_network, graph.codes)]
    rural = pd.Series(lsoas.index, index=lsoas.index).map(tables.rurality)
    lsoas = pd.DataFrame({"footprint": lsoas.map(proposal.assignment),
                          "rural": rural.eq("Rural").fillna(False).to_numpy(dtype=bool)})
    money = tables.entitlements.set_index("network_code")["total"]
    patients = graph.networks.set_index("network_code")["patients"]
    checks = []
    for code in proposal.codes:
        networks = proposal.members(code)
        mine = members[members["footprint"] == code]
        status, cut_off, links = contiguity(graph, networks)
        their_lsoas = lsoas[lsoas["footprint"] == code]
        their_ages = ages[ages["footprint"] == code].groupby("group")["registered"].sum()
        checks.append(FootprintCheck(
            code=code, name=proposal.name(code), networks=tuple(networks),
            patients=float(patients.reindex(networks).sum()), practices=len(mine),
            contiguity=status, cut_off=cut_off, links=links,
            icbs=_share(mine, "icb"), sub_icbs=_share(mine, "sub_icb"),
            districts=_share(mine, "district"),
            ages=their_ages.reindex([g for g in AGE_GROUPS if g in their_ages.index]),
            rural=float(their_lsoas["rural"].mean()) if len(their_lsoas) else float("nan"),
            entitlement=float(money.reindex(networks).fillna(0.0).sum())))
    return checks


def _contiguity_words(check: FootprintCheck, names: Mapping[str, str]) -> str:
    if check.contiguity == CONTIGUOUS:
        return "contiguous"
    if check.contiguity == LINKED:
        return "contiguous with a link across a gap: " + "; ".join(
            link.words(names) for link in check.links)
    return "cut off: " + ", ".join(f"{names.get(c, c)} ({c})" for c in check.cut_off)


def _against_floor(patients: float) -> str:
    if patients >= FOOTPRINT_FLOOR:
        return f"at least {FOOTPRINT_FLOOR:,}"
    return f"under: {FOOTPRINT_FLOOR - patients:,.0f} short"


def footprint_table(checks: list[FootprintCheck], graph: NetworkGraph, year: str,
                    has_ages: bool) -> pd.DataFrame:
    """The footprints as the page and its CSV show them: headings in words,
    names first, one row each."""
    names = dict(zip(graph.networks["network_code"], graph.networks["network_name"],
                     strict=True))
    rows = []
    for check in checks:
        row = {
            "Footprint": f"{check.code} · {check.name}",
            "Patients": round(check.patients),
            f"Against {FOOTPRINT_FLOOR:,}": _against_floor(check.patients),
            "Networks": len(check.networks),
            "Practices": check.practices,
            "Contiguity": _contiguity_words(check, names),
            "Local authority districts": shares_text(check.districts),
            "Sub-ICB locations": shares_text(check.sub_icbs),
            "ICBs": shares_text(check.icbs),
        }
        if has_ages:
            older = check.ages.get("65–84", 0.0) + check.ages.get("85 and over", 0.0)
            row["Aged 65 and over"] = f"{older / (float(check.ages.sum()) or 1.0):.0%}"
        row["Rural (share of its LSOAs)"] = ("no areas" if np.isnan(check.rural)
                                             else f"{check.rural:.0%}")
        row[f"DES entitlements {year}, sum of its networks' (£)"] = round(check.entitlement, 2)
        rows.append(row)
    return pd.DataFrame(rows)


def age_table(checks: list[FootprintCheck]) -> pd.DataFrame:
    """Each footprint's patients by broad age band (empty without bands)."""
    if not any(len(check.ages) for check in checks):
        return pd.DataFrame()
    return pd.DataFrame([{"Footprint": f"{check.code} · {check.name}",
                          **{group: round(float(check.ages.get(group, 0.0)))
                             for group in AGE_GROUPS}} for check in checks])


def network_table(proposal: Footprints, graph: NetworkGraph) -> pd.DataFrame:
    """Each network of the place against the neighbourhood scale, with the
    touching networks that would bring one well under it near it."""
    table = graph.networks.set_index("network_code")
    neighbours = graph.neighbours(links=False)
    rows = []
    for code, network in table.iterrows():
        patients = float(network["patients"])
        footprint = proposal.assignment.get(code)
        if patients < WELL_UNDER:
            against = f"well under: {NEIGHBOURHOOD_SCALE - patients:,.0f} short"
        elif patients <= NEAR[1]:
            against = "near it"
        else:
            against = f"over by {patients - NEIGHBOURHOOD_SCALE:,.0f}"
        partners = ""
        if patients < WELL_UNDER:
            together = sorted(((patients + float(table.at[n, "patients"]), n)
                               for n in neighbours[code]),
                              key=lambda item: (abs(item[0] - NEIGHBOURHOOD_SCALE), item[1]))
            near = [(total, n) for total, n in together if NEAR[0] <= total <= NEAR[1]]
            partners = "; ".join(
                f"{table.at[n, 'network_name']} ({n}, {table.at[n, 'patients']:,.0f}): "
                f"together {total:,.0f}" for total, n in near[:3]) or (
                "no single touching network brings it to 40,000–60,000"
                if neighbours[code] else "touches no other network of this place")
        rows.append({"Network": f"{network['network_name']} ({code})",
                     "Patients": round(patients),
                     f"Against {NEIGHBOURHOOD_SCALE:,}": against,
                     "Footprint": proposal.label(footprint) if footprint else "in no footprint",
                     "Touching networks that would bring it near 50,000": partners})
    return pd.DataFrame(rows).sort_values(["Patients", "Network"], ignore_index=True)


def unaligned_table(proposal: Footprints, tables: SnapshotTables, level: str,
                    code: str | None) -> pd.DataFrame:
    """The place's practices with patients in no network, the nearest network
    that could cover them and its footprint: where their patients fall."""
    gaps = tables.unaligned
    practices = tables.practices.set_index("practice_code")
    if level != "england":
        column = "region_code" if level == "region" else "stp_code"
        here = practices.index[practices[column] == code]
        gaps = gaps[codes.one_of(gaps["practice_code"], here)]
    nearest = gaps["nearest_network_code"]
    footprint = nearest.map(proposal.assignment)
    return pd.DataFrame({
        "Practice": gaps["practice_name"].astype(str) + " (" + gaps["practice_code"] + ")",
        "Patients": gaps["registered"].fillna(0.0).round().astype("int64"),
        "Nearest network": (gaps["nearest_network_name"].astype("string") + " ("
                            + nearest.astype("string") + ")").fillna("none placed"),
        "Its footprint": footprint.map(lambda f: proposal.label(f) if isinstance(f, str)
                                       else "in no footprint of this place"),
    }).reset_index(drop=True)
