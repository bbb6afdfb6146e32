"""NHS Digital's practice map (``gp-reg-pat-prac-map``): each practice's
network, commissioner, ICB (or STP) and region; PCN code ``U`` means no network."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pcnmap import codes
from pcnmap.pipeline.readers.csvfiles import (
    check_codes,
    drop_repeats,
    first_present,
    pick_columns,
    read_text_csv,
)
from pcnmap.problems import QualityLog

# gp-reg-pat-prac-map: CCG and STP columns until 2022, Sub-ICB and ICB since.
PRACTICE_MAP_VARIANTS = {
    "practice_code": ("PRACTICE_CODE",),
    "practice_name": ("PRACTICE_NAME",),
    "postcode": ("PRACTICE_POSTCODE",),
    "network_code": ("PCN_CODE",),
    "network_name": ("PCN_NAME",),
    "commissioner_code": ("SUB_ICB_LOCATION_CODE", "CCG_CODE"),
    "commissioner_ons_code": ("ONS_SUB_ICB_LOCATION_CODE", "ONS_CCG_CODE"),
    "commissioner_name": ("SUB_ICB_LOCATION_NAME", "CCG_NAME"),
    "stp_code": ("ICB_CODE", "STP_CODE"),
    "stp_ons_code": ("ONS_ICB_CODE", "ONS_STP_CODE"),
    "stp_name": ("ICB_NAME", "STP_NAME"),
    "region_code": ("COMM_REGION_CODE",),
    "region_name": ("COMM_REGION_NAME",),
}
# The map's network code for practices in no network.
UNALLOCATED = "U"


def read_practice_map(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read an NHS Digital practice -> network -> commissioner -> ICB/STP map.

    A practice under PCN code ``U`` ("Unallocated") is in no network: its
    ``network_code`` comes out missing. Codes of the wrong form are reported.
    """
    raw = read_text_csv(path, header=True, what="an NHS Digital gp-reg-pat-prac-map CSV")
    where = raw.attrs["file"]
    table = pick_columns(raw, path, first_present(raw, PRACTICE_MAP_VARIANTS, where),
                         where=where)
    table = table.replace("", None)
    unallocated = table["network_code"] == UNALLOCATED
    table.loc[unallocated, ["network_code", "network_name"]] = None
    check_codes(table, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="PRACTICE_CODE")
    check_codes(table, "network_code", codes.NETWORK_CODE, where, log,
                source_column="PCN_CODE", record_column="practice_code", allow_blank=True)
    check_codes(table, "commissioner_code", codes.COMMISSIONER_CODE, where, log,
                source_column="SUB_ICB_LOCATION_CODE", record_column="practice_code")
    table = drop_repeats(table, "practice_code", where, log, source_column="PRACTICE_CODE",
                         what="practice")
    table.attrs["file"] = where
    return table.reset_index(drop=True)


def read_region_names(path: Path) -> pd.Series:
    """NHS England region names by ODS code, from a practice map file."""
    table = read_practice_map(path, QualityLog())
    regions = table.dropna(subset=["region_code"]).drop_duplicates("region_code")
    return regions.set_index("region_code")["region_name"]
