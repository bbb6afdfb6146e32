"""What the What changed tests share: a snapshot's data with its
commissioners labelled as the app labels them, places as the sidebar makes
them, and the rule selecting a place's practices worked out again from the
model's parts (to check the view's tables against)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pcnmap import store
from pcnmap.model import changes, places
from pcnmap.model.place import LEVEL_COLUMNS, Place, parts_of, settled
from pcnmap.views import what_changed
from pcnmap.views.source import SnapshotData


def snapshot_data(folder: Path, key: str) -> SnapshotData:
    """The snapshot of ``folder`` with the app's commissioner labels (the rule
    of ui.data.commissioner_labels: predecessor CCGs from the CCG snapshots)."""
    manifest = store.read_manifest(folder)["snapshots"]
    ccgs = [other for other in sorted(manifest, key=lambda k: manifest[k]["as_of"],
                                      reverse=True)
            if manifest[other]["commissioner_word"] == "CCG"]
    plain = SnapshotData.from_folder(folder, key)
    made: dict[str, dict[str, str]] = {}

    def labels() -> dict[str, str]:
        if not made:
            made.update(places.commissioner_labels(
                store.read_commissioners(folder, key)[["commissioner_code",
                                                       "commissioner_name"]],
                places.predecessor_names([store.read_table(folder, other, "practices")
                                          for other in ccgs]),
                places.main_districts(plain.practices)))
        return made

    return SnapshotData(key, plain.info, plain._load, labels=labels)


def place(data: SnapshotData, region: str | None = None, area: str | None = None,
          commissioner: str | None = None) -> Place:
    """The place of these codes as the sidebar settles them (named by its codes)."""
    region, area, commissioner = settled(data.practices, region, area, commissioner)
    return Place(data.key, region, area, commissioner,
                 name=commissioner or area or region or "England")


def practices_of(before: SnapshotData, after: SnapshotData, chosen: Place) -> set[str]:
    """The place's practices over the two snapshots by the rule, worked out
    from the model's parts: listed now by their own codes; listed in both
    and under the place's own code before; no longer listed, where they
    count now (:func:`pcnmap.model.changes.homes`)."""
    now = set(chosen.practices(after.practices)["practice_code"])
    if chosen.is_england:
        return now | set(before.practices["practice_code"])
    column = LEVEL_COLUMNS[chosen.level]
    listed = set(after.practices["practice_code"])
    was = set(before.practices.loc[before.practices[column] == chosen.code, "practice_code"])
    homes = after.remember(("test homes", before.key),
                           lambda: changes.homes(before.practices, after.practices))
    gone = set(homes.index[chosen.holds(homes)])
    return now | (was & listed) | gone


def network_codes(before: SnapshotData, after: SnapshotData, practices: set[str]) -> set[str]:
    """The networks with a member among ``practices`` in either snapshot."""
    found = set()
    for data in (before, after):
        frame = data.practices
        found |= set(frame.loc[frame["practice_code"].isin(practices), "network_code"].dropna())
    return found


def rows_outside(view: what_changed.WhatChangedView, practices: set[str],
                 networks: set[str]) -> dict[str, list[str]]:
    """Each table's rows whose key (a practice, a network) is not the place's."""
    outside = {}
    for name, table in view.tables.items():
        if table.key is None:
            continue
        allowed = practices if table.key == "practice_code" else networks
        keys = table.frame[table.key]
        outside[name] = sorted(set(keys[~keys.isin(list(allowed))]))
    return {name: found for name, found in outside.items() if found}


def figure(view: what_changed.WhatChangedView, start: str) -> int:
    """The value of the view's figure whose label starts with ``start``."""
    return int(next(f.value for f in view.figures if f.label.startswith(start)))


def shown(view: what_changed.WhatChangedView, name: str) -> pd.DataFrame:
    """A table as the screen shows it."""
    return view.tables[name].shown()


def sums_hold(before: SnapshotData, after: SnapshotData, wholes: list[Place]) -> None:
    """Each of ``wholes`` counts the practices its parts count between them
    (networks: the union of theirs), and no table of it or of its parts
    holds a row of another place."""
    views: dict[tuple, what_changed.WhatChangedView] = {}

    def view(chosen: Place) -> what_changed.WhatChangedView:
        if chosen.key not in views:
            views[chosen.key] = what_changed.what_changed(before, after, chosen)
        return views[chosen.key]

    for whole in wholes:
        parts = parts_of(whole, after.practices)
        for label in ("Practices moved network",
                      "Practices no longer listed"):
            assert figure(view(whole), label) == sum(figure(view(p), label) for p in parts), \
                (whole.code, label)
        # England's networks are every one that changed, those with no
        # practice listed in either snapshot too (no part has them).
        networks = view(whole).tables["networks"].frame
        memberless = set(networks.loc[(networks["members_before"] == 0)
                                      & (networks["members_after"] == 0), "network_code"])
        for number, counted in enumerate(view(whole).figures[:3]):
            assert counted.codes - memberless == frozenset().union(
                *(view(p).figures[number].codes for p in parts)), (whole.code, counted.label)
            assert not memberless or whole.is_england
        for chosen in [whole, *parts]:
            if chosen.is_england:  # all of England's rows are its own
                continue
            practices = practices_of(before, after, chosen)
            assert not rows_outside(view(chosen), practices,
                                    network_codes(before, after, practices)), chosen.code
