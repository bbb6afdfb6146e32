"""The app's memory: the allocators set once by the entry point, and what
it hands back between runs."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import threading
import time

import pyarrow as pa

_LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
# Two malloc arenas at most. Streamlit runs each rerun in a new thread, and
# glibc gives threads arenas of their own (up to eight a core), each keeping
# what its threads freed for them alone: under 20 sessions the app peaked at
# 561 MB with them and 530 MB with two (bench/load.py).
ARENAS = 2
_CONFIGURED = threading.Event()
_TRIMMED = [0.0]
_COLLECTED = [0.0]
_TRIM_LOCK = threading.Lock()


def configure() -> None:
    """Set the process's allocators, once (the entry point calls it on every
    run; only the first does anything). Set before the sessions' threads
    allocate much, the arena limit holds for the process."""
    if _CONFIGURED.is_set():
        return
    _CONFIGURED.set()
    # Arrow's own allocator (mimalloc) keeps what it frees; the system's
    # gives it back with the rest (release_memory): 30 MB less once the data
    # is loaded.
    pa.set_memory_pool(pa.system_memory_pool())
    # Blocks of a megabyte or more (a map's text, a rerun's messages) come
    # straight from the system and go straight back; glibc would otherwise
    # raise this threshold as such blocks are freed and keep the next ones
    # in its heap.
    _LIBC.mallopt(-3, 1024 * 1024)  # M_MMAP_THRESHOLD (malloc.h)
    _LIBC.mallopt(-8, ARENAS)  # M_ARENA_MAX


# Seconds between full garbage collections (see release_memory).
COLLECT_EVERY = 10.0


def release_memory(every: float = 1.0, collect_every: float = COLLECT_EVERY) -> None:
    """Hand memory freed by the last runs back to the system (at most once a
    second, for all sessions; about a millisecond), after a full garbage
    collection every ``collect_every`` seconds (0.1-0.2 s).

    Each rerun of a map page builds and drops megabytes of text in its own
    thread; glibc keeps what such threads free in their own arenas, and
    under 20 sessions the app held 100 MB more than it used (bench/load.py).

    The collection is needed because a folium map is a tree whose elements
    point back at their parents: every map page's run leaves a cycle that
    holds its layers' text, which only a full collection frees. Streamlit's
    collection after every run is off (``runner.postScriptGC``: 40% of each
    rerun's time), and Python's own rarely reaches the oldest generation
    when the caches hold millions of objects. Without this the app grew by
    150 MB in 90 s under 20 sessions, and did not stop (bench/load.py).
    """
    now = time.monotonic()
    with _TRIM_LOCK:
        if now - _TRIMMED[0] < every:
            return
        _TRIMMED[0] = now
        collect = now - _COLLECTED[0] >= collect_every
        if collect:
            _COLLECTED[0] = now
    if collect:
        gc.collect()
    _LIBC.malloc_trim(0)
