"""The Funding page as a person reads it: the exact tables shown for a small
place of the fixture data (Halton, 01F, July 2026: two networks), changes
with their arrow and sign, and (on the shipped data) an ICB's own figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import funding
from pcnmap.words import MINUS, change_in_pounds
from tests.screen import metrics, run, shown

PAGE = "pages/4_Funding.py"
HALTON = "01F · Halton (Cheshire and Merseyside ICB)"


def result(snapshot: str, year: str) -> pd.DataFrame:
    practices = store.read_table(store.DATA_DIR, snapshot, "practices")
    lists = store.read_root_table(store.DATA_DIR, "funding_lists")
    return funding.network_funding(practices, lists, funding.load_rates(), year).networks \
        .set_index("network_code")


def frame_with(app, heading: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if heading in d.value.columns)


def test_halton_shows_exactly_its_two_networks() -> None:
    app = run(PAGE, snapshot="2026-07", commissioner="01F")
    assert not app.exception and not app.error
    assert app.title[0].value == "Network funding 2026/27: Halton (01F)"
    now, was = result("2026-07", "2026/27"), result("2026-07", "2025/26")
    codes = ["U09643", "U79408"]  # by total, largest first
    expected = pd.DataFrame({
        "Network": ["RUNCORN PCN", "WIDNES PCN"],
        "Patients (2026/27 funding list)": now.loc[codes, "registered"].round().astype(
            "Int64").to_numpy(),
        "Total (£)": now.loc[codes, "total"].to_numpy(),
        "Due, not 'up to' (£)": now.loc[codes, "due"].to_numpy(),
        "£ per patient": now.loc[codes, "per_patient"].to_numpy(),
        "Change on 2025/26": [change_in_pounds(now.at[code, "total"] - was.at[code, "total"])
                              for code in codes],
        "Practices": pd.array([6, 8], dtype="Int64"),
        "Core PCN funding (£)": now.loc[codes, "core"].to_numpy(),
        "Enhanced access (£)": now.loc[codes, "enhanced_access"].to_numpy(),
        "Care home premium (£)": [0.0, 0.0],
        "Additional roles (ceiling) (£)": now.loc[codes, "arrs"].to_numpy(),
        "Estimated lists": ["Yes", "Yes"],
        "Network code": codes,
        "Network's commissioner": [HALTON, HALTON],
        "Has members outside this place too": ["No", "No"]})
    table = app.dataframe[0].value
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected, check_dtype=False)
    figures = metrics(app)
    assert figures["Total, 2026/27"] == f"£{now.loc[codes, 'total'].sum():,.0f}"
    assert figures["Networks"] == "2"
    total_change = now.loc[codes, "total"].sum() - was.loc[codes, "total"].sum()
    [total] = [m for m in app.metric if shown(m.label) == "Total, 2026/27"]
    assert total.proto.delta == change_in_pounds(total_change, "2025/26")
    # Its first network's streams, the two that ended in 2026/27 among them.
    streams = frame_with(app, "Due or up to")
    assert list(streams["Stream"]) == [
        "Core PCN funding", "Enhanced access",
        "Capacity and access support (not paid in 2026/27)",
        "Capacity and access improvement (up to) (not paid in 2026/27)",
        "Care home premium", "Additional roles (ceiling)"]
    keys = ["core", "enhanced_access", "capacity_support", "capacity_improvement",
            "care_home", "arrs"]
    changes = [now.reindex(columns=keys).fillna(0).at["U09643", key]
               - was.reindex(columns=keys).fillna(0).at["U09643", key] for key in keys]
    assert list(streams["Change on 2025/26"]) == [change_in_pounds(x) for x in changes]
    assert sum(changes) == pytest.approx(now.at["U09643", "total"] - was.at["U09643", "total"])
    assert streams.at[2, "Change on 2025/26"].startswith(f"↓ {MINUS}£")
    assert list(streams["Due or up to"]) == ["Due", "Due", "", "", "Due",
                                             "Up to (earned, or a ceiling)"]
    # The practices' averages, by place in words.
    averages = frame_with(app, "Average per practice (£)")
    assert list(averages["Where"]) == ["England", HALTON]
    assert list(averages["Practices"]) == [141, 14]
    # The rates in words.
    rates = frame_with(app, "Rate")
    assert list(rates["Rate"]) == [
        "£2.266 per registered patient", "£0.733 per patient of the adjusted population",
        "£8.903 per patient of the adjusted population", "£130.253 per care home bed",
        "£1,754,000,000 in all, shared by weighted population",
        "£1.761 per weighted patient"]
    # Downloads named by snapshot, year and place (each button keyed by its file).
    keys = " ".join(d.proto.id for d in app.get("download_button"))
    for name in ("pcnmap-funding-2026-07-2026-27-01F.csv",
                 "pcnmap-practice-payments-2026-07-2026-27-01F.csv",
                 "pcnmap-network-funding-2026-07-2026-27-U09643.csv"):
        assert f"-download-{name}" in keys


def test_2021_22_says_how_the_model_compares_with_nhs_payments() -> None:
    app = run(PAGE, snapshot="2019-12", year="2021/22")
    assert not app.exception and not app.error
    [said] = [shown(i.value) for i in app.info if "compares with what was paid" in i.value]
    assert "pcnmap's core funding comes to 1.000 of what was paid" in said
    assert "come to 0.999" in said and "0.923" in said
    rates = frame_with(app, "Rate").set_index("Stream")
    assert rates.at["PCN support payment", "Months of the year"] == \
        "December 2021 to March 2022"


@pytest.mark.shipped_data
def test_lancashire_and_south_cumbria_shows_its_own_figures() -> None:
    """July 2026, Lancashire and South Cumbria ICB (QE1): its 45 networks'
    figures, not England's; Bridgedale South Ribble PCN's fall said as one."""
    app = run(PAGE, snapshot="2026-07", area="QE1", network="U34632")
    assert not app.exception and not app.error
    assert app.title[0].value == "Network funding 2026/27: Lancashire and South Cumbria ICB"
    practices = store.read_table(store.DATA_DIR, "2026-07", "practices")
    mine = set(practices.loc[practices["stp_code"] == "QE1", "network_code"].dropna())
    now = result("2026-07", "2026/27")
    table = app.dataframe[0].value
    assert set(table["Network code"]) == mine and len(mine) == 45
    figures = metrics(app)
    assert figures["Networks"] == "45" != f"{len(now):,}"
    ours = now.loc[sorted(mine), "total"].sum()
    assert figures["Total, 2026/27"] == f"£{ours:,.0f}" != f"£{now['total'].sum():,.0f}"
    median = now.loc[sorted(mine), "per_patient"].median()
    assert figures["Median per registered patient"] == f"£{median:,.2f}"
    assert median != now["per_patient"].median()
    # A fall: a down arrow and a minus before the pound.
    [total] = [m for m in app.metric if shown(m.label) == "Network's total"]
    assert total.proto.delta == f"↓ {MINUS}£94,368 on 2025/26"
    streams = frame_with(app, "Due or up to")
    assert "↓ −£126,969" in list(streams["Change on 2025/26"])  # capacity and access support
    assert not any("£-" in text or "£+" in text for text in streams["Change on 2025/26"])


def test_on_a_projector_the_figures_and_chart_come_before_how_they_were_made() -> None:
    query = {"snapshot": "2026-07", "commissioner": "01F", "year": "2026/27"}
    laptop = run(PAGE, **query)
    projector = run(PAGE, present="1", **query)
    about = projector.expander[0]
    assert [e.label for e in laptop.expander] == ["Rates and their sources", "About the data"]
    assert about.label.startswith("About these figures: their lists, estimates and sources")
    # The same words, folded: every note, warning and estimate is inside it.
    assert [c.value for c in about.caption] == [c.value for c in laptop.caption][
        :len(about.caption)]
    assert [w.value for w in about.warning] == [w.value for w in laptop.warning]
    assert [i.value for i in about.info] == [i.value for i in laptop.info] != []
    assert metrics(projector) == metrics(laptop)
    # The chart shorter on a projector, so it starts on the first screen.
    heights = [json.loads(app.get("plotly_chart")[0].proto.spec)["layout"]["height"]
               for app in (laptop, projector)]
    assert heights == [520, 400]
