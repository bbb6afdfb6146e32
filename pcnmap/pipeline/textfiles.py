"""Text files checked before a CSV reader sees them.

pandas reports what it cannot decode by byte offset, calls UTF-16 text
binary, pads a line with too few fields with blanks and takes ``inf`` or
``1e308`` as a patient count. These checks name the line and the field
instead:

* :func:`decode`: UTF-8 text, or a :class:`~pcnmap.problems.SourceError`
  naming UTF-16/UTF-32, or the row and field of the first byte that is not
  UTF-8 (and how many lines hold such bytes);
* :func:`ragged_lines`: the lines whose field count differs from the
  file's (pandas would pad or refuse them), that open a quotation mark
  never closed (pandas would swallow the rest of the file, then name
  another row) or hold a NUL character, within :data:`MAX_LINES` lines of
  at most :data:`MAX_FIELDS` fields;
* :func:`blank_lines`: the text with some lines emptied of values but kept
  as lines, so every later row number stays the file's own;
* :func:`implausible_counts`: list sizes no practice can have;
* :func:`drop_ragged`: for a reader that has already read a file with
  pandas, the rows pandas padded, logged and left out.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap.problems import QualityLog, SourceError

MAX_LINES = 100_000  # the national epraccur has about 13,000, a list-size file 7,000
MAX_FIELDS = 1_024
MAX_LINE_CHARACTERS = 100_000  # an epraccur line has about 260
# The largest English practice lists about 100,000 patients.
MAX_COUNT = 1_000_000
BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32",
        b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``data`` is text in one of them
    (by its byte-order mark, or zero bytes between ASCII letters), else None."""
    for mark, name in BOMS.items():
        if data.startswith(mark):
            return name
    start = data[:4096]
    if len(start) >= 4 and start.count(0) >= len(start) // 3:
        if all(start[i] == 0 for i in range(1, min(len(start), 200), 2)) or all(
                start[i] == 0 for i in range(0, min(len(start), 200), 2)):
            return "UTF-16"
    return None


def _field_of(line: str, offset: int) -> int:
    """The 1-based CSV field holding character ``offset`` of ``line``."""
    return len(next(csv.reader([line[:offset] + "x"])))


def decode(data: bytes, path, *, what: str, header: bool) -> str:
    """``data`` as text, if it is UTF-8 (a leading byte-order mark dropped).

    Otherwise a :class:`~pcnmap.problems.SourceError`: for UTF-16 or UTF-32
    text, saying so; for a byte that is not UTF-8 (a Latin-1 or Windows-1252
    file, usually), naming its row (line) and field (the header's name when
    ``header``) and the character it would be in Windows-1252.
    """
    wide = wide_encoding(data)
    if wide:
        raise SourceError(path, f"is {wide} text", expected=f"{what} as UTF-8 text "
                          "(in Excel: Save As, \"CSV UTF-8\")")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
    line_start = body.rfind(b"\n", 0, start) + 1
    line_end = body.find(b"\n", start)
    raw_line = body[line_start:line_end if line_end != -1 else len(body)]
    row = body.count(b"\n", 0, start) + 1
    before = body[line_start:start].decode("utf-8", "replace")
    field = _field_of(before, len(before))
    column = f"field {field}"
    if header and row > 1:
        names = next(csv.reader([body.split(b"\n", 1)[0].decode("utf-8", "replace")]))
        if field <= len(names):
            column = names[field - 1].strip()
    bad_lines = sum(1 for line in body.split(b"\n") if not _is_utf8(line))
    as_1252 = raw_line.decode("cp1252", "replace").rstrip("\r")
    character = as_1252[len(raw_line[:start - line_start].decode("cp1252", "replace"))]
    others = f"; {bad_lines - 1:,} more line(s) are not UTF-8 either" if bad_lines > 1 else ""
    raise SourceError(path, f"byte 0x{body[start]:02X} is not UTF-8 text (in Windows-1252 it "
                      f"is {character!r}){others}", row=row, column=column,
                      expected=f"{what} as UTF-8 text (in Excel: Save As, \"CSV UTF-8\")")


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class LineCheck:
    """What :func:`ragged_lines` found, each line 1-based as numbered in the file.

    Attributes:
        fields: The number of fields a line must have.
        wrong_count: Lines with another number of fields, with theirs (a
            blank line counts 0).
        unclosed_quote: Lines opening a quotation mark not closed on the
            line, with that field's number (a reader would run it into the
            lines after, to the next quotation mark or the file's end).
        nul: Lines holding a NUL character, with the field holding it.
    """

    fields: int
    wrong_count: dict[int, int] = field(default_factory=dict)
    unclosed_quote: dict[int, int] = field(default_factory=dict)
    nul: dict[int, int] = field(default_factory=dict)

    @property
    def left_out(self) -> set[int]:
        """Every line a reader must not use."""
        return set(self.wrong_count) | set(self.unclosed_quote) | set(self.nul)

    def messages(self) -> dict[int, tuple[str, int, str]]:
        """Each line left out: (the column to name, the value, why), blank
        lines (wrong count 0) aside: they hold nothing to report."""
        found: dict[int, tuple[str, int, str]] = {}
        for row, count in self.wrong_count.items():
            if count:
                found[row] = (f"field {min(count, self.fields) + 1}", count,
                              f"has {count} fields where the file's lines have "
                              f"{self.fields}; row left out")
        for row, number in self.unclosed_quote.items():
            found[row] = (f"field {number}", number, f"field {number} opens a quotation mark "
                          "not closed on its line; row left out (the rows after it are read)")
        for row, number in self.nul.items():
            found[row] = (f"field {number}", number, f"field {number} holds a NUL character "
                          "(binary data, not text); row left out")
        return dict(sorted(found.items()))


def _odd_quotes(lines: list[str]) -> bool:
    return sum(line.count('"') for line in lines) % 2 == 1


def ragged_lines(text: str, path, *, fields: int | None = None) -> LineCheck:
    """The file's field count and the lines (1-based, as numbered in the
    file) a reader must leave out: those whose records have another count
    (a blank line counts 0), those opening a quoted field that never closes
    and those holding a NUL character.

    ``fields`` is the count a line must have (epraccur's 27); by default the
    first line's (the header's). A file longer than :data:`MAX_LINES`, a line
    longer than :data:`MAX_LINE_CHARACTERS` or wider than :data:`MAX_FIELDS`
    fields, a first line of the wrong count or
    text the csv module cannot split is a :class:`~pcnmap.problems.SourceError`
    naming the row.
    """
    lines = text.split("\n")
    # Measured before splitting: csv would make a list of every field first.
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise SourceError(path, f"line {number:,} is {len(line):,} characters long",
                              row=number, expected=f"lines of at most "
                                                   f"{MAX_LINE_CHARACTERS:,} characters")
    nul = {number: _field_of(line, line.index("\0")) for number, line in
           enumerate(lines, start=1) if "\0" in line}
    if nul:  # each read as a blank line: csv stops at NUL
        lines = ["" if number in nul else line for number, line in enumerate(lines, start=1)]
    check = LineCheck(fields or 0, nul=nul)
    start = 0  # lines before this one are read (an unclosed quote restarts after its line)
    while True:
        unclosed, fields = _read_records(lines, start, path, fields, check)
        if unclosed is None:
            break
        check.unclosed_quote[unclosed[0]] = unclosed[1]
        check.wrong_count.pop(unclosed[0], None)
        start = unclosed[0]
    return LineCheck(fields or 0, check.wrong_count, check.unclosed_quote, check.nul)


def _read_records(lines: list[str], start: int, path, fields: int | None, check: LineCheck
                  ) -> tuple[tuple[int, int] | None, int | None]:
    """Read the records of ``lines`` from line ``start + 1``, noting in
    ``check`` those of another field count; returns the line and field of
    the first quotation mark not closed on its line (None: none) and the
    field count."""
    reader = csv.reader(io.StringIO("\n".join(lines[start:]), newline=""))
    line = 1
    try:
        for record in reader:
            row, end = start + line, start + reader.line_num
            if row > MAX_LINES:
                raise SourceError(path, f"goes on past line {MAX_LINES:,}", row=row,
                                  expected=f"at most {MAX_LINES:,} lines")
            if len(record) > MAX_FIELDS:
                raise SourceError(path, f"line {row:,} has {len(record):,} fields", row=row,
                                  expected=f"at most {MAX_FIELDS:,} fields a line")
            if fields is None:
                fields = len(record)
            # A record running over several lines is a quoted field holding a
            # line break; of the wrong width, or running to the file's end
            # with a quotation mark unpaired, it is a quotation mark left
            # open, which swallowed the lines after it.
            if end > row and (len(record) != fields or (
                    end >= len(lines) - 1 and _odd_quotes(lines[row - 1:end]))):
                return (row, _broken_field(record)), fields
            if len(record) != fields and row not in check.nul:
                if row == 1:
                    raise SourceError(path, f"has {len(record)} fields a row", row=1,
                                      expected=f"{fields} fields a row")
                check.wrong_count[row] = len(record)
            line = reader.line_num + 1
    except csv.Error as error:
        raise SourceError(path, f"is not well-formed CSV ({error})",
                          row=start + (reader.line_num or 1), expected="CSV text") from None
    return None, fields


def _broken_field(record: list[str]) -> int:
    """The 1-based number of the first field holding a line break."""
    return next((n for n, value in enumerate(record, start=1) if "\n" in value), len(record))


def first_unclosed_quote(text: str) -> tuple[int, int] | None:
    """The line and field of the first quotation mark not closed on its line
    in ``text`` where that breaks the file (None: none), for a message
    naming its row where a CSV reader names another, or the file's end."""
    try:
        found = ragged_lines(text, "text").unclosed_quote
    except SourceError:
        return None
    return min(found.items()) if found else None


def blank_lines(text: str, lines: set[int], fields: int) -> str:
    """``text`` with each of ``lines`` replaced by a record of ``fields``
    empty values, so a reader still counts it as a line (row numbers after
    it keep their place) and the caller drops it by its number."""
    out = text.split("\n")
    for number in lines:
        if number <= len(out):
            ending = "\r" if out[number - 1].endswith("\r") else ""
            out[number - 1] = "," * (fields - 1) + ending
    return "\n".join(out)


def implausible_counts(numbers: pd.Series) -> pd.Series:
    """True where a parsed patient count is no count: infinite, fractional,
    negative or over :data:`MAX_COUNT` (NaN, a blank, is not judged here)."""
    values = numbers.astype(float)
    finite = np.isfinite(values)
    return values.notna() & (~finite | (values < 0) | (values > MAX_COUNT)
                             | (values.where(finite, 0) % 1 != 0))


def drop_ragged(frame: pd.DataFrame, path, log: QualityLog, *,
                fields: int | None = None) -> pd.DataFrame:
    """``frame`` (a CSV read by pandas, ``source_row`` its lines) without
    the rows whose line has another number of fields than the file's
    (``fields``, else the first line's): pandas padded them with blanks. Each
    is logged as ``wrong_field_count`` with its row."""
    text = decode(Path(path).read_bytes(), path, what="a CSV file", header=fields is None)
    check = ragged_lines(text, path, fields=fields)
    log_left_out(check, path, log)
    return frame[~frame["source_row"].isin(check.left_out)]


def log_left_out(check: LineCheck, path, log: QualityLog) -> None:
    """Log each line ``check`` leaves out, with its row, field and why."""
    found = check.messages()
    log.add_rows("wrong_field_count", path, list(found), [c for c, _, _ in found.values()],
                 [f"line {row}" for row in found], [v for _, v, _ in found.values()],
                 [m for _, _, m in found.values()])
