"""What networks (and their practices) are paid under the Network Contract DES.

Everything that varies by year, the streams, their rates and the lists
each year uses, is declared in ``pcnmap/declared/funding_rates.toml`` with a
source for every figure; this module only applies what it declares. No
stream or year is named here: a new stream or year is an entry in that
file. Every result says which lists it used and which of its figures are
estimated or "up to" amounts.

The package: :mod:`~pcnmap.model.funding.rates` (the rates file's schema and
the book it is read into) and :mod:`~pcnmap.model.funding.entitlements` (what
each network and practice is entitled to in a year). Their names are
importable from ``pcnmap.model.funding`` itself.
"""

from pcnmap.model.funding.entitlements import (
    LARGE_NETWORK,
    MAX_BEDS,
    NetworkFunding,
    averages,
    care_home_beds,
    network_funding,
    per_patient_benchmarks,
    practice_payments,
    year_lists,
    year_on_year,
)
from pcnmap.model.funding.rates import (
    BASES,
    PAID_TO,
    RATES_FILE,
    STATUSES,
    ListFile,
    Rate,
    RateBook,
    Stream,
    YearLists,
    default_year,
    load_rates,
    months_active,
    rate_fraction,
)

__all__ = [
    "BASES", "LARGE_NETWORK", "MAX_BEDS", "PAID_TO", "RATES_FILE", "STATUSES", "ListFile",
    "NetworkFunding", "Rate", "RateBook", "Stream", "YearLists", "averages", "care_home_beds",
    "default_year", "load_rates", "months_active", "network_funding", "per_patient_benchmarks",
    "practice_payments", "rate_fraction", "year_lists", "year_on_year",
]
