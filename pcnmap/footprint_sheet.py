"""One page per drafted footprint to hand round, like the network sheet
(:mod:`pcnmap.sheet`): print-ready HTML (A4) with its picture, networks,
checks, patients by age, entitlements, the sources of the scales, the
method's caveat and the attribution lines.

One self-contained HTML file: no script, no library, no internet; every
text from the data or a person is escaped. It says on its face that the
footprint is a planning draft, not an official one.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from pcnmap.maps.escaping import escape
from pcnmap.maps.picture import footprint_picture
from pcnmap.model import methods
from pcnmap.model.neighbourhoods import (
    FOOTPRINT_FLOOR,
    NEIGHBOURHOOD_SCALE,
    SCALE_NOTE,
    SOURCES,
    WELL_UNDER,
    FootprintCheck,
    NeighbourhoodView,
    shares_text,
)
from pcnmap.sheet import PRINT_CSS


@dataclass(frozen=True)
class FootprintSheetFacts:
    """What a footprint's sheet says.

    Attributes:
        check: The footprint's checks.
        contiguity: Its contiguity in words.
        place: The place the proposal is for.
        snapshot_label: The snapshot's label.
        as_of: The memberships' date.
        method: The boundary method (its key).
        networks: Its networks: ``network_code``, ``network_name``,
            ``patients``, ``practices``.
        year: The entitlements' financial year.
        picture: Its map (an inline SVG), or "".
        sources: The snapshot's sources: (file, vintage).
        attribution: The attribution lines the licences require.
    """

    check: FootprintCheck
    contiguity: str
    place: str
    snapshot_label: str
    as_of: str
    method: str
    networks: pd.DataFrame
    year: str
    picture: str
    sources: tuple[tuple[str, str], ...]
    attribution: tuple[str, ...]


def sheet_facts(view: NeighbourhoodView, footprint: str, *, boundaries: gpd.GeoDataFrame,
                practices: pd.DataFrame, snapshot_label: str, as_of: str, method: str,
                colour: str, sources: tuple[dict, ...], attribution: tuple[str, ...]
                ) -> FootprintSheetFacts:
    """Gather a footprint's sheet from the page's view.

    Args:
        view: The Neighbourhoods page's view.
        footprint: The footprint's code.
        boundaries: The networks' boundaries by the method (``network_code``,
            ``geometry``).
        practices: The snapshot's practices.
        snapshot_label: The snapshot's label.
        as_of: The memberships' date.
        method: The boundary method's key.
        colour: The footprint's colour on the map.
        sources: The snapshot's sources (``name``, ``vintage``).
        attribution: The attribution lines.

    Returns:
        The sheet's facts; ``StopIteration`` when no footprint has the code.
    """
    check = next(c for c in view.checks if c.code == footprint)
    row = view.table.loc[view.table["Footprint"] == f"{check.code} · {check.name}"].iloc[0]
    networks = view.graph.networks.set_index("network_code").loc[list(check.networks)]
    networks = networks.reset_index()[["network_code", "network_name", "patients", "practices"]]
    shapes = boundaries.set_index("network_code").reindex(networks["network_code"])
    shapes = gpd.GeoDataFrame(networks.assign(geometry=shapes.geometry.to_numpy()),
                              geometry="geometry", crs=boundaries.crs)
    shapes = shapes[shapes.geometry.notna()]
    members = practices[practices["network_code"].isin(check.networks)]
    return FootprintSheetFacts(
        check=check, contiguity=str(row["Contiguity"]), place=view.place,
        snapshot_label=snapshot_label, as_of=as_of, method=method, networks=networks,
        year=view.year,
        picture=footprint_picture(shapes, members, colour=colour,
                                  description=f"Map of {check.name}"),
        sources=tuple((str(s.get("name", "")), str(s.get("vintage", ""))) for s in sources),
        attribution=attribution)


def _scale(patients: float) -> str:
    if patients < WELL_UNDER:
        return f"well under ({NEIGHBOURHOOD_SCALE - patients:,.0f} short)"
    return "near it" if patients <= 60_000 else f"over by {patients - NEIGHBOURHOOD_SCALE:,.0f}"


def footprint_sheet(facts: FootprintSheetFacts) -> str:
    """The footprint's one-page sheet as print-ready HTML (A4 portrait).

    Args:
        facts: What the sheet says (:func:`sheet_facts`).

    Returns:
        A complete HTML document with print CSS; every text escaped; no script.
    """
    e = escape
    check = facts.check
    floor = (f"at least {FOOTPRINT_FLOOR:,}" if check.floor_met else
             f"under {FOOTPRINT_FLOOR:,} by {FOOTPRINT_FLOOR - check.patients:,.0f}")
    rows = "".join(
        f"<tr><td class='n'>{i}</td><td>{e(r.network_code)}</td><td>{e(r.network_name)}</td>"
        f"<td class='n'>{r.practices:,.0f}</td><td class='n'>{r.patients:,.0f}</td>"
        f"<td>{e(_scale(r.patients))}</td></tr>"
        for i, r in enumerate(facts.networks.itertuples(), 1))
    total = float(check.ages.sum())
    ages = "".join(f"<tr><td>{e(group)}</td><td class='n'>{value:,.0f}</td>"
                   f"<td class='n'>{value / total:.0%}</td></tr>"
                   for group, value in check.ages.items()) if total else ""
    ages = (f"<h2>Registered patients by age</h2><table><tr><th>Age</th><th class='n'>"
            f"Patients</th><th class='n'>Share</th></tr>{ages}</table>") if ages else ""
    rural = ("" if pd.isna(check.rural) else
             f"<p>Rural areas: {check.rural:.0%} of the LSOAs its networks cover by the "
             f"{e(methods.SHORT_NAMES.get(facts.method, facts.method).lower())} method "
             "(ONS rural-urban classification).</p>")
    sources = "; ".join(f"{name} ({vintage})" for name, vintage in facts.sources)
    scales = "; ".join(f"{title}, {address}" for title, address in SOURCES)
    attribution = "".join(f"<div>{e(line)}</div>" for line in facts.attribution)
    title = f"{check.code} · {check.name}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(title)}: draft footprint sheet, {e(facts.snapshot_label)}</title>
<style>{PRINT_CSS}</style></head>
<body>
<h1>{e(title)}</h1>
<p class="sub">Planning draft of a multi-neighbourhood footprint, not an official one ·
{e(facts.place)} · {e(facts.snapshot_label)} snapshot (memberships as published for
{e(facts.as_of)})</p>
<div class="top">
<div class="map">{facts.picture}</div>
<div class="facts">
<p><span class="flag">{check.patients:,.0f}</span> registered patients ({e(floor)}) ·
<span class="flag">{len(check.networks)}</span> networks ·
<span class="flag">{check.practices:,}</span> practices</p>
<p>Contiguity by the {e(methods.SHORT_NAMES.get(facts.method, facts.method).lower())} method:
{e(facts.contiguity)}.</p>
<p>ICBs: {e(shares_text(check.icbs))}. Sub-ICB locations: {e(shares_text(check.sub_icbs))}.
Local authority districts: {e(shares_text(check.districts))} (shares of its patients, by
their practices' positions).</p>
{rural}
<h2>Funding</h2>
<p>DES entitlements {e(facts.year)}: <span class="flag">£{check.entitlement:,.0f}</span>,
the sum of its networks' entitlements. No footprint funding exists yet.</p>
</div></div>
<h2>Networks (numbered as on the map)</h2>
<table><tr><th class="n">#</th><th>ODS code</th><th>Network</th><th class="n">Practices</th>
<th class="n">Patients</th><th>Against {NEIGHBOURHOOD_SCALE:,}</th></tr>{rows}</table>
{ages}
<h2>About these figures</h2>
<p class="small">{e(SCALE_NOTE)} Sources of the scales: {e(scales)}.</p>
<p class="small">Map: {e(methods.INDICATIVE_NOTE)} Method: {e(methods.METHODS.get(
        facts.method, facts.method))}. Patients are the snapshot's registered lists.
Sources: {e(sources)}.</p>
<div class="small">{attribution}</div>
</body></html>
"""
