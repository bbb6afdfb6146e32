"""The column vocabulary: every column's name, its heading in words and how
its values read.

A column is its name (a ``str``, so ``frame[PRACTICE_CODE]`` works), with
its heading and its :class:`Kind` beside it: pages, ``ui`` and the model
use these names instead of writing "network_code" again, every table shows
one heading for one column, and a column's format is declared here rather
than guessed from its heading. The stored tables' columns
(:mod:`pcnmap.tables`) are all here; a test holds the two together.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """How a column's values read on screen and in a CSV."""

    TEXT = "text"  # names, words
    CODE = "code"  # an ODS or ONS code: shown as written
    COUNT = "count"  # a whole number of things (practices, LSOAs)
    PATIENTS = "patients"  # people: whole, with thousands separators
    MONEY = "money"  # pounds, whole
    PENCE = "pence"  # pounds to the penny (per patient, rates)
    SHARE = "share"  # a fraction of 1, shown as a percentage
    PERCENT = "percent"  # already a percentage (0-100)
    DECIMAL = "decimal"  # a measure: km, km², a correlation (3 places in a CSV)
    FLAG = "flag"  # yes or no
    DATE = "date"


class Column(str):
    """A column's name, with its heading and kind."""

    heading: str
    kind: Kind

    def __new__(cls, name: str, heading: str, kind: Kind = Kind.TEXT) -> Column:
        """The column ``name``, headed ``heading``, whose values are of ``kind``."""
        column = super().__new__(cls, name)
        column.heading, column.kind = heading, kind
        return column

    def __getnewargs__(self) -> tuple[str, str, Kind]:
        # Frames holding these as labels travel pickled (the upload workers).
        return str(self), self.heading, self.kind

    def titled(self, heading: str) -> Column:
        """The same column under another heading ("Patients (2026/27 list)")."""
        return Column(str(self), heading, self.kind)


K = Kind
# Practices
PRACTICE_CODE = Column("practice_code", "Practice code", K.CODE)
PRACTICE_NAME = Column("practice_name", "Practice", K.TEXT)
POSTCODE = Column("postcode", "Postcode", K.CODE)
ADDRESS = Column("address", "Address", K.TEXT)
DISTRICT_CODE = Column("district_code", "District code", K.CODE)
DISTRICT_NAME = Column("district_name", "District", K.TEXT)
LONGITUDE = Column("longitude", "Longitude", K.DECIMAL)
LATITUDE = Column("latitude", "Latitude", K.DECIMAL)
EASTING = Column("easting", "Easting (m)", K.DECIMAL)
NORTHING = Column("northing", "Northing (m)", K.DECIMAL)
COORDINATE_SOURCE = Column("coordinate_source", "Position from", K.TEXT)
REGION_CODE = Column("region_code", "Region code", K.CODE)
REGION_NAME = Column("region_name", "Region", K.TEXT)
STP_CODE = Column("stp_code", "ICB code", K.CODE)
STP_NAME = Column("stp_name", "ICB", K.TEXT)
COMMISSIONER_CODE = Column("commissioner_code", "Commissioner code", K.CODE)
COMMISSIONER_ONS_CODE = Column("commissioner_ons_code", "Commissioner ONS code", K.CODE)
COMMISSIONER_NAME = Column("commissioner_name", "Commissioner", K.TEXT)
COMMISSIONER_LABEL = Column("commissioner_label", "Commissioner", K.TEXT)
REGISTERED = Column("registered", "Patients", K.PATIENTS)
REGISTERED_SOURCE = Column("registered_source", "Patients from", K.TEXT)
WEIGHTED = Column("weighted", "Weighted patients", K.PATIENTS)
WEIGHTED_SOURCE = Column("weighted_source", "Weighted patients from", K.TEXT)
RURALITY = Column("rurality", "Rurality", K.TEXT)
CONTRACT_TYPE = Column("contract_type", "Contract", K.TEXT)
SOURCE_ROW = Column("source_row", "Row in its file", K.COUNT)
# Networks
NETWORK_CODE = Column("network_code", "Network code", K.CODE)
NETWORK_NAME = Column("network_name", "Network", K.TEXT)
NETWORK_COMMISSIONER_CODE = Column("network_commissioner_code", "Network's commissioner code",
                                   K.CODE)
MEMBER_COUNT = Column("member_count", "Practices", K.COUNT)
MEMBERS = Column("members", "Practices", K.COUNT)
MEMBERS_WITHOUT_LIST = Column("members_without_list", "Practices without a list", K.COUNT)
OPEN_DATE = Column("open_date", "Opened", K.DATE)
EPCN_CROSS_COMMISSIONER = Column("epcn_cross_commissioner", "ePCN flag: crosses", K.FLAG)
SIZE_BAND = Column("size_band", "Size band", K.CODE)
SINGLE_PRACTICE = Column("single_practice", "Single practice", K.FLAG)
MEMBER_COMMISSIONERS = Column("member_commissioners", "Members' commissioners", K.TEXT)
CROSSES_COMMISSIONERS = Column("crosses_commissioners", "Crosses commissioners", K.FLAG)
AGREES_WITH_EPCN = Column("agrees_with_epcn", "Agrees with ePCN", K.FLAG)
# Boundaries and areas
METHOD = Column("method", "Method", K.TEXT)
AREA_KM2 = Column("area_km2", "Area (km²)", K.DECIMAL)
PARTS = Column("parts", "All parts", K.COUNT)
SIGNIFICANT_PARTS = Column("significant_parts", "Parts of at least 0.1 km²", K.COUNT)
PART_AREAS_KM2 = Column("part_areas_km2", "Parts' areas (km²)", K.TEXT)
GEOMETRY = Column("geometry", "Shape", K.TEXT)
LSOA_CODE = Column("lsoa_code", "LSOA code", K.CODE)
LSOA_NAME = Column("lsoa_name", "LSOA", K.TEXT)
LSOA_COMMISSIONER_CODE = Column("lsoa_commissioner_code", "Its commissioner's code", K.CODE)
LSOA_ICB_CODE = Column("lsoa_icb_code", "Its ICB code", K.CODE)
DISTANCE_M = Column("distance_m", "Distance (m)", K.DECIMAL)
DISTANCE_KM = Column("distance_km", "Distance (km)", K.DECIMAL)
OWN_COMMISSIONER = Column("own_commissioner", "Own commissioner's practice", K.FLAG)
REASSIGNED = Column("reassigned", "Reassigned", K.FLAG)
CATCHMENT_PRACTICE_CODE = Column("catchment_practice_code", "Catchment's practice code", K.CODE)
CATCHMENT_NETWORK_CODE = Column("catchment_network_code", "Catchment's network code", K.CODE)
CATCHMENT_HOW = Column("catchment_how", "How the catchment took it", K.TEXT)
GROUPS = Column("groups", "Groups of practices", K.COUNT)
GROUP_PRACTICES = Column("group_practices", "The groups", K.TEXT)
BETWEEN = Column("between", "What lies between", K.TEXT)
SEPARATION_KM = Column("separation_km", "Apart (km)", K.DECIMAL)
PATIENTS_PER_KM2 = Column("patients_per_km2", "Patients per km²", K.DECIMAL)
SHARED_LSOA = Column("shared_lsoa", "Shared with LSOA method", K.SHARE)
SHARED_VORONOI = Column("shared_voronoi", "Shared with Voronoi cells", K.SHARE)
SHARED_CATCHMENT = Column("shared_catchment", "Shared with catchments", K.SHARE)
LSOAS = Column("lsoas", "LSOAs", K.COUNT)
ICB_CODE = Column("icb_code", "ICB code", K.CODE)
ICB_ONS_CODE = Column("icb_ons_code", "ICB ONS code", K.CODE)
ICB_NAME = Column("icb_name", "ICB", K.TEXT)
DERIVED = Column("derived", "Derived outline", K.FLAG)
RURAL_URBAN_CODE = Column("rural_urban_code", "Rural-urban code", K.CODE)
RURAL_URBAN_CLASS = Column("rural_urban_class", "ONS rural-urban class", K.TEXT)
URBAN_RURAL = Column("urban_rural", "Urban or rural", K.TEXT)
LABEL_LONGITUDE = Column("label_longitude", "Label longitude", K.DECIMAL)
LABEL_LATITUDE = Column("label_latitude", "Label latitude", K.DECIMAL)
PART_A = Column("part_a", "Piece", K.COUNT)
PART_B = Column("part_b", "Neighbouring piece", K.COUNT)
EASTING_10M = Column("easting_10m", "Easting (10 m)", K.COUNT)
NORTHING_10M = Column("northing_10m", "Northing (10 m)", K.COUNT)
AGE_BAND = Column("age_band", "Age band", K.TEXT)
# The data-quality report
SNAPSHOT = Column("snapshot", "Snapshot", K.CODE)
CHECK = Column("check", "Check code", K.CODE)
FILE = Column("file", "File", K.TEXT)
ROW = Column("row", "Row", K.COUNT)
COLUMN = Column("column", "Column", K.TEXT)
RECORD = Column("record", "Record code", K.CODE)
VALUE = Column("value", "Value", K.TEXT)
MESSAGE = Column("message", "What was found", K.TEXT)
SEVERITY = Column("severity", "Severity", K.TEXT)
FINDINGS = Column("findings", "Findings", K.COUNT)
# Funding
LIST_NAME = Column("list_name", "List", K.TEXT)
ADJUSTED = Column("adjusted", "Adjusted population", K.PATIENTS)
ESTIMATED = Column("estimated", "Estimated lists", K.FLAG)
TOTAL = Column("total", "Total (£)", K.MONEY)
DUE = Column("due", "Due, not 'up to' (£)", K.MONEY)
PER_PATIENT = Column("per_patient", "£ per patient", K.PENCE)
AVERAGE = Column("average", "Average per practice (£)", K.MONEY)
YEAR = Column("year", "Financial year", K.TEXT)
CARE_HOME_BEDS = Column("care_home_beds", "Care home beds", K.COUNT)
# Counts by place
PRACTICES = Column("practices", "Practices", K.COUNT)
PATIENTS = Column("patients", "Patients", K.PATIENTS)
NETWORKS = Column("networks", "Networks", K.COUNT)

# Every column above, by name.
VOCABULARY: dict[str, Column] = {str(value): value for value in list(globals().values())
                                 if isinstance(value, Column)}


def heading(name: str) -> str:
    """A column's heading: the vocabulary's, else its words ("in_network" ->
    "In network")."""
    if name in VOCABULARY:
        return VOCABULARY[name].heading
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def kind(name: str) -> Kind:
    """A column's kind: the vocabulary's (or the column's own), else text."""
    if isinstance(name, Column):
        return name.kind
    return VOCABULARY[name].kind if name in VOCABULARY else Kind.TEXT
