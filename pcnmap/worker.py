"""Uploads read, and set beside a snapshot, in worker processes with limits.

A file a user brings is read by :func:`pcnmap.uploads.read_uploads` in a
separate process (``python -m pcnmap.worker``), and the files read are set
beside a snapshot by :func:`pcnmap.uploads.beside_snapshot` in another, so
that no file can stall or starve the app's other users: the process may use
:data:`SECONDS` of processor time, its start included (then the kernel stops
it), and :data:`MEMORY_BYTES` more address space than it has once started (an
allocation beyond fails, and the file is refused). Processor time, not the
clock: on a machine busy with other work a good file still gets its
seconds, while a hostile one is stopped after the same work; the clock is
only a backstop (:data:`WALL_FACTOR` times as long). At most
:data:`MAX_WORKERS` run at once; the app's own threads only wait on a pipe.

The worker is a fresh interpreter, not a fork of the app (forking a
threaded server is unsafe), and sends its result back pickled. It runs as
the app's own user, so this is a limit on resources, not a boundary of
privilege.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from pcnmap import uploads
from pcnmap.problems import SourceError

LOG = logging.getLogger("pcnmap")
ROOT = Path(__file__).resolve().parent.parent

# The page shown within 10 s of an upload: the worker's start and the page's
# own drawing (a second or two on a busy machine) come on top of the reading.
SECONDS = 7.0
# A worker that waits rather than works (it should not) is killed after this
# many times SECONDS by the clock.
WALL_FACTOR = 3
# Beyond the started worker (about 150 MB once pandas is in): under 500 MB in all.
MEMORY_BYTES = 300 * 1000 * 1000
MAX_WORKERS = 2  # the machine's cores; further files wait their turn
BESIDE = "--beside"  # the worker's first argument for a comparison
_SLOTS = threading.BoundedSemaphore(MAX_WORKERS)
# glibc reserves 64 MB of address space for each thread's malloc arena, and
# aborts the process when it cannot: two arenas, one thread for the maths.
WORKER_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1",
                      "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _address_space() -> int:
    """This process's virtual memory size in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit(seconds: float, memory: int) -> None:
    """Cap this process: its address space, and its processor time (the
    kernel sends SIGXCPU at ``seconds``, SIGKILL a second later)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + memory
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    cpu = math.ceil(seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _peak_resident() -> int:
    """This process's peak resident memory in bytes (Linux's VmHWM)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def main(arguments: list[str]) -> int:
    """The worker: read one file (``path seconds memory``), or set uploads
    beside a snapshot (``--beside seconds memory``, the pickled arguments of
    :func:`pcnmap.uploads.beside_snapshot` on stdin); write the pickled
    outcome to stdout."""
    seconds, memory = float(arguments[1]), int(arguments[2])
    job = sys.stdin.buffer.read() if arguments[0] == BESIDE else None
    _limit(seconds, memory)
    try:
        if job is not None:
            outcome = ("read", uploads.beside_snapshot(*pickle.loads(job)))
        else:
            path = Path(arguments[0])
            result = uploads.read_uploads([path])
            # The workbook reader reports any failure as unreadable, naming its kind.
            outcome = ("memory", None) if any("MemoryError" in str(e) for e in result.errors) \
                else ("read", result)
            result.peak_memory[path.name] = _peak_resident()
        data = pickle.dumps(outcome)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception as error:  # the app shows a sentence; its log gets the kind
        data = pickle.dumps(("failed", f"{type(error).__name__}: {error}"[:500]))
    sys.stdout.buffer.write(data)
    return 0


def read_uploads(paths: list[Path], *, seconds: float = SECONDS,
                 memory: int = MEMORY_BYTES) -> uploads.Uploaded:
    """:func:`pcnmap.uploads.read_uploads`, each file in its own worker.

    A file that takes longer than ``seconds`` or needs more than ``memory``
    bytes gets a :class:`~pcnmap.problems.SourceError` saying so, and the
    other files are still read (two at a time). Waiting for a free worker (other users'
    files) is not counted in ``seconds``.
    """
    result = uploads.Uploaded()
    with ThreadPoolExecutor(MAX_WORKERS) as pool:
        each = list(pool.map(lambda path: _read_one(Path(path), seconds, memory), paths))
    for one in each:
        repeated = [kind for kind in one.files if kind in result.files]
        for kind in repeated:  # a second file of a kind: said, not silently unused
            result.errors.append(SourceError(
                one.files[kind], f"is a second {uploads.KINDS[kind]}; the first "
                f"({result.files[kind].name}) is used", expected="one file of each kind"))
        if repeated:
            continue
        result.files.update(one.files)
        result.peak_memory.update(one.peak_memory)
        for name in ("practices", "england", "networks", "members", "registered",
                     "configuration", "payments", "footprints"):
            if getattr(one, name) is not None:
                setattr(result, name, getattr(one, name))
        result.errors.extend(one.errors)
        result.log.extend(one.log)
    return result


def read_files(files: Iterable[tuple[str, bytes | memoryview]], space: uploads.SessionSpace,
               kinds: Collection[str]) -> uploads.Uploaded:
    """The one way a user's files are read, on every page: each file's size
    and kind told from a view of it (:func:`pcnmap.uploads.kind_of`), one of
    ``kinds`` (what the page uses) or refused with the reason, saved in the
    session's ``space`` under a name of its own, then read and checked in a
    worker (:func:`read_uploads`). At most :data:`pcnmap.uploads.MAX_FILES`.

    Args:
        files: Each upload's name (as the browser gave it) and content.
        space: The session's folder.
        kinds: The kinds (keys of :data:`pcnmap.uploads.KINDS`) the page uses.

    Returns:
        What the files hold; every refusal in ``errors``, in the files' order.
    """
    refused, paths = [], []
    for number, (name, content) in enumerate(files, start=1):
        try:
            if number > uploads.MAX_FILES:
                raise SourceError(uploads.safe_name(name), "was not read: more files than the "
                                  "app reads at once",
                                  expected=f"at most {uploads.MAX_FILES} files")
            kind = uploads.kind_of(name, content)
            if kind not in kinds:
                raise SourceError(uploads.safe_name(name), f"is a file of another kind "
                                  f"({uploads.KINDS[kind]}), which this page does not use",
                                  expected="one of: " + "; ".join(uploads.KINDS[k]
                                                                  for k in kinds))
            paths.append(space.save(name, content))
        except SourceError as error:
            refused.append(error)
    result = read_uploads(paths) if paths else uploads.Uploaded()
    result.errors[:0] = refused
    return result


def _run(arguments: list[str], job: bytes | None, seconds: float, memory: int
         ) -> tuple[str, object]:
    """One worker, once a slot is free, waited for: its outcome ("read",
    "slow", "memory", "failed", "died", or "busy" when no slot came free
    within a minute) and its value (the result, or what it said)."""
    if not _SLOTS.acquire(timeout=60):
        return "busy", None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pcnmap.worker", *arguments, str(seconds), str(memory)],
            cwd=ROOT, env={**os.environ, **WORKER_ENVIRONMENT},
            stdin=subprocess.PIPE if job is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(job, timeout=seconds * WALL_FACTOR)
            if out:
                outcome, value = pickle.loads(out)
            elif process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
                outcome, value = "slow", None  # its processor time ran out
            else:  # it died without a word: an allocation in C code failed, say
                outcome = "memory" if b"memory" in err.lower() else "died"
                value = err[-500:]
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            outcome, value = "slow", None
    finally:
        _SLOTS.release()
    if outcome != "read":
        LOG.warning("worker %s stopped: %s %s (exit %s)", arguments[0], outcome, value or "",
                    process.returncode)
    return outcome, value


def _exceeded(outcome: str, seconds: float, memory: int) -> tuple[str, str] | None:
    """The limit a stopped worker ran into, in words, and the limit itself
    (None: it failed otherwise)."""
    megabytes = f"{memory / 1e6:,.0f} MB"
    return {"slow": (f"took more than {seconds:g} s of processing", f"{seconds:g} s"),
            "memory": (f"needed more than {megabytes} of memory", megabytes)}.get(outcome)


def _read_one(path: Path, seconds: float, memory: int) -> uploads.Uploaded:
    outcome, value = _run([str(path)], None, seconds, memory)
    if outcome == "read":
        return value
    limit = _exceeded(outcome, seconds, memory)
    if outcome == "busy":
        reason, expected = ("was not read: the app is busy reading other files",
                            "a try again in a minute")
    elif limit:
        reason, expected = (f"{limit[0]} to read and was stopped",
                            f"a file pcnmap can read within {limit[1]}")
    else:
        reason, expected = ("could not be read (the reader stopped)",
                            "a file as its publisher makes it")
    return uploads.Uploaded(errors=[SourceError(path, reason, expected=expected)])


def beside_snapshot(uploaded: uploads.Uploaded, data_dir: Path, snapshot: str, method: str,
                    as_of: pd.Timestamp, *, seconds: float = SECONDS,
                    memory: int = MEMORY_BYTES) -> uploads.Beside | str:
    """:func:`pcnmap.uploads.beside_snapshot` in a worker, with the same
    limits as a file's reading: the comparison of a whole country's files
    needs tens of megabytes for a moment, which the app's process, serving
    every other user, then keeps. Returns the sentence to show when the
    worker was stopped or failed."""
    job = pickle.dumps((uploaded, Path(data_dir), snapshot, method, as_of))
    outcome, value = _run([BESIDE], job, seconds, memory)
    if outcome == "read":
        return value
    if outcome == "busy":
        return "The app is busy reading other files; try again in a minute."
    limit = _exceeded(outcome, seconds, memory)
    return ("Your files could not be set beside the snapshot: the comparison "
            + (f"{limit[0]} and was stopped." if limit
               else "failed (the details are in the app’s log)."))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
