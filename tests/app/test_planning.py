"""The planning pages in AppTest: a change made with the page's own controls,
its figures, and the proposal kept in the URL only."""

from __future__ import annotations

import pytest

from pcnmap import store
from tests.screen import run

PAGE = "pages/6_Plan_a_change.py"
PRACTICE, FROM, TO = "P81185", "U34632", "U10791"  # a Preston-area practice, two networks of 00X



@pytest.fixture()
def practices():
    return store.read_table(store.DATA_DIR, "2023-01", "practices").set_index("practice_code")


def changed(app) -> dict[str, float]:
    table = app.dataframe[-1].value  # the comparison
    return dict(zip(table["Network"], table["Patients change"], strict=True))


def test_moving_a_practice_with_the_form(practices) -> None:
    assert practices.at[PRACTICE, "network_code"] == FROM
    app = run(PAGE, snapshot="2023-01", commissioner="00X")
    assert any("No change proposed yet" in info.value for info in app.info)
    app.selectbox(key="move_practice").set_value(PRACTICE)
    target = next(o for o in app.selectbox(key="move_target").options if o.startswith(TO))
    app.selectbox(key="move_target").set_value(target)
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert app.query_params["moves"] == f"{PRACTICE}:{TO}"
    patients = practices.at[PRACTICE, "registered"]
    assert changed(app) == pytest.approx({FROM: -patients, TO: patients})
    # The same address opens the same proposal in a new session.
    again = run(PAGE, snapshot="2023-01", commissioner="00X", moves=f"{PRACTICE}:{TO}")
    assert changed(again) == changed(app)


def test_not_signing_up_and_a_new_network(practices) -> None:
    app = run(PAGE, snapshot="2023-01", commissioner="00X")
    app.selectbox(key="move_practice").set_value(PRACTICE)
    app.selectbox(key="move_target").set_value("Not signing up (covered by a neighbour)")
    app.button[0].click().run()
    figures = {m.label: m for m in app.metric}
    covered = figures["Covered by a neighbour"]
    assert covered.value == f"{practices.at[PRACTICE, 'registered']:,.0f}"
    hostile = "Riverside <img src=x onerror=alert(1)> ${alert(2)}"
    app.text_input[0].input(hostile)
    app.multiselect[0].select("P81010").select("P81033")
    app.button[1].click().run()
    assert not app.exception
    table = app.dataframe[-1].value.set_index("Network")
    assert table.at["NEW1", "Name"] == hostile  # shown as text, not markup
    assert table.at["NEW1", "Practices proposed"] == 2
    assert table.at["NEW1", "Patients proposed"] == pytest.approx(
        practices.loc[["P81010", "P81033"], "registered"].sum())
    assert app.query_params["new"].startswith("NEW1:")


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
