"""Practices joined to their networks: the one join the build, what-if and uploads share."""

from __future__ import annotations

import pandas as pd

from pcnmap.model.membership import attach_networks


def test_each_practice_gets_its_networks_name_and_commissioner() -> None:
    practices = pd.DataFrame({"practice_code": ["P81001", "P81002", "P81003", "P81004"],
                              "network_code": ["U34632", "U12345", None, "U99999"],
                              "commissioner_code": ["00X", "01E", "00X", "00X"]})
    networks = pd.DataFrame({"network_code": ["U34632", "U12345", "U34632"],
                             "network_name": ["CHORLEY CENTRAL PCN", "WEST PCN", "A REPEAT"],
                             "commissioner_code": ["00X", "00X", "01E"]})
    joined = attach_networks(practices, networks)
    assert joined["network_name"].tolist()[:2] == ["CHORLEY CENTRAL PCN", "WEST PCN"]
    # The practice's own commissioner (01E) is not its network's (00X).
    assert joined["network_commissioner_code"].tolist()[:2] == ["00X", "00X"]
    assert joined["commissioner_code"].tolist()[1] == "01E"
    # No network, or one the table lacks: neither name nor commissioner.
    assert joined.loc[2:, ["network_name", "network_commissioner_code"]].isna().all().all()
    assert "network_name" not in practices.columns  # the input is left as it was
