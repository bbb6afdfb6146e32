"""The Funding page for one place: its networks' entitlements under the
Network Contract DES in a financial year, stream by stream, what changed
from the year before, the practices' own payments, the map and the rates,
all in words.

A network belongs to the place when any of its members does (the rule of
:mod:`pcnmap.model.place`), and counts with all of its money; the page says
which of its networks have members elsewhere too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from pcnmap import codes
from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.maps import elements, layerdata, selection
from pcnmap.maps.legend import SCALE, LegendEntry
from pcnmap.model import funding as model
from pcnmap.model.place import Place
from pcnmap.views.funding_parts import (
    NetworkDetail,
    PracticePayments,
    network_detail,
    practice_payments,
    rates_table,
    year_file_part,
)
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.shared import networks_beyond, shared_note
from pcnmap.views.source import SnapshotData
from pcnmap.words import change_in_pounds, plural, pounds

if TYPE_CHECKING:
    import plotly.graph_objects as go

# The orders the networks can be listed in (the address's ``sort``).
SORTS = {"total": "Total", "per_patient": "Per patient", "registered": "Patients",
         "network_name": "Name"}
VIEWS = {"total": "Total", "per_patient": "Per patient"}
# The chart draws at most this many networks (the first by the chosen order).
CHART_NETWORKS = 60
CHANGE = Column("change", "Change")
ELSEWHERE = Column("members_elsewhere", "Has members outside this place too", Kind.FLAG)
UP_TO_NOTE = ("Streams marked 'up to' are earned by achievement or are ceilings the network "
              "may claim (additional roles), not money due.")
ESTIMATED_NOTE = (
    "Estimated: no weighted list of this year is published in the data, so each practice's "
    "weighted (and adjusted) list is its registered list times its 2022-23 weighted-to-"
    "registered ratio. Every stream paid by weighted or adjusted patients is an estimate; "
    "upload an NHS Payments file in the sidebar to replace it.")


@dataclass(frozen=True)
class ChartStream:
    """One stream's segments of the stacked bars."""

    label: str
    colour: str
    hatched: bool
    values: tuple[float | None, ...]


# Networks drawn as upright bars; more lie down, a row each of ROW_HEIGHT px.
UPRIGHT_MOST = 15
ROW_HEIGHT = 26


@dataclass(frozen=True)
class FundingChart:
    """The chart's data: one bar per network, a segment per stream.

    Attributes:
        networks: Each bar's label (the network's name; with its code where
            two share a name).
        streams: The segments, in the rates file's order ("up to" ones hatched).
        per_patient: Whether the values are £ per registered patient.
        axis_title: The value axis's title.
        note: Words when not every network of the place is drawn ("" when all are).
    """

    networks: tuple[str, ...]
    streams: tuple[ChartStream, ...]
    per_patient: bool
    axis_title: str
    note: str

    def figure(self, height: int = 520) -> go.Figure:
        """The stacked bars as a plotly figure ``height`` pixels tall: each
        stream in its colour, "up to" ones hatched, the amount on hover.

        Beyond :data:`UPRIGHT_MOST` networks the bars lie down, one row per
        network, its name whole beside it (upright, 45 names took the
        chart's height and left the bars a strip), the first at the top;
        the chart is then as tall as its rows need."""
        import plotly.graph_objects as go

        lying = len(self.networks) > UPRIGHT_MOST
        figure = go.Figure()
        amount = "x" if lying else "y"
        unit = (f": £%{{{amount}:,.2f}} per patient" if self.per_patient
                else f": £%{{{amount}:,.0f}}")
        name = "%{y}" if lying else "%{x}"
        for stream in self.streams:
            values = {"y": list(self.networks), "x": list(stream.values),
                      "orientation": "h"} if lying else {
                      "x": list(self.networks), "y": list(stream.values)}
            figure.add_bar(name=stream.label, **values,
                           marker={"color": stream.colour,
                                   "pattern": {"shape": "/" if stream.hatched else ""}},
                           hovertemplate=name + "<br>" + stream.label + unit + "<extra></extra>")
        figure.update_layout(barmode="stack", legend_title_text="Stream", margin={"t": 30})
        if lying:
            figure.update_layout(height=max(height, ROW_HEIGHT * len(self.networks) + 120),
                                 xaxis_title=self.axis_title, xaxis_tickprefix="£",
                                 yaxis_title=None, yaxis_autorange="reversed",
                                 legend_orientation="h", legend_y=1.02, legend_yanchor="bottom")
        else:
            figure.update_layout(height=height, yaxis_title=self.axis_title,
                                 yaxis_tickprefix="£", xaxis_title=None)
        return figure


@dataclass(frozen=True)
class FundingMap:
    """The map of the place's networks coloured by £ per registered patient."""

    layer: selection.PerPatientMap
    place_labels: list[list]
    caption: str
    key: str

    def layers(self) -> list[elements.ManyShapes | elements.LabelLayer]:
        """The map's layers with their legend rows, made anew for each map
        (an element belongs to the one map it is added to)."""
        name = "Uplift per patient (indicative boundaries)"
        drawn = self.layer
        return [elements.area_layer(
                    drawn.shapes, name, [("network_name", "Network"),
                                         ("per_patient", "£ per patient")],
                    legend=(LegendEntry(name, "£ per registered patient", SCALE, drawn.scale,
                                        note=f"{pounds(drawn.low, pence=True)} to "
                                             f"{pounds(drawn.high, pence=True)}"),)),
                elements.place_labels(self.place_labels)]


@dataclass(frozen=True)
class FundingView:
    """What the Funding page shows for one place and year.

    Attributes:
        title: The heading, naming the year and the place.
        notes: Whose members and which lists, and what "up to" means; what
            else the rates file says of the year.
        compared: How the model compares with what was paid, with its
            source ("" where the rates file says nothing).
        unverified: The warning on rates not from an official document.
        estimated: The note on estimated lists ("" where none is estimated).
        figures: The place's total (with its change), what is due, the
            median £ per patient and the count of networks.
        shared: Words on the place's networks with members elsewhere too.
        table: Every network of the place, largest total first (see
            :meth:`ordered` and :meth:`bars` for the other orders and the chart).
        choices: The networks a person may open, code -> "Name (code)", by name.
        practices: The practices' own payments (None: the year pays practices nothing).
        rates: The year's rates in words.
        map: The per-patient map (None for England, or where nothing is drawn).
        this: The year's entitlements (every network of England).
        before: The year before's (None for the first year).
        book: The rates they were worked out by.
        labels: Each commissioner's label, by code.
        snapshot: The snapshot's key.
    """

    title: str
    notes: tuple[str, ...]
    compared: str
    unverified: str
    estimated: str
    figures: tuple[Figure, ...]
    shared: str
    table: Table
    choices: dict[str, str]
    practices: PracticePayments | None
    rates: Table
    map: FundingMap | None
    this: model.NetworkFunding
    before: model.NetworkFunding | None
    book: model.RateBook
    labels: Mapping[str, str]
    snapshot: str

    def detail(self, network_code: str) -> NetworkDetail:
        """One network's streams, and their change from the year before."""
        return network_detail(self.this, self.before, self.book, network_code, self.labels,
                              self.snapshot)

    def ordered(self, sort: str = "total") -> Table:
        """The networks' table in the order ``sort`` (:data:`SORTS`): by name
        A to Z, otherwise largest first (then by name)."""
        if sort not in SORTS:
            raise ValueError(f"unknown order {sort!r} (expected one of {list(SORTS)})")
        frame = self.table.frame.sort_values(
            [sort, c.NETWORK_NAME], ascending=[sort == c.NETWORK_NAME, True], kind="stable")
        return Table(frame.reset_index(drop=True), self.table.columns, self.table.key,
                     self.table.file_name, self.table.title, self.table.caption)

    def bars(self, sort: str = "total", per_patient: bool = False) -> FundingChart:
        """The chart's data: the first :data:`CHART_NETWORKS` networks in the
        order ``sort``, each stream in pounds or per registered patient."""
        return chart(self.ordered(sort).frame, self.this, per_patient)


def entitlements(data: SnapshotData, year: str, beds: Mapping[str, float] | None = None,
                 weighted: pd.DataFrame | None = None
                 ) -> tuple[model.NetworkFunding, model.NetworkFunding | None, pd.DataFrame]:
    """England's networks' entitlements in ``year`` and the year before, and
    the practices' own payments in ``year``: worked out once a snapshot,
    unless a person entered care home beds (both years: beds are the
    network's) or brought weighted lists (this year's)."""
    book, practices, lists = data.rates, data.practices, data.funding_lists
    previous = book.previous_year(year)
    if beds or weighted is not None:
        return (model.network_funding(practices, lists, book, year, beds, weighted),
                model.network_funding(practices, lists, book, previous, beds)
                if previous else None,
                model.practice_payments(practices, lists, book, year, weighted))

    def networks_of(chosen: str) -> model.NetworkFunding:
        return data.remember(("funding", chosen), lambda: model.network_funding(
            practices, lists, book, chosen))

    return (networks_of(year), networks_of(previous) if previous else None,
            data.remember(("practice_payments", year), lambda: model.practice_payments(
                practices, lists, book, year)))


def funding(data: SnapshotData, place: Place, year: str, *, method: str,
            beds: Mapping[str, float] | None = None,
            weighted: pd.DataFrame | None = None) -> FundingView:
    """The Funding page for ``place`` in ``year``: its networks (those with a
    member in it; their order and the chart's pounds or pounds per patient
    are chosen from the view: :meth:`FundingView.ordered`,
    :meth:`FundingView.bars`), the map by boundary ``method``. ``beds``
    (care home beds by network) and ``weighted`` (a person's weighted
    lists) change the figures as
    :func:`pcnmap.model.funding.network_funding` says."""
    book, practices, labels = data.rates, data.practices, data.labels
    this, before, payments = entitlements(data, year, beds, weighted)
    chosen = book.years[year]
    networks = place.networks(this.networks, practices)
    beyond = networks_beyond(place, practices)
    was = (before.networks.set_index(c.NETWORK_CODE).reindex(networks[c.NETWORK_CODE])
           if before is not None else None)
    change = (model.year_on_year(this, before).set_index(c.NETWORK_CODE)[c.TOTAL]
              if before is not None else None)
    networks = networks.assign(**{
        CHANGE: [change_in_pounds(change[code]) for code in networks[c.NETWORK_CODE]]
        if change is not None else "",
        c.COMMISSIONER_LABEL: networks[c.COMMISSIONER_CODE].map(labels).fillna(
            networks[c.COMMISSIONER_CODE]),
        ELSEWHERE: networks[c.NETWORK_CODE].isin(beyond)})
    networks = networks.sort_values([c.TOTAL, c.NETWORK_NAME], ascending=[False, True],
                                    kind="stable")
    name, year_part = place.file_part, year_file_part(year)
    streams = [Column(s.key, f"{s.label} (£)", Kind.MONEY) for s in this.streams]
    columns = (c.NETWORK_NAME, c.REGISTERED.titled(f"Patients ({year} funding list)"),
               c.TOTAL, c.DUE, c.PER_PATIENT,
               *((CHANGE.titled(f"Change on {before.year}"),) if before is not None else ()),
               c.MEMBERS, *streams, c.ESTIMATED, c.NETWORK_CODE,
               c.COMMISSIONER_LABEL.titled("Network's commissioner"),
               *((ELSEWHERE,) if not place.is_england else ()))
    rates = book.for_year(year) + book.for_year(year, "practice")
    unverified = sum(rate.status != "sourced" for rate in rates)
    names = dict(zip(this.networks[c.NETWORK_CODE], this.networks[c.NETWORK_NAME],
                     strict=True))
    by_name = networks.sort_values([c.NETWORK_NAME, c.NETWORK_CODE])
    practice_streams = book.streams_of(year, "practice")
    return FundingView(
        title=f"Network funding {year}: {place.name}",
        notes=tuple(note for note in (
            f"Members of the {data.info.label} snapshot's networks, with the lists of {year}: "
            f"{chosen.list_note} {UP_TO_NOTE}", chosen.note) if note),
        compared=f"How this compares with what was paid: {chosen.compared} (Source: "
                 f"{chosen.compared_source}.)" if chosen.compared else "",
        unverified=f"{unverified} of this year's {len(rates)} rates are found only in "
                   "secondary sources (BMA or LMC summaries, the press) or carried forward: "
                   "see Rates and their sources below." if unverified else "",
        estimated=ESTIMATED_NOTE if networks[c.ESTIMATED].any() else "",
        figures=place_figures(networks, was, this, before),
        shared=shared_note(place, beyond, data.info),
        table=table(networks, columns, key=c.NETWORK_CODE,
                    file_name=f"pcnmap-funding-{data.key}-{year_part}-{name}.csv"),
        choices={code: f"{names[code]} ({code})" for code in by_name[c.NETWORK_CODE]},
        practices=practice_payments(
            payments, practices, place, practice_streams, labels, names,
            f"pcnmap-practice-payments-{data.key}-{year_part}-{name}.csv")
        if practice_streams else None,
        rates=rates_table(book, year),
        map=funding_map(data, place, networks, year, method),
        this=this, before=before, book=book, labels=labels, snapshot=data.key)


def place_figures(networks: pd.DataFrame, was: pd.DataFrame | None,
                  this: model.NetworkFunding, before: model.NetworkFunding | None
                  ) -> tuple[Figure, ...]:
    """The place's total and what is due (each with its change), its median
    £ per patient and its count of networks."""
    total, due = float(networks[c.TOTAL].sum()), float(networks[c.DUE].sum())
    median = float(networks[c.PER_PATIENT].median()) if len(networks) else None
    england = float(this.networks[c.PER_PATIENT].median())

    def change(now: float, column: str) -> str | None:
        return None if was is None else change_in_pounds(now - was[column].sum(), before.year)

    patients = networks[c.REGISTERED].sum()
    # The money of the networks with a member here: it follows from which
    # networks they are (a network with members in two places counts in both).
    counted = frozenset(networks[c.NETWORK_CODE])
    return (
        Figure(f"Total, {this.year}", pounds(total), total, change=change(total, c.TOTAL),
               help=f"Every stream of the networks below, 'up to' ones included; their "
                    f"{patients:,.0f} registered patients ({this.year} funding list).",
               codes=counted),
        Figure("Due (not 'up to')", pounds(due), due, change=change(due, c.DUE), codes=counted),
        Figure("Median per registered patient", pounds(median, pence=True), median,
               help=f"Over the networks below; England's median is "
                    f"{pounds(england, pence=True)}.", additive=False),
        Figure("Networks", f"{len(networks):,}", len(networks),
               codes=frozenset(networks[c.NETWORK_CODE])))


def chart(networks: pd.DataFrame, this: model.NetworkFunding, per_patient: bool
          ) -> FundingChart:
    """The stacked bars of the first :data:`CHART_NETWORKS` networks (in the
    table's order): each stream in pounds or per registered patient."""
    drawn = networks.head(CHART_NETWORKS)
    repeated = drawn[c.NETWORK_NAME].duplicated(keep=False)
    bars = [f"{name} ({code})" if twice else name for name, code, twice in zip(
        drawn[c.NETWORK_NAME], drawn[c.NETWORK_CODE], repeated, strict=True)]
    registered = drawn[c.REGISTERED].where(drawn[c.REGISTERED] > 0)
    streams = []
    for stream in this.streams:
        values = drawn[stream.key] / registered if per_patient else drawn[stream.key]
        streams.append(ChartStream(stream.label, stream.colour, stream.key in this.up_to,
                                   tuple(None if pd.isna(v) else float(v) for v in values)))
    note = "" if len(networks) <= CHART_NETWORKS else (
        f"The chart shows the first {CHART_NETWORKS} of {plural(len(networks), 'network')} "
        "in the chosen order; the table below lists them all.")
    return FundingChart(tuple(bars), tuple(streams), per_patient,
                        "£ per registered patient" if per_patient else "£", note)


def funding_map(data: SnapshotData, place: Place, networks: pd.DataFrame, year: str,
                method: str) -> FundingMap | None:
    """The place's networks by boundary ``method``, coloured by £ per
    registered patient (None for England: choose a place to see it)."""
    if place.is_england:
        return None
    boundaries = data.network_boundaries if place.commissioner else data.national_boundaries
    per_patient = networks.set_index(c.NETWORK_CODE)[c.PER_PATIENT].dropna()
    derived = boundaries[(boundaries["method"] == method)
                         & codes.one_of(boundaries[c.NETWORK_CODE], per_patient.index)]
    drawn = selection.per_patient_map(derived, per_patient)
    if drawn is None:
        return None
    return FundingMap(
        drawn, layerdata.place_label_rows(data.places, drawn.bounds),
        f"Colour: £ per registered patient, from {pounds(drawn.low, pence=True)} (dark "
        f"purple) to {pounds(drawn.high, pence=True)} (yellow), viridis scale.",
        f"funding-map-{data.key}-{place.file_part}-{year}-{method}")
