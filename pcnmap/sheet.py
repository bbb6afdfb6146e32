"""One page per network to hand round: print-ready HTML (A4) with its map,
members, size and contiguity, commissioners, funding, what changed, the
method's caveat, sources and the attribution lines.

The sheet is one self-contained HTML file: no script, no library, no
internet; its map is an inline SVG picture. Every text from the data is
escaped.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from pcnmap.maps.escaping import escape
from pcnmap.maps.picture import network_picture
from pcnmap.model import coverage, methods
from pcnmap.model.benchmarks import NOT_RECORDED, NetworkBenchmarks, NetworkRurality
from pcnmap.model.funding import NetworkFunding
from pcnmap.shapes import Shapes

PRINT_CSS = """
@page { size: A4; margin: 11mm 12mm; }
* { box-sizing: border-box; }
body { font: 8.6pt/1.3 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 1mm; }
h2 { font-size: 9.6pt; margin: 2.4mm 0 0.8mm; border-bottom: 0.3mm solid #999; }
p { margin: 0.6mm 0; }
.sub { color: #444; }
.top { display: flex; gap: 4mm; }
.top .map { flex: 0 0 78mm; height: 70mm; border: 0.3mm solid #bbb; }
.top .map svg { width: 100%; height: 100%; }
.top .facts { flex: 1; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4mm 1.2mm; border-bottom: 0.2mm solid #ddd;
         vertical-align: top; }
th { background: #f0f0f0; font-weight: bold; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.flag { font-weight: bold; }
.small { font-size: 7.4pt; color: #333; }
@media screen { body { max-width: 190mm; margin: 8mm auto; } }
"""

SIZE_WORDS = {"under": "under 30,000 patients (a gap to flag)",
              "over": "over 50,000 patients (a note)", "within": "within 30,000–50,000"}


@dataclass(frozen=True)
class SheetFacts:
    """What a network's sheet says, gathered from the snapshot.

    Attributes:
        network_code: The network's ODS code.
        network_name: Its name.
        snapshot_label: The snapshot's label ("January 2023", say).
        as_of: The date its memberships are published for.
        method: The boundary method of the map and contiguity.
        members: Its practices: ``practice_code``, ``practice_name``,
            ``postcode``, ``commissioner_code``, ``registered``, ``easting``,
            ``northing``.
        registered: Its registered patients.
        size_band: "under", "within" or "over" (:func:`coverage.size_check`).
        groups: How many groups of practices whose areas connect (1:
            contiguous; 0: not judged).
        commissioners: Its members' commissioners, "name (code)".
        commissioner_word: What the snapshot calls a commissioner.
        funding: Its entitlement streams [(label, £)], or none.
        funding_year: The financial year of ``funding``.
        funding_total: The total entitlement (£; NaN: none).
        per_patient: The total per registered patient (£; NaN: none).
        funding_note: What the funding lists are (their date, estimates).
        changes: What changed since the previous snapshot, in words.
        benchmarks: Its figures against its commissioner and England, or None.
        rurality: Its rurality in words ("" when unknown).
        picture: The map (an inline SVG), or "".
        sources: The snapshot's sources: (file, vintage).
        attribution: The attribution lines the licences require.
    """

    network_code: str
    network_name: str
    snapshot_label: str
    as_of: str
    method: str
    members: pd.DataFrame
    registered: float
    size_band: str
    groups: int
    commissioners: tuple[str, ...]
    commissioner_word: str
    funding: tuple[tuple[str, float], ...]
    funding_year: str
    funding_total: float
    per_patient: float
    funding_note: str
    changes: str
    benchmarks: NetworkBenchmarks | None
    rurality: str
    picture: str
    sources: tuple[tuple[str, str], ...]
    attribution: tuple[str, ...]


def _money(value: float) -> str:
    return "—" if pd.isna(value) else f"£{value:,.0f}"


def _count(value: float) -> str:
    return "no list size" if pd.isna(value) else f"{value:,.0f}"


def _figure(label: str, value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"£{value:,.2f}" if label.startswith("£") else f"{value:,.0f}"


def network_sheet(facts: SheetFacts) -> str:
    """The network's one-page sheet as print-ready HTML (A4 portrait).

    Args:
        facts: What the sheet says (:func:`sheet_facts`).

    Returns:
        A complete HTML document with print CSS; every text escaped; no script.
    """
    e = escape
    members = facts.members.reset_index(drop=True)
    member_rows = "".join(
        f"<tr><td class='n'>{i}</td><td>{e(row.practice_code)}</td><td>{e(row.practice_name)}</td>"
        f"<td>{e(row.postcode)}</td><td>{e(row.commissioner_code)}</td>"
        f"<td class='n'>{e(_count(row.registered))}</td></tr>"
        for i, row in enumerate(members.itertuples(), 1))
    flags = [f"Size: {SIZE_WORDS.get(facts.size_band, facts.size_band)}"]
    if len(members) == 1:
        flags.append("a single-practice network")
    if facts.groups > 1:
        flags.append(f"non-contiguous by the {facts.method} method: its practices' areas form "
                     f"{facts.groups} separate groups")
    elif facts.groups == 1:
        flags.append(f"contiguous by the {facts.method} method")
    if len(facts.commissioners) > 1:
        flags.append(f"its members sit with {len(facts.commissioners)} "
                     f"{facts.commissioner_word}s")
    funding_rows = "".join(f"<tr><td>{e(label)}</td><td class='n'>{e(_money(amount))}</td></tr>"
                           for label, amount in facts.funding)
    funding = (f"<table><tr><th>Stream ({e(facts.funding_year)})</th><th class='n'>£</th></tr>"
               f"{funding_rows}<tr><th>Total</th><th class='n'>{e(_money(facts.funding_total))}"
               f"</th></tr></table><p class='small'>{e(_figure('£', facts.per_patient))} per "
               f"registered patient. {e(facts.funding_note)}</p>"
               if facts.funding else "<p>No entitlement worked out for this network.</p>")
    bench = ""
    if facts.benchmarks is not None:
        cells = "".join(
            f"<tr><td>{e(row.label)}</td><td class='n'>{e(_figure(row.label, row.value))}</td>"
            f"<td class='n'>{e(_figure(row.label, row.commissioner.median))}</td>"
            f"<td class='n'>{row.commissioner.decile}</td>"
            f"<td class='n'>{e(_figure(row.label, row.england.median))}</td>"
            f"<td class='n'>{row.england.decile}</td></tr>" for row in facts.benchmarks.rows)
        bench = ("<h2>Against its " + e(facts.commissioner_word) + " and England</h2>"
                 "<table><tr><th>Measure</th><th class='n'>Network</th>"
                 f"<th class='n'>{e(facts.commissioner_word)} median</th><th class='n'>decile</th>"
                 "<th class='n'>England median</th><th class='n'>decile</th></tr>"
                 f"{cells}</table>")
    sources = "; ".join(f"{name} ({vintage})" for name, vintage in facts.sources)
    attribution = "".join(f"<div>{e(line)}</div>" for line in facts.attribution)
    title = f"{facts.network_name} ({facts.network_code})"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(title)}: network sheet, {e(facts.snapshot_label)}</title>
<style>{PRINT_CSS}</style></head>
<body>
<h1>{e(title)}</h1>
<p class="sub">Primary Care Network sheet · {e(facts.snapshot_label)} snapshot (memberships as
published for {e(facts.as_of)}) · {e(", ".join(facts.commissioners))}</p>
<div class="top">
<div class="map">{facts.picture}</div>
<div class="facts">
<p><span class="flag">{e(_count(facts.registered))}</span> registered patients ·
<span class="flag">{len(members)}</span> member practices</p>
<p>{e("; ".join(flags))}.</p>
<p>{e(facts.rurality)}</p>
<h2>Funding</h2>
{funding}
</div></div>
<h2>Member practices (numbered as on the map)</h2>
<table><tr><th class="n">#</th><th>ODS code</th><th>Practice</th><th>Postcode</th>
<th>{e(facts.commissioner_word)}</th><th class="n">Registered</th></tr>{member_rows}</table>
{bench}
<h2>Since the previous snapshot</h2>
<p>{e(facts.changes)}</p>
<h2>About these figures</h2>
<p class="small">Map: {e(methods.INDICATIVE_NOTE)} Method: {e(methods.METHODS.get(
        facts.method, facts.method))}. Sources: {e(sources)}.</p>
<div class="small">{attribution}</div>
</body></html>
"""


def _up_to(label: str, up_to: bool) -> str:
    """A stream's label saying once that its figure is a ceiling."""
    said = "up to" in label.lower() or "ceiling" in label.lower()
    return f"{label} (up to)" if up_to and not said else label


def rurality_words(rurality: NetworkRurality | None) -> str:
    """A network's rurality in a sentence: its practices' own flags (where
    recorded) and the ONS classes of the LSOAs it covers."""
    if rurality is None:
        return ""
    flags = {kind: count for kind, count in rurality.practices.items() if kind != NOT_RECORDED}
    own = (", ".join(f"{kind} {count}" for kind, count in flags.items()) + " practices"
           if flags else "not recorded in this snapshot")
    areas = ", ".join(f"{row.rural_urban_class} {row.share:.0%}"
                      for row in rurality.areas.itertuples())
    return (f"Rurality: its practices' own flags {own}; the areas it covers by the "
            f"{rurality.method} method, by ONS rural-urban class: {areas or 'none'}.")


def change_words(row: pd.Series | None, previous_label: str | None) -> str:
    """What changed in a network since the previous snapshot, in words."""
    if previous_label is None:
        return "This is the first snapshot: nothing to compare with."
    if row is None:
        return f"Since {previous_label}: no change in its practices."
    parts = [str(row["status"])]
    parts += [f"joined: {row['joined']}"] if row["joined"] else []
    parts += [f"left: {row['left']}"] if row["left"] else []
    parts += [f"its practices came from {row['came_from']}"] if row["came_from"] else []
    return f"Since {previous_label}: " + "; ".join(parts) + "."


def sheet_facts(network_code: str, *, snapshot_label: str, as_of: str, method: str,
                networks: pd.DataFrame, practices: pd.DataFrame,
                boundaries: gpd.GeoDataFrame | Shapes, outlines: gpd.GeoDataFrame,
                contiguity: pd.DataFrame, funding: NetworkFunding,
                change: pd.Series | None, previous_label: str | None,
                benchmarks: NetworkBenchmarks | None, rurality: NetworkRurality | None,
                commissioner_word: str,
                sources: tuple[dict, ...], attribution: tuple[str, ...],
                colour: str = "#88CCEE") -> SheetFacts:
    """Gather a network's sheet from the snapshot's tables.

    Args:
        network_code: The network.
        snapshot_label: The snapshot's label.
        as_of: The snapshot's memberships date.
        method: The boundary method drawn and judged.
        networks: The snapshot's networks.
        practices: The snapshot's practices.
        boundaries: Network boundaries (local detail, every method).
        outlines: Commissioner outlines (local detail).
        contiguity: The snapshot's contiguity table.
        funding: The year's entitlements.
        change: The network's row of the snapshot changes (None: no change).
        previous_label: The previous snapshot's label (None: this is the first).
        benchmarks: The network's benchmarks, or None.
        rurality: The network's rurality, or None.
        commissioner_word: What the snapshot calls a commissioner.
        sources: The snapshot's sources (``name``, ``vintage``).
        attribution: The attribution lines.
        colour: The network's colour on the map.

    Returns:
        The sheet's facts; ``KeyError`` when the network is not in ``networks``.
    """
    network = networks.set_index("network_code").loc[network_code]
    members = practices[practices["network_code"] == network_code].sort_values(
        "practice_code")
    size = coverage.size_check(networks[networks["network_code"] == network_code]).iloc[0]
    judged = contiguity[(contiguity["network_code"] == network_code)
                        & (contiguity["method"] == method)]
    groups = int(judged["groups"].iloc[0]) if len(judged) else 0
    mine = outlines[outlines["commissioner_code"].isin(members["commissioner_code"].dropna())]
    commissioners = tuple(f"{name} ({code})" if code not in name else name for code, name in
                          zip(mine["commissioner_code"], mine["commissioner_name"], strict=True))
    if not commissioners:
        commissioners = tuple(sorted(members["commissioner_code"].dropna().unique()))
    shape = boundaries[(boundaries["method"] == method)
                       & (boundaries["network_code"] == network_code)]
    entitled = funding.networks.set_index("network_code")
    streams: tuple[tuple[str, float], ...] = ()
    total = per_patient = float("nan")
    if network_code in entitled.index:
        row = entitled.loc[network_code]
        streams = tuple((_up_to(stream.label, stream.key in funding.up_to),
                         float(row[stream.key])) for stream in funding.streams
                        if row[stream.key])
        total, per_patient = float(row["total"]), float(row["per_patient"])
    note = funding.lists.list_note + (" Weighted lists estimated." if funding.estimated else "")
    return SheetFacts(
        network_code=network_code, network_name=str(network["network_name"]),
        snapshot_label=snapshot_label, as_of=as_of, method=method,
        members=members[["practice_code", "practice_name", "postcode", "commissioner_code",
                         "registered", "easting", "northing"]],
        registered=float(network["registered"]), size_band=str(size["size_band"]),
        groups=groups, commissioners=commissioners, commissioner_word=commissioner_word,
        funding=streams, funding_year=funding.year, funding_total=total,
        per_patient=per_patient, funding_note=note,
        changes=change_words(change, previous_label), benchmarks=benchmarks,
        rurality=rurality_words(rurality),
        picture=network_picture(shape, members, mine, colour=colour,
                                description=f"Map of {network['network_name']}"),
        sources=tuple((str(s.get("name", "")), str(s.get("vintage", ""))) for s in sources),
        attribution=attribution)
