"""Uploads read in a worker process, one file at a time, with limits.

A file a user brings is read by :func:`pcnmap.uploads.read_uploads` in a
separate process (``python -m pcnmap.worker``), so that no file can stall or
starve the app's other users: the process may use :data:`SECONDS` of
processor time, its start included (then the kernel stops it), and
:data:`MEMORY_BYTES` more address space than it has once started (an
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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
    """The worker: read one file, write the pickled outcome to stdout."""
    path, seconds, memory = Path(arguments[0]), float(arguments[1]), int(arguments[2])
    _limit(seconds, memory)
    try:
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
        result.files.update(one.files)
        result.peak_memory.update(one.peak_memory)
        for name in ("practices", "england", "networks", "members", "registered",
                     "configuration"):
            if getattr(one, name) is not None:
                setattr(result, name, getattr(one, name))
        result.errors.extend(one.errors)
        result.log.extend(one.log)
    return result


def _read_one(path: Path, seconds: float, memory: int) -> uploads.Uploaded:
    if not _SLOTS.acquire(timeout=60):
        return uploads.Uploaded(errors=[SourceError(
            path, "was not read: the app is busy reading other files",
            expected="a try again in a minute")])
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "pcnmap.worker", str(path), str(seconds), str(memory)],
            cwd=ROOT, env={**os.environ, **WORKER_ENVIRONMENT}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = process.communicate(timeout=seconds * WALL_FACTOR)
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
    if outcome == "read":
        return value
    LOG.warning("upload %s not read: %s %s (exit %s)", path.name, outcome, value or "",
                process.returncode)
    megabytes = f"{memory / 1e6:,.0f} MB"
    reason = {
        "slow": (f"took more than {seconds:g} s of processing to read and was stopped",
                 f"a file pcnmap can read within {seconds:g} s"),
        "memory": (f"needed more than {megabytes} of memory to read and was stopped",
                   f"a file pcnmap can read within {megabytes}"),
    }.get(outcome, ("could not be read (the reader stopped)",
                    "a file as its publisher makes it"))
    return uploads.Uploaded(errors=[SourceError(path, reason[0], expected=reason[1])])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
