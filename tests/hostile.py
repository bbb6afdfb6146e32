"""Hostile files made from the real extracts, by rewriting their parts.

Used by the unit tests of pcnmap.safety and the end-to-end upload tests.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

EPCN = Path(__file__).resolve().parent / "fixtures" / "source" / "epcn" / "ePCN_2023-01-26.xlsx"
MEMBER_SHEET = "xl/worksheets/sheet2.xml"  # "PCN Core Partner Details"


def rewrite(source: Path, changes: dict[str, Callable[[bytes], bytes] | None]) -> bytes:
    """The workbook ``source`` with some parts transformed (``None`` drops a part)."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename in changes:
                change = changes[info.filename]
                if change is None:
                    continue
                data = change(data)
            new.writestr(info.filename, data)
    return out.getvalue()


def header_only(xml: bytes) -> bytes:
    """A sheet's XML with only its first row kept."""
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    second = xml.find(b"<row", xml.index(b"</row>", start))
    end = xml.index(b"</sheetData>")
    return xml[:second if second != -1 else end] + xml[end:]


def declare(reference: str) -> Callable[[bytes], bytes]:
    """A change giving a sheet the declared range ``reference``."""
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"/>',
                              f'<dimension ref="{reference}"/>'.encode(), xml, count=1)


def everything_declared(source: Path = EPCN) -> bytes:
    """A small workbook (header rows only) whose sheets declare A1:XFD1048576."""
    whole = declare("A1:XFD1048576")
    return rewrite(source, {"xl/worksheets/sheet1.xml": lambda x: whole(header_only(x)),
                            MEMBER_SHEET: lambda x: whole(header_only(x)),
                            "xl/theme/theme1.xml": None, "docProps/app.xml": None})


def inflating(source: Path = EPCN, size: int = 1_500_000_000) -> bytes:
    """The workbook with its member sheet padded by ``size`` bytes of spaces
    between rows (still well-formed XML), deflated to about 1.5 MB.

    The padding is deflated once per 16 MiB and repeated (each piece ends in
    a full flush, so pieces join), which takes a second rather than the
    minute zlib would need for 1.5 GB.
    """
    with zipfile.ZipFile(source) as old:
        xml = old.read(MEMBER_SHEET)
        others = [(info, old.read(info)) for info in old.infolist()
                  if info.filename != MEMBER_SHEET]
    cut = xml.index(b"<sheetData>") + len(b"<sheetData>")
    head, tail = xml[:cut], xml[cut:]
    chunk = b" " * (16 * 1024 * 1024)
    times = size // len(chunk)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
    piece = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    last = squeeze.compress(tail) + squeeze.flush()
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    deflated = first + piece * times + last

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in others:
            new.writestr(info.filename, data)
        # A member written as already deflated: its header, then its bytes.
        info = zipfile.ZipInfo(MEMBER_SHEET, date_time=(2023, 1, 26, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size = len(head) + len(chunk) * times + len(tail)
        info.compress_size, info.CRC = len(deflated), crc
        info.header_offset = new.fp.tell()
        new.fp.write(info.FileHeader())
        new.fp.write(deflated)
        new.start_dir = new.fp.tell()
        new.filelist.append(info)
        new.NameToInfo[info.filename] = info
    return out.getvalue()


CONFIGURATION_HEADER = b"practice_code,network_code,network_name\n"
TEN_MB = 10_000_000


def one_wide_line() -> bytes:
    """A configuration CSV whose second line is 10 MB of commas."""
    return CONFIGURATION_HEADER + b"," * (TEN_MB - len(CONFIGURATION_HEADER) - 1) + b"\n"


def wide_payments_line(source: Path, commas: int = 200_000) -> bytes:
    """An NHS Payments CSV: the real file's header, then one line of
    ``commas`` commas (pandas once made a row wider than its header an index
    of that many levels: a 200 kB file held the app for minutes)."""
    header = source.read_bytes().split(b"\n", 1)[0]
    return header + b"\n" + b"," * commas + b"\n"


def many_lines() -> bytes:
    """A configuration CSV of 10 MB in 1.2 million short lines."""
    line = b"P81001,,\n"
    return CONFIGURATION_HEADER + line * ((TEN_MB - len(CONFIGURATION_HEADER)) // len(line))


def long_names(practices: list[str]) -> bytes:
    """A configuration CSV of 10 MB: 99,000 rows, each a real practice code
    (repeated) moving to a new network with a 100-character name."""
    rows = [f"{practices[i % len(practices)]},NEW{i % 999 + 1},{'N' * 99}{i % 10}\n".encode()
            for i in range(99_000)]
    return (CONFIGURATION_HEADER + b"".join(rows))[:TEN_MB]


def repeated_epraccur(source: Path) -> bytes:
    """The real epraccur extract's lines repeated to 10 MB."""
    lines = source.read_bytes().splitlines(keepends=True)
    out, size, i = [], 0, 0
    while size + len(lines[i % len(lines)]) <= TEN_MB:
        out.append(lines[i % len(lines)])
        size += len(out[-1])
        i += 1
    return b"".join(out)


def many_strings(count: int, source: Path = EPCN) -> bytes:
    """The workbook with ``count`` more shared strings (23 bytes of XML
    each) that no cell uses: the reader loads them all."""
    def grow(xml: bytes) -> bytes:
        extra = b"".join(b"<si><t>%07d</t></si>" % n for n in range(count))
        return xml.replace(b"</sst>", extra + b"</sst>")
    return rewrite(source, {"xl/sharedStrings.xml": grow})
