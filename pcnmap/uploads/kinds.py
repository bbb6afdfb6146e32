"""What an upload may be: its size, its extension and which of :data:`KINDS`
it is, told from its first bytes (never from its name)."""

from __future__ import annotations

import re
from pathlib import Path

from pcnmap.pipeline import textfiles
from pcnmap.pipeline.readers.epraccur import EPRACCUR_FIELD_COUNT
from pcnmap.problems import SourceError

# Streamlit's server.maxUploadSize (.streamlit/config.toml) is in megabytes,
# and its browser side counts a megabyte as 1,000,000 bytes (except on
# Windows, 1,048,576): the smaller is the cap every user meets, so pcnmap
# refuses above it too and says the same number.
MAX_UPLOAD_MB = 10
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1000 * 1000
SUFFIXES = (".csv", ".xlsx")
MAX_FILES = 8  # one of each kind, and room for a second try
KINDS = {
    "epraccur": "ODS GP practices (epraccur.csv)",
    "epcn": "NHS Digital ePCN workbook (ePCN.xlsx)",
    "registered": "Patients registered at a GP practice (gp-reg-pat-prac-all.csv)",
    "configuration": "A network configuration (practice_code, network_code, network_name)",
    "payments": "NHS Payments to General Practice list sizes (CSV)",
    "footprints": "A neighbourhood footprint proposal (network_code, footprint, "
                  "footprint_name), for the Neighbourhoods page",
}
# The columns an NHS Payments file is told by (its first line, any case).
PAYMENTS_HEADER = {"practice code", "number of weighted patients (last known figure)"}


def safe_name(name: str) -> str:
    """A file name that cannot leave its folder: the last path part, plain characters."""
    base = re.split(r"[\\/]", name)[-1]
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")
    return cleaned[:100] or "upload"


# The bytes of an upload its kind is told from: its first line, at most as
# long as a line may be, and a little more.
HEAD_BYTES = textfiles.MAX_LINE_CHARACTERS * 4 + 8


def kind_of(name: str, data: bytes | memoryview) -> str:
    """Check an upload's size and type and say which kind of file it is, from
    its size and first bytes (``data`` may be a view of the upload: nothing
    of a ten-megabyte file is copied but its head).

    Raises :class:`SourceError` with the reason when it cannot be used.
    """
    shown = safe_name(name)
    suffix = Path(shown).suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(shown, f"is a {suffix or 'file without an extension'}",
                          expected="a .csv or .xlsx file")
    size = len(data)
    if size > MAX_UPLOAD_BYTES:
        raise SourceError(shown, f"is {size / 1e6:.1f} MB ({size:,} bytes)",
                          expected=f"at most {MAX_UPLOAD_MB} MB ({MAX_UPLOAD_BYTES:,} bytes)")
    # A first line longer than this is refused when the file is read.
    head = bytes(data[:HEAD_BYTES])
    if not size or (head.isspace() and bytes(data).isspace()):
        raise SourceError(shown, "file is empty", expected="a CSV or XLSX with data")
    if suffix == ".xlsx":
        if not head.startswith(b"PK"):
            raise SourceError(shown, "is not an Excel workbook (no XLSX signature)",
                              expected="an .xlsx workbook as NHS Digital publishes it")
        return "epcn"
    wide = textfiles.wide_encoding(head)
    if wide:
        raise SourceError(shown, f"is {wide} text", expected="a CSV file as UTF-8 text "
                          "(in Excel: Save As, \"CSV UTF-8\")")
    if head.startswith(b"PK") or b"\x00" in head[:4096]:
        raise SourceError(shown, "is binary, not text", expected="a CSV text file")
    first_line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8", "replace")
    header = {cell.strip().strip('"').lower() for cell in first_line.split(",")}
    if {"practice_code", "network_code"} <= header:
        return "configuration"
    if {"network_code", "footprint"} <= header:
        return "footprints"
    if {"code", "number_of_patients"} <= header:
        return "registered"
    if PAYMENTS_HEADER <= header:
        return "payments"
    if first_line.count(",") + 1 == EPRACCUR_FIELD_COUNT:
        return "epraccur"
    raise SourceError(shown, f"is not a file pcnmap knows; its first line is {first_line[:120]!r}",
                      row=1, expected="one of: " + "; ".join(KINDS.values()))
