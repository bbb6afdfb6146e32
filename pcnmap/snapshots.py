"""The three dated snapshots and which source files make each one.

A snapshot's practices, memberships, list sizes and commissioner boundaries
belong together; mixing vintages would put practices under commissioners that
did not exist at the time. File names are those the publishers use, relative
to the source folder (``--source``), so a fresh download can be dropped in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LSOA_LAYER = ("boundaries/lsoa11_en_bgc.gpkg", "2011")
# Names of NHS England regions and STPs (by ODS code), and of the ICBs of July
# 2022 (ODS code column icb22_code_h).
GROUPING_NAMES = ("list_sizes/gp-reg-pat-prac-map_01Jan2022.csv", "2022-01-01")
ICB_NAMES = ("boundaries/icb_jul2022_en_from_lsoa11.geojson", "2022-07")

# Every list-size file the funding model may use, by the name the rates file
# gives it: (file, kind, what date the list describes).
FUNDING_LISTS = {
    "payments-2019-20": ("list_sizes/nhs-payments-gp-2019-20_list-sizes.csv", "payments",
                         "latest quarterly list of 2019/20"),
    "payments-2020-21": ("list_sizes/nhs-payments-gp-2020-21_list-sizes.csv", "payments",
                         "latest quarterly list of 2020/21"),
    "payments-2021-22": ("list_sizes/nhs-payments-gp-2021-22_list-sizes.csv", "payments",
                         "latest quarterly list of 2021/22"),
    "payments-2022-23": ("list_sizes/nhs-payments-gp-2022-23_list-sizes.csv", "payments",
                         "latest quarterly list of 2022/23"),
    "registered-2021-01-01": ("list_sizes/gp-reg-pat-prac-all_01Jan2021.csv", "monthly",
                              "registered list of 1 January 2021"),
    "registered-2022-01-01": ("list_sizes/gp-reg-pat-prac-all_01Jan2022.csv", "monthly",
                              "registered list of 1 January 2022"),
}

CODEPOINT_RELEASES = (
    # Newest first: a postcode retired since the older release is still found.
    ("postcodes/codepo_gb_2025-04.zip", "2025-04"),
    ("postcodes/codepo_gb_2018-07.zip", "2018-07"),
)


@dataclass(frozen=True)
class BoundarySource:
    """A commissioner boundary file and the attribute names it uses."""

    path: str
    vintage: str
    ons_code: str
    name: str
    ods_code: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Snapshot:
    """One dated view of England's networks."""

    key: str
    label: str
    as_of: str
    commissioner_kind: str
    epraccur: tuple[str, str]
    epcn: tuple[str, str]
    registered: tuple[str, str, str]
    weighted: tuple[str, str]
    boundaries: BoundarySource
    fallback_registered: tuple[str, str] | None = None
    # The ONS lookup placing each LSOA in a commissioner (file, ONS-code
    # column); without one, an LSOA goes to the commissioner boundary that
    # holds a point inside it.
    lsoa_lookup: tuple[str, str] | None = None
    # What ODS field 4 (high-level health geography) holds: "STP", "ICB", or
    # None where it is an older NHS England area with no name in the data.
    area_kind: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


SNAPSHOTS: dict[str, Snapshot] = {
    snapshot.key: snapshot
    for snapshot in (
        Snapshot(
            key="2019-12",
            label="December 2019 (first year of networks)",
            as_of="2019-12-04",
            commissioner_kind="CCG (April 2019)",
            epraccur=("ods/epraccur_2019-11-19.csv", "2019-11-19"),
            epcn=("epcn/ePCN_2019-12-04.xlsx", "2019-12-04"),
            registered=("list_sizes/nhs-payments-gp-2019-20_list-sizes.csv", "2019-20", "payments"),
            weighted=("list_sizes/nhs-payments-gp-2019-20_list-sizes.csv", "2019-20"),
            boundaries=BoundarySource(
                path="boundaries/ccg_apr2019_en_approx.geojson",
                vintage="2019-04",
                ons_code="CCG19CD",
                name="CCG19NM",
                ods_code="CCG19CDH",
                note=(
                    "April 2019 CCG boundaries approximated by merging census output "
                    "areas (not ONS geometry)."
                ),
            ),
        ),
        Snapshot(
            key="2022-04",
            label="April 2022",
            as_of="2022-04-27",
            commissioner_kind="CCG (April 2021)",
            epraccur=("ods/epraccur_2022-03-16.csv", "2022-03-16"),
            epcn=("epcn/ePCN_2022-04-27.xlsx", "2022-04-27"),
            registered=("list_sizes/gp-reg-pat-prac-all_01Apr2022.csv", "2022-04-01", "monthly"),
            weighted=("list_sizes/nhs-payments-gp-2021-22_list-sizes.csv", "2021-22"),
            fallback_registered=("list_sizes/nhs-payments-gp-2021-22_list-sizes.csv", "2021-22"),
            lsoa_lookup=("lookups/lsoa11_ccg21_stp21_ltla21.csv", "ccg21_code"),
            area_kind="STP",
            boundaries=BoundarySource(
                path="boundaries/ccg_apr2021_en_from_lsoa11.geojson",
                vintage="2021-04",
                ons_code="ccg21_code",
                name="ccg21_name",
                note="April 2021 CCG boundaries built from 2011 LSOAs by the ONS lookup.",
            ),
        ),
        Snapshot(
            key="2023-01",
            label="January 2023",
            as_of="2023-01-26",
            commissioner_kind="Sub-ICB location (July 2022)",
            epraccur=("ods/epraccur_2023-01.csv", "2023-01"),
            epcn=("epcn/ePCN_2023-01-26.xlsx", "2023-01-26"),
            registered=("list_sizes/nhs-payments-gp-2022-23_list-sizes.csv", "2022-23", "payments"),
            weighted=("list_sizes/nhs-payments-gp-2022-23_list-sizes.csv", "2022-23"),
            lsoa_lookup=("lookups/lsoa11_sicbl22_icb22_ltla22.csv", "sicbl22_code"),
            area_kind="ICB",
            boundaries=BoundarySource(
                path="boundaries/sub_icb_jul2022_en_from_lsoa11.geojson",
                vintage="2022-07",
                ons_code="sicbl22_code",
                name="sicbl22_name",
                ods_code="sicbl22_code_h",
                note="July 2022 Sub-ICB location boundaries built from 2011 LSOAs by the ONS lookup.",
            ),
        ),
    )
}
