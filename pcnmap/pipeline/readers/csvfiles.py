"""CSV and zip primitives every reader shares.

A CSV (or the one CSV inside a publisher's zip) read with every field as
text and a ``source_row`` column (the row as a person opening the file would
count it); the file's columns renamed to the project's; codes, counts and
repeats checked, each problem logged by file, row and column. Structural
problems raise :class:`~pcnmap.problems.SourceError`; record-level problems
go to the :class:`~pcnmap.problems.QualityLog`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap import codes
from pcnmap.pipeline import textfiles
from pcnmap.problems import QualityLog, SourceError


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


def first_present(frame: pd.DataFrame, variants: Mapping[str, tuple[str, ...]], where: str
                  ) -> dict[str, str]:
    """For each wanted column, the first of its header variants the file has
    (publishers rename columns between releases: CCG, then Sub-ICB location)."""
    chosen = {}
    for name, options in variants.items():
        found = next((option for option in options if option in frame.columns), None)
        if found is None:
            raise SourceError(where, f"required column {options[0]!r} is missing; the header "
                              f"holds {[c for c in frame.columns if c != 'source_row']}",
                              row=1, column=options[0], expected=f"one of {list(options)}")
        chosen[found] = name
    return chosen


def drop_repeats(frame: pd.DataFrame, column: str, path: Path | str, log: QualityLog, *,
                 source_column: str, what: str) -> pd.DataFrame:
    """Keep the first row for each value of ``column``, logging every repeat
    (at a microsecond a repeat: a hostile upload can hold a hundred thousand)."""
    repeated = frame[column].duplicated(keep="first")
    log.add_rows("duplicate_record", path, frame.loc[repeated, "source_row"], source_column,
                 frame.loc[repeated, column], frame.loc[repeated, column],
                 f"{what} appears more than once; the first row is used")
    return frame[~repeated]
