"""One page per network to hand round: print-ready HTML (A4) with its map,
members, size and contiguity, commissioners, funding, what changed, the
method's caveat, sources and the attribution lines.

The sheet is one self-contained HTML file: no script, no library, no
internet; its map is an inline SVG picture. Every text from the data is
escaped.
"""

from __future__ import annotations

import pandas as pd

from pcnmap.maps.escaping import escape
from pcnmap.model import methods
from pcnmap.views.network import NetworkFacts

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

def _money(value: float) -> str:
    return "—" if pd.isna(value) else f"£{value:,.0f}"


def _count(value: float) -> str:
    return "no list size" if pd.isna(value) else f"{value:,.0f}"


def _figure(label: str, value: float) -> str:
    if pd.isna(value):
        return "—"
    return f"£{value:,.2f}" if label.startswith("£") else f"{value:,.0f}"


def network_sheet(facts: NetworkFacts, sources: tuple[dict, ...],
                  attribution: tuple[str, ...]) -> str:
    """The network's one-page sheet as print-ready HTML (A4 portrait).

    Args:
        facts: What is known of the network (the Network map's panel shows
            the same: :func:`pcnmap.views.network.network_facts`).
        sources: The snapshot's source files (``name``, ``vintage``).
        attribution: The attribution lines the licences require.

    Returns:
        A complete HTML document with print CSS; every text escaped; no script.
    """
    e = escape
    members = facts.members.reset_index(drop=True)
    member_rows = "".join(
        f"<tr><td class='n'>{i}</td><td>{e(row.practice_name)}</td><td>{e(row.practice_code)}"
        f"</td><td>{e(row.postcode)}</td><td>{e(row.commissioner_label)}</td>"
        f"<td class='n'>{e(_count(row.registered))}</td></tr>"
        for i, row in enumerate(members.itertuples(), 1))
    flags = [f"Size: {facts.size_words}"]
    if len(members) == 1:
        flags.append("a single-practice network")
    flags.append(facts.contiguity)
    if len(facts.commissioners) > 1:
        flags.append(f"its members sit with {len(facts.commissioners)} "
                     f"{facts.commissioner_word}s")
    money = facts.funding
    funding = "<p>No entitlement worked out for this network.</p>"
    if money is not None:
        rows = "".join(f"<tr><td>{e(_up_to(label, up_to))}</td><td class='n'>"
                       f"{e(_money(amount))}</td></tr>" for label, amount, up_to in
                       money.streams.frame.itertuples(index=False))
        funding = (f"<table><tr><th>Stream ({e(money.year)})</th><th class='n'>£</th></tr>"
                   f"{rows}<tr><th>Total</th><th class='n'>{e(_money(money.total))}</th></tr>"
                   f"</table><p class='small'>{e(_figure('£', money.per_patient))} per "
                   f"registered patient. {e(money.note)}</p>")
    bench = ""
    if facts.benchmarks is not None:
        cells = "".join(
            f"<tr><td>{e(row.label)}</td><td class='n'>{e(_figure(row.label, row.network))}</td>"
            f"<td class='n'>{e(_figure(row.label, row.commissioner.median))}</td>"
            f"<td class='n'>{row.commissioner.decile}</td>"
            f"<td class='n'>{e(_figure(row.label, row.england.median))}</td>"
            f"<td class='n'>{row.england.decile}</td></tr>" for row in facts.benchmarks.rows)
        bench = ("<h2>Against its " + e(facts.commissioner_word) + " and England</h2>"
                 "<table><tr><th>Measure</th><th class='n'>Network</th>"
                 f"<th class='n'>{e(facts.commissioner_word)} median</th><th class='n'>decile</th>"
                 "<th class='n'>England median</th><th class='n'>decile</th></tr>"
                 f"{cells}</table>")
    listed = "; ".join(f"{source.get('name', '')} ({source.get('vintage', '')})"
                       for source in sources)
    lines = "".join(f"<div>{e(line)}</div>" for line in attribution)
    title = facts.title
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(title)}: network sheet, {e(facts.snapshot_label)}</title>
<style>{PRINT_CSS}</style></head>
<body>
<h1>{e(title)}</h1>
<p class="sub">Primary Care Network sheet · {e(facts.snapshot_label)} snapshot (memberships as
published for {e(facts.as_of)}) · {e("; ".join(facts.commissioners))}</p>
<div class="top">
<div class="map">{facts.picture()}</div>
<div class="facts">
<p><span class="flag">{e(_count(facts.registered))}</span> registered patients ·
<span class="flag">{len(members)}</span> member practices</p>
<p>{e("; ".join(flags))}.</p>
<p>{e(facts.rurality_words)}</p>
<h2>Funding</h2>
{funding}
</div></div>
<h2>Member practices (numbered as on the map)</h2>
<table><tr><th class="n">#</th><th>Practice</th><th>ODS code</th><th>Postcode</th>
<th>{e(facts.commissioner_word)}</th><th class="n">Registered</th></tr>{member_rows}</table>
{bench}
<h2>Since the previous snapshot</h2>
<p>{e(facts.changes)}</p>
<h2>About these figures</h2>
<p class="small">Map: {e(methods.INDICATIVE_NOTE)} Method: {e(methods.METHODS.get(
        facts.method, facts.method))}. Sources: {e(listed)}.</p>
<div class="small">{lines}</div>
</body></html>
"""


def _up_to(label: str, up_to: bool) -> str:
    """A stream's label saying once that its figure is a ceiling."""
    said = "up to" in label.lower() or "ceiling" in label.lower()
    return f"{label} (up to)" if up_to and not said else label
