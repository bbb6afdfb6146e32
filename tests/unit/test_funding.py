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
    code = Path(funding.__file__).read_text()
    for key in book.streams:
        assert not re.search(rf"[\"']{key}[\"']", code), key
    assert not re.search(r"20\d\d/\d\d", code)


def test_months_active_pro_rata() -> None:
    assert funding.months_active("2019/20", dt.date(2019, 7, 1), None) == 9
    assert funding.months_active("2022/23", None, dt.date(2022, 9, 30)) == 6
    assert funding.months_active("2022/23", dt.date(2022, 10, 1), None) == 6
    assert funding.months_active("2023/24", None, None) == 12
    assert funding.months_active("2023/24", None, dt.date(2022, 9, 30)) == 0







def test_a_bad_rates_file_names_the_entry(tmp_path) -> None:
    text = funding.RATES_FILE.read_text().replace('basis = "per_bed"', 'basis = "per_cot"', 1)
    path = tmp_path / "rates.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=r"rates.toml: \[\[rate\]\] entry \d+ \(care_home\)"):
        funding.load_rates(path)
    text = funding.RATES_FILE.read_text().replace('stream = "iif"', 'stream = "iff"', 1)
    path.write_text(text)
    with pytest.raises(ValueError, match=r"\(iff\): stream is not one of \[streams\]"):
        funding.load_rates(path)
