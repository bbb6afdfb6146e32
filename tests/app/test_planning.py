"""Plan a change in AppTest: a change made with the page's own controls, the
place's figures and the exact table of the networks that change, the
network covering a practice not signing up listed with what it gains, an
ICB's own practices to edit, and the proposal kept in the URL only."""

from __future__ import annotations

import pandas as pd
import pytest

from pcnmap import store
from pcnmap.model import funding
from pcnmap.model.place import Place
from pcnmap.words import change_in_pounds
from tests.screen import metrics, run, shown

PAGE = "pages/6_Plan_a_change.py"
# A practice of 00X and two networks of 00X (2023-01).
PRACTICE, FROM, TO = "P81740", "U10791", "U57096"
# New Longton Surgery (00X), in Bridgedale South Ribble PCN, nearest a member
# practice of Greater Preston PCN (01E's network, with a member in 00X).
LEAVING, ITS_NETWORK, COVERING = "P81687", "U34632", "U09100"


def snapshot_tables(key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (store.read_table(store.DATA_DIR, key, "practices"),
            store.read_table(store.DATA_DIR, key, "networks"))


def comparison(app) -> pd.DataFrame:
    return app.dataframe[-1].value  # the networks that change


def entitlements(key: str, practices: pd.DataFrame) -> dict[str, float]:
    """Each network's entitlement in the snapshot's year, worked out from the
    funding model directly (members as given, covered lists included)."""
    book = funding.load_rates()
    info = store.snapshot_info(store.read_manifest(store.DATA_DIR), key)
    year = funding.default_year(book, info.financial_years)
    lists = store.read_root_table(store.DATA_DIR, "funding_lists")
    table = funding.network_funding(practices, lists, book, year).networks
    return dict(zip(table["network_code"], table["total"], strict=True))


def covered_money(key: str) -> tuple[dict[str, float], dict[str, float]]:
    """Entitlements today, and with LEAVING's list paid to COVERING."""
    practices, _ = snapshot_tables(key)
    moved = practices.assign(network_code=practices["network_code"].where(
        practices["practice_code"] != LEAVING, COVERING))
    return entitlements(key, practices), entitlements(key, moved)


def separate(key: str, method: str) -> dict[str, list[int]]:
    """ITS_NETWORK's and COVERING's separate groups of practices and parts,
    today and with LEAVING not signing up, by ``method``, from the piece
    graph (the LSOA graph: not the page's code path, which works them out
    for the changed networks only)."""
    from pcnmap.model import whatif
    from pcnmap.model.proposal import Proposal

    practices, networks = snapshot_tables(key)
    lsoas = store.read_table(store.DATA_DIR, key, "lsoa_networks")
    graph = store.read_graph(store.DATA_DIR, key)
    found = {}
    for when, scenario in (("now", whatif.current_scenario(practices, networks)),
                           ("proposed", whatif.apply(practices, networks,
                                                     Proposal({LEAVING: None})))):
        parts = whatif.contiguity(scenario, lsoas, graph, method).set_index("network_code")
        for column in ("groups", "significant_parts"):
            found[f"{column} {when}"] = [int(parts.at[code, column])
                                         for code in (ITS_NETWORK, COVERING)]
    return found


def expected_leaving_table(key: str, label: str, commissioners: str) -> dict[str, list]:
    """The networks that change when LEAVING does not sign up, as the page
    shows them (``label``: "proposed", "in your files"), by the default method."""
    from pcnmap.model.methods import DEFAULT

    parts = separate(key, DEFAULT)
    before, after = covered_money(key)
    gain = after[COVERING] - before[COVERING]
    assert gain > 0 and after[ITS_NETWORK] - before[ITS_NETWORK] == pytest.approx(-gain)
    return {
        "Network": ["BRIDGEDALE SOUTH RIBBLE PCN", "GREATER PRESTON PCN"],
        "Network code": [ITS_NETWORK, COVERING],
        "What changes": [
            "loses NEW LONGTON SURGERY (P81687), not signing up",
            "covers NEW LONGTON SURGERY (P81687), not signing up (2,091 patients)"],
        "Patients change": ["↓ −2,091 patients", "↑ +2,091 patients"],
        "Entitlement change": [change_in_pounds(-gain), change_in_pounds(gain)],
        "Network's commissioner": [
            "00X · Chorley and South Ribble (Lancashire and South Cumbria ICB)",
            "01E · Greater Preston (Lancashire and South Cumbria ICB)"],
        "Practices now": [5, 9], f"Practices {label}": [4, 9],
        "Patients now": [39_202, 95_583], f"Patients {label}": [37_111, 97_674],
        "Of which covered for a practice not signing up": [0, 2_091],
        "Entitlement now": [before[ITS_NETWORK], before[COVERING]],
        f"Entitlement {label}": [after[ITS_NETWORK], after[COVERING]],
        "Size now": ["30,000-50,000", "over 50,000"],
        f"Size {label}": ["30,000-50,000", "over 50,000"],
        f"Crosses {commissioners} now": ["Yes", "Yes"],
        f"Crosses {commissioners} {label}": ["Yes", "Yes"],
        "Separate groups of practices now": parts["groups now"],
        f"Separate groups of practices {label}": parts["groups proposed"],
        "Separate parts now": parts["significant_parts now"],
        f"Separate parts {label}": parts["significant_parts proposed"],
    }


def assert_table(table: pd.DataFrame, expected: dict[str, list]) -> None:
    assert list(table.columns) == list(expected)
    for heading, values in expected.items():
        if heading.startswith("Entitlement") and "change" not in heading:
            assert table[heading].tolist() == pytest.approx(values), heading
        else:
            assert table[heading].tolist() == values, heading


def test_moving_a_practice_with_the_form() -> None:
    practices, _ = snapshot_tables("2023-01")
    mine = practices.set_index("practice_code")
    assert mine.at[PRACTICE, "network_code"] == FROM
    app = run(PAGE, snapshot="2023-01", commissioner="00X")
    assert app.title[0].value == "Plan a change: Chorley and South Ribble (00X)"
    assert any("No change proposed yet" in info.value for info in app.info)
    # The form and the table list the place's own practices only.
    place = Place("2023-01", commissioner="00X")
    assert sorted(app.selectbox(key="move_practice").options) == sorted(
        f"{code} · {name}" for code, name in zip(
            place.practices(practices)["practice_code"],
            place.practices(practices)["practice_name"], strict=True))
    app.selectbox(key="move_practice").set_value(PRACTICE)
    target = next(o for o in app.selectbox(key="move_target").options if o.startswith(TO))
    app.selectbox(key="move_target").set_value(target)
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert app.query_params["moves"] == f"{PRACTICE}:{TO}"
    table = comparison(app)
    patients = mine.at[PRACTICE, "registered"]
    assert table["Network code"].tolist() == [FROM, TO]  # by name: Chorley and South..., Together
    assert table["What changes"].tolist() == ["loses ADLINGTON MEDICAL CENTRE (P81740)",
                                              "gains ADLINGTON MEDICAL CENTRE (P81740)"]
    assert table["Patients change"].tolist() == [f"↓ −{round(patients):,} patients",
                                                 f"↑ +{round(patients):,} patients"]
    assert table["Practices proposed"].tolist() == [1, 8]
    # The same address opens the same proposal in a new session.
    again = run(PAGE, snapshot="2023-01", commissioner="00X", moves=f"{PRACTICE}:{TO}")
    assert comparison(again).equals(table)


def test_the_network_covering_a_practice_not_signing_up_is_listed() -> None:
    """Issue 26: P81687 not signing up showed its own network's loss, 0
    covered on every row, and not the network covering it (01E's, so cut
    by commissioner): the money seemed to disappear."""
    app = run(PAGE, snapshot="2026-07", commissioner="00X", moves=f"{LEAVING}:")
    assert not app.exception and not app.error
    assert_table(comparison(app), expected_leaving_table("2026-07", "proposed",
                                                          "Sub-ICB locations"))
    assert shown(app.header[0].value) == "Networks that change (2), 2026/27 entitlements"
    figures = {shown(m.label): (m.value, m.delta) for m in app.metric}
    assert figures["Patients covered by a neighbouring network"] == ("2,091", "↑ +2,091")
    assert figures["Networks"] == ("7", "no change")


def test_an_icb_edits_its_own_practices_and_shows_its_own_figures() -> None:
    practices, networks = snapshot_tables("2026-07")
    icb = Place("2026-07", region="Y62", area="QE1")
    inside = icb.practices(practices)
    app = run(PAGE, snapshot="2026-07", area="QE1", moves=f"{LEAVING}:")
    assert not app.exception and not app.error
    assert app.title[0].value == "Plan a change: Lancashire and South Cumbria ICB"
    assert sorted(app.dataframe[0].value["practice_code"]) == sorted(inside["practice_code"])
    assert len(inside) < len(practices)
    mine = icb.network_codes(practices)
    sizes = networks.set_index("network_code").loc[sorted(mine), "registered"]
    assert metrics(app) == {
        "Networks": f"{len(mine):,}",
        "Networks under 30,000 patients": f"{(sizes < 30_000).sum():,}",
        "Networks crossing Sub-ICB locations": "4",
        "Patients in no network": "0",
        "Patients covered by a neighbouring network": "2,091"}
    assert comparison(app)["Network code"].tolist() == [ITS_NETWORK, COVERING]
    england = run(PAGE, snapshot="2026-07", moves=f"{LEAVING}:")
    assert metrics(england)["Networks"] == f"{len(networks):,}" != metrics(app)["Networks"]


def test_not_signing_up_and_a_new_network() -> None:
    practices, _ = snapshot_tables("2023-01")
    mine = practices.set_index("practice_code")
    app = run(PAGE, snapshot="2023-01", commissioner="00X")
    app.selectbox(key="move_practice").set_value(PRACTICE)
    app.selectbox(key="move_target").set_value("Not signing up (covered by a neighbour)")
    app.button[0].click().run()
    covered = metrics(app)["Patients covered by a neighbouring network"]
    assert covered == f"{mine.at[PRACTICE, 'registered']:,.0f}"
    hostile = "Riverside <img src=x onerror=alert(1)> ${alert(2)}"
    app.text_input[0].input(hostile)
    app.multiselect[0].select("P81010").select("P81033")
    app.button[1].click().run()
    assert not app.exception
    table = comparison(app).set_index("Network code")
    assert table.at["NEW1", "Network"] == hostile  # shown as text, not markup
    assert table.at["NEW1", "Practices now"] == 0
    assert table.at["NEW1", "Practices proposed"] == 2
    assert table.at["NEW1", "Patients proposed"] == round(
        mine.loc[["P81010", "P81033"], "registered"].sum())
    assert table.at["NEW1", "What changes"] == ("gains WITHNELL HEALTH CENTRE (P81010) and "
                                                "COPPULL MEDICAL PRACTICE (P81033)")
    assert app.query_params["new"].startswith("NEW1:")
    shown_text = comparison(app).astype(str).to_numpy().ravel().tolist()
    assert not {"None", "nan", "<NA>", "True", "False"} & set(shown_text)


def test_a_hand_edited_link_cannot_break_the_page() -> None:
    app = run(PAGE, snapshot="2023-01", commissioner="00X",
              moves="P81185:U99999,junk,Y00000:,:::", new="NEW1:%zz")
    assert not app.exception and not app.error
    warnings = " ".join(w.value for w in app.warning)
    assert "U99999" in warnings and "Y00000" in warnings
    assert any("No change proposed yet" in info.value for info in app.info)


def test_own_data_page_explains_itself_without_files() -> None:
    app = run("pages/7_Your_own_data.py", snapshot="2022-04")
    assert not app.exception
    assert "Nothing uploaded" in app.info[0].value


@pytest.mark.shipped_data
def test_new_longton_not_signing_up_lists_greater_preston_in_england() -> None:
    """Issue 26 on the shipped July 2026 data, for 00X: Greater Preston PCN
    (U09100) among the networks that change, +2,091 patients covered and
    the money New Longton Surgery's list takes with it."""
    app = run(PAGE, snapshot="2026-07", commissioner="00X", moves=f"{LEAVING}:")
    assert not app.exception and not app.error
    assert_table(comparison(app), expected_leaving_table("2026-07", "proposed",
                                                          "Sub-ICB locations"))


@pytest.mark.shipped_data
def test_lancashire_and_south_cumbria_shows_its_own_figures() -> None:
    practices, _ = snapshot_tables("2026-07")
    icb = Place("2026-07", region="Y62", area="QE1")
    app = run(PAGE, snapshot="2026-07", area="QE1")
    england = run(PAGE, snapshot="2026-07")
    assert not app.exception and not england.exception
    mine, everywhere = metrics(app), metrics(england)
    assert mine["Networks"] == f"{len(icb.network_codes(practices)):,}"
    gaps = icb.practices(practices)
    gaps = gaps.loc[gaps["network_code"].isna(), "registered"].sum()
    assert mine["Patients in no network"] == f"{gaps:,.0f}"
    assert everywhere["Networks"] == f"{practices['network_code'].nunique():,}"
    for label in ("Networks", "Networks under 30,000 patients",
                  "Networks crossing Sub-ICB locations"):
        assert mine[label] != everywhere[label], label
