"""The Funding page's view on the built extract: a place's own networks and
figures, changes with their arrow and sign that add up stream by stream
(ended streams included), and every table in words."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from pcnmap import columns as c
from pcnmap.model import funding as model
from pcnmap.model.place import Place
from pcnmap.views import funding as view
from pcnmap.views.funding_parts import months_words, rate_words
from pcnmap.views.source import SnapshotData
from pcnmap.words import MINUS

SNAPSHOT, YEAR = "2026-07", "2026/27"
NETWORK = "U34632"  # Bridgedale South Ribble PCN, in 00X


@pytest.fixture(scope="module")
def data(built_extract) -> SnapshotData:
    return SnapshotData.from_folder(built_extract, SNAPSHOT)


def place(data: SnapshotData, **codes: str) -> Place:
    return Place(SNAPSHOT, name=codes.pop("name", "England"), **codes)


def england_result(data: SnapshotData, year: str = YEAR) -> model.NetworkFunding:
    return model.network_funding(data.practices, data.funding_lists, data.rates, year)


def test_a_place_shows_its_own_networks_and_their_sums(data) -> None:
    chorley = place(data, region="Y62", area="QE1", commissioner="00X",
                    name="Chorley and South Ribble (00X)")
    shown = view.funding(data, chorley, YEAR, method="catchment")
    mine = chorley.network_codes(data.practices)
    assert set(shown.table.frame[c.NETWORK_CODE]) == mine == set(shown.choices)
    every = england_result(data).networks.set_index(c.NETWORK_CODE)
    figures = {figure.label: figure for figure in shown.figures}
    total = every.loc[sorted(mine), c.TOTAL].sum()
    assert figures[f"Total, {YEAR}"].value == pytest.approx(total)
    assert figures["Networks"].codes == frozenset(mine)
    assert shown.title == f"Network funding {YEAR}: Chorley and South Ribble (00X)"
    assert shown.table.file_name == f"pcnmap-funding-{SNAPSHOT}-2026-27-00X.csv"
    # England's figures are England's, and not the place's.
    england = view.funding(data, place(data), YEAR, method="catchment")
    assert {f.label: f.value for f in england.figures}[f"Total, {YEAR}"] == pytest.approx(
        every[c.TOTAL].sum())
    assert england.map is None and shown.map is not None
    # The practices' own payments are the place's practices'.
    practices = shown.practices.table.frame
    assert set(practices[c.PRACTICE_CODE]) == set(chorley.practices(data.practices)[
        c.PRACTICE_CODE]) & set(data.practices.dropna(subset=[c.NETWORK_CODE])[
            c.PRACTICE_CODE])


def test_networks_with_members_outside_the_place_are_said(data) -> None:
    chorley = place(data, commissioner="00X", name="Chorley and South Ribble (00X)")
    shown = view.funding(data, chorley, YEAR, method="catchment")
    inside = chorley.holds(data.practices)
    beyond = set(data.practices.loc[inside, c.NETWORK_CODE].dropna()) & set(
        data.practices.loc[~inside, c.NETWORK_CODE].dropna())
    flagged = shown.table.frame.loc[shown.table.frame[view.ELSEWHERE], c.NETWORK_CODE]
    assert set(flagged) == beyond
    assert bool(shown.shared) == bool(beyond)


def test_streams_changes_add_up_to_the_totals_with_ended_streams(data) -> None:
    shown = view.funding(data, place(data), YEAR, method="catchment")
    for code in shown.table.frame[c.NETWORK_CODE]:
        detail = shown.detail(code)
        assert sum(detail.changes.values()) == pytest.approx(detail.total_change, abs=0.01)
    detail = shown.detail(NETWORK)
    before = model.network_funding(data.practices, data.funding_lists, data.rates, "2025/26")
    was = before.networks.set_index(c.NETWORK_CODE).loc[NETWORK]
    # The capacity and access streams left the DES in 2026/27: listed, at £0,
    # their change the whole of last year's amount.
    rows = detail.table.shown().set_index("Stream")
    ended = "Capacity and access support (not paid in 2026/27)"
    assert rows.at[ended, "Amount (£)"] == 0
    assert rows.at[ended, "Change on 2025/26"] == \
        f"↓ {MINUS}£{round(was['capacity_support']):,}"
    assert detail.changes["capacity_support"] == pytest.approx(-was["capacity_support"])


def test_a_fall_reads_down_with_a_minus_before_the_pound(data) -> None:
    shown = view.funding(data, place(data), YEAR, method="catchment")
    falls = [code for code in shown.table.frame[c.NETWORK_CODE]
             if shown.detail(code).total_change < -0.5]
    rises = [code for code in shown.table.frame[c.NETWORK_CODE]
             if shown.detail(code).total_change > 0.5]
    for code, arrow, sign in [(code, "↓", MINUS) for code in falls] + [
            (code, "↑", "+") for code in rises]:
        detail = shown.detail(code)
        [total] = [f for f in detail.figures if f.label == "Network's total"]
        assert total.change == f"{arrow} {sign}£{abs(round(detail.total_change)):,} on 2025/26"
    text = " ".join(shown.table.frame[view.CHANGE])
    assert "£-" not in text and "£+" not in text


def test_every_table_is_in_words(data) -> None:
    chorley = place(data, commissioner="00X", name="Chorley and South Ribble (00X)")
    for year in sorted(data.rates.years):
        shown = view.funding(data, chorley, year, method="catchment")
        tables = [shown.table, shown.rates, shown.practices.table, shown.practices.averages,
                  shown.detail(next(iter(shown.choices))).table]
        for table in tables:
            for frame in (table.shown(), table.csv_frame()):
                assert not [h for h in frame.columns if re.fullmatch(r"[a-z_]+", h)], year
                cells = frame.astype(str).to_numpy().ravel().tolist()
                assert not {"None", "nan", "True", "False", "<NA>"} & set(cells), year
                for raw in ("per_bed", "national_share", "per_role", "None"):
                    assert not any(raw in cell for cell in cells), (year, raw)
            csv = table.csv().decode("utf-8-sig")
            assert not re.search(r"\d\.\d{3,}", csv.replace("£", "")) or table is shown.rates
        assert not any(re.search(r"\d{7,}", rate) for rate in shown.rates.frame["rate"])
    commissioners = shown.practices.table.shown()["Commissioner"]
    assert commissioners.str.startswith("00X · ").all()  # by label, not a bare code


def test_rates_in_words() -> None:
    assert rate_words(2.266, "registered") == "£2.266 per registered patient"
    assert rate_words(130.253, "per_bed") == "£130.253 per care home bed"
    assert rate_words(1_754_000_000, "national_share") == \
        "£1,754,000,000 in all, shared by weighted population"
    assert months_words("2019/20", dt.date(2019, 7, 1), None) == "July 2019 to March 2020"
    assert months_words("2021/22", None, None) == "the whole year"
    assert months_words("2022/23", None, dt.date(2022, 9, 30)) == "April 2022 to September 2022"


def test_sorting_and_the_chart(data) -> None:
    shown = view.funding(data, place(data), YEAR, method="catchment")
    assert shown.ordered().frame.equals(shown.table.frame)  # largest total first
    for sort in view.SORTS:
        table = shown.ordered(sort)
        values = table.frame[sort].dropna()
        assert list(values) == sorted(values, reverse=sort != "network_name"), sort
        chart = shown.bars(sort, per_patient=True)
        assert len(chart.networks) == min(len(values), view.CHART_NETWORKS)
        assert [s.label for s in chart.streams] == [s.label for s in shown.this.streams]
        first = table.frame.iloc[0]
        assert chart.networks[0] == first[c.NETWORK_NAME]
        assert chart.streams[0].values[0] == pytest.approx(first["core"] / first[c.REGISTERED])
        assert shown.bars(sort).streams[0].values[0] == pytest.approx(first["core"])
    with pytest.raises(ValueError, match="unknown order"):
        shown.ordered("random")
    figure = shown.bars().figure()
    hatched = {bar.name: bool(bar.marker.pattern.shape) for bar in figure.data}
    assert hatched == {s.label: s.key in shown.this.up_to for s in shown.this.streams}


def test_2021_22_says_how_the_model_compares_with_what_was_paid(built_extract) -> None:
    """2021/22's PCN Support column holds core funding, and in some regions
    the December 2021 support payment: the page says so, with its figures."""
    data = SnapshotData.from_folder(built_extract, "2019-12")
    shown = view.funding(data, Place("2019-12"), "2021/22", method="catchment")
    said = shown.compared
    for figure in ("0.923", "1.000", "0.999", "908"):
        assert figure in said
    assert "(Source: NHS Digital, NHS Payments to General Practice, England, 2021-22" in said
    assert "PCN support payment" in [s.label for s in shown.this.streams]
    rates = shown.rates.frame.set_index("stream")
    assert rates.at["PCN support payment", "rate"] == \
        "£62,400,000 in all, shared by weighted population"
    assert rates.at["PCN support payment", "months"] == "December 2021 to March 2022"
    assert rates.at["PCN support payment", "status"].startswith("Unverified")
    assert view.funding(data, Place("2019-12"), "2020/21", method="catchment").compared == ""


def test_entered_beds_count_in_both_years(data) -> None:
    beds = {NETWORK: 10.0}
    shown = view.funding(data, place(data), YEAR, method="catchment", beds=beds)
    detail = shown.detail(NETWORK)
    assert detail.changes["care_home"] == pytest.approx(0)  # £130.253 a bed both years
    rows = pd.DataFrame(detail.table.shown()).set_index("Stream")
    assert rows.at["Care home premium", "Amount (£)"] == pytest.approx(1302.53)
