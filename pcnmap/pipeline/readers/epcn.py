"""NHS Digital's ePCN workbook: its networks (PCN Details) and their core
member practices (PCN Core Partner Details), in each published layout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap import codes
from pcnmap.pipeline import safety
from pcnmap.pipeline.readers.csvfiles import check_codes, require_file
from pcnmap.problems import QualityLog, SourceError

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
