"""What a page view hands its page: figures with their words and tables
with headings in words, each column's format declared with it.

A page renders these and adds nothing: every number, heading and file name
comes from the view (:mod:`pcnmap.views`), so what a page shows can be
tested without Streamlit, and is the same on screen and in its CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcnmap import export
from pcnmap.columns import Column, Kind, kind


@dataclass(frozen=True)
class Figure:
    """One headline figure.

    Attributes:
        label: What it counts, in words ("Practices with patients in no network").
        text: The figure as shown ("1,298", "£2.5bn", "87.5%").
        value: The number itself (None where there is none).
        help: More words, shown on demand (the list it comes from, a caveat).
        change: A change beside it, with its arrow and sign ("↓ −£94,368 on 2025/26").
        codes: Where the figure counts networks (or follows from them, as
            their money does): their codes. Networks are not additive over
            places (one network can have members in two), so a place's set
            is the union of its parts' sets, not a sum.
        additive: Whether a place's value is the sum of its parts' (counts of
            practices or areas, which belong to one place each); not a share.
    """

    label: str
    text: str
    value: float | None = None
    help: str = ""
    change: str | None = None
    codes: frozenset[str] | None = None
    additive: bool = True


@dataclass(frozen=True)
class Table:
    """A table as a page shows it and its CSV holds it.

    Attributes:
        frame: The values, one column per entry of ``columns``, under the
            columns' names (not their headings).
        columns: The columns shown, in order, each with its heading and kind.
        key: The column naming what a row is (a practice, a network, an
            area, a commissioner): every row's key belongs to the place.
        file_name: The CSV's file name (None: no download).
        title: Words above the table ("" for none).
        caption: Words below the title.
    """

    frame: pd.DataFrame
    columns: tuple[Column, ...]
    key: Column | None = None
    file_name: str | None = None
    title: str = ""
    caption: str = ""

    def __post_init__(self) -> None:
        missing = [str(c) for c in self.columns if c not in self.frame.columns]
        if missing:
            raise ValueError(f"table {self.title or self.file_name!r}: columns {missing} "
                             "are missing")
        headings = [column.heading for column in self.columns]
        if len(set(headings)) < len(headings):
            raise ValueError(f"table {self.title or self.file_name!r}: two columns share a "
                             f"heading: {headings}")

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def headings(self) -> list[str]:
        """The columns' headings, in order."""
        return [column.heading for column in self.columns]

    @property
    def kinds(self) -> dict[str, Kind]:
        """Each heading's kind."""
        return {column.heading: kind(column) for column in self.columns}

    def shown(self) -> pd.DataFrame:
        """The table as the screen shows it: headings in words, flags as
        Yes/No, shares as percentages, nothing missing written as None or nan."""
        return _readable(self.frame, self.columns, rounding=False)

    def csv_frame(self) -> pd.DataFrame:
        """The table as its CSV holds it: :meth:`shown`, and no float noise
        (patients whole, pounds whole or to the penny, measures to 3 places)."""
        return _readable(self.frame, self.columns, rounding=True)

    def csv(self) -> bytes:
        """The CSV's bytes (spreadsheet-safe: :func:`pcnmap.export.csv_bytes`)."""
        return export.csv_bytes(self.csv_frame())

    def where(self, mask: pd.Series | np.ndarray) -> Table:
        """The same table with only the rows of ``mask``."""
        return Table(self.frame[mask], self.columns, self.key, self.file_name, self.title,
                     self.caption)


def table(frame: pd.DataFrame, columns: Sequence[Column], *, key: Column | None = None,
          file_name: str | None = None, title: str = "", caption: str = "",
          sort: Iterable[Column] = (), descending: bool = False) -> Table:
    """A :class:`Table` of ``columns`` of ``frame`` (sorted by ``sort``)."""
    picked = frame[list(columns)]
    if sort:
        picked = picked.sort_values(list(sort), ascending=not descending, kind="stable")
    return Table(picked.reset_index(drop=True), tuple(columns), key, file_name, title,
                 caption)


def _readable(frame: pd.DataFrame, columns: Sequence[Column], *, rounding: bool
              ) -> pd.DataFrame:
    out = {}
    for column in columns:
        values = frame[column]
        sort = kind(column)
        if sort == Kind.FLAG:
            values = values.map(lambda v: "" if pd.isna(v) else ("Yes" if v else "No"))
        elif sort == Kind.SHARE:
            values = (pd.to_numeric(values, errors="coerce") * 100).round(1)
        elif sort in (Kind.PATIENTS, Kind.COUNT):
            values = pd.to_numeric(values, errors="coerce").round(0).astype("Int64")
        elif sort in (Kind.MONEY, Kind.PENCE, Kind.PERCENT, Kind.DECIMAL) and rounding:
            places = {Kind.MONEY: 2, Kind.PENCE: 2, Kind.PERCENT: 1}.get(sort, 3)
            values = pd.to_numeric(values, errors="coerce").round(places)
        elif sort == Kind.DATE:
            values = pd.to_datetime(values, errors="coerce").dt.strftime("%-d %B %Y")
        if sort in (Kind.TEXT, Kind.CODE, Kind.DATE):
            values = values.astype("string").fillna("")
        out[column.heading] = values.to_numpy() if not isinstance(
            values.dtype, pd.api.extensions.ExtensionDtype) else values.array
    return pd.DataFrame(out)
