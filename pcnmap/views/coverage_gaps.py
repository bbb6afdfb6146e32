"""The Coverage gaps page for one place: practices and areas no network
covers, networks outside the usual size, non-contiguous networks, and
coverage by commissioner; its figures, tables and map layers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column, Kind
from pcnmap.maps import selection
from pcnmap.model import coverage, figures
from pcnmap.model.methods import INDICATIVE_NOTE, METHODS, SIGNIFICANT_PART_KM2
from pcnmap.model.place import Place
from pcnmap.views.parts import Figure, Table, table
from pcnmap.views.shared import networks_beyond, piece_words, shared_note
from pcnmap.views.source import SnapshotData
from pcnmap.words import named, named_list

# Columns this page adds, in words.
NEAREST_NETWORK = Column("nearest_network", "Nearest network that could cover it")
NEAREST_KM = Column("nearest_network_km", "Its distance (km)", Kind.DECIMAL)
NEAREST_PRACTICE = Column("nearest_practice", "Nearest practice (in no network)")
NETWORK_NAMED = Column("network_named", "Network")
GROUPS_NAMED = Column("groups_named", "The groups of practices")
BETWEEN_NAMED = Column("between_named", "What lies between")
SIZE_WORDS = Column("size_words", "Size")
IN_NETWORK = Column("practices_in_network", "Practices in a network", Kind.COUNT)
PATIENTS_IN_NETWORK = Column("patients_in_network", "Patients in a network", Kind.PATIENTS)
PCT_PATIENTS = Column("pct_patients_in_network", "Patients in a network (%)", Kind.PERCENT)
PCT_PRACTICES = Column("pct_practices_in_network", "Practices in a network (%)",
                       Kind.PERCENT)
FLAGGED = Column("flagged", "Flagged non-contiguous", Kind.FLAG)
PIECES_NAMED = Column("pieces_named", "Its pieces (of at least 0.1 km²)")
TABS = {"unaligned": "Practices in no network", "areas": "Uncovered areas",
        "sizes": "Network sizes", "split": "Non-contiguous networks",
        "commissioners": "By commissioner"}
BANDS = ("under", "over", "single practice", "all")


@dataclass(frozen=True)
class CoverageGapsView:
    """What the Coverage gaps page shows for one place.

    Attributes:
        title: The page's heading, naming the place.
        figures: The four headline figures.
        shared: Words on the place's networks with members elsewhere too.
        tables: By tab (:data:`TABS`): each tab's table.
        split_caption: What counts as non-contiguous by the method.
        layers: The map's layers.
        map_key: Keys the map's frame (a new place or method, a new map).
    """

    title: str
    figures: tuple[Figure, ...]
    shared: str
    tables: dict[str, Table]
    split_caption: str
    layers: selection.CoverageGaps
    map_key: str

    def sizes(self, band: str) -> Table:
        """The network sizes of one band (:data:`BANDS`)."""
        sizes = self.tables["sizes"]
        if band == "all":
            return sizes
        if band == "single practice":
            return sizes.where(sizes.frame[c.SINGLE_PRACTICE].to_numpy(dtype=bool))
        return sizes.where((sizes.frame[c.SIZE_BAND] == band).to_numpy())


def england_tables(data: SnapshotData, method: str) -> dict[str, pd.DataFrame]:
    """England's gaps, worked out once a snapshot and method: practices in no
    network (with the network that could cover each), uncovered areas,
    network sizes and non-contiguous networks."""
    def make() -> dict[str, pd.DataFrame]:
        return {"unaligned": coverage.unaligned_practices(data.practices),
                "areas": coverage.uncovered_areas(data.lsoa_networks),
                "sizes": coverage.size_check(data.networks),
                "split": coverage.non_contiguous(
                    data.contiguity, data.network_boundaries.attributes, method,
                    data.network_pieces)}
    return data.remember(("coverage_gaps", method), make)


def coverage_gaps(data: SnapshotData, place: Place, method: str) -> CoverageGapsView:
    """The Coverage gaps page for ``place`` by boundary ``method``.

    Practices and areas are the place's own (by their commissioner); networks
    those with a member in the place.
    """
    practices = data.practices
    every = england_tables(data, method)
    unaligned = place.of_practices(every["unaligned"], practices)
    areas = place.areas(every["areas"], practices)
    sizes = place.networks(every["sizes"], practices)
    split = place.networks(every["split"], practices)
    inside = place.practices(practices)
    labels = data.labels
    network_names = dict(zip(data.networks[c.NETWORK_CODE], data.networks[c.NETWORK_NAME],
                             strict=True))
    practice_names = data.practice_names().to_dict()
    words = data.info
    lists = figures.list_source(practices[c.REGISTERED_SOURCE])
    under = sizes[sizes[c.SIZE_BAND] == "under"]
    flagged = split[split[FLAGGED]]
    figures_shown = (
        Figure("Practices with patients in no network", f"{len(unaligned):,}", len(unaligned),
               help=f"{unaligned[c.REGISTERED].sum():,.0f} patients ({lists.when})"),
        Figure("Areas (LSOAs) nearest a practice in no network", f"{len(areas):,}",
               len(areas), help=f"{areas[c.AREA_KM2].sum():,.1f} km²"),
        Figure("Networks under 30,000 patients", f"{len(under):,}", len(under),
               codes=frozenset(under[c.NETWORK_CODE])),
        Figure("Non-contiguous networks (indicative)", f"{len(flagged):,}", len(flagged),
               help=f"{len(split) - len(flagged):,} more are drawn in separate pieces while "
                    "their practices' areas touch: each piece is named in the table below.",
               codes=frozenset(flagged[c.NETWORK_CODE])))
    beyond = networks_beyond(place, practices)
    name = place.file_part
    tables = {
        "unaligned": table(
            unaligned.assign(**{
                c.COMMISSIONER_LABEL: unaligned[c.COMMISSIONER_CODE].map(labels),
                NEAREST_NETWORK: [named(code, network_names)
                                  for code in unaligned["nearest_network_code"]]}),
            (c.PRACTICE_NAME, c.REGISTERED, c.PRACTICE_CODE, c.POSTCODE, c.COMMISSIONER_LABEL,
             NEAREST_NETWORK, NEAREST_KM), key=c.PRACTICE_CODE,
            file_name=f"pcnmap-unaligned-{data.key}-{name}.csv",
            caption="Practices with registered patients that belong to no network, with the "
                    f"nearest network that could cover them (same {words.commissioner_word} "
                    "preferred)."),
        "areas": table(
            areas.assign(**{NEAREST_PRACTICE: [named(code, practice_names)
                                               for code in areas[c.PRACTICE_CODE]],
                            c.COMMISSIONER_LABEL: areas[c.LSOA_COMMISSIONER_CODE].map(labels)}),
            (c.LSOA_NAME, NEAREST_PRACTICE, c.LSOA_CODE, c.COMMISSIONER_LABEL, c.DISTANCE_M,
             c.AREA_KM2), key=c.LSOA_CODE,
            file_name=f"pcnmap-uncovered-areas-{data.key}-{name}.csv",
            caption="LSOAs whose nearest practice (by the boundary rule) is in no network."),
        "sizes": table(
            sizes.assign(**{SIZE_WORDS: sizes[c.SIZE_BAND].map(coverage.SIZE_WORDS),
                            c.COMMISSIONER_LABEL: sizes[c.COMMISSIONER_CODE].map(labels)}),
            (c.NETWORK_NAME, c.REGISTERED, SIZE_WORDS, c.NETWORK_CODE, c.COMMISSIONER_LABEL,
             c.MEMBER_COUNT, c.SINGLE_PRACTICE, c.SIZE_BAND), key=c.NETWORK_CODE,
            file_name=f"pcnmap-network-sizes-{data.key}-{name}.csv",
            caption="Networks usually serve 30,000-50,000 patients: under is a gap to flag, "
                    "over a note."),
        "split": table(
            split.assign(**{
                GROUPS_NAMED: [named_list(t, practice_names, groups=True)
                               for t in split[c.GROUP_PRACTICES]],
                BETWEEN_NAMED: [named_list(t, network_names) for t in split[c.BETWEEN]],
                PIECES_NAMED: pieces_named(data, method, split[c.NETWORK_CODE],
                                           practice_names, network_names)}),
            (c.NETWORK_NAME, FLAGGED, c.GROUPS, GROUPS_NAMED, PIECES_NAMED, BETWEEN_NAMED,
             c.SEPARATION_KM, c.NETWORK_CODE, c.SIGNIFICANT_PARTS, c.PARTS, c.AREA_KM2),
            key=c.NETWORK_CODE,
            file_name=f"pcnmap-non-contiguous-{data.key}-{name}-{method}.csv"),
        "commissioners": by_commissioner(inside, labels, data.key, name),
    }
    return CoverageGapsView(
        title=f"Coverage gaps: {place.name}",
        figures=figures_shown,
        shared=shared_note(place, beyond, words),
        tables=tables,
        split_caption=split_caption(method),
        layers=selection.coverage_gap_layers(
            inside, unaligned=unaligned, areas=areas, under=under, split=flagged,
            outlines=place.areas(data.commissioners, practices, c.COMMISSIONER_CODE),
            uncovered=data.uncovered_areas, boundaries=data.network_boundaries
            if place.commissioner else data.national_boundaries, places=data.places,
            method=method, place=name),
        map_key=f"gaps-map-{data.key}-{name}-{method}")


def pieces_named(data: SnapshotData, method: str, network_codes: pd.Series,
                 practices: dict[str, str], networks: dict[str, str]) -> list[str]:
    """Each network's pieces in words (:func:`pcnmap.views.shared.piece_words`)."""
    found = data.network_pieces
    found = found[found[c.METHOD] == method]
    said = {code: "; ".join(f"{row['piece']}: " + piece_words(
        row, method, practices, networks, rows[rows["piece"] != row["piece"]])
        for _, row in rows.iterrows())
            for code, rows in found.groupby(c.NETWORK_CODE)}
    return [said.get(code, "") for code in network_codes]


def by_commissioner(practices: pd.DataFrame, labels: dict[str, str], snapshot: str,
                    name: str) -> Table:
    """Coverage by commissioner of the place's practices."""
    found = coverage.commissioner_coverage(practices)
    found[c.COMMISSIONER_LABEL] = found[c.COMMISSIONER_CODE].map(labels).fillna(
        found[c.COMMISSIONER_CODE])
    return table(found, (c.COMMISSIONER_LABEL, PCT_PATIENTS, c.PRACTICES, IN_NETWORK,
                         PCT_PRACTICES, c.PATIENTS, PATIENTS_IN_NETWORK, c.COMMISSIONER_CODE),
                 key=c.COMMISSIONER_CODE,
                 file_name=f"pcnmap-commissioner-coverage-{snapshot}-{name}.csv")


def split_caption(method: str) -> str:
    """What makes a network non-contiguous by ``method``."""
    if method == "voronoi":
        return (f"{INDICATIVE_NOTE} By the Voronoi method a network is flagged non-contiguous "
                f"when more than one of its pieces of at least {SIGNIFICANT_PART_KM2} km² holds "
                "a member practice (its cells do not follow LSOAs); a piece holding none is "
                "named, with the practice whose cell it is part of.")
    return (f"{INDICATIVE_NOTE} By {METHODS[method]}, a network is flagged non-contiguous "
            "when its practices' areas do not touch, as the map draws them: each group of "
            "member practices is named, with the networks between them and how far apart they "
            "are. A network drawn in pieces whose practices' areas touch is listed unflagged: "
            "each piece holding no member practice of its own is named, with why the method "
            "gave it to the network.")

