"""Tables leaving the app as files a spreadsheet opens safely."""

from __future__ import annotations

import pandas as pd

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV that a spreadsheet opens without running anything.

    Text cells that a spreadsheet would take as a formula get a leading
    apostrophe (the usual defence against CSV injection);
    :func:`pcnmap.uploads.read_configuration` removes it again.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            text = safe[column]
            risky = text.fillna("").astype(str).str.startswith(FORMULA_START)
            safe[column] = text.where(~risky, "'" + text.fillna("").astype(str))
    return safe.to_csv(index=False).encode("utf-8")
