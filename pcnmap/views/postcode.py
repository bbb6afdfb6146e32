"""A postcode's answer as the Network map shows it: the network whose
indicative boundary holds it by each method (the map's first), and its
nearest practices."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pcnmap import columns as c
from pcnmap.columns import Column
from pcnmap.model import methods
from pcnmap.model.lookup import PostcodeAnswer
from pcnmap.views.parts import Table, table

METHOD_NAME = Column("method_name", "Method")
COVERED_BY = Column("covered_by", "Network")
NO_NETWORK = "none (nearest a practice in no network, or outside every boundary)"
NETWORKS_NOTE = ("Networks have no official boundary: by each indicative method, the network "
                 "whose boundary holds this postcode.")
NEAREST_NOTE = "Its nearest practices (straight-line distance):"


@dataclass(frozen=True)
class PostcodeView:
    """What the Network map shows for a postcode searched.

    Attributes:
        said: Who covers it by the map's method, in a sentence.
        networks: The network holding it by each method (the map's marked).
        nearest: Its nearest practices, nearest first, with their networks.
    """

    said: str
    networks: Table
    nearest: Table


def postcode_view(answer: PostcodeAnswer, method: str) -> PostcodeView:
    """``answer`` with the map's boundary ``method`` named first among equals."""
    rows = []
    for each in methods.METHODS:  # in the pickers' order
        if each in answer.networks:
            found = answer.networks[each]
            rows.append({METHOD_NAME: methods.SHORT_NAMES[each]
                         + (" (the map's)" if each == method else ""),
                         COVERED_BY: f"{found[1]} ({found[0]})" if found else NO_NETWORK})
    mine = answer.networks.get(method)
    said = (f"{answer.postcode}: covered by {mine[1]} ({mine[0]}) by the map's boundary method"
            if mine else f"{answer.postcode}: no network's boundary holds it by the map's method")
    return PostcodeView(
        said=said,
        networks=table(pd.DataFrame(rows, columns=[METHOD_NAME, COVERED_BY]),
                       (METHOD_NAME, COVERED_BY), caption=NETWORKS_NOTE),
        nearest=table(answer.nearest, (c.PRACTICE_NAME, c.NETWORK_NAME, c.DISTANCE_KM,
                                       c.POSTCODE, c.PRACTICE_CODE),
                      key=c.PRACTICE_CODE, caption=NEAREST_NOTE))
