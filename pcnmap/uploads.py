"""Files a user brings: newer official files or a network configuration.

Every upload is checked before any of it is used:

* the file itself: a CSV or an XLSX workbook only, at most
  :data:`MAX_UPLOAD_BYTES`, not empty, and recognised as one of
  :data:`KINDS` from its content (not from its name);
* its structure, by the same readers the build pipeline uses (so an
  uploaded file gives exactly the figures the pipeline would);
* its records, against a declared schema (:func:`schemas`, pandera) with
  every code read as text. Rows that break it are listed (file, row, column,
  what was expected) and left out; the good rows load.

Uploads are written only into a :class:`SessionSpace` (a private temporary
folder per browser session, removed with it, or by the next server should
this one be killed). Workbooks are read as data (openpyxl, cached values);
nothing in a file is executed or unpickled. The app reads uploads in a
worker process with limits (:mod:`pcnmap.worker`), after
:mod:`pcnmap.pipeline.safety` and :mod:`pcnmap.pipeline.textfiles` have checked them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap import codes, store, words
from pcnmap.export import FORMULA_START
from pcnmap.model import funding, membership, neighbourhoods, whatif
from pcnmap.pipeline import assemble, textfiles
from pcnmap.pipeline.readers import csvfiles, epcn, epraccur, list_sizes
from pcnmap.problems import QualityLog, SourceError

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
MARKUP = re.compile(r"<[a-zA-Z/!]|&[a-zA-Z#]+;|\$\{")


# ---------------------------------------------------------------- the declared schemas

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


def drop_repeats(frame: pd.DataFrame, column: str, path: Path, log: QualityLog, *,
                 source_column: str, what: str) -> pd.DataFrame:
    """:func:`pcnmap.pipeline.csvfiles.drop_repeats` (keep the first row for each value,
    log every repeat), at a microsecond a repeat: a hostile upload can hold
    a hundred thousand."""
    repeated = frame[column].duplicated(keep="first")
    log.add_rows("duplicate_record", path, frame.loc[repeated, "source_row"], source_column,
                 frame.loc[repeated, column], frame.loc[repeated, column],
                 f"{what} appears more than once; the first row is used")
    return frame[~repeated]


def _unescape(text: pd.Series) -> pd.Series:
    risky = text.str.startswith("'") & text.str[1:].str.startswith(FORMULA_START)
    return text.where(~risky, text.str[1:])


# ---------------------------------------------------------------- the file itself


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
    if first_line.count(",") + 1 == epraccur.EPRACCUR_FIELD_COUNT:
        return "epraccur"
    raise SourceError(shown, f"is not a file pcnmap knows; its first line is {first_line[:120]!r}",
                      row=1, expected="one of: " + "; ".join(KINDS.values()))


# Every session's folder lives here, named for the server's process id.
UPLOAD_ROOT = Path(tempfile.gettempdir()) / f"pcnmap-uploads-{os.getuid()}"
# A folder this old goes even if a process of its id runs (ids are reused).
MAX_AGE_SECONDS = 24 * 60 * 60


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep(root: Path) -> list[Path]:
    """Remove the upload folders under ``root`` that no running server owns:
    those whose server process has gone (killed, so it could not clean up)
    and any older than :data:`MAX_AGE_SECONDS`. Returns what it removed."""
    removed = []
    for folder in root.iterdir() if root.is_dir() else ():
        pid, _, _ = folder.name.partition("-")
        if pid.isdigit() and (_age(folder) > MAX_AGE_SECONDS or not _running(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _age(folder: Path) -> float:
    try:
        return time.time() - folder.stat().st_mtime
    except OSError:
        return 0.0


class SessionSpace:
    """A private temporary folder for one browser session's uploads, under
    ``root`` (by default :data:`UPLOAD_ROOT`); making one sweeps the root."""

    def __init__(self, root: Path | None = None) -> None:
        root = root or UPLOAD_ROOT
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        sweep(root)
        self.path = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))

    def save(self, name: str, data: bytes | memoryview) -> Path:
        """Write an upload into the session's folder under a safe name; a
        name already there gets a number ("data (2).csv"), so two uploads of
        one name are two files, each with its own verdict."""
        target = self.path / safe_name(name)
        number = 1
        while target.exists():
            number += 1
            stem, suffix = os.path.splitext(safe_name(name))
            target = self.path / f"{stem} ({number}){suffix}"
        target.write_bytes(data)
        return target

    def clear(self) -> None:
        """Remove the session's folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)

    def __del__(self) -> None:
        self.clear()


# ---------------------------------------------------------------- reading each kind


@dataclass
class Uploaded:
    """What the user's files hold, after checking."""

    # Every epraccur row's code, status, setting, dates, grouping and row
    # (what a membership's check names), not all 27 fields: the app holds it
    # for the session.
    practices: pd.DataFrame | None = None
    england: pd.DataFrame | None = None  # England's active GP practices, checked
    networks: pd.DataFrame | None = None
    members: pd.DataFrame | None = None
    registered: pd.DataFrame | None = None
    configuration: pd.DataFrame | None = None
    # An NHS Payments file's lists (practice_code, registered, weighted).
    payments: pd.DataFrame | None = None
    footprints: pd.DataFrame | None = None
    files: dict[str, Path] = field(default_factory=dict)
    errors: list[SourceError] = field(default_factory=list)
    log: QualityLog = field(default_factory=QualityLog)
    # Each file read in a worker (pcnmap.worker): the worker's peak memory in bytes.
    peak_memory: dict[str, int] = field(default_factory=dict)


def read_uploads(paths: list[Path], uploaded: Uploaded | None = None) -> Uploaded:
    """Read and check each saved upload; one bad file does not stop the others."""
    result = uploaded or Uploaded()
    for path in paths:
        try:
            data = path.read_bytes()
            kind = kind_of(path.name, data)
            left_out = set() if kind == "epcn" else check_text(path, data, kind, result.log)
            _read_kind(path, kind, result, left_out)
            result.files[kind] = path
        except SourceError as error:
            result.errors.append(error)
    return result


def check_text(path: Path, data: bytes, kind: str, log: QualityLog) -> set[int]:
    """Check a CSV upload's text before its reader runs: UTF-8, and the same
    number of fields on every line (the reader would pad a short line with
    blanks, or refuse the file for a long one).

    Each line with another count, opening a quotation mark it never closes
    or holding a NUL character is logged with its row and emptied in the
    saved file (kept as a line, so the rows after it keep their numbers);
    returns those rows, for the caller to leave out.
    """
    text = textfiles.decode(data, path, what=KINDS[kind], header=kind != "epraccur")
    check = textfiles.ragged_lines(
        text, path, fields=epraccur.EPRACCUR_FIELD_COUNT if kind == "epraccur" else None)
    textfiles.log_left_out(check, path, log)
    if check.left_out:
        path.write_text(textfiles.blank_lines(text, check.left_out, check.fields),
                        encoding="utf-8")
    return check.left_out


def _read_kind(path: Path, kind: str, result: Uploaded, left_out: set[int]) -> None:
    log = result.log

    def kept(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[~frame["source_row"].isin(left_out)] if left_out else frame

    if kind == "epraccur":
        everything = kept(epraccur.read_epraccur(path, log))
        england = drop_repeats(
            epraccur.england_gp_practices(everything, path, log), "code", path, log,
            source_column="field 1 (organisation code)", what="practice code")
        assemble.check_postcodes(england, path, log)
        england = validate(england, "epraccur", path, log, record_column="code", columns={
            "code": "field 1 (organisation code)", "name": "field 2 (name)",
            "postcode": "field 10 (postcode)", "commissioner_code": "field 15 (commissioner)"})
        england = flag_active_text(england, "name", path, log,
                                   source_column="field 2 (name)", record_column="code")
        result.practices = everything[["code", "status", "prescribing_setting", "gp",
                                       "open_date", "close_date", "region_code", "source_row"]]
        result.england = england
    elif kind == "epcn":
        networks, members = epcn.read_epcn(path, log)
        details, partners = networks.attrs["sheet"], members.attrs["sheet"]
        networks = drop_repeats(networks, "network_code", path, log,
                                        source_column=f"{details}: PCN Code",
                                        what="network code")
        networks = validate(networks, "epcn_networks", path, log, record_column="network_code",
                            columns={"network_code": f"{details}: PCN Code",
                                     "network_name": f"{details}: PCN Name",
                                     "commissioner_code": f"{details}: commissioner code"})
        members = validate(members, "epcn_members", path, log, record_column="practice_code",
                           columns={"practice_code": f"{partners}: Partner Organisation Code",
                                    "network_code": f"{partners}: PCN Code"})
        networks = flag_active_text(networks, "network_name", path, log,
                                    source_column=f"{details}: PCN Name",
                                    record_column="network_code")
        networks.attrs["sheet"], members.attrs["sheet"] = details, partners
        result.networks, result.members = networks, members
    elif kind == "registered":
        lists = drop_repeats(kept(list_sizes.read_registered_monthly(path, log)),
                                     "practice_code", path, log, source_column="CODE",
                                     what="practice")
        result.registered = validate(lists, "registered", path, log,
                                     record_column="practice_code",
                                     columns={"practice_code": "CODE",
                                              "registered": "NUMBER_OF_PATIENTS"})
    elif kind == "payments":
        lists = drop_repeats(kept(list_sizes.read_payments_lists(path, log)), "practice_code",
                             path, log, source_column="Practice Code", what="practice")
        result.payments = validate(lists[["source_row", "practice_code", "registered",
                                          "weighted"]], "payments", path, log,
                                   record_column="practice_code", columns={
                                       "practice_code": "Practice Code",
                                       "registered": list_sizes.PAYMENTS_REGISTERED,
                                       "weighted": list_sizes.PAYMENTS_WEIGHTED})
    elif kind == "footprints":
        result.footprints = read_footprints(path, log, left_out)
    else:
        result.configuration = read_configuration(path, log, left_out)


def read_configuration(path: Path, log: QualityLog, left_out: set[int] = frozenset()
                       ) -> pd.DataFrame:
    """A configuration CSV: practice_code, network_code (blank: not signing up), network_name.

    Rows in ``left_out`` (already reported) are dropped before any check.
    """
    raw = csvfiles.read_text_csv(path, header=True, what="a configuration CSV ("
                                + ", ".join(whatif.CONFIGURATION_COLUMNS) + ")")
    raw = raw[~raw["source_row"].isin(left_out)]
    raw.columns = [c if c == "source_row" else c.strip().lower() for c in raw.columns]
    if "network_name" not in raw.columns:
        raw["network_name"] = ""
    table = csvfiles.pick_columns(raw, path, {c: c for c in whatif.CONFIGURATION_COLUMNS})
    for column in whatif.CONFIGURATION_COLUMNS:
        table[column] = _unescape(table[column].str.strip())
    table["practice_code"] = table["practice_code"].str.upper()
    table["network_code"] = table["network_code"].str.upper()
    table = drop_repeats(table, "practice_code", path, log, source_column="practice_code",
                                 what="practice")
    table = validate(table, "configuration", path, log, record_column="practice_code",
                     columns={c: c for c in whatif.CONFIGURATION_COLUMNS})
    table = flag_active_text(table, "network_name", path, log, source_column="network_name",
                             record_column="practice_code")
    return table


def read_footprints(path: Path, log: QualityLog, left_out: set[int] = frozenset()
                    ) -> pd.DataFrame:
    """A footprint proposal CSV: network_code, footprint (blank: in no
    footprint), footprint_name; other columns (the downloaded file's
    network_name and patients) are not read.

    Rows in ``left_out`` (already reported) are dropped before any check.
    """
    columns = neighbourhoods.CONFIGURATION_COLUMNS
    raw = csvfiles.read_text_csv(path, header=True, what="a footprint proposal CSV ("
                                + ", ".join(columns) + ")")
    raw = raw[~raw["source_row"].isin(left_out)]
    raw.columns = [c if c == "source_row" else c.strip().lower() for c in raw.columns]
    if "footprint_name" not in raw.columns:
        raw["footprint_name"] = ""
    table = csvfiles.pick_columns(raw, path, {c: c for c in columns})
    for column in columns:
        table[column] = _unescape(table[column].str.strip())
    table["network_code"] = table["network_code"].str.upper()
    table["footprint"] = table["footprint"].str.upper()
    table = drop_repeats(table, "network_code", path, log, source_column="network_code",
                         what="network")
    table = validate(table, "footprints", path, log, record_column="network_code",
                     columns={c: c for c in columns})
    flag_active_text(table, "footprint_name", path, log, source_column="footprint_name",
                     record_column="network_code")
    return table


# ---------------------------------------------------------------- own data as a snapshot


def own_snapshot(uploaded: Uploaded, base_practices: pd.DataFrame, base_networks: pd.DataFrame,
                 as_of: pd.Timestamp, log: QualityLog | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The base snapshot with the uploaded files in place of its own.

    An uploaded epraccur replaces the practices (positions come from the base
    snapshot by practice code, else by postcode; others have none), an ePCN
    workbook the memberships (current on ``as_of``), a registered-list file
    the list sizes (a practice it lacks has none). Weighted lists stay the
    base snapshot's. Problems go to ``log`` (by default ``uploaded.log``; a
    page that reruns passes its own, so the upload's are not added again).
    """
    log = uploaded.log if log is None else log
    practices = base_practices.copy()
    if uploaded.england is not None:
        path = uploaded.files["epraccur"]
        fresh = uploaded.england.rename(columns={"code": "practice_code",
                                                 "name": "practice_name"})
        fresh["postcode"] = codes.postcode_key(fresh["postcode"]).map(codes.postcode_display)
        by_code = base_practices.set_index("practice_code")
        by_postcode = base_practices.dropna(subset=["easting"]).drop_duplicates(
            "postcode").set_index("postcode")
        for column in ("longitude", "latitude", "easting", "northing"):
            fresh[column] = fresh["practice_code"].map(by_code[column]).fillna(
                fresh["postcode"].map(by_postcode[column]))
        lost = fresh[fresh["easting"].isna()]
        log.add_rows("no_coordinates", path, lost["source_row"], "field 10 (postcode)",
                     lost["practice_code"], lost["postcode"],
                     "neither the practice nor its postcode is in the shipped data; "
                     "it has no map position")
        names = base_practices.drop_duplicates("commissioner_code").set_index(
            "commissioner_code")["commissioner_name"]
        fresh["commissioner_name"] = fresh["commissioner_code"].map(names)
        unknown = fresh[fresh["commissioner_name"].isna()]
        log.add_rows("unknown_commissioner", path, unknown["source_row"],
                     "field 15 (commissioner)", unknown["practice_code"],
                     unknown["commissioner_code"],
                     "commissioner is not in the snapshot the upload is compared with")
        for column in ("registered", "weighted", "network_code"):
            fresh[column] = fresh["practice_code"].map(by_code[column])
        practices = fresh
    networks = base_networks
    if uploaded.networks is not None:
        path = uploaded.files["epcn"]
        networks = assemble.open_networks(uploaded.networks, as_of)
        everything = uploaded.practices if uploaded.practices is not None else pd.DataFrame({
            "code": base_practices["practice_code"], "status": "A",
            "prescribing_setting": "4"})
        current = assemble.current_memberships(
            uploaded.members, networks, everything, pd.Index(practices["practice_code"]),
            as_of, path, log)
        practices["network_code"] = practices["practice_code"].map(
            current.set_index("practice_code")["network_code"])
        networks = networks[["network_code", "network_name", "commissioner_code"]]
    if uploaded.registered is not None:
        practices["registered"] = practices["practice_code"].map(
            uploaded.registered.set_index("practice_code")["registered"])
        path = uploaded.files["registered"]
        missing = practices[practices["registered"].isna()]
        log.add_rows("no_list_size", path, [None] * len(missing), "CODE",
                     missing["practice_code"], missing["practice_name"],
                     "practice is not in the uploaded registered-list file")
    practices = membership.attach_networks(practices, networks)
    return practices.reset_index(drop=True), networks.reset_index(drop=True)


@dataclass
class Beside:
    """The uploads in place of a snapshot's own files.

    Attributes:
        after: The scenario the uploads make.
        log: The problems found setting them beside the snapshot (the
            upload's own are in :attr:`Uploaded.log`).
        table: The networks that change (:func:`pcnmap.model.whatif.compare`).
    """

    after: whatif.Scenario
    log: QualityLog
    table: pd.DataFrame


def beside_snapshot(uploaded: Uploaded, data_dir: Path, snapshot: str, method: str,
                    as_of: pd.Timestamp) -> Beside:
    """The uploads in place of the shipped ``snapshot``'s own files (read from
    ``data_dir``), and the networks that change, by ``method`` (an LSOA-based
    one; any other compares by catchment) for the snapshot's funding year."""
    practices = store.read_table(data_dir, snapshot, "practices")
    networks = store.read_table(data_dir, snapshot, "networks")
    current = whatif.current_scenario(practices, networks)
    log = QualityLog()
    if {"epraccur", "epcn", "registered"} & set(uploaded.files):
        practices, networks = own_snapshot(uploaded, practices, networks, as_of, log)
    after = whatif.current_scenario(practices, networks)
    if uploaded.configuration is not None:
        proposal = whatif.proposal_from_configuration(
            uploaded.configuration, practices, networks, uploaded.files["configuration"], log)
        after = whatif.apply(practices, networks, proposal)
    book = funding.load_rates()
    info = store.snapshot_info(store.read_manifest(data_dir), snapshot)
    table = whatif.compare(current, after, lists=store.read_root_table(data_dir, "funding_lists"),
                           book=book, year=funding.default_year(book, info.financial_years),
                           lsoa_networks=store.read_table(data_dir, snapshot, "lsoa_networks"),
                           graph=store.read_graph(data_dir, snapshot),
                           method=method if method in whatif.AREA_COLUMNS else "catchment")
    return Beside(after, log, table)
