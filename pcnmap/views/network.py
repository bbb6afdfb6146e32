"""One network's facts: what the Network map's panel shows and its one-page
sheet prints, gathered once, so the two say the same thing in the same
words."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.maps.picture import network_picture
from pcnmap.model import benchmarks, changes, coverage, figures, funding
from pcnmap.model.benchmarks import NOT_RECORDED, NetworkBenchmarks, NetworkRurality
from pcnmap.model.methods import METHODS
from pcnmap.model.places import short_label
from pcnmap.views.parts import Table, table
from pcnmap.views.shared import entitlements, piece_words
from pcnmap.views.source import SnapshotData
from pcnmap.words import counted_names, named_list

STREAM = Column("stream", "Stream")
AMOUNT = Column("amount", "£", Kind.MONEY)
UP_TO = Column("up_to", "Up to", Kind.FLAG)
SHARE = Column("share", "Share of its areas", Kind.SHARE)


@dataclass(frozen=True)
class NetworkFacts:
    """Everything said of one network in one snapshot, by one method.

    Attributes:
        network_code: Its ODS code.
        network_name: Its name.
        snapshot_label: The snapshot's label ("July 2026").
        as_of: The date its memberships are published for.
        method: The boundary method of its map, areas and contiguity.
        members: Its practices (code, name, postcode, commissioner code and
            label, registered and weighted lists, position), by code.
        registered: Its registered patients (the snapshot's list).
        lists: Which list that is, and its date.
        size_band: "under", "within" or "over" the usual 30,000-50,000.
        size_words: The size check in words (one set of words everywhere).
        groups: Groups of its practices whose areas connect (1 contiguous,
            0 not judged).
        commissioners: Its members' commissioners, as people name them.
        commissioner_word: What the snapshot calls a commissioner.
        funding: Its entitlement in the snapshot's first funding year, or None.
        changes: What changed since the previous snapshot, in words.
        benchmarks: Its figures against its commissioner and England, or None.
        rurality: Its rurality (its practices' flags, its areas' classes), or None.
        ages: Its patients by age band (empty where the snapshot has none).
        colour: Its colour on every map.
    """

    network_code: str
    network_name: str
    snapshot_label: str
    as_of: str
    method: str
    members: pd.DataFrame
    registered: float
    lists: figures.ListSource
    size_band: str
    size_words: str
    groups: int
    commissioners: tuple[str, ...]
    commissioner_word: str
    funding: NetworkEntitlement | None
    changes: str
    benchmarks: NetworkBenchmarks | None
    rurality: NetworkRurality | None
    ages: pd.DataFrame
    colour: str
    outlines: object = None
    boundary: object = None
    pieces: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """"Greater Preston PCN (U09100)"."""
        return f"{self.network_name} ({self.network_code})"

    @property
    def summary(self) -> str:
        """Its list, commissioners and size in one sentence."""
        word = (f"{self.commissioner_word}s" if len(self.commissioners) > 1
                else self.commissioner_word)
        single = "; a single-practice network" if len(self.members) == 1 else ""
        return (f"{self.lists.patients_label.split(' (')[0]}: {self.lists.when}. {word}: "
                f"{'; '.join(self.commissioners)}. Size: {self.size_words}{single}.")

    @property
    def contiguity(self) -> str:
        """Its contiguity by the method, in words, with its pieces where the
        map draws it in more than one (so the words and the map agree)."""
        method = METHODS.get(self.method, self.method)
        if self.groups > 1:
            said = (f"non-contiguous by {method}: its practices' areas form "
                    f"{self.groups} separate groups")
        elif self.groups == 1:
            said = f"contiguous by {method}" + (
                " (its practices' areas touch), though drawn in pieces" if self.pieces else "")
        else:
            said = "contiguity not judged"
        if self.pieces:
            said += "; its pieces: " + "; ".join(
                f"{number}: {words}" for number, words in enumerate(self.pieces, start=1))
        return said

    def member_table(self) -> Table:
        """Its member practices: names, lists and codes (narrow enough for
        the panel beside the map at 1366 pixels; the sheet adds the rest)."""
        return table(self.members, (c.PRACTICE_NAME, c.REGISTERED, c.PRACTICE_CODE),
                     key=c.PRACTICE_CODE)

    def rurality_table(self) -> Table | None:
        """The ONS class of the areas it covers by the method, or None."""
        if self.rurality is None or self.rurality.areas.empty:
            return None
        return table(self.rurality.areas, (c.RURAL_URBAN_CLASS, c.LSOAS, SHARE))

    @property
    def rurality_words(self) -> str:
        """Its rurality in a sentence."""
        return rurality_words(self.rurality)

    def picture(self) -> str:
        """Its map for print: boundary, commissioners' outlines, numbered members."""
        if self.boundary is None:
            return ""
        return network_picture(self.boundary, self.members, self.outlines, colour=self.colour,
                               description=f"Map of {self.network_name}")


@dataclass(frozen=True)
class NetworkEntitlement:
    """A network's entitlement in one year, stream by stream."""

    year: str
    streams: Table
    total: float
    due: float
    per_patient: float
    estimated: bool
    note: str

    @property
    def words(self) -> str:
        """"Entitlements 2026/27: total £1,234,567 (of which £1,000,000 due…)"."""
        return (f"Entitlements {self.year}: total £{self.total:,.0f} (of which "
                f"£{self.due:,.0f} due, the rest 'up to'), £{self.per_patient:,.2f} per "
                f"patient{', estimated' if self.estimated else ''}.")


def _entitlement(result: funding.NetworkFunding, network_code: str
                 ) -> NetworkEntitlement | None:
    found = result.networks.set_index(c.NETWORK_CODE)
    if network_code not in found.index:
        return None
    row = found.loc[network_code]
    streams = pd.DataFrame([{STREAM: stream.label, AMOUNT: float(row[stream.key]),
                             UP_TO: stream.key in result.up_to} for stream in result.streams
                            if row[stream.key]], columns=[STREAM, AMOUNT, UP_TO])
    note = result.lists.list_note + (" Weighted lists estimated." if bool(row[c.ESTIMATED])
                                     else "")
    return NetworkEntitlement(result.year, table(streams, (STREAM, AMOUNT, UP_TO)),
                              float(row[c.TOTAL]), float(row[c.DUE]),
                              float(row[c.PER_PATIENT]), bool(row[c.ESTIMATED]), note)


def network_changes(data: SnapshotData, previous: SnapshotData) -> pd.DataFrame:
    """Every network that changed since ``previous`` (worked out once)."""
    return data.remember(("network_changes", previous.key), lambda: changes.network_changes(
        previous.practices, previous.networks, data.practices, data.networks))


def change_words(data: SnapshotData, previous: SnapshotData | None, network_code: str) -> str:
    """What changed in a network since the previous snapshot, in words, its
    practices and networks named."""
    if previous is None:
        return "This is the first snapshot: nothing to compare with."
    found = network_changes(data, previous).set_index(c.NETWORK_CODE)
    label = previous.info.label
    if network_code not in found.index:
        return f"Since {label}: no change in its practices."
    row = found.loc[network_code]
    before = previous.practice_names().to_dict()
    now = data.practice_names().to_dict()
    networks = dict(zip(previous.networks[c.NETWORK_CODE], previous.networks[c.NETWORK_NAME],
                        strict=True))
    parts = [str(row["status"])]
    if row["joined"]:
        parts.append("joined: " + named_list(row["joined"], {**before, **now}))
    if row["left"]:
        parts.append("left: " + named_list(row["left"], {**now, **before}))
    if row["came_from"]:
        parts.append("its practices came from " + counted_names(row["came_from"], networks))
    return f"Since {label}: " + "; ".join(parts) + "."


def rurality_words(rurality: NetworkRurality | None) -> str:
    """A network's rurality in a sentence: its practices' own flags (where
    recorded) and the ONS classes of the LSOAs it covers."""
    if rurality is None:
        return ""
    flags = {kind: count for kind, count in rurality.practices.items() if kind != NOT_RECORDED}
    own = (", ".join(f"{kind} {count}" for kind, count in flags.items()) + " practices"
           if flags else "not recorded in this snapshot")
    areas = ", ".join(f"{row.rural_urban_class} {row.share:.0%}"
                      for row in rurality.areas.itertuples())
    return (f"Rurality: its practices' own flags {own}; the areas it covers by "
            f"{METHODS.get(rurality.method, rurality.method)}, by ONS rural-urban class: "
            f"{areas or 'none'}.")


def network_facts(data: SnapshotData, network_code: str, method: str,
                  previous: SnapshotData | None, colour: str) -> NetworkFacts | None:
    """The facts of ``network_code`` (None when it is not an open network of
    the snapshot)."""
    networks = data.networks.set_index(c.NETWORK_CODE)
    if network_code not in networks.index:
        return None
    network = networks.loc[network_code]
    practices = data.practices
    labels = data.labels
    members = practices[practices[c.NETWORK_CODE] == network_code].sort_values(c.PRACTICE_CODE)
    members = members.assign(**{c.COMMISSIONER_LABEL: [
        short_label(labels.get(code, code), code) for code in members[c.COMMISSIONER_CODE]]})
    band = str(coverage.size_band(pd.Series([float(network[c.REGISTERED])]))[0])
    judged = data.contiguity[(data.contiguity[c.NETWORK_CODE] == network_code)
                             & (data.contiguity[c.METHOD] == method)]
    pieces = data.network_pieces
    pieces = pieces[(pieces[c.NETWORK_CODE] == network_code) & (pieces[c.METHOD] == method)]
    names = data.practice_names().to_dict()
    network_names = dict(zip(data.networks[c.NETWORK_CODE], data.networks[c.NETWORK_NAME],
                             strict=True))
    money = entitlements(data)
    measures = data.remember(("benchmark_measures", money.year),
                             lambda: benchmarks.benchmark_measures(data.networks, money.networks))
    boundary = data.network_boundaries
    boundary = boundary[(boundary[c.METHOD] == method)
                        & (boundary[c.NETWORK_CODE] == network_code)]
    outlines = data.commissioners
    outlines = outlines[outlines[c.COMMISSIONER_CODE].isin(members[c.COMMISSIONER_CODE])]
    outlines = outlines.assign(**{c.COMMISSIONER_NAME: [
        short_label(labels.get(code, code), code) for code in outlines[c.COMMISSIONER_CODE]]})
    commissioners = tuple(dict.fromkeys(members[c.COMMISSIONER_LABEL].dropna()))
    return NetworkFacts(
        network_code=network_code, network_name=str(network[c.NETWORK_NAME]),
        snapshot_label=data.info.label, as_of=data.info.as_of, method=method,
        members=members[[c.PRACTICE_CODE, c.PRACTICE_NAME, c.POSTCODE, c.COMMISSIONER_CODE,
                         c.COMMISSIONER_LABEL, c.REGISTERED, c.WEIGHTED, c.EASTING,
                         c.NORTHING]].reset_index(drop=True),
        registered=float(network[c.REGISTERED]),
        lists=figures.list_source(practices[c.REGISTERED_SOURCE]),
        size_band=band, size_words=coverage.SIZE_WORDS[band],
        groups=int(judged[c.GROUPS].iloc[0]) if len(judged) else int(
            (pieces["members"].fillna("") != "").sum() or 1),
        pieces=tuple(piece_words(row, method, names, network_names,
                                 pieces[pieces["piece"] != row["piece"]])
                     for _, row in pieces.sort_values("piece").iterrows()),
        commissioners=commissioners, commissioner_word=data.info.commissioner_word,
        funding=_entitlement(money, network_code),
        changes=change_words(data, previous, network_code),
        benchmarks=benchmarks.network_benchmarks(measures, network_code)
        if network_code in set(measures[c.NETWORK_CODE]) else None,
        rurality=benchmarks.network_rurality(members, data.lsoa_networks, data.lsoa_rurality,
                                             network_code, method),
        ages=benchmarks.age_profile(data.age_bands, list(members[c.PRACTICE_CODE])),
        colour=colour, outlines=outlines, boundary=boundary.frame()
        if hasattr(boundary, "frame") else boundary)

