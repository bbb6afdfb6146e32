"""ODS ``epraccur``: GP practices and other organisations, in its classic
layout and ODS's new one (27 fields, no header), and the rule for England's
active GP practices on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pcnmap import codes
from pcnmap.pipeline.readers.csvfiles import check_codes, read_text_csv, without_blank_records
from pcnmap.problems import QualityLog, SourceError

# 1-based field numbers of the epraccur specification, the same in both
# layouts; what they hold differs (see EPRACCUR_LAYOUTS).
EPRACCUR_FIELDS = {
    1: "code",
    2: "name",
    3: "region_code",
    4: "stp_code",
    10: "postcode",
    11: "open_date",
    12: "close_date",
    13: "status",
    14: "subtype",
    15: "commissioner_code",
    26: "prescribing_setting",
}
EPRACCUR_FIELD_COUNT = 27
ADDRESS_FIELDS = (5, 6, 7, 8, 9)


@dataclass(frozen=True)
class EpraccurLayout:
    """What one epraccur layout writes in its status and setting fields."""

    statuses: Mapping[str, str]  # the file's status -> A, C, D or P
    gp_setting: str  # field 26 of a GP practice
    description: str


EPRACCUR_LAYOUTS = {
    "epraccur": EpraccurLayout(
        {"A": "A", "C": "C", "D": "D", "P": "P"}, "4",
        "the classic layout (status A/C/D/P in field 13, prescribing setting 4 in field 26)"),
    "epraccur-2026": EpraccurLayout(
        {"ACTIVE": "A", "INACTIVE": "C", "DORMANT": "D", "PROPOSED": "P"}, "RO76",
        "ODS's new layout (status ACTIVE/INACTIVE/DORMANT in field 13, role RO76 in field 26)"),
}


def epraccur_layout(statuses: pd.Series, where: str, declared: str | None) -> str:
    """Which epraccur layout a file's status field (13) shows.

    A file whose statuses fit neither layout, or not the declared one, is
    refused: a reader of the wrong layout would find no practices at all.
    """
    seen = set(statuses.dropna().unique())
    fitting = [name for name, layout in EPRACCUR_LAYOUTS.items() if seen <= set(layout.statuses)]
    if not fitting:
        unknown = sorted(seen - set().union(*(spec.statuses for spec in EPRACCUR_LAYOUTS.values())))
        raise SourceError(where, f"field 13 (status) holds {unknown[:5]}", column="field 13",
                          expected="an ODS epraccur file in "
                                   + " or ".join(spec.description
                                                 for spec in EPRACCUR_LAYOUTS.values()))
    if declared is not None and declared not in fitting:
        raise SourceError(where, f"is in {EPRACCUR_LAYOUTS[fitting[0]].description}",
                          column="field 13",
                          expected=f"{EPRACCUR_LAYOUTS[declared].description}, as the "
                                   "snapshot catalogue declares")
    return declared or fitting[0]


def read_epraccur(path: Path, log: QualityLog, layout: str | None = None) -> pd.DataFrame:
    """Read an ODS epraccur file (no header row, 27 fields a row), in either layout.

    ``layout`` is the one the catalogue declares (found from the file when
    None). Whatever the layout, ``status`` comes out as A, C, D or P and
    ``gp`` says whether the organisation is a GP practice; ``address`` joins
    the address lines (which line holds the town differs between the
    layouts, and within the classic one). A row with fewer fields than 27
    is reported and left out.
    """
    raw = read_text_csv(path, header=False, what="an ODS epraccur file (27 fields, no header)",
                        count_fields=True)
    where = raw.attrs["file"]
    fields = raw.shape[1] - 1
    if fields != EPRACCUR_FIELD_COUNT:
        raise SourceError(
            where,
            f"has {fields} fields a row",
            row=1,
            expected=f"{EPRACCUR_FIELD_COUNT} fields as in the epraccur specification",
        )
    first = str(raw.iat[0, 1]).strip().lower()
    if first in {"organisation code", "code", "practice code"}:
        raise SourceError(
            where,
            "starts with a header row",
            row=1,
            column="field 1",
            expected="no header row: epraccur files start with the first practice",
        )
    # pandas pads a short line with blanks: such a row is broken, not blank.
    counts = raw.attrs.get("fields")
    short = (pd.Series(counts, index=raw.index) < EPRACCUR_FIELD_COUNT if counts is not None
             else pd.Series(False, index=raw.index))
    for index in raw.index[short]:
        count = int(counts[raw.index.get_loc(index)])
        log.add("short_row", where, raw.at[index, "source_row"], f"field {count + 1}",
                str(raw.iat[index, 1]), f"{count} fields",
                f"the row has {count} fields, not {EPRACCUR_FIELD_COUNT}; row left out")
    raw = raw[~short]
    raw = without_blank_records(raw)
    chosen = epraccur_layout(raw[12].str.strip(), where, layout)
    spec = EPRACCUR_LAYOUTS[chosen]
    practices = raw[["source_row", *(n - 1 for n in EPRACCUR_FIELDS)]]
    practices.columns = ["source_row", *EPRACCUR_FIELDS.values()]
    practices = practices.copy()
    for column in practices.columns[1:]:
        practices[column] = practices[column].str.strip()
    practices["status"] = practices["status"].map(spec.statuses)
    practices["gp"] = practices["prescribing_setting"] == spec.gp_setting
    lines = raw[[n - 1 for n in ADDRESS_FIELDS]].apply(lambda s: s.str.strip())
    joined = lines.iloc[:, 0]
    for column in lines.columns[1:]:
        joined = joined.str.cat(lines[column], sep=", ")
    # Blank lines leave empty pieces between the separators.
    practices["address"] = joined.str.replace(r"(, )+", ", ", regex=True).str.strip(", ")
    practices.attrs["file"] = where
    practices.attrs["layout"] = chosen
    return practices


# ODS national groupings outside England (Wales's is W00); the epraccur files
# from 2021 on list Welsh practices too.
NON_ENGLISH_GROUPINGS = ("W",)


def parse_ods_dates(values: pd.Series) -> pd.Series:
    """ODS dates (YYYYMMDD text; blank when none) as timestamps."""
    return pd.to_datetime(values.where(values != ""), format="%Y%m%d", errors="coerce")


def checked_ods_dates(gp: pd.DataFrame, where: str, log: QualityLog, *, use: str
                      ) -> tuple[pd.Series, pd.Series]:
    """The open and close dates of ``gp`` (epraccur rows) as timestamps, each
    one that is not a date (``20231399``, ``notadate``, a blank open date)
    logged with its row and field, saying ``use`` (how the practice is then
    judged)."""
    parsed = []
    for column, field_name in (("open_date", "field 11 (open date)"),
                               ("close_date", "field 12 (close date)")):
        text = gp[column].fillna("")
        dates = parse_ods_dates(text)
        bad = dates.isna() & ((text != "") | (column == "open_date"))
        shown = text[bad].where(text[bad] != "", "blank")
        log.add_rows("bad_date", where, gp.loc[bad, "source_row"], field_name,
                     gp.loc[bad, "code"], text[bad],
                     [f"{value!r} is not a date (expected YYYYMMDD); {use}"
                      if value != "blank" else f"no open date is given; {use}"
                      for value in shown])
        parsed.append(dates)
    return parsed[0], parsed[1]


def england_gp_practices(practices: pd.DataFrame, path: Path, log: QualityLog, *,
                         active: str = "status", as_of: dt.date | None = None) -> pd.DataFrame:
    """England's GP practices active on the snapshot date.

    ``active="status"``: the file's own status is A (its dates are checked
    and reported, not used). ``active="dates"`` (a file published after the
    snapshot date): opened on or before ``as_of`` and not closed by then,
    whatever the status now, so a practice closed since still counts. A
    date that cannot be read is reported with its row and field, and then:
    an open date is taken to be before the snapshot (ODS lists the
    practice); a close date leaves the file's status to decide (active:
    open; otherwise closed). Practices of a national grouping outside
    England are logged (as information) and left out. Only the kept
    practices' codes are checked for form: other organisations in the file
    (Channel Islands surgeries, say) use other code forms legitimately.
    """
    where = practices.attrs.get("file", Path(path).name)
    gp = practices[practices["gp"]]
    if active == "status":
        checked_ods_dates(gp, where, log, use="not used: the file's status decides")
        chosen = gp[gp["status"] == "A"]
    else:
        day = pd.Timestamp(as_of)
        opened, closed = checked_ods_dates(
            gp, where, log, use=f"an unreadable open date counts as before {day:%-d %B %Y}; "
                                "an unreadable close date leaves the file's status to decide")
        unreadable_close = closed.isna() & (gp["close_date"].fillna("") != "")
        open_by = opened.isna() | (opened <= day)
        not_closed = (closed > day) | (closed.isna() & ~unreadable_close) | (
            unreadable_close & (gp["status"] == "A"))
        chosen = gp[open_by & not_closed]
    outside = chosen["region_code"].str.startswith(NON_ENGLISH_GROUPINGS)
    for index in chosen.index[outside]:
        log.add("outside_england", where, chosen.at[index, "source_row"],
                "field 3 (national grouping)", chosen.at[index, "code"],
                chosen.at[index, "region_code"],
                "practice is outside England (national grouping "
                f"{chosen.at[index, 'region_code']}); not part of England's networks",
                severity="info")
    england = chosen[~outside]
    check_codes(england, "code", codes.PRACTICE_CODE, where, log,
                source_column="field 1 (organisation code)")
    return england


def why_not_active(row: pd.Series, as_of: pd.Timestamp) -> str:
    """Why an epraccur record (a row of :func:`read_epraccur`) is not one of
    England's active GP practices on ``as_of``, in words."""
    if not row.get("gp", True):
        return (f"ODS has it with prescribing setting {row['prescribing_setting']!r}, "
                "not a GP practice")
    opened = parse_ods_dates(pd.Series([row.get("open_date", "")]))[0]
    closed = parse_ods_dates(pd.Series([row.get("close_date", "")]))[0]
    if pd.notna(opened) and opened > as_of:
        return f"ODS has it opening on {opened:%-d %B %Y}, after the snapshot date"
    if pd.notna(closed) and closed <= as_of:
        return f"ODS has it closed on {closed:%-d %B %Y}, by the snapshot date"
    if row.get("status") != "A":
        return f"ODS has it with status {row['status']!r}, not active"
    if str(row.get("region_code", "")).startswith(NON_ENGLISH_GROUPINGS):
        return f"it is outside England (national grouping {row['region_code']})"
    return ("ODS has it as an active GP practice, but its record was not usable (see its "
            "own finding in the data-quality report)")
