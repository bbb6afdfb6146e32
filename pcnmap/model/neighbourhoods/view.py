"""The Neighbourhoods page's view of a place: its checks in words, the
footprints' table, each network against the neighbourhood scale, and the
map's groups."""


from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap.model.neighbourhoods.checks import (
    CUT_OFF,
    LINKED,
    FootprintCheck,
    SnapshotTables,
    age_table,
    footprint_checks,
    footprint_table,
    network_table,
    shares_text,
    unaligned_table,
)
from pcnmap.model.neighbourhoods.drafting import Draft
from pcnmap.model.neighbourhoods.footprints import (
    Changes,
    Footprints,
    apply_changes,
    changes_between,
)
from pcnmap.model.neighbourhoods.scales import FOOTPRINT_FLOOR
from pcnmap.model.neighbourhoods.touching import NetworkGraph

# ---------------------------------------------------------------- the page's view


@dataclass(frozen=True)
class PlaceCheck:
    """One check of the whole proposal: what it checks, whether it holds,
    and what the reader must know (the networks or footprints concerned)."""

    label: str
    holds: bool
    detail: str


@dataclass(frozen=True)
class NeighbourhoodView:
    """The Neighbourhoods page for one place, method and proposal.

    Attributes:
        place: The place in words.
        method: The boundary method in words (networks touch by it).
        draft: The drafted footprints.
        proposal: The draft with the person's changes.
        changes: Those changes (what the address holds).
        problems: Changes that could not be made, each in a few words.
        note: What the draft's reader must know ("" when nothing).
        checks: Each footprint's checks.
        table: The footprints, headings in words (:func:`footprint_table`).
        ages: Patients by broad age band per footprint (empty: none).
        networks: Each network against the neighbourhood scale.
        unaligned: The place's practices in no network, and where their
            patients fall.
        place_checks: The checks of the whole proposal.
        year: The entitlements' financial year.
    """

    place: str
    method: str
    draft: Draft
    proposal: Footprints
    changes: Changes
    problems: tuple[str, ...]
    note: str
    checks: tuple[FootprintCheck, ...]
    table: pd.DataFrame
    ages: pd.DataFrame
    networks: pd.DataFrame
    unaligned: pd.DataFrame
    place_checks: tuple[PlaceCheck, ...]
    year: str

    @property
    def graph(self) -> NetworkGraph:
        """The place's networks and which touch."""
        return self.draft.graph


def _listed(items: list[str], limit: int = 5) -> str:
    more = f" and {len(items) - limit:,} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def place_checks(proposal: Footprints, checks: list[FootprintCheck], graph: NetworkGraph,
                 unaligned: pd.DataFrame) -> tuple[PlaceCheck, ...]:
    """The checks of the whole proposal, in the order a meeting asks them."""
    names = dict(zip(graph.networks["network_code"], graph.networks["network_name"],
                     strict=True))
    left_out = proposal.left_out
    found = [PlaceCheck(
        "Every network in exactly one footprint", not left_out,
        f"All {len(proposal.assignment):,} networks of this place are each in one of "
        f"{len(checks):,} footprints." if not left_out else
        f"{len(left_out):,} of {len(proposal.assignment):,} networks are in no footprint: "
        + _listed([f"{names.get(c, c)} ({c})" for c in left_out]) + ".")]
    under = [c for c in checks if not c.floor_met]
    found.append(PlaceCheck(
        f"Every footprint at least {FOOTPRINT_FLOOR:,} patients", not under,
        "Every footprint reaches the floor." if not under else _listed(
            [f"{c.code} · {c.name} ({c.patients:,.0f})" for c in under]) + " fall short."))
    cut = [c for c in checks if c.contiguity == CUT_OFF]
    linked = [c for c in checks if c.contiguity == LINKED]
    found.append(PlaceCheck(
        "Every footprint contiguous", not cut,
        ("Every footprint's networks touch, one to the next"
         + (f" ({len(linked)} with a link across a gap: " + _listed(
             [f"{c.code}" for c in linked]) + ")" if linked else "") + ".") if not cut else
        "; ".join(f"{c.code} · {c.name}: " + _listed(
            [f"{names.get(n, n)} ({n})" for n in c.cut_off]) + " cut off" for c in cut) + "."))
    crossing = [c for c in checks if len(c.icbs) > 1]
    found.append(PlaceCheck(
        "Footprints within one ICB", not crossing,
        "No footprint's practices sit in more than one ICB." if not crossing else
        _listed([f"{c.code} ({shares_text(c.icbs, 2)})" for c in crossing]) + "."))
    patients = float(unaligned["Patients"].sum()) if len(unaligned) else 0.0
    found.append(PlaceCheck(
        "Practices in no network", unaligned.empty,
        "Every practice with patients here is in a network." if unaligned.empty else
        f"{len(unaligned):,} practice(s) with {patients:,.0f} patients are in no network; "
        "below, the nearest network that could cover each and its footprint."))
    return tuple(found)


def page_view(tables: SnapshotTables, drafted: Draft, changes: Changes, *, place: str,
              level: str, code: str | None, method: str) -> NeighbourhoodView:
    """The Neighbourhoods page for a place: the draft with ``changes`` made,
    and every check.

    Args:
        tables: The snapshot's tables (by the boundary method).
        drafted: The place's draft (:func:`draft`).
        changes: The person's changes (from the address).
        place: The place in words.
        level: "england", "region" or "area" (an ICB or STP).
        code: The region's or area's code (None for England).
        method: The boundary method in words.

    Returns:
        What the page shows, every figure worked out.
    """
    proposal, problems = apply_changes(drafted.footprints, changes)
    graph = drafted.graph
    checks = footprint_checks(proposal, graph, tables)
    unaligned = unaligned_table(proposal, tables, level, code)
    return NeighbourhoodView(
        place=place, method=method, draft=drafted, proposal=proposal,
        changes=changes_between(drafted.footprints, proposal), problems=tuple(problems),
        note=drafted.note, checks=tuple(checks),
        table=footprint_table(checks, graph, tables.year, not tables.age_bands.empty),
        ages=age_table(checks), networks=network_table(proposal, graph), unaligned=unaligned,
        place_checks=place_checks(proposal, checks, graph, unaligned), year=tables.year)
