"""Hostile links in AppTest: text from the address shown as plain text, long
values cut or refused with one sentence, many problems summarised, and a
proposal too long for an address kept in the tab with its file offered."""

from __future__ import annotations

import re

import pytest

from pcnmap import store
from pcnmap.words import plain
from tests.screen import run, shown

PLAN = "pages/6_Plan_a_change.py"
MAP = "pages/1_Network_map.py"
LINK = "[Sign in](https://evil.example/login) ![x](https://evil.example/x.png)"



def markup_free(markdown: str) -> bool:
    """No Markdown-significant character left unescaped."""
    return not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown))


def test_a_search_from_the_link_is_shown_as_text() -> None:
    app = run(MAP, snapshot="2023-01", q=LINK)
    assert not app.exception
    [warning] = app.warning
    assert warning.value == f"Nothing matches {plain(repr(LINK))}."
    assert shown(warning.value) == f"Nothing matches {LINK!r}."
    assert markup_free(warning.value.removeprefix("Nothing matches ").removesuffix("."))


def test_a_bad_move_from_the_link_is_shown_as_text() -> None:
    app = run(PLAN, snapshot="2023-01", commissioner="00X",
              moves=f"P81185:{LINK.replace(',', '')},Y00000:U34632")
    assert not app.exception and not app.error
    [warning] = app.warning
    assert shown(warning.value) == (
        f"2 changes could not be applied: network {LINK} (for P81185) is neither a network of "
        "this snapshot nor a new network; change ignored; practice Y00000 is not in this "
        "snapshot; change ignored.")
    assert markup_free(warning.value)


def test_a_100_kb_search_is_cut_to_its_first_100_characters() -> None:
    query = "RIVERSIDE " * 10_000
    app = run(MAP, snapshot="2023-01", commissioner="00X", q=query)
    assert not app.exception
    told = [w.value for w in app.warning]
    assert told == ["The search was 100\\,000 characters long\\; only its first 100 were "
                    "used\\."]
    assert app.text_input(key="search").value == query[:100]
    assert "RIVERSIDE" in shown(app.success[0].value)
    assert len(app.query_params["q"][0] if isinstance(app.query_params["q"], list)
               else app.query_params["q"]) == 100
    app.run()
    assert not app.warning  # said once


def test_10000_unknown_moves_draw_one_sentence() -> None:
    moves = ",".join(f"Q{n:05d}:U34632" for n in range(10_000))  # no Q practices
    app = run(PLAN, snapshot="2023-01", moves=moves)
    assert not app.exception and not app.error
    assert [shown(w.value) for w in app.warning] == [
        "The address's 'moves' was 139,999 characters long, more than the 8,000 it may hold, "
        "and was ignored: load the proposal from its configuration file instead."]
    assert "moves" not in app.query_params
    moves = ",".join(f"Q{n:05d}:U34632" for n in range(500))  # within the caps
    app = run(PLAN, snapshot="2023-01", moves=moves)
    [warning] = app.warning
    assert shown(warning.value).startswith(
        "500 changes could not be applied: practice Q00000 is not in this snapshot; change "
        "ignored; practice Q00001")
    assert shown(warning.value).endswith("; and 495 more.")


@pytest.mark.shipped_data  # England's practices: a proposal longer than any address
def test_a_proposal_of_every_practice_stays_out_of_the_address() -> None:
    practices = store.read_table(store.DATA_DIR, "2023-01", "practices")
    rows = "".join(f"{code},U34632,\n" for code in practices["practice_code"])
    app = run(PLAN, snapshot="2023-01")
    app.get("file_uploader")[0].set_value(
        ("configuration.csv", f"practice_code,network_code,network_name\n{rows}".encode(),
         "text/csv"))
    app.run()
    assert not app.exception and not app.error
    moved = (practices["network_code"] != "U34632").sum()
    note = next(shown(i.value) for i in app.info if "too long" in i.value)
    assert note.startswith(f"This proposal ({moved:,} changes) is too long for the page's "
                           "address (")
    assert "an address safely holds 8,000" in note
    assert "moves" not in app.query_params and "new" not in app.query_params
    assert "Download the proposal's configuration (CSV)" in [
        b.proto.label for b in app.get("download_button")]
    table = app.dataframe[-1].value.set_index("Network code")
    assert table.at["U34632", "Practices proposed"] == len(practices.dropna(
        subset=["practice_code"]))
    app.run()  # a rerun keeps the proposal (in the tab)
    assert app.dataframe[-1].value.set_index("Network code").at["U34632", "Practices proposed"] \
        == table.at["U34632", "Practices proposed"]


# Every address value a page falls back from, with the sentence it says.
FALLBACKS = [
    ("pages/0_Overview.py", {"snapshot": "1999-01"}, "snapshot", "1999-01",
     "'2026-07' instead"),
    (MAP, {"snapshot": "2023-01", "network": "U99999"}, "network", "U99999", "none chosen"),
    (MAP, {"snapshot": "2023-01", "method": "magic"}, "boundary method", "magic",
     "'lsoa' instead"),
    (MAP, {"snapshot": "2023-01", "layers": "practices,ghosts"}, "layer", "ghosts",
     "the others"),
    (MAP, {"snapshot": "2023-01", "q": "Chorley", "pick": "practice:X00000"}, "search match",
     "practice:X00000", None),
    ("pages/2_Coverage_gaps.py", {"snapshot": "2023-01", "tab": "nowhere"}, "tab",
     "nowhere", "its first tab, 'Practices in no network'"),
    ("pages/2_Coverage_gaps.py", {"snapshot": "2023-01", "tab": "sizes", "band": "huge"},
     "size band", "huge", "'under' instead"),
    ("pages/4_Funding.py", {"snapshot": "2023-01", "year": "1999/00"}, "financial year",
     "1999/00", None),
    ("pages/4_Funding.py", {"snapshot": "2023-01", "view": "sideways"}, "view", "sideways",
     "'total' instead"),
    ("pages/4_Funding.py", {"snapshot": "2023-01", "sort": "random"}, "order", "random",
     "'total' instead"),
    ("pages/8_What_changed.py", {"snapshot": "2023-01", "since": "1999-01"},
     "earlier snapshot", "1999-01", None),
    ("pages/0_Overview.py", {"present": "yes"}, "presentation setting", "yes",
     "the page as usual ('1' is presentation mode)"),
]


@pytest.mark.parametrize(("page", "query", "what", "value", "instead"), FALLBACKS)
def test_an_address_value_the_page_lacks_is_said_once(page: str, query: dict, what: str,
                                                      value: str, instead: str | None) -> None:
    app = run(page, **query)
    assert not app.exception
    told = [shown(w.value) for w in app.warning if "The address asks for" in shown(w.value)]
    start = f"The address asks for the {what} '{value}', which this page does not have; it "
    assert len(told) == 1 and told[0].startswith(start)
    if instead:
        assert told[0] == f"{start}shows {instead}."
    app.run()  # said once: the value is gone from the address
    assert not [w for w in app.warning if "The address asks for" in shown(w.value)]
