"""The Boundary methods page for one place: the three ways pcnmap derives
network areas, side by side on measures the app's own data holds, and why
one is the default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.model import coverage
from pcnmap.model.methods import CATCHMENT, DEFAULT, LSOA, METHODS, SHORT_NAMES, VORONOI, title
from pcnmap.model.place import Place
from pcnmap.views.parts import Table, table
from pcnmap.views.source import SnapshotData

if TYPE_CHECKING:
    import plotly.graph_objects as go

METHOD_NAME = Column("method_name", "Method")
NETWORKS_JUDGED = Column("networks", "Networks", Kind.COUNT)
FLAGGED = Column("flagged", "Flagged non-contiguous", Kind.COUNT)
FLAGGED_SHARE = Column("flagged_share", "Flagged (% of networks)", Kind.SHARE)
IN_PIECES = Column("in_pieces", "Drawn in several pieces", Kind.COUNT)
KEPT = Column("nearest_share", "Nearest-practice areas kept in their own network (%)",
              Kind.SHARE)
DENSITY = Column("density", "Patients per km² (middle half)")
DENSITY_RANK = Column("density_rank", "Density against list size (rank correlation)",
                      Kind.DECIMAL)
FOLLOWS = Column("follows", "A practice's area follows its list (correlation)", Kind.DECIMAL)
SHARED = {other: Column(f"shared_{other}", f"Area shared with {SHORT_NAMES[other]} (median)",
                        Kind.SHARE) for other in METHODS}
DEFAULT_REASON = (
    f"The default is {METHODS[DEFAULT]}. On the measures above it flags the fewest "
    "networks non-contiguous in every snapshot (26% in July 2026, against 27% for Voronoi "
    "cells and 32% for the grown catchments), and by its construction it keeps each "
    "practice's nearest neighbourhood with its network. Set against the practices' own "
    "declared catchments (a comparison reported to the project on the eDEC inner catchments "
    "of January-March 2020, 1,245 networks in common with December 2019; that file is not "
    "among the app's sources), 73.2% of its networks have at least 80% of their area inside "
    "their own declared catchment (83.7% by area), close to Voronoi cells' 74.7% (87.4%) and "
    "ahead of the grown catchments' 71.6% (82.8%), the former default. Of the two that agree "
    "best it alone follows LSOAs and commissioner boundaries, so a proposed network's "
    "contiguity, the rurality of the areas a network covers and the share of patients on "
    "each side of a boundary come from the same areas the map draws. All three stay, for "
    "comparison.")
# How each method draws a network's area, in the order the pickers offer them.
HOW = {
    LSOA: "each LSOA goes to the network of its nearest practice, preferring its own "
          "commissioner's.",
    VORONOI: "each practice site's nearest-point cell, clipped to England.",
    CATCHMENT: "each practice grows a catchment over the LSOA map from its own LSOA, nearest "
               "LSOAs first, each touching what it holds, until it holds its share of "
               "England's LSOAs by registered list."}
MEASURES_NOTE = (
    "Flagged non-contiguous: networks whose practices stand in areas that do not touch. "
    "Nearest-practice areas kept: of each practice's LSOAs by the nearest-practice rule, the "
    "share the method gives the practice's own network, weighted by patients (the LSOA "
    "method keeps all by its construction, bar the areas it reassigns). Area shared: the "
    "median share of a network's area the other method also gives it.")
# One marker shape per method, so the chart reads without its colours.
SYMBOLS = {CATCHMENT: "circle", LSOA: "square", VORONOI: "diamond"}
CHART_TITLE = "Patients per km² against list size"


@dataclass(frozen=True)
class MethodsView:
    """What the page shows for one place.

    Attributes:
        title: The heading, naming the place.
        default: Why the default method is the default.
        measures: Each method's measures over the place's networks.
        networks: Every network of the place by method (area, density, shares).
        chart: The same, by method code, with each network's list (the chart's data).
    """

    title: str
    default: str
    measures: Table
    networks: Table
    chart: pd.DataFrame

    def figure(self) -> go.Figure:
        """Each network's density against its list, one marker shape per method
        (log scale: densities run from tens to tens of thousands per km²)."""
        import plotly.graph_objects as go

        figure = go.Figure()
        for method, rows in self.chart.groupby(c.METHOD, sort=False):
            figure.add_scatter(
                x=rows[c.REGISTERED], y=rows[c.PATIENTS_PER_KM2], mode="markers",
                name=title(method),
                marker={"size": 6, "opacity": 0.6, "symbol": SYMBOLS.get(method, "circle")},
                text=rows[c.NETWORK_NAME],
                hovertemplate="%{text}<br>%{x:,.0f} patients<br>%{y:,.0f} per km²"
                              "<extra></extra>")
        figure.update_layout(height=480, xaxis_title="Registered patients",
                             yaxis_title="Patients per km² (log scale)", yaxis_type="log",
                             margin={"t": 30}, legend_title_text="Method")
        return figure


def boundary_methods(data: SnapshotData, place: Place) -> MethodsView:
    """The three methods compared over ``place``'s networks."""
    practices = data.practices
    mine = place.network_codes(practices)
    comparison = data.method_comparison
    comparison = comparison if place.is_england else comparison[
        comparison[c.NETWORK_CODE].isin(mine)]
    summaries = coverage.method_summaries(comparison, data.contiguity,
                                          data.network_boundaries.attributes,
                                          data.lsoa_networks, practices, data.network_pieces)
    rows = []
    for summary in summaries:
        row = {c.METHOD: summary.method,
               METHOD_NAME: title(summary.method) + (" (default)" if summary.method == DEFAULT
                                                     else ""),
               NETWORKS_JUDGED: summary.networks, FLAGGED: summary.flagged,
               FLAGGED_SHARE: summary.flagged_share, IN_PIECES: summary.in_several_parts,
               KEPT: summary.nearest_share,
               DENSITY: f"{summary.density_iqr[0]:,.0f} to {summary.density_iqr[1]:,.0f}",
               DENSITY_RANK: summary.density_list_correlation,
               FOLLOWS: summary.practice_area_correlation}
        for other in METHODS:
            row[SHARED[other]] = summary.shared_with.get(other)
        rows.append(row)
    measures = pd.DataFrame(rows)
    shown = [METHOD_NAME, NETWORKS_JUDGED, FLAGGED, FLAGGED_SHARE, IN_PIECES, KEPT, DENSITY,
             DENSITY_RANK, FOLLOWS, *SHARED.values()]
    names = data.networks.set_index(c.NETWORK_CODE)[c.NETWORK_NAME]
    every = comparison.assign(**{
        METHOD_NAME: comparison[c.METHOD].map(title),
        c.NETWORK_NAME: comparison[c.NETWORK_CODE].map(names).fillna("")})
    return MethodsView(
        title=f"How network areas are derived: {place.name}",
        default=DEFAULT_REASON,
        measures=table(measures, shown),
        networks=table(every, (c.NETWORK_NAME, METHOD_NAME, c.AREA_KM2, c.PATIENTS_PER_KM2,
                               KEPT, c.SHARED_LSOA, c.SHARED_VORONOI, c.SHARED_CATCHMENT,
                               c.NETWORK_CODE), key=c.NETWORK_CODE,
                       file_name=f"pcnmap-boundary-methods-{data.key}-{place.file_part}.csv"),
        chart=every.assign(**{c.REGISTERED: every[c.NETWORK_CODE].map(
            data.networks.set_index(c.NETWORK_CODE)[c.REGISTERED])}))
