"""Reading each kind of upload: its text checked, then the build pipeline's
own reader, then its declared schema (:mod:`pcnmap.uploads.schemas`); one
bad file does not stop the others."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pcnmap.export import FORMULA_START
from pcnmap.model import neighbourhoods, whatif
from pcnmap.pipeline import assemble, textfiles
from pcnmap.pipeline.readers import csvfiles, epcn, epraccur, list_sizes
from pcnmap.pipeline.readers.csvfiles import drop_repeats
from pcnmap.problems import QualityLog, SourceError
from pcnmap.uploads.kinds import KINDS, kind_of
from pcnmap.uploads.schemas import flag_active_text, validate


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


def _unescape(text: pd.Series) -> pd.Series:
    risky = text.str.startswith("'") & text.str[1:].str.startswith(FORMULA_START)
    return text.where(~risky, text.str[1:])

