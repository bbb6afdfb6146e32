"""Finding a practice or network by name, ODS code or postcode."""

from __future__ import annotations

import pandas as pd

from pcnmap.codes import postcode_key

# Longer than any name or code; each word is one pass over every practice.
QUERY_LIMIT = 100


def find(practices: pd.DataFrame, query: str, limit: int = 20) -> pd.DataFrame:
    """Practices matching ``query``: an exact ODS or network code, a postcode
    (spaces ignored), or words found in the practice's or network's name.

    Exact code and postcode matches come first. Only the first
    :data:`QUERY_LIMIT` characters are searched for.
    """
    text = query[:QUERY_LIMIT].strip().upper()
    if not text:
        return practices.iloc[0:0]
    compact = text.replace(" ", "")
    code = (practices["practice_code"] == text) | (practices["network_code"] == text)
    postcode = postcode_key(practices["postcode"]) == compact
    district = postcode_key(practices["postcode"]).str.startswith(compact) & (len(compact) >= 3)
    words = text.split()
    names = (practices["practice_name"].fillna("") + " " + practices["network_name"].fillna(""))
    named = pd.Series(True, index=practices.index)
    for word in words:
        named &= names.str.upper().str.contains(word, regex=False)
    rank = (code * 4 + postcode * 3 + district * 2 + named * 1)
    found = practices.assign(rank=rank)[rank > 0]
    return found.sort_values(["rank", "practice_name"], ascending=[False, True]).head(
        limit).drop(columns="rank")


def within_area(practices: pd.DataFrame, region: str | None, area: str | None) -> pd.DataFrame:
    """Practices in an NHS region and an STP/ICB (ODS codes; None means any)."""
    if region:
        practices = practices[practices["region_code"] == region]
    if area:
        practices = practices[practices["stp_code"] == area]
    return practices


def serving(practices: pd.DataFrame, commissioner: str) -> pd.DataFrame:
    """A commissioner's practices and the members of its networks (a network
    can take members from a neighbouring commissioner)."""
    return practices[(practices["commissioner_code"] == commissioner)
                     | (practices["network_commissioner_code"] == commissioner)]


def networks_in_place(practices: pd.DataFrame, commissioner: str | None, region: str | None,
                      area: str | None) -> set[str]:
    """The networks with a member in the chosen place (a commissioner, or a
    region and STP/ICB; None: any)."""
    chosen = serving(practices, commissioner) if commissioner else within_area(
        practices, region, area)
    return set(chosen["network_code"].dropna())
