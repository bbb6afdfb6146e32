"""The declared schema of each kind of uploaded table (pandera), and the
checks of what its text holds (formulas, HTML, characters that turn the
text's direction): rows that break them are logged by file, row and column
and left out."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap import codes, words
from pcnmap.export import FORMULA_START
from pcnmap.model import neighbourhoods, whatif
from pcnmap.pipeline import textfiles
from pcnmap.problems import QualityLog, SourceError

MARKUP = re.compile(r"<[a-zA-Z/!]|&[a-zA-Z#]+;|\$\{")


@functools.cache
def schemas() -> dict:
    """The declared schema of each kind of table, by name (pandera).

    Built on first use: pandera is needed where uploads are read (the
    worker processes), not in the app's own process, which it would cost
    17 MB.
    """
    import pandera.pandas as pa

    def _code(pattern: re.Pattern) -> pa.Check:
        return pa.Check.str_matches(f"^(?:{pattern.pattern.strip('^$')})",
                                    error=f"a code of the form {pattern.pattern}")

    return {
        "epraccur": pa.DataFrameSchema({
            "code": pa.Column(str, _code(codes.PRACTICE_CODE), unique=True),
            "name": pa.Column(str, pa.Check.str_length(1, 200, error="a name of 1-200 characters")),
            "postcode": pa.Column(str),
            "commissioner_code": pa.Column(str, _code(codes.COMMISSIONER_CODE)),
        }),
        "epcn_networks": pa.DataFrameSchema({
            "network_code": pa.Column(str, _code(codes.NETWORK_CODE), unique=True),
            "network_name": pa.Column(str, nullable=False),
            "commissioner_code": pa.Column(str, _code(codes.COMMISSIONER_CODE)),
        }),
        "epcn_members": pa.DataFrameSchema({
            "practice_code": pa.Column(str, _code(codes.PRACTICE_CODE)),
            "network_code": pa.Column(str, _code(codes.NETWORK_CODE)),
        }),
        "registered": pa.DataFrameSchema({
            "practice_code": pa.Column(str, _code(codes.PRACTICE_CODE), unique=True),
            "registered": pa.Column(float, pa.Check(
                lambda n: (n >= 0) & (n <= textfiles.MAX_COUNT) & (n % 1 == 0),
                error=f"a patient count: a whole number from 0 to {textfiles.MAX_COUNT:,}"),
                nullable=False, coerce=True),
        }),
        "payments": pa.DataFrameSchema({
            "practice_code": pa.Column(str, _code(codes.PRACTICE_CODE), unique=True),
            **{column: pa.Column(float, pa.Check(
                lambda n: np.isfinite(n) & (n >= 0) & (n <= textfiles.MAX_COUNT),
                error=f"a list size: a number from 0 to {textfiles.MAX_COUNT:,}"),
                nullable=True, coerce=True) for column in ("registered", "weighted")},
        }),
        "configuration": pa.DataFrameSchema({
            "practice_code": pa.Column(str, _code(codes.PRACTICE_CODE), unique=True),
            "network_code": pa.Column(str, pa.Check.str_matches(
                rf"^(?:{codes.NETWORK_CODE.pattern.strip('^$')}"
                rf"|{whatif.NEW_NETWORK_CODE.pattern.strip('^$')})$|^$",
                error="an ePCN network code (U12345), a new network's code (NEW1) or blank "
                      "for a practice not signing up")),
            "network_name": pa.Column(str, pa.Check.str_length(
                0, whatif.NAME_LIMIT, error="a name of at most 100 characters")),
        }),
        "footprints": pa.DataFrameSchema({
            "network_code": pa.Column(str, _code(codes.NETWORK_CODE), unique=True),
            "footprint": pa.Column(str, pa.Check.str_matches(
                rf"^(?:{neighbourhoods.FOOTPRINT_CODE.pattern.strip('^$')})$|^$",
                error="a footprint code F1, F2, ... (blank: in no footprint)")),
            "footprint_name": pa.Column(str, pa.Check.str_length(
                0, neighbourhoods.NAME_LIMIT, error="a name of at most 100 characters")),
        }),
    }


def _finding_kind(check: str) -> str:
    """Which report check a schema failure is logged under."""
    if check.startswith("a code"):
        return "malformed_code"
    if check.startswith(("a patient count", "a list size")) or check == "not_nullable":
        return "bad_number"
    if check == "field_uniqueness":
        return "duplicate_record"
    return "invalid_value"


def validate(frame: pd.DataFrame, schema: str, path: Path, log: QualityLog, *,
             record_column: str, columns: Mapping[str, str]) -> pd.DataFrame:
    """Check ``frame`` against a declared schema; log and drop the rows that fail.

    ``columns`` gives each schema column's name in the file, for the message.
    A row already logged for the same column by the reader is not logged twice.
    """
    from pandera.errors import SchemaErrors

    try:
        return schemas()[schema].validate(frame, lazy=True)
    except SchemaErrors as errors:
        failures = errors.failure_cases
    whole = failures[failures["index"].isna()]
    if len(whole):
        # A whole-column failure (a wrong type): every row of it is unusable.
        failure = whole.iloc[0]
        raise SourceError(path, f"column {columns.get(failure.column, failure.column)!r}: "
                          f"{failure.check}", column=columns.get(failure.column),
                          expected=str(failure.check))
    failures = failures.dropna(subset=["index"])
    logged = {(f.file, f.row, f.column) for f in log.findings}
    rows = frame.loc[failures["index"], "source_row"].tolist()
    records = frame.loc[failures["index"], record_column].tolist()
    found: dict[tuple[str, str], list] = {}
    for row, record, name, check, case in zip(rows, records, failures["column"],
                                              failures["check"].astype(str),
                                              failures["failure_case"], strict=True):
        column = columns.get(name, name)
        if (path.name, row, column) in logged:
            continue
        logged.add((path.name, row, column))
        found.setdefault((column, check), []).append(
            (row, record, case, f"{case!r} is not allowed here (expected {check}); row left out"))
    for (column, check), items in found.items():
        rows, records, values, messages = zip(*items, strict=True)
        log.add_rows(_finding_kind(check), path, rows, column, records, values, messages)
    return frame.drop(index=frame.index.intersection(failures["index"]))


# Characters that turn the direction of the text around them: "Surgery",
# RIGHT-TO-LEFT OVERRIDE, "gnp.exe" shows as "Surgeryexe.png".
DIRECTION_CONTROLS = words.DIRECTION_CONTROLS


def flag_active_text(frame: pd.DataFrame, column: str, path: Path, log: QualityLog, *,
                     source_column: str, record_column: str) -> pd.DataFrame:
    """Note names holding a spreadsheet formula or HTML: kept as plain text.

    They are shown escaped and exported with a leading apostrophe, so neither
    a browser nor a spreadsheet runs them. Characters that reverse the
    direction of the text (so a name shows other than it reads) are noted
    and removed. Returns ``frame`` with them removed.
    """
    text = frame[column].fillna("").astype(str)
    active = text.str.startswith(FORMULA_START) | text.str.contains(MARKUP)
    log.add_rows("active_text", path, frame.loc[active, "source_row"], source_column,
                 frame.loc[active, record_column], text[active],
                 "holds a spreadsheet formula or HTML; kept as plain text, never run",
                 severity="info")
    turned = text.str.contains(DIRECTION_CONTROLS)
    if not turned.any():
        return frame
    log.add_rows("active_text", path, frame.loc[turned, "source_row"], source_column,
                 frame.loc[turned, record_column],
                 text[turned].map(lambda t: t.encode("unicode_escape").decode("ascii")),
                 "holds characters that reverse the direction of the text, so it would show "
                 "other than it reads; they are removed")
    frame = frame.copy()
    frame[column] = frame[column].where(~turned, text.str.replace(DIRECTION_CONTROLS, "",
                                                                  regex=True))
    return frame
