"""Joining the sources of one snapshot into practices and networks.

Pure functions over the tables the readers return; each one logs what it
cannot place instead of dropping it.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from pcnmap import codes
from pcnmap.pipeline.geography import in_england_bounds
from pcnmap.pipeline.readers import epraccur
from pcnmap.problems import QualityLog


def check_postcodes(practices: pd.DataFrame, path: Path, log: QualityLog) -> None:
    """Log practices whose postcode is not a valid UK postcode."""
    keys = codes.postcode_key(practices["postcode"])
    bad = ~codes.is_valid(codes.POSTCODE, keys)
    for index in practices.index[bad]:
        log.add("malformed_postcode", path, practices.at[index, "source_row"],
                "field 10 (postcode)", practices.at[index, "code"],
                practices.at[index, "postcode"],
                f"{practices.at[index, 'postcode']!r} is not a UK postcode "
                "(expected e.g. 'TS18 1HU')")


def open_networks(networks: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Networks open on the snapshot date (opened by then, not yet closed)."""
    opened = networks["open_date"].isna() | (networks["open_date"] <= as_of)
    not_closed = networks["close_date"].isna() | (networks["close_date"] > as_of)
    return networks[opened & not_closed]



def _log_rows(log: QualityLog, check: str, path: Path, memberships: pd.DataFrame,
              column: str, message: str) -> None:
    """One finding per membership row (practice as the record, network as the value)."""
    log.add_rows(check, path, memberships["source_row"], column,
                 memberships["practice_code"], memberships["network_code"], message)

def current_memberships(
    members: pd.DataFrame,
    networks: pd.DataFrame,
    all_practices: pd.DataFrame,
    active_codes: pd.Index,
    as_of: pd.Timestamp,
    path: Path,
    log: QualityLog,
) -> pd.DataFrame:
    """One current membership per active practice.

    A membership is current when it started by the snapshot date and has not
    ended by it. Repeated rows, memberships of networks that are not open,
    members that are not active GP practices and practices in two networks at
    once are all logged; for a double membership the latest start wins.
    """
    sheet = members.attrs.get("sheet", "PCN Core Partner Details")
    started = members["start_date"].isna() | (members["start_date"] <= as_of)
    not_ended = members["end_date"].isna() | (members["end_date"] > as_of)
    current = members[started & not_ended]

    repeated = current.duplicated(["practice_code", "network_code"], keep="first")
    _log_rows(log, "duplicate_record", path, current[repeated],
              f"{sheet}: Partner Organisation Code",
              "the same membership appears more than once; counted once")
    current = current[~repeated]

    open_codes = set(networks["network_code"])
    closed = ~current["network_code"].isin(open_codes)
    _log_rows(log, "network_not_open", path, current[closed], f"{sheet}: PCN Code",
              "membership names a network that is not open on the snapshot date; not counted")
    current = current[~closed]

    status = all_practices.drop_duplicates("code").set_index("code")
    outside = ~current["practice_code"].isin(active_codes)
    for index in current.index[outside]:
        code = current.at[index, "practice_code"]
        why = (epraccur.why_not_active(status.loc[code], as_of) if code in status.index
               else "ODS has no organisation with this code")
        log.add("member_not_in_ods", path, current.at[index, "source_row"],
                f"{sheet}: Partner Organisation Code", code, current.at[index, "network_code"],
                f"{why}; membership not counted")
    current = current[~outside]

    current = current.sort_values(["practice_code", "start_date", "source_row"],
                                  ascending=[True, False, True], na_position="last")
    double = current["practice_code"].duplicated(keep="first")
    kept = current[~double].set_index("practice_code")["network_code"]
    for index in current.index[double]:
        code = current.at[index, "practice_code"]
        log.add("double_membership", path, current.at[index, "source_row"],
                f"{sheet}: PCN Code", code, current.at[index, "network_code"],
                f"practice is also a current member of {kept[code]}; "
                f"assigned to {kept[code]} (latest start date)")
    return current[~double]


def check_match_flags(current: pd.DataFrame, path: Path, log: QualityLog) -> None:
    """Log memberships whose ePCN match flag disagrees with the two codes."""
    sheet = current.attrs.get("sheet", "PCN Core Partner Details")
    same = current["practice_commissioner_code"] == current["network_commissioner_code"]
    flag = current["match_flag"]
    disagree = flag.notna() & (flag.astype(bool) != same)
    for index in current.index[disagree]:
        log.add("match_flag_disagrees", path, current.at[index, "source_row"],
                f"{sheet}: match flag", current.at[index, "practice_code"],
                str(flag[index]),
                f"flag says {bool(flag[index])} but practice commissioner "
                f"{current.at[index, 'practice_commissioner_code']} and network commissioner "
                f"{current.at[index, 'network_commissioner_code']} "
                f"{'agree' if same[index] else 'differ'}")


def attach_lists(
    practices: pd.DataFrame,
    registered: pd.DataFrame,
    registered_source: str,
    weighted: pd.DataFrame,
    weighted_source: str,
    fallback: pd.DataFrame | None,
    fallback_source: str | None,
    path: Path,
    log: QualityLog,
) -> pd.DataFrame:
    """Add registered and weighted list sizes, naming the file each came from.

    A practice missing from the registered-list file takes its figure from
    the fallback file when one is given; a practice in neither is logged.
    """
    result = practices.copy()
    by_code = registered.set_index("practice_code")
    result["registered"] = result["practice_code"].map(by_code["registered"])
    result["registered_source"] = pd.Series(
        registered_source, index=result.index, dtype="string"
    ).where(result["registered"].notna())
    if fallback is not None:
        missing = result["registered"].isna()
        from_fallback = result.loc[missing, "practice_code"].map(
            fallback.set_index("practice_code")["registered"])
        rows = from_fallback.index[from_fallback.notna()]
        result.loc[rows, "registered"] = from_fallback[rows]
        result.loc[rows, "registered_source"] = fallback_source
    weights = weighted.set_index("practice_code")
    result["weighted"] = result["practice_code"].map(weights["weighted"])
    result["weighted_source"] = pd.Series(
        weighted_source, index=result.index, dtype="string"
    ).where(result["weighted"].notna())
    for column in ("rurality", "contract_type"):
        if column in weights.columns:
            result[column] = result["practice_code"].map(weights[column])
    closed = (result["close_date"] if "close_date" in result.columns
              else pd.Series("", index=result.index)).fillna("")
    for index in result.index[result["registered"].isna()]:
        # A practice closed since the snapshot date is why a later list lacks it.
        why = (f"; ODS gives it a close date of {closed[index]}" if closed[index] else "")
        log.add("no_list_size", path, result.at[index, "source_row"], "field 1",
                result.at[index, "practice_code"], result.at[index, "practice_name"],
                f"no registered list in {registered_source}"
                + (f" or {fallback_source}" if fallback_source else "") + why)
    return result


def attach_coordinates(
    practices: pd.DataFrame, located: pd.DataFrame, path: Path, log: QualityLog
) -> pd.DataFrame:
    """Add each practice's postcode position; log those without one.

    A position outside England's bounding box is logged and removed so it
    cannot be drawn in the sea.
    """
    result = practices.join(located)
    inside = in_england_bounds(result["longitude"], result["latitude"])
    for index in result.index[result["easting"].isna()]:
        log.add("no_coordinates", path, result.at[index, "source_row"], "field 10 (postcode)",
                result.at[index, "practice_code"], result.at[index, "postcode"],
                "postcode is in no Code-Point Open release; the practice has no map position")
    outside = result["easting"].notna() & ~inside
    for index in result.index[outside]:
        log.add("no_coordinates", path, result.at[index, "source_row"], "field 10 (postcode)",
                result.at[index, "practice_code"], result.at[index, "postcode"],
                "postcode lies outside England's bounding box; position removed")
    result.loc[outside, ["easting", "northing", "longitude", "latitude"]] = float("nan")
    result.loc[outside, "coordinate_source"] = pd.NA
    older = result["coordinate_source"].notna() & (
        result["coordinate_source"] != result["coordinate_source"].dropna().mode().get(0)
    )
    for index in result.index[older]:
        log.add("older_coordinates", path, result.at[index, "source_row"], "field 10 (postcode)",
                result.at[index, "practice_code"], result.at[index, "postcode"],
                f"postcode retired since; positioned from Code-Point "
                f"{result.at[index, 'coordinate_source']}", severity="info")
    return result


def check_commissioners(
    practices: pd.DataFrame,
    networks: pd.DataFrame,
    commissioners: gpd.GeoDataFrame,
    practices_path: Path,
    networks_path: Path,
    log: QualityLog,
) -> None:
    """Log practice and network commissioner codes that the snapshot lacks."""
    known = set(commissioners["commissioner_code"])
    for index in practices.index[~practices["commissioner_code"].isin(known)]:
        log.add("unknown_commissioner", practices_path, practices.at[index, "source_row"],
                "field 15 (commissioner)", practices.at[index, "practice_code"],
                practices.at[index, "commissioner_code"],
                "commissioner code is not one of the snapshot's commissioner boundaries")
    sheet = networks.attrs.get("sheet", "PCN Details")
    for index in networks.index[~networks["commissioner_code"].isin(known)]:
        log.add("unknown_commissioner", networks_path, networks.at[index, "source_row"],
                f"{sheet}: commissioner code", networks.at[index, "network_code"],
                networks.at[index, "commissioner_code"],
                "commissioner code is not one of the snapshot's commissioner boundaries")


def summarise_networks(
    networks: pd.DataFrame, practices: pd.DataFrame, current: pd.DataFrame
) -> pd.DataFrame:
    """Each open network with its members' counts and patients.

    ``epcn_cross_commissioner`` is ePCN's own view: any current member row
    flagged as not matching the network's commissioner.
    """
    members = practices[practices["network_code"].notna()]
    totals = members.groupby("network_code").agg(
        member_count=("practice_code", "size"),
        registered=("registered", "sum"),
        members_without_list=("registered", lambda s: int(s.isna().sum())),
    )
    # No weighted list at all (the newer snapshots) stays missing, not 0.
    totals["weighted"] = members.groupby("network_code")["weighted"].sum(min_count=1)
    flags = current.assign(mismatch=current["match_flag"].eq(False).fillna(False))
    flags = flags.groupby("network_code")["mismatch"].any()
    summary = networks[["network_code", "network_name", "commissioner_code",
                        "commissioner_name", "open_date", "source_row"]].copy()
    summary = summary.join(totals, on="network_code")
    summary["member_count"] = summary["member_count"].fillna(0).astype("int64")
    summary["members_without_list"] = summary["members_without_list"].fillna(0).astype("int64")
    summary["registered"] = summary["registered"].fillna(0.0)
    summary["epcn_cross_commissioner"] = (
        summary["network_code"].map(flags).fillna(False).astype(bool)
    )
    return summary.reset_index(drop=True)


# ---------------------------------------------------------------- practice-map memberships


def roster_from_map(practice_map: pd.DataFrame, ods: pd.DataFrame, active: pd.DataFrame,
                    log: QualityLog) -> pd.DataFrame:
    """The practices of a snapshot whose memberships come from a practice map.

    The map lists the practices with registered patients on its date, with
    their network, commissioner, ICB and region as of then (newer than the
    ODS file). Names, addresses and postcodes come from ODS where it has the
    practice (``ods``: every row of the epraccur file); a practice ODS lacks
    keeps the map's name and postcode and is reported. Practices ODS lists as
    active but the map does not (no patients on its date) are reported and
    left out. ``source_row`` is the practice's row in the map.
    """
    map_file = practice_map.attrs["file"]
    ods_file = ods.attrs["file"]
    by_code = ods.drop_duplicates("code").set_index("code")
    roster = practice_map.rename(columns={"source_row": "map_row"}).copy()
    known = roster["practice_code"].isin(by_code.index)
    for column, ods_column in (("practice_name", "name"), ("postcode", "postcode"),
                               ("address", "address"),
                               ("ods_row", "source_row")):
        from_ods = roster["practice_code"].map(by_code[ods_column])
        roster[column] = from_ods.where(known, roster[column] if column in roster else None)
    for index in roster.index[~known]:
        log.add("not_in_ods", map_file, roster.at[index, "map_row"], "PRACTICE_CODE",
                roster.at[index, "practice_code"], roster.at[index, "practice_name"],
                f"practice is not in {ods_file}; its name and postcode are the map's",
                severity="info")
    inactive = known & ~roster["practice_code"].isin(set(active["code"]))
    for index in roster.index[inactive]:
        code = roster.at[index, "practice_code"]
        log.add("not_active_in_ods", map_file, roster.at[index, "map_row"], "PRACTICE_CODE",
                code, by_code.at[code, "status"],
                f"{ods_file} does not list it as an active GP practice in England "
                f"(status {by_code.at[code, 'status']!r}); kept, as the map lists its patients",
                severity="info")
    absent = active[~active["code"].isin(set(roster["practice_code"]))]
    for index in absent.index:
        log.add("not_in_memberships", ods_file, absent.at[index, "source_row"], "field 1",
                absent.at[index, "code"], absent.at[index, "name"],
                f"active in ODS but not in {map_file}: no registered patients on its date "
                "(closed, merged or not a patient list since); left out", severity="info")
    roster["source_row"] = roster.pop("map_row")
    return roster.reset_index(drop=True)


def networks_from_map(practice_map: pd.DataFrame) -> pd.DataFrame:
    """The networks a practice map names (code and name), in ePCN's columns.

    The map gives no network details of its own: no open date, no parent
    commissioner (see :func:`home_commissioners`).
    """
    named = practice_map.dropna(subset=["network_code"]).drop_duplicates("network_code")
    networks = pd.DataFrame({
        "network_code": named["network_code"].to_numpy(),
        "network_name": named["network_name"].to_numpy(),
        "commissioner_code": None, "commissioner_name": None,
        "open_date": pd.NaT, "close_date": pd.NaT,
        "source_row": named["source_row"].to_numpy(),
    })
    networks.attrs["sheet"] = practice_map.attrs["file"]
    return networks.sort_values("network_code").reset_index(drop=True)


def home_commissioners(practices: pd.DataFrame) -> pd.Series:
    """Each network's commissioner where no file names one: that of the
    members holding most registered patients (ties: the lower code)."""
    members = practices.dropna(subset=["network_code", "commissioner_code"])
    patients = members.assign(patients=members["registered"].fillna(0.0)).groupby(
        ["network_code", "commissioner_code"])["patients"].sum().reset_index()
    patients = patients.sort_values(["network_code", "patients", "commissioner_code"],
                                    ascending=[True, False, True])
    return patients.drop_duplicates("network_code").set_index("network_code")[
        "commissioner_code"]
