"""The Funding page's parts for one place besides its networks: one
network's streams (what changed from the year before, stream by stream,
ended streams included), the practices' own payments and the declared
rates, all in words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.model import funding
from pcnmap.model.place import Place
from pcnmap.views.parts import Figure, Table, table
from pcnmap.words import BASES, change_in_pounds, named, pounds, rate

# Columns these parts add, in words.
STREAM = Column("stream", "Stream")
AMOUNT = Column("amount", "Amount (£)", Kind.MONEY)
DUE_OR_UP_TO = Column("due_or_up_to", "Due or up to")
CHANGE = Column("change", "Change")
NETWORK_NAMED = Column("network_named", "Network")
WHERE = Column("where", "Where")
PART = Column("part", "Part")
RATE = Column("rate", "Rate")
PAID = Column("paid", "Paid")
MONTHS = Column("months", "Months of the year")
STATUS = Column("status", "Status")
SOURCE = Column("source", "Source")
NOTE = Column("note", "Note")
UP_TO_WORDS = {True: "Up to (earned, or a ceiling)", False: "Due"}
STATUS_WORDS = {"sourced": "Sourced (an official document)",
                "unverified": "Unverified (a secondary source, or carried forward)"}


def year_file_part(year: str) -> str:
    """A financial year in a file name: "2026-27"."""
    return year.replace("/", "-")


@dataclass(frozen=True)
class NetworkDetail:
    """One network's streams in a year, and their change from the year before.

    Attributes:
        title: The network by name and code.
        figures: Its total (with its change), what is due, its £ per patient
            and its commissioner's median.
        commissioner: Its commissioner, by label (text from the data).
        caption: Its £ per patient beside its commissioner's and England's
            medians (the page's own words and figures only).
        table: One row per stream of either year (an ended stream at £0,
            its change the whole of last year's amount).
        changes: Each stream's change in pounds, by stream key (none
            without a year before).
        total_change: The total's change (None without a year before);
            the streams' changes add up to it.
    """

    title: str
    commissioner: str
    figures: tuple[Figure, ...]
    caption: str
    table: Table
    changes: Mapping[str, float]
    total_change: float | None


def network_detail(this: funding.NetworkFunding, before: funding.NetworkFunding | None,
                   book: funding.RateBook, network_code: str, labels: Mapping[str, str],
                   snapshot: str) -> NetworkDetail:
    """``network_code``'s streams in ``this`` year, with their change from ``before``."""
    frame = this.networks.set_index(c.NETWORK_CODE)
    row = frame.loc[network_code]
    registered = float(row[c.REGISTERED]) if row[c.REGISTERED] > 0 else None
    keys = [s.key for s in this.streams]
    change = None
    if before is not None:
        change = funding.year_on_year(this, before).set_index(c.NETWORK_CODE).loc[network_code]
        keys = [key for key in book.streams if key in keys
                or key in {s.key for s in before.streams}]
    rows = []
    for key in keys:
        amount = float(row[key]) if key in row.index else 0.0
        ended = key not in {s.key for s in this.streams}
        rows.append({
            STREAM: book.streams[key].label + (f" (not paid in {this.year})" if ended else ""),
            AMOUNT: amount, c.PER_PATIENT: amount / registered if registered else None,
            DUE_OR_UP_TO: "" if ended else UP_TO_WORDS[key in this.up_to],
            CHANGE: change_in_pounds(change[key]) if change is not None else ""})
    columns = (STREAM, AMOUNT, c.PER_PATIENT, DUE_OR_UP_TO,
               *((CHANGE.titled(f"Change on {before.year}"),) if before is not None else ()))
    shown = pd.DataFrame(rows, columns=[STREAM, AMOUNT, c.PER_PATIENT, DUE_OR_UP_TO, CHANGE])
    marks = funding.per_patient_benchmarks(this, network_code)
    commissioner = labels.get(row[c.COMMISSIONER_CODE], row[c.COMMISSIONER_CODE])
    total_change = float(change[c.TOTAL]) if change is not None else None
    figures = (
        Figure("Network's total", pounds(row[c.TOTAL]), float(row[c.TOTAL]),
               change=change_in_pounds(total_change, before.year) if change is not None
               else None),
        Figure("Network's due (not 'up to')", pounds(row[c.DUE]), float(row[c.DUE])),
        Figure("Network's £ per registered patient", pounds(marks.network, pence=True),
               marks.network),
        Figure("Median per patient of its commissioner's networks",
               pounds(marks.commissioner_median, pence=True), marks.commissioner_median,
               help=f"England's median is {pounds(marks.england_median, pence=True)}."))
    caption = (f"England's median per patient {pounds(marks.england_median, pence=True)}; "
               f"its commissioner's {pounds(marks.commissioner_median, pence=True)}."
               + (" Weighted and adjusted lists are estimated." if row[c.ESTIMATED] else ""))
    return NetworkDetail(
        title=named(network_code, {network_code: row[c.NETWORK_NAME]}),
        commissioner=commissioner, figures=figures, caption=caption,
        table=table(shown, columns,
                    file_name=f"pcnmap-network-funding-{snapshot}-"
                              f"{year_file_part(this.year)}-{network_code}.csv"),
        changes={key: float(change[key]) for key in keys} if change is not None else {},
        total_change=total_change)


@dataclass(frozen=True)
class PracticePayments:
    """What the place's practices are paid themselves (streams paid to practices).

    Attributes:
        figures: Each stream's average per practice, the place's and England's
            (England's beside the widely reported average, where there is one).
        averages: The average per practice: England, the place, and each of
            its commissioners.
        table: Each practice of the place, its streams and total.
    """

    figures: tuple[Figure, ...]
    averages: Table
    table: Table


def practice_payments(payments: pd.DataFrame, practices: pd.DataFrame, place: Place,
                      streams: list[funding.Stream], labels: Mapping[str, str],
                      network_names: Mapping[str, str], file_name: str) -> PracticePayments:
    """The practices' own payments (``payments``: England's member practices,
    :func:`pcnmap.model.funding.practice_payments`) for ``place``."""
    mine = place.of_practices(payments, practices)
    figures = []
    for stream in streams:
        england = float(payments[stream.key].mean())
        reported = stream.reported_average
        figures.append(Figure(
            f"{stream.label}: average per practice, England", pounds(england), england,
            change=(f"{change_in_pounds(england - reported)} against the reported "
                    f"{pounds(reported)}") if reported else None,
            help=stream.reported_source))
        if not place.is_england:
            local = float(mine[stream.key].mean()) if len(mine) else None
            figures.append(Figure(f"{stream.label}: average per practice, {place.name}",
                                  pounds(local), local))
    rows = [("England", len(payments), payments[c.TOTAL].mean())]
    if not place.is_england and not place.commissioner:
        rows.append((place.name, len(mine), mine[c.TOTAL].mean() if len(mine) else None))
    for code, group in mine.groupby(c.COMMISSIONER_CODE):
        rows.append((labels.get(code, code), len(group), group[c.TOTAL].mean()))
    averages = pd.DataFrame(rows, columns=[WHERE, c.PRACTICES, c.AVERAGE])
    shown = mine.assign(**{
        c.COMMISSIONER_LABEL: mine[c.COMMISSIONER_CODE].map(labels).fillna(
            mine[c.COMMISSIONER_CODE]),
        NETWORK_NAMED: [named(code, network_names) for code in mine[c.NETWORK_CODE]]})
    stream_columns = [Column(s.key, f"{s.label} (£)", Kind.MONEY) for s in streams]
    return PracticePayments(
        figures=tuple(figures),
        averages=table(averages, (WHERE, c.PRACTICES, c.AVERAGE)),
        table=table(shown, (c.PRACTICE_NAME, c.TOTAL, c.PRACTICE_CODE, c.COMMISSIONER_LABEL,
                            NETWORK_NAMED, c.WEIGHTED, c.ESTIMATED, *stream_columns),
                    key=c.PRACTICE_CODE, file_name=file_name, sort=(c.PRACTICE_NAME,)))


def _month_name(day: dt.date) -> str:
    return day.strftime("%B %Y")


def months_words(year: str, start: dt.date | None, end: dt.date | None) -> str:
    """The months of a financial year a rate runs in: "the whole year",
    "July 2019 to March 2020", "none"."""
    first = int(year[:4])
    months = [dt.date(first + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)]
    active = [month for month in months
              if (start is None or month >= start.replace(day=1))
              and (end is None or month <= end.replace(day=1))]
    if len(active) == len(months):
        return "the whole year"
    if not active:
        return "none"
    if len(active) == 1:
        return _month_name(active[0])
    return f"{_month_name(active[0])} to {_month_name(active[-1])}"


def rate_words(amount: float, basis: str) -> str:
    """A declared rate in words (:func:`pcnmap.words.rate`), its pence kept
    where a rate of over £100 has them: "£130.253 per care home bed"."""
    if 100 <= amount < 1_000_000 and amount % 1:
        return f"£{amount:,.3f}".rstrip("0") + f" {BASES.get(basis, basis)}"
    return rate(amount, basis)


def rates_table(book: funding.RateBook, year: str) -> Table:
    """The year's declared rates in words: each stream, its rate ("£2.266
    per registered patient"), the months it runs, due or up to, its status
    and its source."""
    rows = []
    for found in book.for_year(year) + book.for_year(year, "practice"):
        months = months_words(year, found.start, found.end)
        if found.per_period:
            paid = "for those months"
        elif found.basis == "per_role":
            paid = f"a year for each role ({found.roles}; {found.roles_over_100000} over "\
                   f"{funding.LARGE_NETWORK:,} patients)"
        else:
            paid = "a year" if months == "the whole year" else "a year, for the months it runs"
        rows.append({STREAM: book.streams[found.stream].label, PART: found.role,
                     RATE: rate_words(found.amount, found.basis), PAID: paid, MONTHS: months,
                     DUE_OR_UP_TO: UP_TO_WORDS[found.up_to],
                     STATUS: STATUS_WORDS.get(found.status, found.status),
                     SOURCE: book.source_text(found), NOTE: found.note})
    frame = pd.DataFrame(rows, columns=[STREAM, PART, RATE, PAID, MONTHS, DUE_OR_UP_TO, STATUS,
                                        SOURCE, NOTE])
    return table(frame, (STREAM, PART, RATE, PAID, MONTHS, DUE_OR_UP_TO, STATUS, SOURCE, NOTE),
                 file_name=f"pcnmap-funding-rates-{year_file_part(year)}.csv")
