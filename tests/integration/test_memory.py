"""What the app does to give memory back between runs (ui.memory.release_memory)."""

from __future__ import annotations

import gc
import json
import platform
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from pcnmap.maps import basemap
from ui import memory

ROOT = Path(__file__).resolve().parents[2]

# A square over England as the plain base layer's outline: the map holds its text.
ENGLAND = json.dumps({"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [
        [[-5.7, 49.9], [1.8, 49.9], [1.8, 55.8], [-5.7, 55.8], [-5.7, 49.9]]]}}]})


def dropped_map() -> weakref.ref:
    """A map as a page draws it (built, rendered to HTML), then dropped."""
    fmap = basemap.base_map((-2.8, 53.5, -2.4, 53.8), england=ENGLAND)
    fmap.get_root().render()
    return weakref.ref(fmap)


def test_a_dropped_map_is_freed_by_the_next_full_collection() -> None:
    gc.disable()  # as when the map has outlived Python's young collections
    try:
        gone = dropped_map()
        # Its elements point back at it: dropping it does not free it.
        assert gone() is not None
        memory.release_memory(every=0, collect_every=0)
        assert gone() is None
    finally:
        gc.enable()


def test_full_collections_are_spaced_out() -> None:
    gc.disable()
    try:
        memory.release_memory(every=0, collect_every=0)
        gone = dropped_map()
        memory.release_memory(every=0, collect_every=3600)  # the last was just now
        assert gone() is not None
    finally:
        gc.enable()
        gc.collect()


def test_a_map_taken_apart_is_freed_when_dropped() -> None:
    gc.disable()  # no collection may help: dropping it must be enough
    try:
        fmap = basemap.base_map((-2.8, 53.5, -2.4, 53.8), england=ENGLAND)
        html = fmap.get_root().render()
        basemap.take_apart(fmap)
        gone = weakref.ref(fmap)
        del fmap
        assert gone() is None
        assert "fitBounds" in html  # it was drawn whole before
    finally:
        gc.enable()


# Eight threads allocating at once, as sessions' reruns do; then glibc's own
# account of its arenas (malloc_info writes one <heap> element each).
ARENA_COUNT = """
import ctypes, os, re, sys, tempfile, threading
if sys.argv[1] == "app":
    import ui.memory
    ui.memory.configure()
libc = ctypes.CDLL("libc.so.6")
libc.fdopen.restype = ctypes.c_void_p
libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
held, started, done = [], threading.Barrier(9), threading.Event()
def allocate():
    started.wait()
    held.append([bytearray(1000) for _ in range(2000)])
    done.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
started.wait()
threading.Event().wait(0.5)
done.set()
for thread in threads:
    thread.join()
with tempfile.TemporaryFile("w+") as out:
    stream = libc.fdopen(os.dup(out.fileno()), b"w")
    libc.malloc_info(0, stream)
    libc.fclose(stream)
    out.seek(0)
    print(len(re.findall('<heap nr="', out.read())))
"""


def arenas(imported: str) -> int:
    result = subprocess.run([sys.executable, "-c", ARENA_COUNT, imported], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=True)
    return int(result.stdout.split()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="malloc arenas are glibc's")
def test_the_app_keeps_to_two_malloc_arenas_however_many_threads_allocate() -> None:
    assert arenas("plain") > memory.ARENAS  # without the app's setting, one a thread
    assert arenas("app") <= memory.ARENAS
