"""The two scales the 10 Year Health Plan names (a neighbourhood of about
50,000 people, a multi-neighbourhood footprint of 250,000 or more), their
sources, and the words that say how a draft is made and what it is not."""


from __future__ import annotations

# The scales named by the 10 Year Health Plan (see SOURCES).
NEIGHBOURHOOD_SCALE = 50_000
FOOTPRINT_FLOOR = 250_000
# A network "well under" the neighbourhood scale, and a combination "near" it.
WELL_UNDER = 40_000
NEAR = (40_000, 60_000)

SOURCES = (
    ("Department of Health and Social Care, Fit for the future: 10 Year Health Plan for "
     "England (policy paper, 3 July 2025)",
     "https://www.gov.uk/government/publications/"
     "10-year-health-plan-for-england-fit-for-the-future"),
    ("NHS England, Neighbourhood health guidelines 2025/26 (30 January 2025)",
     "https://www.england.nhs.uk/long-read/neighbourhood-health-guidelines-2025-26/"),
)
SCALE_SHORT = (
    "Planning drafts to discuss, not agreed or official footprints. The scales are the 10 Year "
    "Health Plan's (DHSC, Fit for the future, 3 July 2025): single neighbourhood providers for "
    "around 50,000 people, multi-neighbourhood providers for around 250,000 or more.")
SCALE_NOTE = (
    "The 10 Year Health Plan (DHSC, Fit for the future, 3 July 2025) introduced single "
    "neighbourhood providers, for a neighbourhood of around 50,000 people, and "
    "multi-neighbourhood providers, for around 250,000 people or more across several "
    "neighbourhoods; NHS England's Neighbourhood health guidelines 2025/26 ask ICBs and "
    "local authorities to plan neighbourhood health together. No footprint is agreed or "
    "official: what this page drafts is a planning draft to discuss, made by the rules "
    "below from the snapshot's networks.")
DRAFT_RULE = (
    "How the draft is made: networks touch when their indicative areas share an edge (the "
    "boundary method chosen); footprints are contiguous groups of whole networks of at least "
    "250,000 registered patients, as many as that floor allows (PySAL's max-p regions, "
    "seeded: the same data gives the same draft), and among those the grouping that keeps "
    "local authority districts and Sub-ICB locations most whole (networks are compared by "
    "the share of their patients' practices in each). A group of networks touching no other "
    "and under the floor (an island, or networks touching only another place's) is joined "
    "to the nearest group by a link between the networks whose practices lie closest, "
    "named below. A place with fewer than two footprints' worth of patients is one "
    "footprint. Patients are the snapshot's registered lists.")

GEOJSON_NOTE = (
    "Planning draft of multi-neighbourhood footprints (groups of whole networks), not an "
    "agreed or official footprint. Each outline is the union of its networks' indicative "
    "boundaries, derived by pcnmap from practice locations; networks have no official "
    "boundary.")
