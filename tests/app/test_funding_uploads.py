"""The Funding page's uploads and entries (weighted lists, care home beds)
on the built extract: a hostile file is refused by row and column through
the one upload path, nothing it holds reaches the screen as Markdown, and
the figures stay as they were."""

from __future__ import annotations

import resource
from pathlib import Path

import pandas as pd

from pcnmap import store
from pcnmap.model import funding
from tests.hostile import wide_payments_line
from tests.screen import run, shown

EXTRACT = Path(__file__).resolve().parents[1] / "fixtures" / "source"
PAYMENTS = EXTRACT / "list_sizes" / "nhs-payments-gp-2022-23_list-sizes.csv"
YEAR = "2026/27"  # weighted lists estimated: the page offers the upload
QUERY = {"snapshot": "2026-07", "year": YEAR}


def page_total(app) -> float:
    """England's total as the page's table shows it (every network listed)."""
    table = app.dataframe[0].value
    return float(table["Total (£)"].sum())


def shipped_result(weighted: pd.DataFrame | None = None, beds=None) -> funding.NetworkFunding:
    practices = store.read_table(store.DATA_DIR, "2026-07", "practices")
    lists = store.read_root_table(store.DATA_DIR, "funding_lists")
    return funding.network_funding(practices, lists, funding.load_rates(), YEAR, beds, weighted)


def upload(app, name: str, data: bytes):
    [uploader] = app.get("file_uploader")
    uploader.set_value([(name, data, "text/csv")])
    return app.run()


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_a_200_kb_line_of_commas_is_refused_by_row_and_nothing_changes() -> None:
    app = run("pages/4_Funding.py", **QUERY)
    before = page_total(app)
    hostile = wide_payments_line(PAYMENTS)
    peak = peak_kb()
    app = upload(app, "payments.csv", hostile)
    assert not app.exception
    assert [shown(e.value) for e in app.error] == [
        "Not used: payments.csv, row 2: line 2 is 200,000 characters long (expected lines "
        "of at most 100,000 characters)"]
    assert page_total(app) == before
    assert any(i.value.startswith("Estimated:") for i in app.info)  # the estimate stands
    # Read in a worker: the app's own process grew by no more than the file's copies.
    assert peak_kb() - peak < 100_000


def test_impossible_weighted_lists_are_named_and_the_rest_used() -> None:
    lines = PAYMENTS.read_text().splitlines(keepends=True)
    bad = {3: "inf", 4: "1e308", 5: "99999999999"}
    codes = {}
    for row, value in bad.items():
        cells = lines[row - 1].rstrip("\n").split(",")
        codes[row], cells[-1] = cells[6], value
        lines[row - 1] = ",".join(cells) + "\n"
    app = run("pages/4_Funding.py", **QUERY)
    app = upload(app, "payments.csv", "".join(lines).encode())
    assert not app.exception and not app.error
    [told] = [w for w in app.warning if "problem(s) in the rows" in w.value]
    assert shown(told.value).startswith("3 problem(s) in the rows")
    problems = next(d.value for d in app.dataframe if "row" in d.value.columns)
    assert sorted(zip(problems["row"], problems["record"], strict=True)) == sorted(
        (row, code) for row, code in codes.items())
    assert set(problems["column"]) == {"Number of Weighted Patients (Last Known Figure)"}
    # The good rows replace the estimate; the three bad ones keep theirs.
    from pcnmap.pipeline.readers import list_sizes
    from pcnmap.problems import QualityLog

    good = list_sizes.read_payments_lists(PAYMENTS, QualityLog())
    good = good[~good["practice_code"].isin(codes.values())][["practice_code", "weighted"]]
    expected = shipped_result(good).networks["total"].sum()
    assert abs(page_total(app) - expected) < 1  # the table rounds nothing; pounds agree
    assert page_total(app) < 5e9  # England's DES is billions, not 10^300


def test_a_markdown_header_is_shown_as_text() -> None:
    header = ("[Sign in again](https://evil.example/login),![t](http://127.0.0.1:9/f.png),"
              "**bold**")
    app = run("pages/4_Funding.py", **QUERY)
    app = upload(app, "notes.csv", f"{header}\n1,2,3\n".encode())
    [error] = app.error
    assert shown(error.value).startswith(
        f"Not used: notes.csv, row 1: is not a file pcnmap knows; its first line is "
        f"'{header}'")
    raw = error.value
    assert "](" not in raw.replace("\\]\\(", "") and "**" not in raw.replace("\\*\\*", "")
    assert "https://" not in raw  # a word joiner keeps the address from being a link


def test_another_kind_of_file_is_refused_with_the_kinds_this_page_reads() -> None:
    registered = EXTRACT / "list_sizes" / "gp-reg-pat-prac-all_01Apr2022.csv"
    app = run("pages/4_Funding.py", **QUERY)
    app = upload(app, "list.csv", registered.read_bytes())
    [error] = app.error
    assert shown(error.value) == (
        "Not used: list.csv: is a file of another kind (Patients registered at a GP practice "
        "(gp-reg-pat-prac-all.csv)), which this page does not use (expected one of: NHS "
        "Payments to General Practice list sizes (CSV))")


def test_impossible_care_home_beds_are_named_and_not_used() -> None:
    app = run("pages/4_Funding.py", **QUERY)
    before = page_total(app)
    networks = store.read_table(store.DATA_DIR, "2026-07", "networks")
    first, second = networks["network_code"].iloc[:2]
    # AppTest cannot type into a data editor: the page's rule, on what it would hand it.
    entered = pd.DataFrame({"network_code": [first, second, "U99999", first, "x"],
                            "care_home_beds": [-1000, 1e308, 10, 20, None]})
    beds, problems = funding.care_home_beds(entered, networks["network_code"])
    assert beds == {first: 20.0}
    assert problems == [
        "Care home beds, row 1, column 'care_home_beds': -1000 is not a number of beds "
        "(expected a whole number from 0 to 5,000); row not used",
        "Care home beds, row 2, column 'care_home_beds': 1e+308 is not a number of beds "
        "(expected a whole number from 0 to 5,000); row not used",
        "Care home beds, row 3, column 'network_code': 'U99999' is not a network of this "
        "snapshot (expected a network code such as U12345); row not used",
        "Care home beds, row 5, column 'network_code': 'X' is not a network of this "
        "snapshot (expected a network code such as U12345); row not used"]
    # With the good row, the premium is the declared rate times 20 beds.
    [rate] = [r for r in funding.load_rates().for_year(YEAR) if r.basis == "per_bed"]
    with_beds = shipped_result(beds=beds).networks.set_index("network_code")
    without = shipped_result().networks.set_index("network_code")
    assert with_beds.loc[first, "care_home"] - without.loc[first, "care_home"] == \
        rate.amount * 20 * funding.rate_fraction(rate, YEAR)
    assert (with_beds.drop(first)["total"] == without.drop(first)["total"]).all()
    assert page_total(app) == before
