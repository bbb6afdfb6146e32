"""The page's address as its state: every choice lives in the URL, so a
copied link opens the same view and the back button works.

Each parameter is read within its cap (:mod:`pcnmap.links`); a value the
page cannot show is said once in a sentence and taken out of the address
(:func:`fell_back`). The choices every page shares (:data:`SHARED_KEYS`)
follow the person from page to page."""

from __future__ import annotations

import streamlit as st

from pcnmap import links
from pcnmap.words import plain

# What each address parameter chooses, in words (for the sentence saying a
# value was not one of the page's choices).
URL_WORDS = {"snapshot": "snapshot", "method": "boundary method", "year": "financial year",
             "tab": "tab", "band": "size band", "network": "network", "pick": "search match",
             "view": "view", "sort": "order", "since": "earlier snapshot", "layers": "layer",
             "present": "presentation setting"}
# The choices every page shares: a change of page keeps them in the address.
SHARED_KEYS = ("snapshot", "region", "area", "commissioner", "method", "present")
# What pages keep of a session's uploads (tens of megabytes for national
# files): let go when the person leaves the page, as its file uploader lets
# go of the files themselves.
LEFT_BEHIND = ("own_files_result", "own_files_beside", "configuration_result",
               "weighted_result", "footprint_result")


def param(name: str) -> str | None:
    """The URL parameter ``name`` within its cap (:mod:`pcnmap.links`).

    What is over is cut or ignored, and taken out of the address too, so
    the one sentence saying so is shown once.
    """
    value, problem = links.capped(name, st.query_params.get(name))
    if problem:
        st.warning(plain(problem))
        if value is None:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = value
    return value


def fell_back(key: str, value: object, instead: str) -> None:
    """Say, once, that the address's ``key`` held ``value``, which the page
    cannot show, and what it shows ``instead``; and take it out of the
    address, so the sentence is not said again on the next run."""
    st.warning(plain(f"The address asks for the {URL_WORDS.get(key, key)} {str(value)!r}, "
                     f"which this page does not have; it shows {instead}."))
    st.query_params.pop(key, None)


def url_choice(key: str, options: list, default) -> None:
    """Before a widget keyed ``key``: take the URL's value when the URL changed
    from outside (a shared link, the back or forward button), or when the
    widget holds what is no longer an option (its options changed with the
    snapshot: Streamlit can then hand back an option's label, not the option),
    or on another page than it was set on (a change of page resets widgets
    to their first option while their keys stay)."""
    wanted = param(key)
    held = st.session_state.get(key, default)
    page = st.session_state.get("_page")
    if wanted is not None and wanted not in options and \
            wanted != st.session_state.get(f"_url_{key}"):
        fell_back(key, wanted, "none chosen" if default is None else f"{str(default)!r} instead")
        wanted = None
    if (key not in st.session_state or wanted != st.session_state.get(f"_url_{key}")
            or held not in options or st.session_state.get(f"_page_{key}") != page):
        st.session_state[key] = wanted if wanted in options else default
        st.session_state[f"_url_{key}"] = wanted if wanted in options else None
    st.session_state[f"_page_{key}"] = page


def url_store(key: str, value, default=None) -> None:
    """After a widget: write its value to the URL (the default leaves no trace)."""
    if value is None or value == default:
        st.query_params.pop(key, None)
        st.session_state[f"_url_{key}"] = None
    else:
        st.query_params[key] = str(value)
        st.session_state[f"_url_{key}"] = str(value)


def url_pick(key: str, label: str, options: dict[str, str], widget) -> str:
    """A ``widget`` (radio, selectbox) choosing one of ``options`` (code ->
    its words), kept in the address under ``key``; the first is the default."""
    first = next(iter(options))
    url_choice(key, list(options), first)
    chosen = widget(label, list(options), format_func=options.get, key=key)
    url_store(key, chosen, first)
    return chosen


def url_tabs(labels: dict[str, str], key: str) -> list:
    """Tabs whose choice lives in the URL under ``key`` as a code of
    ``labels`` (code -> the tab's name; the first tab leaves no trace).

    The tabs' default never changes (the first tab): a default that followed
    the address changed on every click, and Streamlit put the tab back to it,
    so every second click was lost. The address sets the tab only when it
    changed from outside (a shared link, the back button)."""
    codes = list(labels)
    wanted = param(key)
    if wanted is not None and wanted not in labels:
        fell_back(key, wanted, f"its first tab, {labels[codes[0]]!r}")
        wanted = None
    if key not in st.session_state or wanted != st.session_state.get(f"_url_{key}"):
        st.session_state[key] = labels[wanted if wanted in labels else codes[0]]
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun")
    shown = st.session_state.get(key)
    code = next((c for c, label in labels.items() if label == shown), codes[0])
    url_store(key, code, codes[0])
    return tabs


def url_multi(label: str, key: str, options: dict[str, str], where=st.sidebar) -> list[str]:
    """A multiselect of ``options`` (code -> name) kept in the URL under
    ``key`` as comma-separated codes (all chosen leaves no trace; none: "none").

    Its widget is keyed by the names too: Streamlit matches a multiselect's
    value to its options by their names, so names that change with the
    snapshot ("CCG boundaries", "Sub-ICB location boundaries") would break it.
    """
    every = list(options)
    wanted = param(key)
    if wanted is None:
        chosen = every
    else:
        chosen = [] if wanted == "none" else [c for c in wanted.split(",") if c in options]
        unknown = [c for c in wanted.split(",") if c not in options and c != "none"]
        if unknown and wanted != st.session_state.get(f"_url_{key}"):
            fell_back(key, ",".join(unknown), "the others" if chosen else "every layer")
            if not chosen:
                chosen, wanted = every, None
    widget = f"{key}-{'|'.join(options.values())}"
    page = st.session_state.get("_page")
    if (widget not in st.session_state or wanted != st.session_state.get(f"_url_{key}")
            or st.session_state.get(f"_page_{key}") != page):
        st.session_state[widget] = chosen
    st.session_state[f"_page_{key}"] = page
    picked = [c for c in where.multiselect(label, every, format_func=options.get, key=widget)
              if c in options]
    url_store(key, None if picked == every else ",".join(picked) or "none")
    return picked


def keep_shared_choices(page_path: str) -> None:
    """Before a page runs: when the page changed (the navigation drops the
    address's parameters) and the address names none of the shared choices,
    put back the ones the last page had, so the place, snapshot, method and
    presentation mode follow from page to page. What the last page kept
    of uploads (:data:`LEFT_BEHIND`) is let go."""
    last_page = st.session_state.get("_page")
    shared = st.session_state.get("_shared") or {}
    if last_page is not None and last_page != page_path:
        for key in LEFT_BEHIND:
            st.session_state.pop(key, None)
    if last_page is not None and last_page != page_path and shared and not any(
            key in st.query_params for key in SHARED_KEYS):
        for key, value in shared.items():
            st.query_params[key] = value
    st.session_state["_page"] = page_path


def remember_shared_choices() -> None:
    """After a page ran: what the address holds of the shared choices."""
    st.session_state["_shared"] = {key: st.query_params[key] for key in SHARED_KEYS
                                   if key in st.query_params}
