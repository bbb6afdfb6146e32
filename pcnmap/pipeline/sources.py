"""Readers for the publishers' own file formats.

Each reader returns a plain table with the project's column names and a
``source_row`` column (the row as a person opening the file would count it),
so that every later finding can point back at its record. Structural problems
raise :class:`~pcnmap.problems.SourceError`; record-level problems are written
to the :class:`~pcnmap.problems.QualityLog` and the record is kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from pcnmap import codes
from pcnmap.pipeline import safety, textfiles
from pcnmap.problems import QualityLog, SourceError

# ---------------------------------------------------------------- helpers


def require_file(path: Path, what: str) -> None:
    """Fail with a clear message when a source file is missing or empty."""
    if not path.exists():
        raise SourceError(path, "file not found in the source folder", expected=what)
    if path.is_dir():
        raise SourceError(path, "is a folder, not a file", expected=what)
    if path.stat().st_size == 0:
        raise SourceError(path, "file is empty", expected=what)


# Zipped sources hold one CSV; anything far larger than the biggest
# official file (the quinary-age list, 20 MB inside a 2 MB zip) is refused
# before it is decompressed.
ZIP_MEMBER_LIMIT = 256 * 1024 * 1024
ZIP_RATIO_LIMIT = 200


def read_bytes(path: Path, what: str) -> tuple[str, bytes]:
    """A source file's bytes and the name to report it by.

    A ``.zip`` (as NHS England publishes its list files) is read straight
    from the archive: its one CSV member is returned, named ``zip (member)``,
    after its declared size and compression ratio are checked.
    """
    require_file(path, what)
    if path.suffix.lower() != ".zip":
        return path.name, path.read_bytes()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(path, f"is not a readable zip archive ({error})",
                          expected=f"{what} in a zip") from None
    with archive:
        members = [info for info in archive.infolist()
                   if not info.is_dir() and info.filename.lower().endswith(".csv")]
        if len(members) != 1:
            raise SourceError(path, f"holds {len(members)} CSV files",
                              expected=f"one CSV file: {what}")
        member = members[0]
        label = f"{path.name} ({Path(member.filename).name})"
        if member.file_size > ZIP_MEMBER_LIMIT or (
                member.compress_size and member.file_size / member.compress_size
                > ZIP_RATIO_LIMIT):
            raise SourceError(label, f"would decompress to {member.file_size:,} bytes from "
                              f"{member.compress_size:,}",
                              expected=f"at most {ZIP_MEMBER_LIMIT:,} bytes and a "
                                       f"compression ratio under {ZIP_RATIO_LIMIT}")
        try:
            with archive.open(member) as handle:
                data = handle.read(ZIP_MEMBER_LIMIT + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise SourceError(label, f"is damaged ({error})",
                              expected="an intact zip archive") from None
        if len(data) > ZIP_MEMBER_LIMIT:
            raise SourceError(label, "decompresses to more than its declared size",
                              expected=f"at most {ZIP_MEMBER_LIMIT:,} bytes")
        return label, data


def field_counts(data: bytes) -> np.ndarray:
    """How many fields each record of a CSV has (pandas pads a short line
    with blanks without saying so)."""
    text = data.decode("utf-8-sig", errors="replace")
    return np.fromiter((len(record) for record in csv.reader(io.StringIO(text))), dtype=np.int64)


def read_text_csv(path: Path, *, header: bool, what: str,
                  usecols: Iterable[str] | None = None, count_fields: bool = False
                  ) -> pd.DataFrame:
    """Read a CSV (or the CSV inside a zip) with every field as text and no
    value turned into NaN.

    The row numbers of ragged lines and undecodable bytes are reported the
    way pandas finds them, turned into a :class:`SourceError`. ``attrs["file"]``
    holds the name to report the rows by; with ``count_fields``,
    ``attrs["fields"]`` holds each data row's own field count.
    """
    label, data = read_bytes(path, what)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            header=0 if header else None,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            usecols=None if usecols is None else list(usecols),
        )
    except UnicodeDecodeError as error:
        raise SourceError(
            label,
            f"cannot be decoded as UTF-8 text (byte {error.start})",
            expected=f"{what} as UTF-8 or ASCII CSV",
        ) from None
    except pd.errors.ParserError as error:
        raise _malformed(label, data, error, what) from None
    except pd.errors.EmptyDataError:
        raise SourceError(label, "holds no rows", expected=what) from None
    except ValueError as error:  # usecols naming a column the file lacks
        raise SourceError(label, f"lacks a required column ({error})", row=1,
                          expected=what) from None
    first_data_line = 2 if header else 1
    frame.insert(0, "source_row", np.arange(first_data_line, first_data_line + len(frame)))
    if header:
        frame.columns = [str(c).strip() if c != "source_row" else c for c in frame.columns]
    frame.attrs["file"] = label
    if count_fields:
        counts = field_counts(data)[1 if header else 0:]
        frame.attrs["fields"] = counts if len(counts) == len(frame) else None
    return frame


# pandas' own words for a line of the wrong width ("Error tokenizing data. C
# error: Expected 3 fields in line 5, saw 4"): its line is the file's own.
_PANDAS_WIDTH = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _malformed(label: str, data: bytes, error: Exception, what: str) -> SourceError:
    """A CSV pandas could not split, said by its row and field in the
    project's words, not pandas' tokenizer's."""
    found = textfiles.first_unclosed_quote(data.decode("utf-8", "replace"))
    if found:
        row, number = found
        return SourceError(label, f"field {number} opens a quotation mark not closed on its "
                           "line, so the lines after it are misread",
                           row=row, column=f"field {number}", expected=what)
    width = _PANDAS_WIDTH.search(str(error))
    if width:
        wanted, row, seen = (int(n) for n in width.groups())
        return SourceError(label, f"has {seen} fields where the file's lines have {wanted}",
                           row=row, expected=what)
    return SourceError(label, "is not well-formed CSV", expected=what)


def without_blank_records(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (read by :func:`read_text_csv`) without records whose every
    field is empty: they hold nothing (an upload's check leaves one in place
    of a line it reported and left out, so later rows keep their numbers)."""
    values = frame.drop(columns="source_row").fillna("")
    return frame[values.apply(lambda column: column.str.strip()).ne("").any(axis=1)]


def pick_columns(
    frame: pd.DataFrame,
    path: Path,
    wanted: Mapping[str, str],
    *,
    header_row: int = 1,
    sheet: str | None = None,
    where: str | None = None,
) -> pd.DataFrame:
    """Rename a file's columns to the project's names, failing on any missing.

    ``wanted`` maps the publisher's column name to the project's; ``where``
    is the name to report (a zipped file's member).
    """
    missing = [name for name in wanted if name not in frame.columns]
    if missing:
        place = f"sheet {sheet!r}: " if sheet else ""
        raise SourceError(
            where or frame.attrs.get("file") or path,
            f"{place}required column {missing[0]!r} is missing; the header holds "
            f"{[c for c in frame.columns if c != 'source_row']}",
            row=header_row,
            column=missing[0],
            expected=f"columns {list(wanted)}",
        )
    picked = frame[["source_row", *wanted]].rename(columns=dict(wanted))
    return picked


def check_codes(
    frame: pd.DataFrame,
    column: str,
    pattern,
    path: Path,
    log: QualityLog,
    *,
    source_column: str,
    record_column: str | None = None,
    allow_blank: bool = False,
) -> None:
    """Log every value of ``column`` that does not have the code's form."""
    values = frame[column].fillna("")
    bad = ~codes.is_valid(pattern, values)
    if allow_blank:
        bad &= values != ""
    for index in frame.index[bad]:
        record = frame.at[index, record_column] if record_column else values[index]
        log.add(
            "malformed_code",
            path,
            frame.at[index, "source_row"],
            source_column,
            record,
            values[index],
            f"{values[index]!r} is not a valid code (expected the form {pattern.pattern})",
        )


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    log: QualityLog,
    *,
    source_column: str,
    record_column: str,
) -> pd.Series:
    """Turn a text column of counts into floats, logging what will not parse
    and what no practice's list can be (negative, infinite or over
    :data:`~pcnmap.pipeline.textfiles.MAX_COUNT`)."""
    text = frame[column].fillna("").astype(str).str.replace(",", "", regex=False).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & (text != "")
    bad |= (numbers < 0) | (numbers > textfiles.MAX_COUNT) | np.isinf(numbers)
    for index in frame.index[bad]:
        log.add(
            "bad_number",
            path,
            frame.at[index, "source_row"],
            source_column,
            frame.at[index, record_column],
            frame.at[index, column],
            f"{frame.at[index, column]!r} is not a patient count (expected a number from 0 to "
            f"{textfiles.MAX_COUNT:,})",
        )
    return numbers.where(~bad)


def parse_dates(
    values: pd.Series,
    rows: pd.Series,
    records: pd.Series,
    path: Path,
    log: QualityLog,
    *,
    source_column: str,
) -> pd.Series:
    """Read dates given as YYYYMMDD text or numbers, workbook dates or blanks."""
    parsed: list[pd.Timestamp | None] = []
    for value, row, record in zip(values, rows, records, strict=True):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            parsed.append(pd.NaT)
            continue
        if isinstance(value, (dt.datetime, dt.date)):
            parsed.append(pd.Timestamp(value))
            continue
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if text == "":
            parsed.append(pd.NaT)
            continue
        stamp = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        if pd.isna(stamp):
            stamp = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
        if pd.isna(stamp):
            log.add(
                "bad_date",
                path,
                row,
                source_column,
                record,
                text,
                f"{text!r} is not a date (expected YYYYMMDD or DD/MM/YYYY)",
            )
        parsed.append(stamp)
    return pd.Series(pd.to_datetime(parsed), index=values.index)


# ---------------------------------------------------------------- ODS epraccur

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


# ---------------------------------------------------------------- ePCN workbook

# The publisher's header variants for each column we use. Headers are
# compared after collapsing line breaks and runs of spaces.
EPCN_DETAILS_COLUMNS = {
    "network_code": ("PCN Code",),
    "network_name": ("PCN Name",),
    "commissioner_code": (
        "Current Clinical Commissioning Group Code",
        "Current Sub ICB Loc Code",
    ),
    "commissioner_name": ("Clinical Commissioning Group Name", "Sub ICB Location"),
    "open_date": ("Open Date (YYYYMMDD)", "Open Date"),
    "close_date": ("Close Date",),
    "postcode": ("Postcode",),
}
EPCN_MEMBER_COLUMNS = {
    "practice_code": ("Partner Organisation Code",),
    "practice_name": ("Partner Name",),
    "practice_commissioner_code": ("Practice Parent CCG Code", "Practice Parent Sub ICB Loc Code"),
    "network_code": ("PCN Code",),
    "network_name": ("PCN Name",),
    "network_commissioner_code": ("PCN Parent CCG Code", "PCN Parent Sub ICB Loc Code"),
    "start_date": ("Practice to PCN Relationship Start Date",),
    "end_date": ("Practice to PCN Relationship End Date",),
    "match_flag": (
        "Practice CCG and PCN CCG match?",
        "Practice CCG and PCN CCG Match",
        "Practice Sub ICB Loc and PCN Sub ICB Loc Match",
    ),
}
EPCN_DETAILS_SHEETS = ("PCN Details", "PCNDetails")
EPCN_MEMBER_SHEETS = ("PCN Core Partner Details",)


def _header_key(value: object) -> str:
    return " ".join(str(value or "").split()).lower()


def _load_sheet(
    path: Path,
    workbook,
    names: Iterable[str],
    columns: Mapping[str, tuple[str, ...]],
) -> pd.DataFrame:
    sheet_name = next((n for n in names if n in workbook.sheetnames), None)
    if sheet_name is None:
        raise SourceError(
            path,
            f"has no sheet named {' or '.join(repr(n) for n in names)}; "
            f"its sheets are {workbook.sheetnames}",
            expected="an NHS Digital ePCN workbook",
        )
    # Rows read with the declared dimension ignored, cut and capped (pcnmap.pipeline.safety).
    rows = safety.sheet_rows(workbook[sheet_name], path)
    header = next(rows, None)
    if header is None:
        raise SourceError(path, f"sheet {sheet_name!r} is empty", row=1,
                          expected="a header row")
    positions = {_header_key(h): i for i, h in enumerate(header) if h is not None}
    take: dict[str, int] = {}
    for name, variants in columns.items():
        found = [positions[_header_key(v)] for v in variants if _header_key(v) in positions]
        if not found:
            raise SourceError(
                path,
                f"sheet {sheet_name!r}: required column {variants[0]!r} is missing; "
                f"the header holds {[' '.join(str(h).split()) for h in header if h is not None]}",
                row=1,
                column=variants[0],
                expected=f"one of {list(variants)}",
            )
        take[name] = found[0]
    records = []
    for row_number, row in enumerate(rows, start=2):
        if row is None or all(v is None or str(v).strip() == "" for v in row):
            continue
        record = {"source_row": row_number}
        for name, index in take.items():
            value = row[index] if index < len(row) else None
            if isinstance(value, str):
                value = value.strip()
                # A formula saved without its cached result reads as its text.
                if value.startswith("="):
                    value = None
            record[name] = value
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=["source_row", *columns])
    frame.attrs["sheet"] = sheet_name
    return frame


def _flag(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().upper()
    if text in {"TRUE", "Y", "YES", "1"}:
        return True
    if text in {"FALSE", "N", "NO", "0"}:
        return False
    return None


def read_epcn(path: Path, log: QualityLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read an ePCN workbook: its networks and its practice memberships.

    Handles the three published layouts: the 2019 sheet name with a space,
    the later header cells with line breaks, "Sub ICB Loc" for "CCG", dates
    stored as numbers or as text, and formula cells (their cached values are
    read; a formula saved without one is treated as blank).
    """
    require_file(path, "an NHS Digital ePCN workbook (.xlsx)")
    from openpyxl import load_workbook

    safety.check_workbook(path)  # the zip and its declared sizes, before parsing
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise SourceError(
            path,
            f"is not a readable Excel workbook ({type(error).__name__}: {error})",
            expected="an .xlsx workbook as NHS Digital publishes it",
        ) from None
    try:
        networks = _load_sheet(path, workbook, EPCN_DETAILS_SHEETS, EPCN_DETAILS_COLUMNS)
        members = _load_sheet(path, workbook, EPCN_MEMBER_SHEETS, EPCN_MEMBER_COLUMNS)
    except SourceError:
        raise
    except Exception as error:
        raise SourceError(
            path,
            f"cannot be read to the end ({type(error).__name__}: {error})",
            expected="a complete .xlsx workbook",
        ) from None
    finally:
        workbook.close()

    details_sheet = networks.attrs["sheet"]
    member_sheet = members.attrs["sheet"]
    for frame in (networks, members):
        for column in frame.columns:
            if column not in {"source_row", "open_date", "close_date", "start_date",
                              "end_date", "match_flag"}:
                frame[column] = frame[column].map(
                    lambda v: None if v is None else str(v).strip() or None
                )

    networks["open_date"] = parse_dates(
        networks["open_date"], networks["source_row"], networks["network_code"], path, log,
        source_column=f"{details_sheet}: Open Date")
    networks["close_date"] = parse_dates(
        networks["close_date"], networks["source_row"], networks["network_code"], path, log,
        source_column=f"{details_sheet}: Close Date")
    check_codes(networks, "network_code", codes.NETWORK_CODE, path, log,
                source_column=f"{details_sheet}: PCN Code")
    check_codes(networks, "commissioner_code", codes.COMMISSIONER_CODE, path, log,
                source_column=f"{details_sheet}: commissioner code",
                record_column="network_code")

    members["start_date"] = parse_dates(
        members["start_date"], members["source_row"], members["practice_code"], path, log,
        source_column=f"{member_sheet}: Relationship Start Date")
    members["end_date"] = parse_dates(
        members["end_date"], members["source_row"], members["practice_code"], path, log,
        source_column=f"{member_sheet}: Relationship End Date")
    members["match_flag"] = members["match_flag"].map(_flag).astype("boolean")
    check_codes(members, "practice_code", codes.PRACTICE_CODE, path, log,
                source_column=f"{member_sheet}: Partner Organisation Code")
    check_codes(members, "network_code", codes.NETWORK_CODE, path, log,
                source_column=f"{member_sheet}: PCN Code", record_column="practice_code")
    networks.attrs["sheet"] = details_sheet
    members.attrs["sheet"] = member_sheet
    return networks, members


# ---------------------------------------------------------------- list sizes

# gp-reg-pat-prac-all names the commissioner columns after the commissioners
# of its day: CCG until 2022, Sub-ICB location since.
REGISTERED_COLUMN_VARIANTS = {
    "commissioner_code": ("CCG_CODE", "SUB_ICB_LOCATION_CODE"),
    "commissioner_ons_code": ("ONS_CCG_CODE", "ONS_SUB_ICB_LOCATION_CODE"),
}
REGISTERED_MONTHLY_COLUMNS = {
    "CODE": "practice_code",
    "SEX": "sex",
    "AGE": "age",
    "NUMBER_OF_PATIENTS": "registered",
    "EXTRACT_DATE": "extract_date",
}


def _first_present(frame: pd.DataFrame, variants: Mapping[str, tuple[str, ...]], where: str
                   ) -> dict[str, str]:
    """For each wanted column, the first of its header variants the file has."""
    chosen = {}
    for name, options in variants.items():
        found = next((option for option in options if option in frame.columns), None)
        if found is None:
            raise SourceError(where, f"required column {options[0]!r} is missing; the header "
                              f"holds {[c for c in frame.columns if c != 'source_row']}",
                              row=1, column=options[0], expected=f"one of {list(options)}")
        chosen[found] = name
    return chosen


def read_registered_monthly(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read NHS Digital "Patients Registered at a GP Practice" (all ages).

    Both styles: CCG columns and text dates (to 2022), Sub-ICB columns and
    ISO dates (since); CSV or the zip NHS England publishes. Only the
    practices' rows for all sexes and ages are kept.
    """
    raw = read_text_csv(path, header=True,
                        what="an NHS Digital gp-reg-pat-prac-all CSV")
    where = raw.attrs["file"]
    wanted = {**_first_present(raw, REGISTERED_COLUMN_VARIANTS, where),
              **REGISTERED_MONTHLY_COLUMNS}
    lists = pick_columns(raw, path, wanted, where=where)
    lists = lists[(lists["sex"].str.upper() == "ALL") & (lists["age"].str.upper() == "ALL")]
    lists = lists.drop(columns=["sex", "age"]).copy()
    lists["registered"] = parse_numbers(lists, "registered", where, log,
                                        source_column="NUMBER_OF_PATIENTS",
                                        record_column="practice_code")
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, where, log, source_column="CODE")
    lists.attrs["file"] = where
    return lists


QUINARY_COLUMNS = {"ORG_TYPE": "org_type", "ORG_CODE": "practice_code", "SEX": "sex",
                   "AGE_GROUP_5": "age_band", "NUMBER_OF_PATIENTS": "registered",
                   "EXTRACT_DATE": "extract_date"}


def read_quinary_age(path: Path, log: QualityLog, *, bands: bool = False) -> pd.DataFrame:
    """Read NHS Digital's registered patients by sex and 5-year age band.

    The file has rows for practices (ORG_TYPE ``GP``) and for networks,
    commissioners, ICBs and regions; each organisation's ``SEX=ALL,
    AGE_GROUP_5=ALL`` row is its whole list. Returns one row per practice
    (``bands=False``), or per practice and age band for all sexes.
    """
    raw = read_text_csv(path, header=True, what="an NHS Digital gp-reg-pat-prac-quin-age CSV",
                        usecols=QUINARY_COLUMNS)
    where = raw.attrs["file"]
    table = pick_columns(raw, path, QUINARY_COLUMNS, where=where)
    practices = table[(table["org_type"] == "GP") & (table["sex"].str.upper() == "ALL")]
    if practices.empty:
        raise SourceError(where, "has no practice rows (ORG_TYPE GP, SEX ALL)",
                          column="ORG_TYPE", expected="a gp-reg-pat-prac-quin-age file")
    whole = practices["age_band"].str.upper() == "ALL"
    if bands:
        # Age bands are given by sex only: the whole list's bands are their sums.
        table = table[(table["org_type"] == "GP") & (table["sex"].str.upper() != "ALL")
                      & (table["age_band"].str.upper() != "ALL")]
    chosen = (table if bands else practices[whole]).copy()
    chosen["registered"] = parse_numbers(chosen, "registered", where, log,
                                         source_column="NUMBER_OF_PATIENTS",
                                         record_column="practice_code")
    check_codes(chosen, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="ORG_CODE")
    columns = ["source_row", "practice_code", "registered", "extract_date"]
    if bands:
        result = chosen.groupby(["practice_code", "age_band", "extract_date"], as_index=False,
                                sort=False).agg(source_row=("source_row", "first"),
                                                registered=("registered", "sum"))
        result = result[[*columns, "age_band"]]
    else:
        result = chosen[columns].reset_index(drop=True)
    result.attrs["file"] = where
    return result


QOF_COLUMNS = {"PRACTICE_CODE": "practice_code", "PATIENT_LIST_TYPE": "list_type",
               "PRACTICE_LIST_SIZE": "registered"}


def read_qof_lists(path: Path, log: QualityLog) -> pd.DataFrame:
    """Each practice's whole list at the end of the QOF year (its TOTAL rows)."""
    raw = read_text_csv(path, header=True, what="a QOF practice prevalence CSV",
                        usecols=QOF_COLUMNS)
    where = raw.attrs["file"]
    table = pick_columns(raw, path, QOF_COLUMNS, where=where)
    table = table[table["list_type"].str.upper() == "TOTAL"].drop_duplicates("practice_code")
    table = table.drop(columns="list_type").copy()
    table["registered"] = parse_numbers(table, "registered", where, log,
                                        source_column="PRACTICE_LIST_SIZE",
                                        record_column="practice_code")
    check_codes(table, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="PRACTICE_CODE")
    table.attrs["file"] = where
    return table.reset_index(drop=True)


PAYMENTS_REGISTERED = "Number of Registered Patients (Last Known Figure)"
PAYMENTS_WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
PAYMENTS_COLUMNS = {
    "Practice Code": "practice_code",
    PAYMENTS_REGISTERED: "registered",
    PAYMENTS_WEIGHTED: "weighted",
}
# Read where the file has them: a year's file may name its commissioner
# column otherwise (CCG until 2021-22, Sub-ICB location since).
PAYMENTS_OPTIONAL = {
    "CCG Code": "commissioner_code",
    "Practice Rurality": "rurality",
    "Contract Type": "contract_type",
}


def read_payments_lists(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read list sizes from an "NHS Payments to General Practice" extract:
    each practice's registered and weighted lists, and its commissioner,
    rurality and contract type where the file has them."""
    raw = read_text_csv(path, header=True,
                        what="an NHS Payments to General Practice list-size CSV")
    where = raw.attrs["file"]
    raw = without_blank_records(raw)
    for column in PAYMENTS_OPTIONAL:
        if column not in raw.columns:
            raw[column] = pd.NA
    lists = pick_columns(raw, path, PAYMENTS_COLUMNS | PAYMENTS_OPTIONAL, where=where)
    for column, source in (("registered", PAYMENTS_REGISTERED), ("weighted", PAYMENTS_WEIGHTED)):
        lists[column] = parse_numbers(lists, column, where, log, source_column=source,
                                      record_column="practice_code")
    lists["rurality"] = lists["rurality"].where(lists["rurality"].isin(["Urban", "Rural"]))
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="Practice Code")
    lists.attrs["file"] = where
    return lists


LIST_READERS = {
    "payments": read_payments_lists,
    "registered": read_registered_monthly,
    "quinary-age": read_quinary_age,
    "qof-prevalence": read_qof_lists,
}


def read_lists(path: Path, layout: str, log: QualityLog) -> pd.DataFrame:
    """Each practice's list from a list-size file of a known layout, its
    repeats reported and dropped (``registered``, and ``weighted`` where the
    layout has it)."""
    lists = LIST_READERS[layout](path, log)
    where = lists.attrs["file"]
    lists = drop_repeats(lists, "practice_code", where, log, source_column="practice code",
                         what="practice")
    if "weighted" not in lists.columns:
        lists = lists.assign(weighted=np.nan)
    lists.attrs["file"] = where
    return lists


# ---------------------------------------------------------------- practice maps

# gp-reg-pat-prac-map: CCG and STP columns until 2022, Sub-ICB and ICB since.
PRACTICE_MAP_VARIANTS = {
    "practice_code": ("PRACTICE_CODE",),
    "practice_name": ("PRACTICE_NAME",),
    "postcode": ("PRACTICE_POSTCODE",),
    "network_code": ("PCN_CODE",),
    "network_name": ("PCN_NAME",),
    "commissioner_code": ("SUB_ICB_LOCATION_CODE", "CCG_CODE"),
    "commissioner_ons_code": ("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"),
    "commissioner_name": ("SUB_ICB_LOCATION_NAME", "CCG_NAME"),
    "stp_code": ("ICB_CODE", "STP_CODE"),
    "stp_ons_code": ("ONS_ICB_CODE", "ONS_STP_CODE"),
    "stp_name": ("ICB_NAME", "STP_NAME"),
    "region_code": ("COMM_REGION_CODE",),
    "region_name": ("COMM_REGION_NAME",),
}
# The map's network code for practices in no network.
UNALLOCATED = "U"


def read_practice_map(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read an NHS Digital practice -> network -> commissioner -> ICB/STP map.

    A practice under PCN code ``U`` ("Unallocated") is in no network: its
    ``network_code`` comes out missing. Codes of the wrong form are reported.
    """
    raw = read_text_csv(path, header=True, what="an NHS Digital gp-reg-pat-prac-map CSV")
    where = raw.attrs["file"]
    table = pick_columns(raw, path, _first_present(raw, PRACTICE_MAP_VARIANTS, where),
                         where=where)
    table = table.replace("", None)
    unallocated = table["network_code"] == UNALLOCATED
    table.loc[unallocated, ["network_code", "network_name"]] = None
    check_codes(table, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="PRACTICE_CODE")
    check_codes(table, "network_code", codes.NETWORK_CODE, where, log,
                source_column="PCN_CODE", record_column="practice_code", allow_blank=True)
    check_codes(table, "commissioner_code", codes.COMMISSIONER_CODE, where, log,
                source_column="SUB_ICB_LOCATION_CODE", record_column="practice_code")
    table = drop_repeats(table, "practice_code", where, log, source_column="PRACTICE_CODE",
                         what="practice")
    table.attrs["file"] = where
    return table.reset_index(drop=True)


def drop_repeats(frame: pd.DataFrame, column: str, path: Path, log: QualityLog, *,
                 source_column: str, what: str) -> pd.DataFrame:
    """Keep the first row for each value of ``column``, logging every repeat."""
    repeated = frame[column].duplicated(keep="first")
    for index in frame.index[repeated]:
        log.add("duplicate_record", path, frame.at[index, "source_row"], source_column,
                frame.at[index, column], frame.at[index, column],
                f"{what} appears more than once; the first row is used")
    return frame[~repeated]


# ---------------------------------------------------------------- Code-Point Open


def read_codepoint(path: Path, wanted: Iterable[str] | None = None) -> pd.DataFrame:
    """Read OS Code-Point Open straight from its zip.

    Returns ``postcode_key``, ``easting``, ``northing`` and ``quality`` (the
    positional quality indicator) in British National Grid metres. With
    ``wanted`` (postcode keys) only those postcodes are kept, and only the
    area files that can hold them are decompressed.
    """
    require_file(path, "an OS Code-Point Open zip")
    wanted_keys = None if wanted is None else set(wanted)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(path, f"is not a readable zip archive ({error})",
                          expected="OS Code-Point Open as OS releases it (a zip)") from None
    with archive:
        members = [n for n in archive.namelist()
                   if n.lower().startswith("data/csv/") and n.lower().endswith(".csv")]
        if not members:
            raise SourceError(path, "holds no Data/CSV/<area>.csv files",
                              expected="OS Code-Point Open's Data/CSV folder")
        if wanted_keys is not None:
            areas = {k[:2].rstrip("0123456789").lower() for k in wanted_keys}
            members = [m for m in members if Path(m).stem.lower() in areas]
        frames = []
        for member in members:
            try:
                data = archive.read(member)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise SourceError(path, f"member {member} is damaged ({error})",
                                  expected="an intact zip archive") from None
            try:
                frame = pd.read_csv(
                    io.BytesIO(data), header=None, usecols=[0, 1, 2, 3],
                    names=["postcode", "quality", "easting", "northing"],
                    dtype={"postcode": str}, keep_default_na=False,
                    quoting=csv.QUOTE_MINIMAL, engine="c",
                )
            except (ValueError, pd.errors.ParserError) as error:
                raise SourceError(path, f"member {member} is not Code-Point CSV ({error})",
                                  expected="postcode, quality, easting, northing, ...") from None
            frame["postcode_key"] = codes.postcode_key(frame["postcode"])
            if wanted_keys is not None:
                frame = frame[codes.one_of(frame["postcode_key"], wanted_keys)]
            frames.append(frame[["postcode_key", "easting", "northing", "quality"]])
    points = pd.concat(frames, ignore_index=True)
    for column in ("easting", "northing", "quality"):
        points[column] = pd.to_numeric(points[column], errors="coerce")
    # Code-Point marks postcodes it cannot place with quality 90 and 0,0.
    placed = (points["easting"] > 0) & (points["northing"] > 0) & (points["quality"] < 90)
    return points[placed].drop_duplicates("postcode_key").reset_index(drop=True)


ENGLAND_COUNTRY = "E92000001"


def read_codepoint_england(path: Path) -> pd.DataFrame:
    """England's placed postcodes of a Code-Point Open release: ``postcode``
    (the key, no spaces), ``easting`` and ``northing`` (metres), sorted."""
    require_file(path, "an OS Code-Point Open zip")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(path, f"is not a readable zip archive ({error})",
                          expected="OS Code-Point Open as OS releases it (a zip)") from None
    frames = []
    with archive:
        for member in archive.namelist():
            if not (member.lower().startswith("data/csv/") and member.lower().endswith(".csv")):
                continue
            try:
                frames.append(pd.read_csv(
                    io.BytesIO(archive.read(member)), header=None, usecols=[0, 1, 2, 3, 4],
                    names=["postcode", "quality", "easting", "northing", "country"],
                    dtype={"postcode": str, "country": str}, keep_default_na=False))
            except (ValueError, pd.errors.ParserError, zipfile.BadZipFile, OSError) as error:
                raise SourceError(path, f"member {member} is not Code-Point CSV ({error})",
                                  expected="postcode, quality, easting, northing, "
                                           "country, ...") from None
    if not frames:
        raise SourceError(path, "holds no Data/CSV/<area>.csv files",
                          expected="OS Code-Point Open's Data/CSV folder")
    points = pd.concat(frames, ignore_index=True)
    placed = (points["country"] == ENGLAND_COUNTRY) & (points["quality"] < 90) & (
        points["easting"] > 0)
    points = points[placed]
    result = pd.DataFrame({"postcode": codes.postcode_key(points["postcode"]).to_numpy(),
                           "easting": points["easting"].to_numpy(),
                           "northing": points["northing"].to_numpy()})
    return result.drop_duplicates("postcode").sort_values("postcode").reset_index(drop=True)


def read_rural_urban(path: Path, lsoa_column: str, code_column: str, class_column: str,
                     flag_column: str) -> pd.DataFrame:
    """The ONS rural-urban classification of each LSOA."""
    raw = read_text_csv(path, header=True, what="an ONS rural-urban classification CSV")
    table = pick_columns(raw, path, {lsoa_column: "lsoa_code", code_column: "rural_urban_code",
                                     class_column: "rural_urban_class",
                                     flag_column: "urban_rural"}, where=raw.attrs["file"])
    return table.drop(columns="source_row").drop_duplicates("lsoa_code")


# ---------------------------------------------------------------- boundaries


def read_boundaries(path: Path, columns: Mapping[str, str], log: QualityLog) -> gpd.GeoDataFrame:
    """Read a boundary file (GeoJSON or GeoPackage), repairing invalid shapes.

    ``columns`` maps the file's attribute names to the project's. Every
    repaired geometry is logged.
    """
    require_file(path, "a boundary file (GeoJSON or GeoPackage)")
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except Exception as error:
        raise SourceError(path, f"cannot be read as a boundary file ({error})",
                          expected="GeoJSON or GeoPackage polygons") from None
    frame.insert(0, "source_row", np.arange(1, len(frame) + 1))
    picked = pick_columns(frame, path, columns)
    boundaries = gpd.GeoDataFrame(picked, geometry=frame.geometry, crs=frame.crs)
    if boundaries.crs is None:
        raise SourceError(path, "has no coordinate reference system",
                          expected="EPSG:4326 boundaries")
    boundaries = boundaries.to_crs(4326)
    invalid = ~boundaries.geometry.is_valid
    first_key = next(iter(columns.values()))
    for index in boundaries.index[invalid]:
        log.add("invalid_geometry", path, boundaries.at[index, "source_row"], "geometry",
                boundaries.at[index, first_key], "invalid",
                "geometry was invalid and was repaired with make_valid", severity="info")
    if invalid.any():
        # "structure" keeps polygons only, so a repaired shape stays an area.
        boundaries.loc[invalid, "geometry"] = boundaries.geometry[invalid].make_valid(
            method="structure", keep_collapsed=False
        )
    return boundaries


# ---------------------------------------------------------------- ONS lookups


def read_lsoa_lookup(path: Path, lsoa_column: str, commissioner_column: str,
                     icb_column: str | None = None) -> pd.DataFrame:
    """Read an ONS LSOA lookup: each LSOA's commissioner (and ICB), ONS codes."""
    raw = read_text_csv(path, header=True, what="an ONS LSOA lookup CSV")
    wanted = {lsoa_column: "lsoa_code", commissioner_column: "commissioner_ons_code"}
    if icb_column:
        wanted[icb_column] = "icb_ons_code"
    lookup = pick_columns(raw, path, wanted, where=raw.attrs["file"])
    return lookup.drop_duplicates("lsoa_code")


def read_code_pairs(path: Path, ons_column: str, ods_column: str) -> pd.Series:
    """ODS codes by ONS code, from any table that carries both (a lookup, a
    list-size file, a practice map)."""
    raw = read_text_csv(path, header=True, what=f"a CSV with {ons_column} and {ods_column}",
                        usecols=[ons_column, ods_column])
    pairs = pick_columns(raw, path, {ons_column: "ons", ods_column: "ods"},
                         where=raw.attrs["file"])
    pairs = pairs[(pairs["ons"] != "") & (pairs["ods"] != "")].drop_duplicates("ons")
    return pairs.set_index("ons")["ods"]


def read_region_names(path: Path) -> pd.Series:
    """NHS England region names by ODS code, from a practice map file."""
    table = read_practice_map(path, QualityLog())
    regions = table.dropna(subset=["region_code"]).drop_duplicates("region_code")
    return regions.set_index("region_code")["region_name"]
