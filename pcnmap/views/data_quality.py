"""The Data quality page for one place: every record the build could not
place, with its file, row and column, limited to the place's own records."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.model.place import Place
from pcnmap.problems import CHECKS
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.source import SnapshotData
from pcnmap.words import named, plural

WHAT = Column("what", "What was checked")
RECORD_NAMED = Column("record_named", "Record")


@dataclass(frozen=True)
class DataQualityView:
    """What the page shows for one place.

    Attributes:
        title: The heading, naming the place.
        figure: Findings about the place's records.
        unplaced: Words on findings that name no record of any place ("" none).
        checks: The findings counted by check (the check's words, its code).
        findings: Every finding of the place (filter by ``check`` with :meth:`of`).
        clean: Words saying no record of the place failed a check ("" when one did).
    """

    title: str
    figure: Figure
    unplaced: str
    checks: Table
    findings: Table
    clean: str = ""

    def of(self, checks: list[str]) -> Table:
        """The findings of ``checks`` (codes; none given: all)."""
        if not checks:
            return self.findings
        return self.findings.where(self.findings.frame[c.CHECK].isin(checks).to_numpy())


def place_records(data: SnapshotData, place: Place) -> tuple[set[str], set[str]]:
    """The codes of the place's records (practices, networks, commissioners),
    and of every record of the snapshot (to tell what belongs to no place)."""
    practices = data.practices
    mine = place.practices(practices)
    own = (set(mine[c.PRACTICE_CODE]) | place.network_codes(practices)
           | place.commissioner_codes(practices))
    every = (set(practices[c.PRACTICE_CODE]) | set(practices[c.NETWORK_CODE].dropna())
             | set(practices[c.COMMISSIONER_CODE].dropna()))
    return own, every


def data_quality(data: SnapshotData, place: Place) -> DataQualityView:
    """The findings about ``place``'s records: a practice of it, a network
    with a member in it, one of its commissioners. Findings about records
    the snapshot does not hold (a Welsh practice, one ODS lists but no
    memberships file does) belong to no place: England lists them, and a
    place says how many there are."""
    report = data.quality
    own, every = place_records(data, place)
    mine = report if place.is_england else report[report[c.RECORD].isin(own)]
    placed = report[report[c.RECORD].isin(own)]
    unplaced = int((~report[c.RECORD].isin(every)).sum())
    names = {**data.practice_names().to_dict(),
             **dict(zip(data.networks[c.NETWORK_CODE], data.networks[c.NETWORK_NAME],
                        strict=True)), **data.labels}
    shown = mine.assign(**{WHAT: mine[c.CHECK].map(CHECKS).fillna(mine[c.CHECK]),
                           RECORD_NAMED: [named(code, names) for code in mine[c.RECORD]]})
    counts = (shown.groupby([c.CHECK, WHAT], as_index=False).size()
              .rename(columns={"size": c.FINDINGS}).sort_values(c.FINDINGS, ascending=False))
    if not unplaced:
        note = ""
    elif place.is_england:
        note = (f"Of these, {plural(unplaced, 'finding')} name a record that belongs to no "
                "place (a practice outside England, or one a source lists and the others do "
                "not): they are listed here, and under no region, ICB or commissioner.")
    else:
        note = (f"{plural(unplaced, 'finding')} of this snapshot name a record that belongs to "
                "no place (a practice outside England, or one a source lists and the others "
                "do not): choose all of England to see them.")
    # A finding about a network counts in every place the network has members
    # in: a place's findings are the union of its parts', not their sum.
    found = frozenset(f"{check}|{file}|{row}|{record}" for check, file, row, record in zip(
        placed[c.CHECK], placed[c.FILE], placed[c.ROW], placed[c.RECORD], strict=True))
    return DataQualityView(
        title=f"Data quality: {place.name}",
        figure=Figure("Findings about its records", f"{len(placed):,}", len(placed),
                      help="Each finding names the file, row and column it comes from.",
                      codes=found),
        unplaced=note,
        checks=table(counts, (WHAT, c.FINDINGS, c.CHECK), key=c.CHECK),
        findings=table(shown, (WHAT, RECORD_NAMED, c.FILE, c.ROW, c.COLUMN, c.VALUE,
                               c.MESSAGE, c.SEVERITY, c.RECORD, c.CHECK), key=c.RECORD,
                       file_name=f"pcnmap-quality-{data.key}-{place.file_part}.csv"),
        clean="" if len(mine) else (f"The build's checks found nothing about the practices, "
                                    f"networks or commissioners of {place.name} in the "
                                    f"{data.info.label} snapshot."))


OUTPUT = Column("output", "Table built", Kind.CODE)
ROWS = Column("rows", "Rows", Kind.COUNT)
SOURCE = Column("name", "Source file", Kind.TEXT)
VINTAGE = Column("vintage", "Dated", Kind.TEXT)
SHA256 = Column("sha256", "SHA-256 checksum", Kind.CODE)


@dataclass(frozen=True)
class ManifestView:
    """How a snapshot was built: when, how long, from which files (each
    with its date and checksum), into which tables of how many rows."""

    built: str
    outputs: Table
    sources: Table


def manifest_view(record: dict) -> ManifestView:
    """The snapshot's manifest record in words and headed tables."""
    outputs = pd.DataFrame({OUTPUT: list(record["outputs"]),
                            ROWS: [output["rows"] for output in record["outputs"].values()]})
    sources = pd.DataFrame(record["sources"], columns=[SOURCE, VINTAGE, SHA256])
    return ManifestView(
        built=f"Built {record['built_at']} in {record['build_seconds']} s.",
        outputs=table(outputs, (OUTPUT, ROWS)),
        sources=table(sources, (SOURCE, VINTAGE, SHA256)))
