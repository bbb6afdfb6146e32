"""The Network map's search: one box, a typed list of matches to pick from,
and what the pick shows (a practice's network, a postcode's networks by
every boundary method, a commissioner, a place). The pick lives in the
address (``q``, ``pick``); clearing the box leaves neither."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import pandas as pd
import streamlit as st

from pcnmap import columns as c
from pcnmap.maps import escaping
from pcnmap.model import lookup, methods, places
from pcnmap.views.postcode import postcode_view
from pcnmap.words import plain
from ui import data, display, urlstate

SEARCH_LABEL = "Search: a practice, network, commissioner, place or postcode"
# Around a point: about 4 km by 4 km, a practice and its neighbours.
AROUND = (0.03, 0.02)


@dataclass(frozen=True)
class Picked:
    """What the chosen match asks of the map: where to look (minx, miny,
    maxx, maxy), a point to mark and its label, and a network to open."""

    bounds: tuple[float, float, float, float] | None = None
    mark: tuple[float, float] | None = None
    mark_label: str = ""
    network: str | None = None
    match: lookup.Match | None = None
    answer: lookup.PostcodeAnswer | None = None


def _around(longitude: float, latitude: float) -> tuple[float, float, float, float]:
    return (longitude - AROUND[0], latitude - AROUND[1], longitude + AROUND[0],
            latitude + AROUND[1])


def search_box(snapshot: str, commissioner: str | None = None) -> Picked:
    """The search box and, below it, its list of matches (those of the chosen
    commissioner's practices and networks first); what the chosen one shows.
    Stacked, for the column beside the map."""
    typed = listed = st
    query = typed.text_input(SEARCH_LABEL, value=urlstate.param("q") or "", key="search",
                             max_chars=lookup.QUERY_LIMIT,
                             placeholder="e.g. Riverside, P81185, Chorley, PR5 6DT")
    if not query.strip():
        for key in ("q", "pick"):  # nothing stale left in the address
            st.query_params.pop(key, None)
        return Picked()
    st.query_params["q"] = query
    # Commissioners of the other snapshots too ("Frimley": D4U1Y, gone in
    # April 2026, and the three that hold its practices now).
    matches = lookup.with_other_commissioners(data.search_matches(snapshot, query),
                                              data.other_commissioner_matches(snapshot, query))
    if commissioner:
        mine = lookup.serving(data.practices(snapshot), commissioner)
        matches = lookup.nearby_first(matches, set(mine[c.PRACTICE_CODE])
                                      | set(mine[c.NETWORK_CODE].dropna()))
    if not matches:
        st.query_params.pop("pick", None)
        listed.warning(f"Nothing matches {plain(repr(query))}.")
        return Picked()
    by_key = {match.key: match for match in matches}
    options = list(by_key)
    urlstate.url_choice("pick", options, options[0])
    counts = pd.Series([m.kind for m in matches]).value_counts()
    found = ", ".join(f"{count} {lookup.KINDS[kind].lower()}{'s' if count > 1 else ''}"
                      for kind, count in counts.items())
    key = listed.selectbox(f"Matches ({found}): pick one", options, key="pick",
                           format_func=lambda k: f"{lookup.KINDS[by_key[k].kind]} · "
                                                 f"{by_key[k].label}")
    urlstate.url_store("pick", key, options[0])
    return _picked(snapshot, by_key[key])


def _picked(snapshot: str, match: lookup.Match) -> Picked:
    """Where the map looks and what it marks for ``match``."""
    if match.kind == "practice":
        practice = data.practices(snapshot).set_index(c.PRACTICE_CODE).loc[match.code]
        network = practice[c.NETWORK_CODE] if isinstance(practice[c.NETWORK_CODE], str) \
            else None
        if match.longitude is None:
            return Picked(network=network, match=match)
        return Picked(_around(match.longitude, match.latitude),
                      (match.longitude, match.latitude), practice[c.PRACTICE_NAME], network,
                      match)
    if match.kind == "postcode":
        answer = data.postcode_answer(snapshot, match.code)
        if answer is None:  # listed, so it is there; kept safe all the same
            return Picked(match=match)
        mine = answer.networks.get(urlstate.param("method") or next(iter(methods.METHODS)))
        return Picked(_around(answer.longitude, answer.latitude),
                      (answer.longitude, answer.latitude), answer.postcode,
                      mine[0] if mine else None, match, answer)
    if match.kind == "network":
        members = data.practices(snapshot)
        members = members[members[c.NETWORK_CODE] == match.code].dropna(subset=["longitude"])
        bounds = None if members.empty else (
            members["longitude"].min() - 0.01, members["latitude"].min() - 0.01,
            members["longitude"].max() + 0.01, members["latitude"].max() + 0.01)
        return Picked(bounds, network=match.code, match=match)
    if match.kind in ("former", "later"):
        other = data.other_commissioners(snapshot)[match.code]
        here = data.practices(snapshot)
        placed = here[here[c.PRACTICE_CODE].isin(other.members)].dropna(subset=["longitude"])
        return Picked(None if placed.empty else (
            placed["longitude"].min() - 0.01, placed["latitude"].min() - 0.01,
            placed["longitude"].max() + 0.01, placed["latitude"].max() + 0.01), match=match)
    if match.kind == "place":
        place = data.districts().set_index(c.DISTRICT_CODE).loc[match.code]
        return Picked((place["min_longitude"], place["min_latitude"], place["max_longitude"],
                       place["max_latitude"]), (match.longitude, match.latitude)
                      if match.longitude is not None else None, place[c.DISTRICT_NAME],
                      match=match)
    return Picked(match=match)


def details(snapshot: str, picked: Picked) -> None:
    """What the chosen match is, beside the map: a practice's network, a
    postcode's networks by every method and its nearest practices, a
    commissioner to show."""
    match = picked.match
    if match is None:
        return
    if match.kind == "practice":
        practice = data.practices(snapshot).set_index(c.PRACTICE_CODE).loc[match.code]
        st.success(plain(
            f"{practice['practice_name']} ({match.code}, {practice['postcode']}): "
            f"{practice['network_name'] if picked.network else 'in no network'}"))
    elif match.kind == "postcode":
        _postcode(picked)
    elif match.kind == "place":
        st.caption(plain(f"{match.label} (local authority district), "
                                  "marked on the map."))
    elif match.kind == "commissioner":
        _commissioner(match)
    elif match.kind in ("former", "later"):
        _other_commissioner(snapshot, match)


def _commissioner(match: lookup.Match) -> None:
    """A commissioner found: shown only when asked, as it changes the page's place."""
    if st.button(plain(f"Show {match.label}"), key="show-commissioner"):
        st.query_params["commissioner"] = match.code
        for key in ("region", "area"):
            st.query_params.pop(key, None)
        st.rerun()
    return Picked()


def _other_commissioner(snapshot: str, match: lookup.Match) -> None:
    """A commissioner of another snapshot: what it was, where its practices
    are now (each), and a button for each commissioner holding them."""
    other = data.other_commissioners(snapshot)[match.code]
    labels = data.commissioner_labels(snapshot)
    st.info(plain(places.where_now_words(other, labels, data.snapshot(snapshot).label)))
    for code, count in other.now:
        if st.button(plain(f"Show {places.short_label(labels.get(code, code), code)}: "
                           f"{count:,} of its practices"), key=f"show-commissioner-{code}"):
            st.query_params["commissioner"] = code
            for key in ("region", "area"):
                st.query_params.pop(key, None)
            st.rerun()
    st.dataframe(places.where_now(other, data.practices(snapshot), labels),
                 hide_index=True, width="stretch")


def _postcode(picked: Picked) -> None:
    answer = picked.answer
    if answer is None:
        st.warning(f"No position for {plain(picked.match.code)}.")
        return
    view = postcode_view(answer, urlstate.param("method") or next(iter(methods.METHODS)))
    st.success(plain(view.said))
    display.table(view.networks, download=False)
    display.table(view.nearest, download=False)


def mark(fmap: folium.Map, picked: Picked) -> None:
    """Mark the chosen practice, postcode or place on the map: a ring that
    no network colour hides, and its name beside it (escaped)."""
    if picked.mark is None:
        return
    longitude, latitude = picked.mark
    group = folium.FeatureGroup(name="Search result", control=False)
    folium.CircleMarker((latitude, longitude), radius=15, color="#000000", weight=5,
                        fill=False, interactive=False).add_to(group)
    folium.CircleMarker((latitude, longitude), radius=15, color="#FFD700", weight=2,
                        fill=False, interactive=False,
                        tooltip=folium.Tooltip(escaping.escape(picked.mark_label),
                                               permanent=True, direction="right",
                                               offset=(16, 0), class_name="pcnmap-found")
                        ).add_to(group)
    group.add_to(fmap)
