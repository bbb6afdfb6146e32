"""Which network each practice belongs to, written onto the practices.

The build, a what-if scenario and an upload each end with practices and a
networks table; this is the one place the two are joined.
"""

from __future__ import annotations

import pandas as pd


def attach_networks(practices: pd.DataFrame, networks: pd.DataFrame) -> pd.DataFrame:
    """``practices`` with ``network_name`` and ``network_commissioner_code``
    (the commissioner its network belongs to) from ``networks``.

    ``networks`` needs ``network_code``, ``network_name`` and
    ``commissioner_code``; a code listed twice counts once (the first). A
    practice in no network, or in one the table lacks, gets neither.
    """
    index = networks.drop_duplicates("network_code").set_index("network_code")
    joined = practices.copy()
    joined["network_name"] = joined["network_code"].map(index["network_name"])
    joined["network_commissioner_code"] = joined["network_code"].map(index["commissioner_code"])
    return joined
