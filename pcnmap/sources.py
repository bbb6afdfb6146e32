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
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from pcnmap import codes, safety
from pcnmap.problems import QualityLog, SourceError

# ---------------------------------------------------------------- helpers


def require_file(path: Path, what: str) -> None:
    """Fail with a clear message when a source file is missing or empty."""
    if not path.exists():
        raise SourceError(path, f"file not found at {path}", expected=what)
    if path.is_dir():
        raise SourceError(path, "is a folder, not a file", expected=what)
    if path.stat().st_size == 0:
        raise SourceError(path, "file is empty", expected=what)


def read_text_csv(path: Path, *, header: bool, what: str) -> pd.DataFrame:
    """Read a CSV with every field as text and no value turned into NaN.

    The row numbers of ragged lines and undecodable bytes are reported the
    way pandas finds them, turned into a :class:`SourceError`.
    """
    require_file(path, what)
    try:
        frame = pd.read_csv(
            path,
            header=0 if header else None,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    except UnicodeDecodeError as error:
        raise SourceError(
            path,
            f"cannot be decoded as UTF-8 text (byte {error.start})",
            expected=f"{what} as UTF-8 or ASCII CSV",
        ) from None
    except pd.errors.ParserError as error:
        raise SourceError(path, f"is not well-formed CSV: {error}", expected=what) from None
    except pd.errors.EmptyDataError:
        raise SourceError(path, "holds no rows", expected=what) from None
    first_data_line = 2 if header else 1
    frame.insert(0, "source_row", np.arange(first_data_line, first_data_line + len(frame)))
    if header:
        frame.columns = [str(c).strip() if c != "source_row" else c for c in frame.columns]
    return frame


def pick_columns(
    frame: pd.DataFrame,
    path: Path,
    wanted: Mapping[str, str],
    *,
    header_row: int = 1,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Rename a file's columns to the project's names, failing on any missing.

    ``wanted`` maps the publisher's column name to the project's.
    """
    missing = [name for name in wanted if name not in frame.columns]
    if missing:
        place = f"sheet {sheet!r}: " if sheet else ""
        raise SourceError(
            path,
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
    """Turn a text column of counts into floats, logging what will not parse."""
    text = frame[column].fillna("").astype(str).str.replace(",", "", regex=False).str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & (text != "")
    bad |= numbers < 0
    for index in frame.index[bad]:
        log.add(
            "bad_number",
            path,
            frame.at[index, "source_row"],
            source_column,
            frame.at[index, record_column],
            frame.at[index, column],
            f"{frame.at[index, column]!r} is not a patient count (expected a number of 0 or more)",
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

# 1-based field numbers of the epraccur specification.
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


def read_epraccur(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read an ODS epraccur file (no header row, 27 fields a row)."""
    raw = read_text_csv(path, header=False, what="an ODS epraccur file (27 fields, no header)")
    fields = raw.shape[1] - 1
    if fields != EPRACCUR_FIELD_COUNT:
        raise SourceError(
            path,
            f"has {fields} fields a row",
            row=1,
            expected=f"{EPRACCUR_FIELD_COUNT} fields as in the epraccur specification",
        )
    first = str(raw.iat[0, 1]).strip().lower()
    if first in {"organisation code", "code", "practice code"}:
        raise SourceError(
            path,
            "starts with a header row",
            row=1,
            column="field 1",
            expected="no header row: epraccur files start with the first practice",
        )
    practices = raw[["source_row", *(n - 1 for n in EPRACCUR_FIELDS)]]
    practices.columns = ["source_row", *EPRACCUR_FIELDS.values()]
    practices = practices.copy()
    for column in practices.columns[1:]:
        practices[column] = practices[column].str.strip()
    return practices


# ODS national groupings outside England (Wales's is W00); the epraccur files
# from 2021 on list Welsh practices too.
NON_ENGLISH_GROUPINGS = ("W",)


def england_gp_practices(practices: pd.DataFrame, path: Path, log: QualityLog) -> pd.DataFrame:
    """England's active GP practices: status A, prescribing setting 4.

    Practices of a national grouping outside England are logged (as
    information) and left out. Only the kept practices' codes are checked for
    form: other organisations in the file (Channel Islands surgeries, say)
    use other code forms legitimately.
    """
    active = practices[(practices["status"] == "A") & (practices["prescribing_setting"] == "4")]
    outside = active["region_code"].str.startswith(NON_ENGLISH_GROUPINGS)
    for index in active.index[outside]:
        log.add("outside_england", path, active.at[index, "source_row"],
                "field 3 (national grouping)", active.at[index, "code"],
                active.at[index, "region_code"],
                "practice is outside England (national grouping "
                f"{active.at[index, 'region_code']}); not part of England's networks",
                severity="info")
    england = active[~outside]
    check_codes(england, "code", codes.PRACTICE_CODE, path, log,
                source_column="field 1 (organisation code)")
    return england


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
    # issue16 hook: rows read with the declared dimension ignored, capped (pcnmap.safety).
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

    safety.check_workbook(path)  # issue16 hook: zip and declared sizes, before parsing
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

REGISTERED_MONTHLY_COLUMNS = {
    "CODE": "practice_code",
    "CCG_CODE": "commissioner_code",
    "ONS_CCG_CODE": "commissioner_ons_code",
    "SEX": "sex",
    "AGE": "age",
    "NUMBER_OF_PATIENTS": "registered",
    "EXTRACT_DATE": "extract_date",
}


def read_registered_monthly(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read NHS Digital "Patients Registered at a GP Practice" (all ages)."""
    raw = read_text_csv(path, header=True,
                        what="an NHS Digital gp-reg-pat-prac-all CSV")
    lists = pick_columns(raw, path, REGISTERED_MONTHLY_COLUMNS)
    lists = lists[(lists["sex"].str.upper() == "ALL") & (lists["age"].str.upper() == "ALL")]
    lists = lists.drop(columns=["sex", "age"]).copy()
    lists["registered"] = parse_numbers(lists, "registered", path, log,
                                        source_column="NUMBER_OF_PATIENTS",
                                        record_column="practice_code")
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, path, log, source_column="CODE")
    return lists


PAYMENTS_COLUMNS = {
    "Practice Code": "practice_code",
    "CCG Code": "commissioner_code",
    "Number of Registered Patients (Last Known Figure)": "registered",
    "Number of Weighted Patients (Last Known Figure)": "weighted",
    "Practice Rurality": "rurality",
    "Contract Type": "contract_type",
}


def read_payments_lists(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read list sizes from an "NHS Payments to General Practice" extract."""
    raw = read_text_csv(path, header=True,
                        what="an NHS Payments to General Practice list-size CSV")
    lists = pick_columns(raw, path, PAYMENTS_COLUMNS)
    for column, source in (
        ("registered", "Number of Registered Patients (Last Known Figure)"),
        ("weighted", "Number of Weighted Patients (Last Known Figure)"),
    ):
        lists[column] = parse_numbers(lists, column, path, log, source_column=source,
                                      record_column="practice_code")
    lists["rurality"] = lists["rurality"].where(lists["rurality"].isin(["Urban", "Rural"]))
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, path, log,
                source_column="Practice Code")
    return lists


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
                frame = frame[frame["postcode_key"].isin(wanted_keys)]
            frames.append(frame[["postcode_key", "easting", "northing", "quality"]])
    points = pd.concat(frames, ignore_index=True)
    for column in ("easting", "northing", "quality"):
        points[column] = pd.to_numeric(points[column], errors="coerce")
    # Code-Point marks postcodes it cannot place with quality 90 and 0,0.
    placed = (points["easting"] > 0) & (points["northing"] > 0) & (points["quality"] < 90)
    return points[placed].drop_duplicates("postcode_key").reset_index(drop=True)


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


def read_lsoa_lookup(path: Path, commissioner_column: str) -> pd.DataFrame:
    """Read an ONS LSOA lookup: each LSOA's commissioner (ONS code)."""
    raw = read_text_csv(path, header=True, what="an ONS LSOA lookup CSV")
    lookup = pick_columns(raw, path, {"lsoa11_code": "lsoa_code",
                                      commissioner_column: "commissioner_ons_code"})
    return lookup.drop_duplicates("lsoa_code")


def read_grouping_names(path: Path) -> tuple[pd.Series, pd.Series]:
    """Region and STP names by ODS code, from NHS Digital's practice mapping file."""
    raw = read_text_csv(path, header=True, what="an NHS Digital gp-reg-pat-prac-map CSV")
    table = pick_columns(raw, path, {"COMM_REGION_CODE": "region_code",
                                     "COMM_REGION_NAME": "region_name",
                                     "STP_CODE": "stp_code", "STP_NAME": "stp_name"})
    regions = table.drop_duplicates("region_code").set_index("region_code")["region_name"]
    stps = table.drop_duplicates("stp_code").set_index("stp_code")["stp_name"]
    return regions, stps
