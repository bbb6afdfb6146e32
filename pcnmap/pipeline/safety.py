"""Checks of untrusted zips and workbooks before any parser reads them.

A small file can cost a parser far more than its size: a zip member that
inflates a thousandfold (a "zip bomb"), or a 2 KB workbook whose sheet
declares the range ``A1:XFD1048576``, which openpyxl's read-only mode pads
every row to (17 billion empty cells, minutes of one server thread). So:

* :func:`check_zip` reads only the zip's directory: how many members, how
  large each says it inflates to, and by what ratio. Python's :mod:`zipfile`
  never inflates a member past its declared size (a lie ends in a CRC error),
  so the declared sizes bound what any later read can produce.
* :func:`check_workbook` adds, for an ``.xlsx``, the sheets' declared
  dimensions, read from the first bytes of each sheet's XML (inflated only
  that far), and refuses any XML part that declares a DTD (OOXML never does;
  entity tricks need one).
* :func:`sheet_rows` reads a sheet's rows with the declared dimension
  ignored, no wider than its header and no more than :data:`MAX_ROWS` of them.

Every refusal is a :class:`~pcnmap.problems.SourceError` naming the file and
the part, row or column, and the cap.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from pcnmap.problems import SourceError

MB = 1000 * 1000

# Defaults for the official zipped sources (Code-Point Open: 129 members,
# 162 MB inflated, ratio 13 at most).
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_MEMBER_BYTES = 500 * MB
ZIP_MAX_TOTAL_BYTES = 2_000 * MB
ZIP_MAX_RATIO = 100
# Small members may compress by any ratio: they cannot inflate to much.
RATIO_FLOOR_BYTES = 1 * MB

# Workbooks (the published national ePCN: 12 members, sheets of 3.8 MB at
# ratio 9, 7,456 rows by 11 columns).
WORKBOOK_MAX_MEMBERS = 500
WORKBOOK_MAX_MEMBER_BYTES = 64 * MB
# Other XML parts (shared strings, styles: 600 KB and 6 KB nationally) are
# parsed whole, at about 11 microseconds a shared string: 8 MB takes 4 s.
WORKBOOK_MAX_PART_BYTES = 8 * MB
WORKBOOK_MAX_TOTAL_BYTES = 128 * MB
MAX_ROWS = 100_000
# 1,024 columns is where LibreOffice's sheets end (AMJ).
MAX_COLUMNS = 1_024
MAX_CELLS = 10_000_000
# How much of each sheet's XML is inflated to find its <dimension> (which
# comes before the cells) and of each XML part to look for a DTD.
PREFIX_BYTES = 64 * 1024
# workbook.xml and its relationships are parsed whole: they list the sheets.
INDEX_MAX_BYTES = 1 * MB

_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']\s*"
    rb"([A-Za-z]{1,3}[0-9]{1,7})(?::([A-Za-z]{1,3}[0-9]{1,7}))?\s*[\"']")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_zip(source: str | Path | bytes, *, max_members: int = ZIP_MAX_MEMBERS,
              max_member_bytes: int = ZIP_MAX_MEMBER_BYTES,
              max_total_bytes: int = ZIP_MAX_TOTAL_BYTES,
              max_ratio: float = ZIP_MAX_RATIO) -> list[zipfile.ZipInfo]:
    """Check a zip's directory against the caps, inflating nothing.

    ``source`` is a path or the zip's bytes. Refused (a
    :class:`~pcnmap.problems.SourceError`): an unreadable zip, more than
    ``max_members`` members, a member declaring more than
    ``max_member_bytes`` inflated, all members together more than
    ``max_total_bytes``, or a member over :data:`RATIO_FLOOR_BYTES` inflating
    more than ``max_ratio`` times its compressed size. Returns the members.
    """
    name = "upload.zip" if isinstance(source, bytes) else Path(source).name
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise SourceError(name, f"is not a readable zip archive ({error})",
                          expected="an intact zip archive") from None
    _check_directory(name, members, max_members, max_member_bytes, max_total_bytes, max_ratio)
    return members


def _check_directory(name: str, members: list[zipfile.ZipInfo], max_members: int,
                     max_member_bytes: int, max_total_bytes: int, max_ratio: float) -> None:
    if len(members) > max_members:
        raise SourceError(name, f"holds {len(members):,} files",
                          expected=f"at most {max_members:,} files in the archive")
    total = 0
    for member in members:
        size = member.file_size
        if size > max_member_bytes:
            raise SourceError(name, f"its part {member.filename!r} inflates to {size:,} bytes",
                              expected=f"parts of at most {max_member_bytes:,} bytes")
        ratio = size / max(member.compress_size, 1)
        if size > RATIO_FLOOR_BYTES and ratio > max_ratio:
            raise SourceError(name, f"its part {member.filename!r} inflates {ratio:,.0f} times "
                              f"(from {member.compress_size:,} to {size:,} bytes), as a zip "
                              "bomb does", expected=f"at most {max_ratio:,} times")
        total += size
    if total > max_total_bytes:
        raise SourceError(name, f"inflates to {total:,} bytes in all",
                          expected=f"at most {max_total_bytes:,} bytes inflated")


def cell_position(reference: str) -> tuple[int, int]:
    """``"XFD1048576"`` -> (row 1048576, column 16384)."""
    match = _CELL.fullmatch(reference.upper())
    if not match:
        raise ValueError(reference)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)), column


def column_letter(number: int) -> str:
    """16384 -> ``"XFD"``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _sheet_titles(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Each worksheet part's title, from workbook.xml and its relationships.

    Empty when they cannot be read (openpyxl then says why the file is bad).
    """
    try:
        parts = {}
        for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
            info = zf.getinfo(part)
            if info.file_size > INDEX_MAX_BYTES:
                raise SourceError(name, f"its part {part!r} is {info.file_size:,} bytes",
                                  expected=f"at most {INDEX_MAX_BYTES:,} bytes")
            parts[part] = ElementTree.fromstring(zf.read(part))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
        return {}
    targets = {}
    for relation in parts["xl/_rels/workbook.xml.rels"].findall(".//{*}Relationship"):
        target = relation.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[relation.get("Id")] = str(PurePosixPath(path))
    titles = {}
    for sheet in parts["xl/workbook.xml"].findall(".//{*}sheet"):
        relation = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        if relation in targets:
            titles[targets[relation]] = sheet.get("name", "")
    return titles


def check_workbook(path: str | Path, *, max_rows: int = MAX_ROWS,
                   max_columns: int = MAX_COLUMNS, max_cells: int = MAX_CELLS,
                   max_members: int = WORKBOOK_MAX_MEMBERS,
                   max_member_bytes: int = WORKBOOK_MAX_MEMBER_BYTES,
                   max_total_bytes: int = WORKBOOK_MAX_TOTAL_BYTES,
                   max_part_bytes: int = WORKBOOK_MAX_PART_BYTES,
                   max_ratio: float = ZIP_MAX_RATIO) -> None:
    """Check an ``.xlsx`` before openpyxl opens it.

    Its zip directory (:func:`check_zip` with the workbook caps); no XML part
    declaring a DTD; each sheet's declared ``<dimension>`` within
    ``max_rows`` rows, ``max_columns`` columns and ``max_cells`` cells; and
    every other XML part (parsed whole) within ``max_part_bytes``.
    Reads a few kilobytes of each part, whatever the file holds.
    """
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            _check_directory(path.name, members, max_members, max_member_bytes,
                             max_total_bytes, max_ratio)
            titles = _sheet_titles(zf, path.name)
            for member in members:
                if not member.filename.lower().endswith((".xml", ".rels")):
                    continue
                with zf.open(member) as part:
                    start = part.read(PREFIX_BYTES)
                if _DTD.search(start):
                    raise SourceError(path, f"its part {member.filename!r} declares a DTD",
                                      expected="workbook XML without <!DOCTYPE> or "
                                               "<!ENTITY> (Excel never writes them)")
                if member.filename in titles or member.filename.startswith("xl/worksheets/"):
                    _check_dimension(path, titles.get(member.filename, member.filename),
                                     start, max_rows, max_columns, max_cells)
                elif member.file_size > max_part_bytes:
                    raise SourceError(path, f"its part {member.filename!r} inflates to "
                                      f"{member.file_size:,} bytes", expected="parts other "
                                      f"than the sheets of at most {max_part_bytes:,} bytes")
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError) as error:
        raise SourceError(path, f"is not a readable Excel workbook ({error})",
                          expected="an .xlsx workbook as NHS Digital publishes it") from None


def _check_dimension(path: Path, sheet: str, start: bytes, max_rows: int, max_columns: int,
                     max_cells: int) -> None:
    cells = start.split(b"<sheetData", 1)[0]
    match = _DIMENSION.search(cells)
    if not match:
        return  # no declared range: sheet_rows reads what is there
    first = cell_position(match.group(1).decode())
    last = cell_position((match.group(2) or match.group(1)).decode())
    rows = abs(last[0] - first[0]) + 1
    columns = abs(last[1] - first[1]) + 1
    reference = match.group(0).split(b"ref", 1)[1].strip(b" =\"'").decode()
    if rows > max_rows or columns > max_columns or rows * columns > max_cells:
        raise SourceError(path, f"sheet {sheet!r} declares the range {reference} "
                          f"({rows:,} rows by {columns:,} columns)",
                          expected=f"at most {max_rows:,} rows, {max_columns:,} columns and "
                                   f"{max_cells:,} cells")


def sheet_rows(sheet, path: str | Path, *, max_rows: int = MAX_ROWS,
               max_columns: int = MAX_COLUMNS) -> Iterator[tuple]:
    """A read-only openpyxl sheet's rows as tuples of values, from row 1.

    The declared dimension is ignored (openpyxl would pad every row to it,
    and it can be wrong either way); each row after the header is cut to
    the header's width (the readers use no column the header does not
    name). A header wider than ``max_columns`` (blank cells at its end
    aside), or a row beyond ``max_rows``, is a
    :class:`~pcnmap.problems.SourceError` naming the sheet and the row.
    """
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header is None:
        return
    width = len(header)
    while width and header[width - 1] is None:
        width -= 1
    if width > max_columns:
        raise SourceError(path, f"sheet {sheet.title!r}: the header row is {width:,} "
                          "columns wide", row=1, column=column_letter(max_columns + 1),
                          expected=f"at most {max_columns:,} columns")
    yield header[:width]
    # max_col=0 would mean "as wide as each row"; a blank header row is one cell.
    rows = sheet.iter_rows(min_row=2, max_col=max(width, 1), values_only=True)
    for number, row in enumerate(rows, start=2):
        if number > max_rows:
            raise SourceError(path, f"sheet {sheet.title!r} goes on past row {max_rows:,}",
                              row=number, expected=f"at most {max_rows:,} rows")
        yield row
