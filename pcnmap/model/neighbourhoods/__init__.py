"""Neighbourhood provider footprints built from networks: a drafted starting
proposal, its changes, its checks and its configuration file.

The 10 Year Health Plan (DHSC, *Fit for the future*, 3 July 2025) introduced
single neighbourhood providers, for a neighbourhood of around 50,000
people, and multi-neighbourhood providers, for around 250,000 people or
more across several neighbourhoods. A *footprint* here is a group of whole
networks proposed for one multi-neighbourhood provider. Nothing here is
official: the draft is a starting point for a discussion, worked out from
the data by the rules below.

The draft (:func:`draft`):

* Networks touch when their indicative areas share an edge (by the boundary
  method chosen: :func:`touching_pairs`). A group of networks touching no
  other, holding fewer patients than the floor (an island, or networks whose
  areas touch only another place's), is joined to the nearest other group by
  a *link* between the two networks whose practices lie closest
  (:func:`place_graph`); links are named wherever they are used.
* Footprints are contiguous groups of whole networks, each of at least
  :data:`FOOTPRINT_FLOOR` registered patients, as many as the floor allows:
  PySAL's max-p regions heuristic (``spopt``), seeded, so the same data gives
  the same draft. Among partitions with that many footprints it keeps the one
  whose footprints are most alike in the local authority districts and
  Sub-ICB locations their patients' practices are in: footprints that keep
  districts and Sub-ICB locations whole.
* A place (or a group of touching networks) holding fewer than two
  footprints' worth of patients is one footprint, and the draft says so.

The package by concern: :mod:`~pcnmap.model.neighbourhoods.scales` (the two
scales and their words), :mod:`~pcnmap.model.neighbourhoods.touching` (which
networks touch; a place's network graph), :mod:`~pcnmap.model.neighbourhoods.footprints`
(a proposal, its changes and its file), :mod:`~pcnmap.model.neighbourhoods.drafting`
(the draft), :mod:`~pcnmap.model.neighbourhoods.checks` (each footprint's checks)
and :mod:`~pcnmap.model.neighbourhoods.view` (the page's view of a place). Their
names are importable from ``pcnmap.model.neighbourhoods`` itself.
"""
from pcnmap.model.neighbourhoods.checks import (
    AGE_GROUPS,
    CONTIGUOUS,
    CUT_OFF,
    LINKED,
    FootprintCheck,
    SnapshotTables,
    age_table,
    contiguity,
    footprint_checks,
    footprint_table,
    network_table,
    shares_text,
    unaligned_table,
)
from pcnmap.model.neighbourhoods.drafting import (
    ANNEALING_RUNS,
    CONSTRUCTION_TRIES,
    PARTITIONS_ANNEALED,
    SEED,
    Draft,
    default_names,
    draft,
    draft_place,
)
from pcnmap.model.neighbourhoods.footprints import (
    CONFIGURATION_COLUMNS,
    FOOTPRINT_CODE,
    NAME_LIMIT,
    Changes,
    Footprints,
    apply_changes,
    changes_between,
    configuration_table,
    footprint_number,
    footprints_from_configuration,
)
from pcnmap.model.neighbourhoods.scales import (
    DRAFT_RULE,
    FOOTPRINT_FLOOR,
    GEOJSON_NOTE,
    NEAR,
    NEIGHBOURHOOD_SCALE,
    SCALE_NOTE,
    SCALE_SHORT,
    SOURCES,
    WELL_UNDER,
)
from pcnmap.model.neighbourhoods.touching import (
    Link,
    NetworkGraph,
    components,
    lsoa_touching_pairs,
    place_graph,
    place_members,
    shape_touching_pairs,
)
from pcnmap.model.neighbourhoods.view import NeighbourhoodView, PlaceCheck, page_view, place_checks

__all__ = [
    "AGE_GROUPS", "ANNEALING_RUNS", "CONFIGURATION_COLUMNS", "CONSTRUCTION_TRIES",
    "CONTIGUOUS", "CUT_OFF", "DRAFT_RULE", "FOOTPRINT_CODE", "FOOTPRINT_FLOOR", "GEOJSON_NOTE",
    "LINKED", "NAME_LIMIT", "NEAR", "NEIGHBOURHOOD_SCALE", "PARTITIONS_ANNEALED", "SCALE_NOTE",
    "SCALE_SHORT", "SEED", "SOURCES", "WELL_UNDER", "Changes", "Draft", "FootprintCheck",
    "Footprints", "Link", "NeighbourhoodView", "NetworkGraph", "PlaceCheck", "SnapshotTables",
    "age_table", "apply_changes", "changes_between", "components", "configuration_table",
    "contiguity", "default_names", "draft", "draft_place", "footprint_checks",
    "footprint_number", "footprint_table", "footprints_from_configuration",
    "lsoa_touching_pairs", "network_table", "page_view", "place_checks", "place_graph",
    "place_members", "shape_touching_pairs", "shares_text", "unaligned_table",
]
