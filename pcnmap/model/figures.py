"""Figures as people read them: whole patients, pounds, headers in words,
and the list a patient count comes from, named with its date.

Patient counts: a snapshot's list sizes are of one file (the
``registered_source`` of its practices). NHS Payments files give each
practice's average over the year's quarterly lists (hence 10,095.5): those
are labelled averages. Every page showing a network's patients for a
snapshot uses the snapshot's list (the networks table); the Funding page
uses the list its financial year's payments use, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MONTHS = {"Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April", "May": "May",
          "Jun": "June", "Jul": "July", "Aug": "August", "Sep": "September",
          "Oct": "October", "Nov": "November", "Dec": "December"}
_PAYMENTS = re.compile(r"nhs-payments-gp-(\d{4})-(\d{2})")
_DATED = re.compile(r"_(\d{2})([A-Z][a-z]{2})(\d{4})")


@dataclass(frozen=True)
class ListSource:
    """Where a snapshot's patient counts come from.

    ``when``: "2022-23 average of quarterly lists" or "1 April 2025";
    ``average``: whether each count is an average (so may have a fraction).
    """

    when: str
    average: bool

    @property
    def patients_label(self) -> str:
        """The heading of a patient count: "Patients (1 April 2025)"."""
        return f"{'Average patients' if self.average else 'Patients'} ({self.when})"


def list_source(sources: pd.Series) -> ListSource:
    """The list most of a snapshot's practices' counts come from (their
    ``registered_source`` file names)."""
    found = sources.dropna()
    if found.empty:
        return ListSource("no list in the data", False)
    name = str(found.value_counts().index[0])
    payments = _PAYMENTS.search(name)
    if payments:
        return ListSource(f"{payments[1]}-{payments[2]} average of quarterly lists, "
                          "NHS Payments", True)
    dated = _DATED.search(name)
    if dated and dated[2] in MONTHS:
        return ListSource(f"{int(dated[1])} {MONTHS[dated[2]]} {dated[3]}", False)
    return ListSource(name, False)


def whole(value: float) -> str:
    """A count as a whole number with thousands separators ("29,664")."""
    return "–" if value is None or pd.isna(value) else f"{round(float(value)):,}"


def pounds(value: float, pence: bool = False) -> str:
    """Money with the pound sign and thousands separators."""
    if value is None or pd.isna(value):
        return "–"
    return f"£{value:,.2f}" if pence else f"£{round(float(value)):,}"


# Column names as the tables show them.
HEADERS = {
    "practice_code": "Practice code", "practice_name": "Practice", "postcode": "Postcode",
    "network_code": "Network code", "network_name": "Network", "commissioner_code":
    "Commissioner", "commissioner_name": "Commissioner name", "lsoa_commissioner_code":
    "Commissioner", "registered": "Patients", "weighted": "Weighted patients",
    "per_patient": "£ per patient", "total": "Total (£)", "member_count": "Practices",
    "members": "Practices", "size_band": "Size", "single_practice": "Single practice",
    "lsoa_code": "LSOA code", "lsoa_name": "LSOA", "distance_m": "Distance (m)",
    "distance_km": "Distance (km)", "area_km2": "Area (km²)", "estimated": "Estimated",
    "nearest_network_code": "Nearest network code", "nearest_network_name": "Nearest network",
    "average": "Average per practice (£)", "practices": "Practices",
    "member_commissioners": "Members' commissioners",
    "crosses_commissioners": "Crosses commissioners",
    "epcn_cross_commissioner": "ePCN flag: crosses", "agrees_with_epcn": "Agrees with ePCN",
    "network_commissioner_code": "Network's commissioner",
}
# Counts of people: shown and written whole.
PATIENT_WORDS = ("registered", "weighted", "patients", "Patients")


def header(column: str) -> str:
    """A column's heading: from :data:`HEADERS`, else its words ("in_network"
    -> "In network")."""
    if column in HEADERS:
        return HEADERS[column]
    text = str(column).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def is_patients(column: str) -> bool:
    """Whether a column holds patient counts (shown and written whole)."""
    return any(word in str(column) for word in PATIENT_WORDS) and "£" not in str(column) \
        and "per patient" not in str(column)


def is_money(column: str) -> bool:
    """Whether a column holds pounds (written to the penny)."""
    return "£" in str(column)


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without float noise, for a CSV: patient counts whole, money
    to the penny, any other decimal to 3 places (973501.7010202006 ->
    973501.7)."""
    result = frame.copy()
    for column in result.columns:
        values = result[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        if is_patients(column):
            result[column] = values.round(0).astype("Int64")
        else:
            result[column] = values.round(2 if is_money(column) else 3)
    return result


def human(frame: pd.DataFrame, hide: tuple[str, ...] = ()) -> pd.DataFrame:
    """``frame`` with headings in words and the columns in ``hide`` left out."""
    shown = frame.drop(columns=[c for c in hide if c in frame.columns])
    renamed = {column: header(column) for column in shown.columns}
    if len(set(renamed.values())) < len(renamed):  # two names for one heading: keep codes
        renamed = {c: h if list(renamed.values()).count(h) == 1 else c
                   for c, h in renamed.items()}
    return shown.rename(columns=renamed)


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` holding numbers."""
    return [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c]) and frame[c].dtype != np.dtype("O")]
