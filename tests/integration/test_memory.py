"""What the app does to give memory back between runs (ui.data.release_memory)."""

from __future__ import annotations

import gc
import json
import weakref

from pcnmap.maps import elements
from ui import data

# A square over England as the plain base layer's outline: the map holds its text.
ENGLAND = json.dumps({"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[-5.7, 49.9], [1.8, 49.9], [1.8, 55.8], [-5.7, 55.8], [-5.7, 49.9]]]}}]})


def dropped_map() -> weakref.ref:
    """A map as a page draws it (built, rendered to HTML), then dropped."""
    fmap = elements.base_map((-2.8, 53.5, -2.4, 53.8), england=ENGLAND)
    fmap.get_root().render()
    return weakref.ref(fmap)


def test_a_dropped_map_is_freed_by_the_next_full_collection() -> None:
    gc.disable()  # as when the map has outlived Python's young collections
    try:
        gone = dropped_map()
        # Its elements point back at it: dropping it does not free it.
        assert gone() is not None
        data.release_memory(every=0, collect_every=0)
        assert gone() is None
    finally:
        gc.enable()


def test_full_collections_are_spaced_out() -> None:
    gc.disable()
    try:
        data.release_memory(every=0, collect_every=0)
        gone = dropped_map()
        data.release_memory(every=0, collect_every=3600)  # the last was just now
        assert gone() is not None
    finally:
        gc.enable()
        gc.collect()


def test_a_map_taken_apart_is_freed_when_dropped() -> None:
    gc.disable()  # no collection may help: dropping it must be enough
    try:
        fmap = elements.base_map((-2.8, 53.5, -2.4, 53.8), england=ENGLAND)
        html = fmap.get_root().render()
        elements.take_apart(fmap)
        gone = weakref.ref(fmap)
        del fmap
        assert gone() is None
        assert "fitBounds" in html  # it was drawn whole before
    finally:
        gc.enable()
