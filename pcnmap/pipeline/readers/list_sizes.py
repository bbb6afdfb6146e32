"""List sizes: NHS Digital's registered patients (monthly, and by five-year
age band), NHS Payments to General Practice (registered and weighted) and
QOF practice lists; each practice's list from a file of a declared layout."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pcnmap import codes
from pcnmap.pipeline.readers.csvfiles import (
    check_codes,
    drop_repeats,
    first_present,
    parse_numbers,
    pick_columns,
    read_text_csv,
    without_blank_records,
)
from pcnmap.problems import QualityLog, SourceError

# gp-reg-pat-prac-all names the commissioner columns after the commissioners
# of its day: CCG until 2022, Sub-ICB location since.
REGISTERED_COLUMN_VARIANTS = {
    "commissioner_code": ("CCG_CODE", "SUB_ICB_LOCATION_CODE"),
    "commissioner_ons_code": ("ONS_CCG_CODE", "ONS_SUB_ICB_LOCATION_CODE"),
}
REGISTERED_MONTHLY_COLUMNS = {
    "CODE": "practice_code",
    "SEX": "sex",
    "AGE": "age",
    "NUMBER_OF_PATIENTS": "registered",
    "EXTRACT_DATE": "extract_date",
}


def read_registered_monthly(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read NHS Digital "Patients Registered at a GP Practice" (all ages).

    Both styles: CCG columns and text dates (to 2022), Sub-ICB columns and
    ISO dates (since); CSV or the zip NHS England publishes. Only the
    practices' rows for all sexes and ages are kept.
    """
    raw = read_text_csv(path, header=True,
                        what="an NHS Digital gp-reg-pat-prac-all CSV")
    where = raw.attrs["file"]
    wanted = {**first_present(raw, REGISTERED_COLUMN_VARIANTS, where),
              **REGISTERED_MONTHLY_COLUMNS}
    lists = pick_columns(raw, path, wanted, where=where)
    lists = lists[(lists["sex"].str.upper() == "ALL") & (lists["age"].str.upper() == "ALL")]
    lists = lists.drop(columns=["sex", "age"]).copy()
    lists["registered"] = parse_numbers(lists, "registered", where, log,
                                        source_column="NUMBER_OF_PATIENTS",
                                        record_column="practice_code")
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, where, log, source_column="CODE")
    lists.attrs["file"] = where
    return lists


QUINARY_COLUMNS = {"ORG_TYPE": "org_type", "ORG_CODE": "practice_code", "SEX": "sex",
                   "AGE_GROUP_5": "age_band", "NUMBER_OF_PATIENTS": "registered",
                   "EXTRACT_DATE": "extract_date"}


def read_quinary_age(path: Path, log: QualityLog, *, bands: bool = False) -> pd.DataFrame:
    """Read NHS Digital's registered patients by sex and 5-year age band.

    The file has rows for practices (ORG_TYPE ``GP``) and for networks,
    commissioners, ICBs and regions; each organisation's ``SEX=ALL,
    AGE_GROUP_5=ALL`` row is its whole list. Returns one row per practice
    (``bands=False``), or per practice and age band for all sexes.
    """
    raw = read_text_csv(path, header=True, what="an NHS Digital gp-reg-pat-prac-quin-age CSV",
                        usecols=QUINARY_COLUMNS)
    where = raw.attrs["file"]
    table = pick_columns(raw, path, QUINARY_COLUMNS, where=where)
    practices = table[(table["org_type"] == "GP") & (table["sex"].str.upper() == "ALL")]
    if practices.empty:
        raise SourceError(where, "has no practice rows (ORG_TYPE GP, SEX ALL)",
                          column="ORG_TYPE", expected="a gp-reg-pat-prac-quin-age file")
    whole = practices["age_band"].str.upper() == "ALL"
    if bands:
        # Age bands are given by sex only: the whole list's bands are their sums.
        table = table[(table["org_type"] == "GP") & (table["sex"].str.upper() != "ALL")
                      & (table["age_band"].str.upper() != "ALL")]
    chosen = (table if bands else practices[whole]).copy()
    chosen["registered"] = parse_numbers(chosen, "registered", where, log,
                                         source_column="NUMBER_OF_PATIENTS",
                                         record_column="practice_code")
    check_codes(chosen, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="ORG_CODE")
    columns = ["source_row", "practice_code", "registered", "extract_date"]
    if bands:
        result = chosen.groupby(["practice_code", "age_band", "extract_date"], as_index=False,
                                sort=False).agg(source_row=("source_row", "first"),
                                                registered=("registered", "sum"))
        result = result[[*columns, "age_band"]]
    else:
        result = chosen[columns].reset_index(drop=True)
    result.attrs["file"] = where
    return result


QOF_COLUMNS = {"PRACTICE_CODE": "practice_code", "PATIENT_LIST_TYPE": "list_type",
               "PRACTICE_LIST_SIZE": "registered"}


def read_qof_lists(path: Path, log: QualityLog) -> pd.DataFrame:
    """Each practice's whole list at the end of the QOF year (its TOTAL rows)."""
    raw = read_text_csv(path, header=True, what="a QOF practice prevalence CSV",
                        usecols=QOF_COLUMNS)
    where = raw.attrs["file"]
    table = pick_columns(raw, path, QOF_COLUMNS, where=where)
    table = table[table["list_type"].str.upper() == "TOTAL"].drop_duplicates("practice_code")
    table = table.drop(columns="list_type").copy()
    table["registered"] = parse_numbers(table, "registered", where, log,
                                        source_column="PRACTICE_LIST_SIZE",
                                        record_column="practice_code")
    check_codes(table, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="PRACTICE_CODE")
    table.attrs["file"] = where
    return table.reset_index(drop=True)


PAYMENTS_REGISTERED = "Number of Registered Patients (Last Known Figure)"
PAYMENTS_WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
PAYMENTS_COLUMNS = {
    "Practice Code": "practice_code",
    PAYMENTS_REGISTERED: "registered",
    PAYMENTS_WEIGHTED: "weighted",
}
# Read where the file has them: a year's file may name its commissioner
# column otherwise (CCG until 2021-22, Sub-ICB location since).
PAYMENTS_OPTIONAL = {
    "CCG Code": "commissioner_code",
    "Practice Rurality": "rurality",
    "Contract Type": "contract_type",
}


def read_payments_lists(path: Path, log: QualityLog) -> pd.DataFrame:
    """Read list sizes from an "NHS Payments to General Practice" extract:
    each practice's registered and weighted lists, and its commissioner,
    rurality and contract type where the file has them."""
    raw = read_text_csv(path, header=True,
                        what="an NHS Payments to General Practice list-size CSV")
    where = raw.attrs["file"]
    raw = without_blank_records(raw)
    for column in PAYMENTS_OPTIONAL:
        if column not in raw.columns:
            raw[column] = pd.NA
    lists = pick_columns(raw, path, PAYMENTS_COLUMNS | PAYMENTS_OPTIONAL, where=where)
    for column, source in (("registered", PAYMENTS_REGISTERED), ("weighted", PAYMENTS_WEIGHTED)):
        lists[column] = parse_numbers(lists, column, where, log, source_column=source,
                                      record_column="practice_code")
    lists["rurality"] = lists["rurality"].where(lists["rurality"].isin(["Urban", "Rural"]))
    check_codes(lists, "practice_code", codes.PRACTICE_CODE, where, log,
                source_column="Practice Code")
    lists.attrs["file"] = where
    return lists


LIST_READERS = {
    "payments": read_payments_lists,
    "registered": read_registered_monthly,
    "quinary-age": read_quinary_age,
    "qof-prevalence": read_qof_lists,
}


def read_lists(path: Path, layout: str, log: QualityLog) -> pd.DataFrame:
    """Each practice's list from a list-size file of a known layout, its
    repeats reported and dropped (``registered``, and ``weighted`` where the
    layout has it)."""
    lists = LIST_READERS[layout](path, log)
    where = lists.attrs["file"]
    lists = drop_repeats(lists, "practice_code", where, log, source_column="practice code",
                         what="practice")
    if "weighted" not in lists.columns:
        lists = lists.assign(weighted=np.nan)
    lists.attrs["file"] = where
    return lists
