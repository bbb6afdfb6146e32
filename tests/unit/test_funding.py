"""The funding model applies the rates file and nothing else.

List sizes here are the real extract's rows for Bridgedale South Ribble PCN
(U34632); hand-worked figures that depend on England's totals are in
tests/national/test_funding_national.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from pcnmap.model import funding

NETWORK = "U34632"


@pytest.fixture(scope="module")
def book() -> funding.RateBook:
    return funding.load_rates()


def test_every_figure_has_a_source_and_a_status(book) -> None:
    assert len(book.rates) >= 50
    for rate in book.rates:
        assert book.documents[rate.source]
        assert rate.status in {"sourced", "unverified"}
    for year, chosen in book.years.items():
        assert chosen.list_note
        assert {chosen.registered_list, chosen.weighted_list} <= set(book.lists)
        assert book.for_year(year), year  # every declared year pays something
    assert sorted(book.years) == [f"{y}/{(y + 1) % 100:02d}" for y in range(2019, 2027)]


def test_the_funding_code_names_no_stream_and_no_year(book) -> None:
    """A new stream or year is an entry in the rates file, never code."""
    code = "".join(path.read_text() for path in Path(funding.__file__).parent.glob("*.py"))
    for key in book.streams:
        assert not re.search(rf"[\"']{key}[\"']", code), key
    assert not re.search(r"20\d\d/\d\d", code)


def test_months_active_pro_rata() -> None:
    assert funding.months_active("2019/20", dt.date(2019, 7, 1), None) == 9
    assert funding.months_active("2022/23", None, dt.date(2022, 9, 30)) == 6
    assert funding.months_active("2022/23", dt.date(2022, 10, 1), None) == 6
    assert funding.months_active("2023/24", None, None) == 12
    assert funding.months_active("2023/24", None, dt.date(2022, 9, 30)) == 0


def broken_rates(tmp_path: Path, old: str, new: str) -> Path:
    text = funding.RATES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "funding_rates.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


# The schema: a value of the wrong type, a missing key and an unknown key are
# each refused with the entry (and the key) named; so are a basis or status
# not declared and a stream, list, year or document no table declares.

@pytest.mark.parametrize(("old", "new", "message"), [
    # the wrong type
    ('amount = 1.50\nbasis = "registered"', 'amount = "1.50"\nbasis = "registered"',
     "funding_rates.toml: [[rate]] 1 (core): amount should be a valid number, not '1.50'"),
    ('years = ["2019/20"]', 'years = "2019/20"',
     "funding_rates.toml: [[rate]] 1 (core): years should be a list, not '2019/20'"),
    ('paid_to = "network"\ncolour = "#332288"', 'paid_to = "network"\ncolour = 332288',
     "funding_rates.toml: [streams.core]: colour should be a valid string, not 332288"),
    # a missing key
    ('label = "Core PCN funding"\n', '',
     "funding_rates.toml: [streams.core]: 'label' is missing"),
    ('source = "dhsc_answer_2019"\nstatus = "sourced"\nnote = "£0.125',
     'source = "dhsc_answer_2019"\nnote = "£0.125',
     "funding_rates.toml: [[rate]] 1 (core): 'status' is missing"),
    # an unknown key
    ('year = "2019/20"\n', 'year = "2019/20"\nyaer = "2019/20"\n',
     "funding_rates.toml: [[year]] 1 (2019/20): unknown key 'yaer'"),
    ('layout = "payments"\ndescribes', 'layout = "payments"\nsheet = "1"\ndescribes',
     "funding_rates.toml: [lists.payments-2019-20]: unknown key 'sheet'"),
    # what the file declares
    ('basis = "per_bed"', 'basis = "per_cot"',
     "basis 'per_cot' is not one of 'registered', 'weighted', 'adjusted', 'per_bed', "
     "'per_role' or 'national_share'"),
    ('stream = "iif"', 'stream = "iff"', "(iff): stream 'iff' is not in [streams]"),
    ('registered_list = "payments-2019-20"', 'registered_list = "payments-2018-19"',
     "[[year]] 1 (2019/20): registered_list 'payments-2018-19' is not in [lists]"),
    ('source = "dhsc_answer_2019"', 'source = "dhsc_answer_2018"',
     "[[rate]] 1 (core): source 'dhsc_answer_2018' is not in [documents]"),
    ('years = ["2019/20"]', 'years = ["2018/19"]',
     "[[rate]] 1 (core): years '2018/19' has no [[year]] entry"),
])
def test_the_rates_files_schema_names_the_entry_and_key(tmp_path: Path, old: str, new: str,
                                                        message: str) -> None:
    with pytest.raises(ValueError) as caught:
        funding.load_rates(broken_rates(tmp_path, old, new))
    said = str(caught.value).splitlines()
    assert any(message in line for line in said), said
    assert all(line.startswith("funding_rates.toml: ") for line in said)
