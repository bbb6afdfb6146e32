"""Errors and data-quality findings, each tied to a file, a row and a column.

Two kinds of problem exist in the source files:

* a :class:`SourceError` means a whole file cannot be read as what it claims
  to be (missing, corrupt, a required column renamed). Nothing sensible can be
  built from it, so the build of the snapshot that needs it stops with a
  message naming the file, the row and the column and what was expected.
* a :class:`Finding` is a record-level problem (a malformed postcode, a member
  practice missing from ODS, a double membership). The record is kept, the
  problem is written to the snapshot's data-quality report, and the rest of
  the file still loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd


class SourceError(Exception):
    """A source file cannot be used at all.

    ``row`` is the 1-based line (CSV) or sheet row (workbook) as a person
    opening the file would count it; ``None`` when the problem is the whole
    file.
    """

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = Path(file).name
        self.row = row
        self.column = column
        self.expected = expected
        self.detail = message
        super().__init__(self._text())

    def __reduce__(self):
        # Uploads are read in a worker process and their errors sent back pickled.
        return (partial(SourceError, row=self.row, column=self.column, expected=self.expected),
                (self.file, self.detail))

    def _text(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = f"{', '.join(where)}: {self.detail}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text


# The checks a finding can come from; the app groups the report by these.
CHECKS = {
    "malformed_code": "A code does not have the form its publisher uses",
    "malformed_postcode": "A postcode is not a valid UK postcode",
    "bad_date": "A date cannot be read",
    "bad_number": "A list size is not a number",
    "duplicate_record": "The same record appears more than once",
    "member_not_in_ods": "A network member practice is not an active GP practice in ODS",
    "double_membership": "A practice belongs to more than one network at once",
    "network_not_open": "A membership names a network that is not open",
    "no_coordinates": "A practice's postcode is not in Code-Point Open",
    "older_coordinates": "A practice's postcode is only in the older Code-Point release",
    "no_list_size": "A practice has no list size in the list-size files",
    "unknown_commissioner": "A commissioner code is not one of the snapshot's commissioners",
    "match_flag_disagrees": "ePCN's CCG match flag disagrees with the member and network codes",
    "outside_england": "A practice in the source is outside England and is left out",
    "invalid_geometry": "A boundary was invalid and has been repaired",
    "unknown_code": "A code in an uploaded file is not in the snapshot",
    "invalid_value": "A value breaks the uploaded file's declared schema",
    "active_text": "A name holds a spreadsheet formula or HTML and is kept as plain text",
    "short_row": "A row has fewer fields than its file's layout",
    "not_in_ods": "A practice in the memberships file is not in the ODS file",
    "not_active_in_ods": "A practice in the memberships file is not active in the ODS file",
    "not_in_memberships": "A practice active in ODS is not in the memberships file",
    "derived_boundary": "A boundary was derived, not published",
    "lsoa_outside_area": "An LSOA's commissioner lies outside its ICB by the newer boundaries",
    "wrong_field_count": "A line has more or fewer fields than the file's other lines",
}


@dataclass(frozen=True, slots=True)  # slots: an upload can bring tens of thousands
class Finding:
    """One record-level problem, traceable to where it was found."""

    check: str
    file: str
    row: int | None
    column: str | None
    record: str
    value: str
    message: str
    severity: str = "warning"

    def __post_init__(self) -> None:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check {self.check!r}")


@dataclass
class QualityLog:
    """Collects findings during a build; nothing is dropped without one."""

    findings: list[Finding] = field(default_factory=list)

    def add(
        self,
        check: str,
        file: str | Path,
        row: int | None,
        column: str | None,
        record: str,
        value: object,
        message: str,
        severity: str = "warning",
    ) -> None:
        """Record one finding: its check, where it is and what was expected."""
        self.findings.append(
            Finding(
                check=check,
                file=file.name if isinstance(file, Path) else Path(file).name,
                row=None if row is None else int(row),
                column=column,
                record=str(record),
                value="" if value is None else str(value),
                message=message,
                severity=severity,
            )
        )

    def add_rows(
        self,
        check: str,
        file: str | Path,
        rows,
        column,
        records,
        values,
        messages,
        severity: str = "warning",
    ) -> None:
        """:meth:`add` for many records at once: ``rows``, ``records``,
        ``values`` and ``messages`` (or one message for all) run in step, as
        does ``column`` when it is a list (else one column for all).
        A microsecond or two a record, where :meth:`add` in a loop over a
        table's rows costs tens."""
        name = Path(file).name
        if isinstance(messages, str):
            messages = [messages] * len(rows)
        columns = column if isinstance(column, list) else [column] * len(rows)
        self.findings.extend(
            Finding(check, name, None if pd.isna(row) else int(row), where, str(record),
                    "" if value is None else str(value), message, severity)
            for row, where, record, value, message in zip(rows, columns, records, values,
                                                          messages, strict=True))

    def extend(self, other: QualityLog) -> None:
        """Add another log's findings after these."""
        self.findings.extend(other.findings)

    def without_repeats(self) -> QualityLog:
        """The findings, each (check, file, row, column, value) once, in order."""
        seen: set[tuple] = set()
        kept = []
        for finding in self.findings:
            key = (finding.check, finding.file, finding.row, finding.column, finding.value)
            if key not in seen:
                seen.add(key)
                kept.append(finding)
        return QualityLog(kept)

    def count(self, check: str) -> int:
        """How many findings of one check the log holds."""
        return sum(1 for finding in self.findings if finding.check == check)

    def to_frame(self) -> pd.DataFrame:
        """The findings as a table, one row each, in the order found."""
        # Column by column: a dict a finding (asdict) would cost a page of
        # 20,000 findings 10 MB and most of its time.
        columns = [f.name for f in Finding.__dataclass_fields__.values()]
        frame = pd.DataFrame({name: [getattr(finding, name) for finding in self.findings]
                              for name in columns}, columns=columns)
        frame["row"] = frame["row"].astype("Int64")
        return frame
